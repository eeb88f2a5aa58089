package csvfile

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
)

// TestCodesHaveTexts: every CSV problem has a text in Japanese and
// English, and every key the package's source names is in Codes.
func TestCodesHaveTexts(t *testing.T) {
	for _, gap := range msg.Gaps(Codes()) {
		t.Error(gap)
	}
	listed := map[string]bool{}
	for _, k := range Codes() {
		listed[k] = true
	}
	// A key written out in the source ("csv.duplicate.column") must be
	// listed; keys built from parts are listed by the loops in Codes.
	key := regexp.MustCompile(`"(csv\.[a-z_.]+[a-z])"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			if !listed[m[1]] && !strings.HasSuffix(m[1], ".") {
				t.Errorf("%s: key %s is not in Codes()", f, m[1])
			}
		}
	}
}

// TestProblemsLocalize: a CSV problem renders in Japanese, keeps its code,
// parameters and sentinel, and the Error renders every problem.
func TestProblemsLocalize(t *testing.T) {
	var p problems
	p.add(&RowError{File: "user.csv", Line: 3, Column: 1, Field: "ログイン名",
		Err: newProblem("csv.duplicate.user_row", msg.Params{"login": "sato", "first": 2})})
	p.add(&RowError{File: "user.csv", Line: 1, Err: newProblem("csv.wrong_export", msg.Params{
		"export": KindOrgs.name(), "name": KindOrgs.FileName(), "want_export": KindUsers.name(), "want_name": KindUsers.FileName()})})
	err := p.err()
	if msg.Code(err) != CodeInvalid || msg.KindOf(err) != msg.KindInvalid {
		t.Errorf("code %s kind %v", msg.Code(err), msg.KindOf(err))
	}
	if !errors.Is(err, ErrDuplicate) {
		t.Error("errors.Is(err, ErrDuplicate) is false")
	}
	ja := msg.Localize(msg.Ja, err)
	for _, want := range []string{
		"CSV ファイルに 2 件の問題があります。",
		"user.csv:3:1（ログイン名）: 「sato」の行が 2 つあります（最初は 2 行目）。",
		"user.csv:1: これは組織の書き出し（organization.csv）で、ユーザーの書き出し（user.csv）ではありません。",
	} {
		if !strings.Contains(ja, want) {
			t.Errorf("Localize(Ja) lacks %q:\n%s", want, ja)
		}
	}
	if en := err.Error(); !strings.Contains(en, "this is the organizations (組織) export (organization.csv), not the users (ユーザー) export (user.csv)") {
		t.Errorf("Error() = %s", en)
	}
	var re *RowError
	errors.As(err, &re)
	if re.ErrorCode() != "duplicate" || re.ErrorParams()["login"] != "sato" || re.ErrorParams()["line"] != 3 {
		t.Errorf("RowError code %s params %v", re.ErrorCode(), re.ErrorParams())
	}
}
