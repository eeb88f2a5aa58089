package scope

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
)

// TestParseHelpExamples parses every condition the cybozu.com help text
// shows (「動的グループの抽出条件について」 and the group-editing steps),
// and every row of its table of key/operator combinations.
func TestParseHelpExamples(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		// Worked examples, verbatim (including the help's stray spaces and
		// full-width quotes).
		{"step example 1", `organization in ( "sales")`, `organization in ("sales")`},
		{"step example 2", `title in ("manager","chief")`, `title in ("manager", "chief")`},
		{"one organization", `organization in ("sales")`, `organization in ("sales")`},
		{"full-width quotes", `title in (“manager”, "chief")`, `title in ("manager", "chief")`},
		{"below or title", `organization <= "sales" or title in ("manager")`, `organization <= "sales" or title in ("manager")`},
		{"parentheses", `(organization in ("sales") or user in ("sato")) and title in "manager"`, `(organization in ("sales") or user in ("sato")) and title in ("manager")`},
		// The table of combinations.
		{"user in", `user in ("sato", "suzuki")`, `user in ("sato", "suzuki")`},
		{"user not in", `user not in ("sato", "suzuki")`, `user not in ("sato", "suzuki")`},
		{"organization in", `organization in ("sales", "dev", "hq")`, `organization in ("sales", "dev", "hq")`},
		{"organization not in", `organization not in ("sales", "dev")`, `organization not in ("sales", "dev")`},
		{"organization below", `organization < "sales"`, `organization < "sales"`},
		{"organization at or below", `organization <= "sales"`, `organization <= "sales"`},
		{"group in", `group in ("g-pm", "g-qa")`, `group in ("g-pm", "g-qa")`},
		{"group not in", `group not in ("g-pm")`, `group not in ("g-pm")`},
		{"title in", `title in ("manager", "chief")`, `title in ("manager", "chief")`},
		{"title not in", `title not in ("manager", "chief")`, `title not in ("manager", "chief")`},
		{"no title", `title = " no title"`, `title in (" no title")`},
		{"employeeNumber in", `employeeNumber in ("E001", "E002")`, `employeeNumber in ("E001", "E002")`},
		{"employeeNumber not in", `employeeNumber not in ("E001")`, `employeeNumber not in ("E001")`},
		{"birthDate =", `birthDate = "1980-05-01"`, `birthDate = "1980-05-01"`},
		{"birthDate <", `birthDate < "1980-05-01"`, `birthDate < "1980-05-01"`},
		{"birthDate <=", `birthDate <= "1980-05-01"`, `birthDate <= "1980-05-01"`},
		{"birthDate >", `birthDate > "1980-05-01"`, `birthDate > "1980-05-01"`},
		{"birthDate >=", `birthDate >= "1980-05-01"`, `birthDate >= "1980-05-01"`},
		{"joinDate =", `joinDate = "2005-04-01"`, `joinDate = "2005-04-01"`},
		{"joinDate <", `joinDate < "2005-04-01"`, `joinDate < "2005-04-01"`},
		{"joinDate <=", `joinDate <= "2005-04-01"`, `joinDate <= "2005-04-01"`},
		{"joinDate >", `joinDate > "2005-04-01"`, `joinDate > "2005-04-01"`},
		{"joinDate >=", `joinDate >= "2005-04-01"`, `joinDate >= "2005-04-01"`},
		// Forms the help mentions or an admin is likely to type.
		{"legacy equals", `user = "sato"`, `user in ("sato")`},
		{"legacy not equals", `user != "sato"`, `user not in ("sato")`},
		{"unquoted values", `user in (sato, suzuki) and birthDate >= 1990/1/2`, `user in ("sato", "suzuki") and birthDate >= "1990-01-02"`},
		{"no spaces", `organization<="sales"and(title in("manager"))`, `organization <= "sales" and title in ("manager")`},
		{"upper-case words", `user IN ("a") AND title NOT IN ("b") OR group in ("c")`, `user in ("a") and title not in ("b") or group in ("c")`},
		{"full-width punctuation", `user in（"a"，"b"）　and　title in (＂manager＂)`, `user in ("a", "b") and title in ("manager")`},
		{"and binds tighter", `user in ("a") or user in ("b") and user in ("c")`, `user in ("a") or user in ("b") and user in ("c")`},
		{"or inside and", `user in ("a") and (user in ("b") or user in ("c"))`, `user in ("a") and (user in ("b") or user in ("c"))`},
		{"Japanese codes", `organization <= "営業部"`, `organization <= "営業部"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if diff := cmp.Diff(tt.want, s.String()); diff != "" {
				t.Errorf("String() (-want +got):\n%s", diff)
			}
			if s.Source() != tt.src {
				t.Errorf("Source() = %q, want %q", s.Source(), tt.src)
			}
			again, err := Parse(s.String())
			if err != nil {
				t.Fatalf("canonical form does not parse: %v", err)
			}
			if again.String() != s.String() {
				t.Errorf("canonical form is not stable: %q → %q", s.String(), again.String())
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "   ", "\t\n", "　"} {
		s, err := Parse(src)
		if err != nil || s != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", src, s, err)
		}
		if !s.Match(&directory.User{Login: "x"}, nil) {
			t.Errorf("empty scope must match everyone")
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		col       int
		msg       string // a substring of the message
	}{
		{"unknown key", `department in ("a")`, 1, `unknown key "department"`},
		{"key case", `Organization in ("a")`, 1, "did you mean organization?"},
		{"missing operator", `user ("a")`, 6, "expected an operator"},
		{"not without in", `user not ("a")`, 10, `expected "in" after "not"`},
		{"double equals", `user == "a"`, 6, `"==" is not an operator`},
		{"bang alone", `user ! "a"`, 6, `"!" must be followed by "="`},
		{"operator not for key", `title < "manager"`, 7, `"<" cannot be used with title`},
		{"in on a date", `birthDate in ("2000-01-01")`, 11, `"in" cannot be used with birthDate`},
		{"greater on organization", `organization > "sales"`, 14, `">" cannot be used with organization`},
		{"bad date", `joinDate >= "2000-13-01"`, 13, "is not a date"},
		{"unterminated quote", `user in ("sato)`, 10, "no closing quote"},
		{"unterminated full-width quote", `user in (“sato)`, 10, "no closing quote"},
		{"empty list", `user in ()`, 10, "the list is empty"},
		{"empty value", `user in ("")`, 10, "the value is empty"},
		{"trailing comma", `user in ("a",)`, 14, "expected a value"},
		{"missing comma", `user in ("a" "b")`, 14, `expected "," or ")"`},
		{"unclosed list", `user in ("a"`, 13, `expected "," or ")" in the list opened at column 9`},
		{"unclosed paren", `(user in ("a")`, 15, `expected ")" to close the "(" at column 1`},
		{"extra paren", `user in ("a"))`, 14, `has no matching "("`},
		{"dangling and", `user in ("a") and`, 18, "expected a key"},
		{"missing and", `user in ("a") title in ("b")`, 15, `expected "and", "or"`},
		{"keyword as value", `user in (and)`, 10, "quote it"},
		{"missing value", `user =`, 7, "expected a value"},
		{"operator first", `= "a"`, 1, "expected a key"},
		{"position counts characters", `organization in ("営業") and 部署 in ("x")`, 28, `unknown key "部署"`},
		{"too deep", strings.Repeat("(", 101) + `user in ("a")` + strings.Repeat(")", 101), 101, "nested more than 100 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tt.src, s, err)
			}
			if se.Column != tt.col {
				t.Errorf("column = %d, want %d (%s)", se.Column, tt.col, se.Msg)
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", se.Msg, tt.msg)
			}
			if se.ErrorCode() != "scope_syntax" {
				t.Errorf("code = %q", se.ErrorCode())
			}
			if !strings.HasPrefix(err.Error(), "calendar scope, column ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// company is a small directory:
//
//	hq ─┬─ sales ── sales-east ── sales-east-1
//	    └─ dev
func company() *directory.Snapshot {
	s := &directory.Snapshot{
		Organizations: []directory.Organization{
			{Code: "hq", Name: "本社"},
			{Code: "sales", Name: "営業部", ParentCode: "hq"},
			{Code: "sales-east", Name: "東日本営業", ParentCode: "sales"},
			{Code: "sales-east-1", Name: "東日本一課", ParentCode: "sales-east"},
			{Code: "dev", Name: "開発部", ParentCode: "hq"},
		},
		Titles: []directory.Title{{Code: "manager", Name: "部長"}, {Code: "chief", Name: "課長"}},
		Users: []directory.User{
			{Login: "sato", EmployeeNumber: "E001", BirthDate: "1980-05-01", JoinDate: "2005-04-01",
				Memberships: []directory.Membership{{OrgCode: "sales-east"}}},
			{Login: "suzuki", EmployeeNumber: "E002", BirthDate: "1990-01-01", JoinDate: "2012-04-01",
				Memberships: []directory.Membership{{OrgCode: "sales", TitleCode: "manager"}}},
			{Login: "tanaka", BirthDate: "1975-12-31",
				Memberships: []directory.Membership{{OrgCode: "dev", TitleCode: "chief"}, {OrgCode: "sales-east-1", TitleCode: "manager"}}},
			{Login: "ito"},
			{Login: "kato", JoinDate: "2020/04/01", Memberships: []directory.Membership{{OrgCode: "hq"}}},
		},
		Groups: []directory.Group{{Code: "g-pm", Members: []string{"tanaka"}}, {Code: "g-qa", Members: []string{"ito", "sato"}}},
	}
	s.Sort()
	return s
}

func TestMatch(t *testing.T) {
	snap := company()
	ix := directory.NewIndex(snap)
	d := NewDirectory(snap, ix)
	tests := []struct {
		src  string
		want []string
	}{
		{`organization in ("sales")`, []string{"suzuki"}},
		{`organization in ( "sales")`, []string{"suzuki"}},
		{`organization not in ("sales", "dev")`, []string{"ito", "kato", "sato"}},
		{`organization < "sales"`, []string{"sato", "tanaka"}},
		{`organization <= "sales"`, []string{"sato", "suzuki", "tanaka"}},
		{`organization <= "sales-east-1"`, []string{"tanaka"}},
		{`organization < "sales-east-1"`, nil},
		{`organization <= "hq"`, []string{"kato", "sato", "suzuki", "tanaka"}},
		{`organization <= "nowhere"`, nil},
		{`title in ("manager","chief")`, []string{"suzuki", "tanaka"}},
		{`title in (“manager”, "chief")`, []string{"suzuki", "tanaka"}},
		{`title in ("chief")`, []string{"tanaka"}},
		{`title not in ("manager")`, []string{"ito", "kato", "sato"}},
		{`title = " no title"`, []string{"ito", "kato", "sato"}},
		{`title not in (" no title")`, []string{"suzuki", "tanaka"}},
		{`title in ("chief", " no title")`, []string{"ito", "kato", "sato", "tanaka"}},
		{`user in ("sato", "ghost")`, []string{"sato"}},
		{`user not in ("sato")`, []string{"ito", "kato", "suzuki", "tanaka"}},
		{`group in ("g-qa")`, []string{"ito", "sato"}},
		{`group not in ("g-qa", "g-pm")`, []string{"kato", "suzuki"}},
		{`group in ("everyone")`, []string{"ito", "kato", "sato", "suzuki", "tanaka"}},
		{`employeeNumber in ("E001", "E002")`, []string{"sato", "suzuki"}},
		{`employeeNumber not in ("E001")`, []string{"ito", "kato", "suzuki", "tanaka"}},
		{`birthDate = "1980-05-01"`, []string{"sato"}},
		{`birthDate < "1980-05-01"`, []string{"tanaka"}},
		{`birthDate <= "1980-05-01"`, []string{"sato", "tanaka"}},
		{`birthDate > "1980-05-01"`, []string{"suzuki"}},
		{`birthDate >= "1980-05-01"`, []string{"sato", "suzuki"}},
		{`joinDate >= "2010-01-01"`, []string{"kato", "suzuki"}},
		{`joinDate < "2010-01-01"`, []string{"sato"}},
		{`organization <= "sales" or title in ("manager")`, []string{"sato", "suzuki", "tanaka"}},
		{`(organization in ("sales") or user in ("sato")) and title in "manager"`, []string{"suzuki"}},
		{`organization in ("sales") or user in ("sato") and title in "manager"`, []string{"suzuki"}},
		{`user in ("ito") or user in ("sato") and title in "manager"`, []string{"ito"}},
		{`(user in ("ito") or user in ("sato")) and title = " no title"`, []string{"ito", "sato"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range snap.Users {
				if s.Match(&snap.Users[i], d) {
					got = append(got, snap.Users[i].Login)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("matched users (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknown(t *testing.T) {
	snap := company()
	d := NewDirectory(snap, directory.NewIndex(snap))
	s, err := Parse(`organization <= "salse" or (title in ("manager", "boss", " no title") and group in ("everyone", "g-xx")) or user in ("ghost", "sato") or employeeNumber = "E9" or birthDate > "2000-01-01" or organization in ("salse")`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Reference{
		{Key: KeyOrganization, Value: "salse", Column: 1},
		{Key: KeyTitle, Value: "boss", Column: 29},
		{Key: KeyGroup, Value: "g-xx", Column: 75},
		{Key: KeyUser, Value: "ghost", Column: 109},
		{Key: KeyEmployeeNumber, Value: "E9", Column: 138},
	}
	if diff := cmp.Diff(want, s.Unknown(d)); diff != "" {
		t.Errorf("Unknown (-want +got):\n%s", diff)
	}
	if got := want[0].String(); !strings.Contains(got, `organization "salse" (column 1)`) {
		t.Errorf("Reference.String() = %q", got)
	}
}

// FuzzParse feeds arbitrary text to the parser: it must never panic, a
// syntax error must point inside the input (or just past its end), and an
// accepted expression must print in a canonical form that parses back to
// itself and can be evaluated.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`organization in ( "sales")`,
		`title in (“manager”, "chief")`,
		`(organization in ("sales") or user in ("sato")) and title in "manager"`,
		`title = " no title"`,
		`birthDate >= "1990-01-01" and joinDate < 2020/04/01`,
		`user in（"a"，"b"）`,
		`((user in ("a")`,
	} {
		f.Add(s)
	}
	snap := company()
	d := NewDirectory(snap, directory.NewIndex(snap))
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", src, err)
			}
			if n := utf8.RuneCountInString(src); se.Column < 1 || se.Column > n+1 {
				t.Fatalf("Parse(%q): column %d outside 1..%d", src, se.Column, n+1)
			}
			if !msg.Has(se.TextKey()) {
				t.Fatalf("Parse(%q): key %q has no text", src, se.TextKey())
			}
			return
		}
		canon := s.String()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, src, err)
		}
		if again.String() != canon {
			t.Fatalf("canonical form not stable: %q → %q", canon, again.String())
		}
		for i := range snap.Users {
			if s.Match(&snap.Users[i], d) != again.Match(&snap.Users[i], d) {
				t.Fatalf("%q and its canonical form %q disagree on %s", src, canon, snap.Users[i].Login)
			}
		}
		_ = s.Unknown(d)
	})
}

// TestErrorOnALaterLine: a scope written over several lines (a TOML
// multi-line string) is reported by line and column within that line; a
// count of characters across lines would send the admin to the wrong place.
func TestErrorOnALaterLine(t *testing.T) {
	src := "organization <= \"sales\"\n  and titel in (\"manager\")"
	_, err := Parse(src)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("Parse = %v; want a *SyntaxError", err)
	}
	if se.Column != 31 || se.Line != 2 || se.LineColumn != 7 {
		t.Errorf("column %d, line %d, line column %d; want 31, 2, 7", se.Column, se.Line, se.LineColumn)
	}
	if want := "calendar scope, line 2, column 7: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Error() = %q; want it to start %q", err.Error(), want)
	}
	_, err = Parse(`user in ("a") and`)
	if want := "calendar scope, column 18: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("one-line Error() = %v; want it to start %q", err, want)
	}
}
