package scope

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
)

// TestSyntaxErrorTexts: every situation of a syntax error has its key,
// renders in Japanese as a Japanese sentence (no English word left once
// the quoted spans and the parameters are taken out), and in English as
// Error(); together the cases reach every key Keys lists.
func TestSyntaxErrorTexts(t *testing.T) {
	tests := []struct {
		src, key string
		ja       string // a substring of the Japanese text
	}{
		{`user ! "a"`, "scope.bang_alone", "対象範囲の式の 6 文字目に誤りがあります。「!」の後には「=」を続けてください"},
		{`user == "a"`, "scope.double_equals", "「==」という演算子はありません。"},
		{`user in ("sato)`, "scope.unclosed_quote", "引用符で囲んだ値が閉じられていません"},
		{`user in ("a"))`, "scope.unmatched_paren", "この「)」に対応する「(」がありません。"},
		{`user in ("a") title in ("b")`, "scope.expected_and_or", "（「title」と書かれています）"},
		{`(user in ("a") "x"`, "scope.expected_close_paren", "1 文字目の「(」を閉じる「)」が必要です（「x」と書かれています）。"},
		{`(user in ("a")`, "scope.unclosed_paren", "1 文字目の「(」が「)」で閉じられないまま"},
		{strings.Repeat("(", 101) + `user in ("a")` + strings.Repeat(")", 101), "scope.too_deep", "かっこの入れ子が 100 段を超えています。"},
		{`= "a"`, "scope.expected_key", "（「=」と書かれています）"},
		{`user in ("a") and not`, "scope.expected_key", "（「not」と書かれています）"},
		{`user in ("a") and`, "scope.missing_key", "式が終わっています"},
		{`Organization in ("a")`, "scope.unknown_key_case", "「Organization」というキーはありません。organization の誤りではありませんか？"},
		{`部署 in ("x")`, "scope.unknown_key", "「部署」というキーはありません。user、organization"},
		{`title inn ("manager")`, "scope.expected_operator", "（「inn」と書かれています）"},
		{`title`, "scope.missing_operator", "演算子（in, not in, =, !=, <, <=, >, >=）がないまま"},
		{`user not ("a")`, "scope.expected_in", "「not」の後には「in」を書いてください（「(」と書かれています）。"},
		{`user not`, "scope.missing_in", "「not」の後に「in」がないまま"},
		{`title < "manager"`, "scope.operator_not_allowed", "title には「<」を使えません。in、not in、=、!= のいずれかを使ってください。"},
		{`user in ("a",)`, "scope.expected_value", "（「)」と書かれています）"},
		{`user =`, "scope.missing_value", "値（例: \"sales\"）がないまま"},
		{`user in (and)`, "scope.reserved_value", "「and」は式の中で特別な意味を持つ語（and、or、in、not）です。"},
		{`user in ("")`, "scope.empty_value", "値が空です。"},
		{`joinDate >= "2000-13-01"`, "scope.bad_date", "joinDate の「2000-13-01」は日付として読めません。"},
		{`user in ()`, "scope.empty_list", "値の一覧が空です。"},
		{`user in ("a" "b")`, "scope.expected_list_separator", "9 文字目からの一覧では、値の後に「,」か「)」を書いてください（「b」と書かれています）。"},
		{`user in ("a"`, "scope.unclosed_list", "9 文字目からの一覧が「)」で閉じられないまま"},
	}
	reached := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			_, err := Parse(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v; want a *SyntaxError", tt.src, err)
			}
			if se.Key != tt.key {
				t.Fatalf("Parse(%q): key %q, want %q (%v)", tt.src, se.Key, tt.key, err)
			}
			reached[se.Key] = true
			ja := msg.Localize(msg.Ja, err)
			if !strings.Contains(ja, tt.ja) {
				t.Errorf("Japanese %q lacks %q", ja, tt.ja)
			}
			if w := msg.EnglishLeft(ja, se.ErrorParams(), syntaxWords...); w != "" {
				t.Errorf("Japanese %q has the English word %q", ja, w)
			}
			if got, want := err.Error(), msg.Text(msg.En, se.TextKey(), se.ErrorParams()); got != want || !strings.HasSuffix(got, se.Msg) {
				t.Errorf("Error() = %q, want %q ending with Msg %q", got, want, se.Msg)
			}
			if msg.Code(err) != "scope_syntax" || msg.KindOf(err) != msg.KindInvalid {
				t.Errorf("code %q, kind %v; want scope_syntax, invalid", msg.Code(err), msg.KindOf(err))
			}
		})
	}
	var missed []string
	for _, k := range Keys() {
		if !reached[k] {
			missed = append(missed, k)
		}
	}
	if len(missed) > 0 {
		t.Errorf("no case reaches %v", missed)
	}
}

// syntaxWords are the scope syntax's own words, which a Japanese text
// writes as they are.
var syntaxWords = []string{"user", "organization", "group", "title", "employeeNumber", "birthDate", "joinDate"}

// TestSyntaxErrorOnALaterLineInJapanese: a scope of several lines is
// placed by line and column in Japanese too.
func TestSyntaxErrorOnALaterLineInJapanese(t *testing.T) {
	_, err := Parse("organization <= \"sales\"\n  and titel in (\"manager\")")
	want := "対象範囲の式の 2 行目 7 文字目に誤りがあります。「titel」というキーはありません。"
	if got := msg.Localize(msg.Ja, err); !strings.HasPrefix(got, want) {
		t.Errorf("Localize(Ja) = %q; want it to start %q", got, want)
	}
	if diff := cmp.Diff(msg.Params{"line": 2, "column": 7, "found": "titel", "keys": keyList()}, msg.ParamsOf(err)); diff != "" {
		t.Errorf("ErrorParams (-want +got):\n%s", diff)
	}
}

// TestEveryKeyHasText: each situation has its three texts.
func TestEveryKeyHasText(t *testing.T) {
	var all []string
	for _, k := range Keys() {
		all = append(all, k, k+".at", k+".at_line")
	}
	for _, gap := range msg.Gaps(all) {
		t.Error(gap)
	}
}
