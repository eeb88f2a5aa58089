package directory

import (
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
)

// TestValidationErrorLocalize: a problem renders in the admin's language
// from its key and parameters, in both languages.
func TestValidationErrorLocalize(t *testing.T) {
	s := &Snapshot{
		Organizations: []Organization{{Code: "a", Name: "A", ParentCode: "x", Origin: Location{File: "organization.csv", Line: 2}}},
		Users:         []User{{Login: "", DisplayName: "佐藤", Origin: Location{File: "user.csv", Line: 3}}},
	}
	err := s.Validate()
	if msg.Code(err) != CodeInvalidDirectory || msg.KindOf(err) != msg.KindInvalid {
		t.Fatalf("Validate = %v (%s)", err, msg.Code(err))
	}
	ja := msg.Localize(msg.Ja, err)
	for _, want := range []string{"ユーザー情報に 2 件の問題", "organization.csv:2: 組織「a」の親組織「x」が存在しません。", "user.csv:3: ユーザー「佐藤」にログイン名がありません。"} {
		if !strings.Contains(ja, want) {
			t.Errorf("Localize(Ja) lacks %q:\n%s", want, ja)
		}
	}
	if en := err.Error(); !strings.Contains(en, `organization.csv:2: organization "a" names parent "x", which does not exist`) {
		t.Errorf("Error() = %s", en)
	}
}
