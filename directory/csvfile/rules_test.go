package csvfile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
)

// urow is a user.csv row in the documented order: login and display name,
// 使用状態 1, and "key=value" settings by column key (raw, untrimmed).
func urow(login, name string, set ...string) []string {
	row := make([]string, len(userColumns))
	row[0], row[1] = login, name
	values := map[string]string{"valid": "1"}
	for _, s := range set {
		k, v, _ := strings.Cut(s, "=")
		values[k] = v
	}
	for i, c := range userColumns {
		if v, ok := values[c.key]; ok {
			row[i] = v
		}
	}
	return row
}

// csvLines joins rows with sep, quoting as encoding/csv would not: the
// tests write exactly what they mean.
func csvLines(sep string, rows ...[]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, sep))
		b.WriteString("\r\n")
	}
	return b.String()
}

func usersOnly(body string) map[Kind]string {
	return map[Kind]string{KindUsers: userHeader + "\r\n" + body}
}

func onlyUser(t *testing.T, s *directory.Snapshot) directory.User {
	t.Helper()
	if len(s.Users) != 1 {
		t.Fatalf("%d users, want 1", len(s.Users))
	}
	return s.Users[0]
}

// TestTrimming follows 「ファイルから読み込むとトリムされる項目」: login name,
// names, readings, contact fields and dates are trimmed (half- and
// full-width spaces, tabs); 表示名, メモ and custom items are not.
func TestTrimming(t *testing.T) {
	body := csvLines(",", append(urow(" \u3000taro\t", "  山田 太郎 ",
		"surname= 山田 ", "given_name=\u3000太郎", "surname_reading= やまだ", "given_name_reading=たろう ",
		"email= taro@example.com ", "valid= 1 ", "phone= 03-1 ", "extension= 2 ", "mobile= 3 ",
		"employee_number= E1 ", "join_date= 2020/4/1 ", "birth_date= 1990-12-31 ", "sort_order= 7 ", "delete= * "),
		" 本社 "))
	s, err := readMap(t, map[Kind]string{KindUsers: userHeader + ",拠点\r\n" + body}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := directory.User{
		Login: "taro", DisplayName: "  山田 太郎 ", Surname: "山田", GivenName: "太郎", SurnameReading: "やまだ", GivenNameReading: "たろう",
		Email: "taro@example.com", Valid: true, Phone: "03-1", Extension: "2", Mobile: "3", EmployeeNumber: "E1",
		JoinDate: "2020-04-01", BirthDate: "1990-12-31", SortOrder: intp(7),
		CustomItems: []directory.CustomItem{{Code: "拠点", Value: " 本社 "}},
		Origin:      directory.Location{File: "user.csv", Line: 2, Column: 1},
	}
	if d := cmp.Diff(want, onlyUser(t, s)); d != "" {
		t.Errorf("user (-want +got):\n%s", d)
	}
}

func TestTrimmingOrganizations(t *testing.T) {
	files := map[Kind]string{
		KindUsers:    usersOnly("")[KindUsers],
		KindOrgs:     "組織コード,表示名,新組織コード,別言語での表示名,別言語の名前を表示する言語,親組織コード,説明\r\n a , 本部 ,*, HQ ,, , 説明 \r\n b ,部,*,,, a ,\r\n",
		KindUserOrgs: "ログイン名,組織コード1,役職コード1\r\n",
	}
	s, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.Organization{
		{Code: "a", Name: "本部", LocalName: "HQ", Description: " 説明 ", Origin: directory.Location{File: "organization.csv", Line: 2, Column: 1}},
		{Code: "b", Name: "部", ParentCode: "a", Origin: directory.Location{File: "organization.csv", Line: 3, Column: 1}},
	}
	if d := cmp.Diff(want, s.Organizations); d != "" {
		t.Errorf("organizations (-want +got):\n%s", d)
	}
}

// TestAsteriskNotGiven: 「*」 is "not given" in value columns, a literal in
// code columns, and not allowed as a login name.
func TestAsterisk(t *testing.T) {
	s, err := readMap(t, map[Kind]string{
		KindUsers:    userHeader + "\r\n" + csvLines(",", urow("u1", "U", "email=*", "phone= * ", "join_date=*", "sort_order=*")),
		KindOrgs:     "組織コード,表示名,新組織コード,別言語での表示名,別言語の名前を表示する言語,親組織コード,説明\r\n*,Star,*,*,*,,*\r\nc,Child,*,,,*,\r\n",
		KindUserOrgs: "ログイン名,組織コード1,役職コード1\r\nu1,*,\r\n",
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := onlyUser(t, s)
	if u.Email != "" || u.Phone != "" || u.JoinDate != "" || u.SortOrder != nil {
		t.Errorf("「*」 read as a value: %+v", u)
	}
	if u.PrimaryOrg != "*" {
		t.Errorf("primary %q, want the organization coded 「*」", u.PrimaryOrg)
	}
	if got := s.Organizations[1]; got.Code != "c" || got.ParentCode != "*" || got.LocalName != "" {
		t.Errorf("organization %+v", got)
	}
	_, err = readMap(t, usersOnly(csvLines(",", urow("*", "Star"), urow("u2", "*"))), Options{})
	wantProblems(t, err,
		"user.csv:2:1 (ログイン名): 「*」 cannot be a login name",
		"user.csv:3:2 (表示名): the display name (表示名) is empty")
}

// TestFieldRules: values that cannot be read are reported at their cell,
// every one of them, and the row is left out.
func TestFieldRules(t *testing.T) {
	body := csvLines(",",
		urow("ok", "OK", "valid=0", "join_date=2024/02/29", "birth_date=1999-1-2", "sort_order=99999999"),
		urow("a", "A", "valid=yes"),
		urow("b", "B", "valid="),
		urow("c", "C", "join_date=2023-02-29", "birth_date=1990.01.01"),
		urow("d", "D", "sort_order=-1"),
		urow("e", "E", "sort_order=100000000"),
		urow("f", "F", "delete=1"),
		urow("g", "G", "new_login=g2"),
		urow("h", "H", "new_login=h", "delete=0"),
		urow("", "Nobody"),
	)
	s, err := readMap(t, usersOnly(body), Options{})
	wantProblems(t, err,
		`user.csv:3:12 (使用状態): 使用状態 must be 1 (使用中, active) or 0 (停止中, stopped), not "yes"`,
		`user.csv:4:12 (使用状態): 使用状態 must be 1`,
		`user.csv:5:20 (入社日): "2023-02-29" is not a date`,
		`user.csv:5:21 (誕生日): "1990.01.01" is not a date`,
		`user.csv:6:23 (表示優先度): 表示優先度 must be a whole number from 0 to 99999999, not "-1"`,
		`user.csv:7:23 (表示優先度): 表示優先度 must be a whole number from 0 to 99999999, not "100000000"`,
		`user.csv:8:25 (削除): 削除 is 1, which deletes this entry on import`,
		`user.csv:9:3 (新ログイン名): "g2" renames "g"`,
		`user.csv:11:1 (ログイン名): the login name is empty`,
	)
	if s != nil {
		t.Error("a snapshot came back with the error")
	}
	s, err = readMap(t, usersOnly(body[:strings.Index(body, "\r\n")+2]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := onlyUser(t, s)
	if u.Valid || u.JoinDate != "2024-02-29" || u.BirthDate != "1999-01-02" || *u.SortOrder != 99999999 {
		t.Errorf("user %+v", u)
	}
}

// TestQuoting: quoted fields with the separator, doubled quotes and line
// breaks; positions after a multi-line field stay right.
func TestQuoting(t *testing.T) {
	files := map[Kind]string{
		KindUsers: userHeader + "\r\n" +
			csvLines(",", urow("q1", `"Smith, John"`), urow("q2", `"say ""hi"""`)) +
			strings.Join(urow("q3", "\"two\r\nlines\""), ",") + "\r\n" +
			csvLines(",", urow("q4", "Four", "valid=2")),
		KindOrgs:     "組織コード,表示名,新組織コード,別言語での表示名,別言語の名前を表示する言語,親組織コード,説明\r\no,Org,*,,,,\"line 1\r\nline 2, with comma\"\r\n",
		KindUserOrgs: "ログイン名,組織コード1,役職コード1\r\n" + loginRows("q1", "q2", "q3", "q4"),
	}
	_, err := readMap(t, files, Options{})
	wantProblems(t, err, "user.csv:6:12 (使用状態)") // q3 takes lines 4 and 5
	files[KindUsers] = strings.Replace(files[KindUsers], "valid=2", "", 1)
	files[KindUsers] = strings.Replace(files[KindUsers], ",2,", ",1,", 1)
	s, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, u := range s.Users {
		names = append(names, u.DisplayName)
	}
	if d := cmp.Diff([]string{"Smith, John", `say "hi"`, "two\nlines", "Four"}, names); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	if got := s.Organizations[0].Description; got != "line 1\nline 2, with comma" {
		t.Errorf("description %q", got)
	}
	if got := s.Users[3].Origin.Line; got != 6 {
		t.Errorf("q4 at line %d, want 6", got)
	}
}

func TestQuoteErrorStopsTheFile(t *testing.T) {
	_, err := readMap(t, usersOnly(csvLines(",", urow("a", `A "quoted" name`), urow("b", "B", "valid=x"))), Options{})
	wantProblems(t, err, `user.csv:2: bare " in non-quoted-field: a field with a double quote must be quoted`)
}

// TestSeparators: each separator is detected (also when values contain the
// others), and can be forced.
func TestSeparators(t *testing.T) {
	for _, tc := range []struct{ name, sep, option string }{
		{"comma", ",", ""},
		{"semicolon", ";", ""},
		{"tab", "\t", ""},
		{"space", " ", ""},
		{"forced semicolon", ";", "semicolon"},
		{"forced tab", "\t", "tab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quote := func(s string) string {
				if strings.ContainsAny(s, tc.sep+`"`) {
					return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
				}
				return s
			}
			var lines []string
			for _, row := range [][]string{strings.Split(userHeader, ","), urow("a", "Smith, John; Jr."), urow("b", "山田 太郎", "email=b@example.com")} {
				cells := make([]string, len(row))
				for i, c := range row {
					cells[i] = quote(c)
				}
				lines = append(lines, strings.Join(cells, tc.sep))
			}
			s, err := readMap(t, map[Kind]string{KindUsers: strings.Join(lines, "\n") + "\n"}, Options{Separator: tc.option})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Users[0].DisplayName + "|" + s.Users[1].DisplayName + "|" + s.Users[1].Email; got != "Smith, John; Jr.|山田 太郎|b@example.com" {
				t.Errorf("got %s", got)
			}
		})
	}
}

// TestSniffSeparator: the first rows decide; a first row with one column
// (a user in no organization) does not.
func TestSniffSeparator(t *testing.T) {
	for text, want := range map[string]rune{
		"a,b,c\n":                         ',',
		"a;b;c\n":                         ';',
		"a\tb\tc\n":                       '\t',
		"a b c\n":                         ' ',
		"\"x y\" \"z, w\" v\n":            ' ',
		"tanaka\nkato\torg001\tmanager\n": '\t',
		"tanaka\n":                        ',',
		"\"Smith, John\";a;b\n":           ';',
		"山田 太郎,a,b\n":                     ',',
		"name\tdesc\n\"a\nb,c,d,e\"\tx\n": '\t',
		// An English header, then mostly users in no group: the header's
		// spaces do not outweigh its commas.
		"Login Name,Group Code 1\r\na,g1\r\nb\r\nc\r\nd\r\ne\r\n":  ',',
		"ログイン名 組織コード1\nb\nc\nd\na org1\n":                          ' ',
		"sato, org001,\nkato, org001, , org002, manager\ntanaka\n": ',',
	} {
		if got := sniffSeparator([]byte(text)); got != want {
			t.Errorf("sniff %q = %q, want %q", text, got, want)
		}
	}
}

// TestHeaderVariants: columns are matched by name in any order and
// spelling; a missing column that fills the snapshot is an error.
func TestHeaderVariants(t *testing.T) {
	row := urow("a", "A", "email=a@example.com", "surname_reading=えー")
	reorder := func(header []string, row []string) string {
		// move E-mail to the front
		h := append([]string{header[10]}, append(append([]string{}, header[:10]...), header[11:]...)...)
		r := append([]string{row[10]}, append(append([]string{}, row[:10]...), row[11:]...)...)
		return csvLines(",", h, r)
	}
	header := strings.Split(userHeader, ",")
	fullWidth := strings.Split(strings.NewReplacer("(", "（", ")", "）", " (", "（").Replace(userHeader), ",")
	newer := strings.Split(strings.NewReplacer("E-mail", "メールアドレス", "携帯", "携帯電話", "メモ", "コメント").Replace(userHeader), ",")
	for name, text := range map[string]string{
		"documented":        csvLines(",", header, row),
		"reordered":         reorder(header, row),
		"full-width parens": csvLines(",", fullWidth, row),
		"newer help names":  csvLines(",", newer, row),
		"no header":         csvLines(",", row),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := readMap(t, map[Kind]string{KindUsers: text}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if u := onlyUser(t, s); u.Email != "a@example.com" || u.SurnameReading != "えー" {
				t.Errorf("user %+v", u)
			}
		})
	}

	missing := csvLines(",", append(header[:11:11], header[12:]...), append(row[:11:11], row[12:]...))
	_, err := readMap(t, map[Kind]string{KindUsers: missing}, Options{})
	wantProblems(t, err, "user.csv:1:12 (使用状態): the 使用状態 column (column 12 of the export) is missing")

	twice := csvLines(",", append(header, "E-mail"), append(row, "x"))
	_, err = readMap(t, map[Kind]string{KindUsers: twice}, Options{})
	wantProblems(t, err, "user.csv:1:26 (E-mail): the E-mail column appears twice (also column 11)")

	unknown := csvLines(",", append([]string{"拠点"}, header...), append([]string{"x"}, row...))
	_, err = readMap(t, map[Kind]string{KindUsers: unknown}, Options{})
	wantProblems(t, err, `user.csv:1:1 (拠点): unknown column "拠点" before 削除`)

	f := false
	_, err = readMap(t, map[Kind]string{KindUsers: csvLines(",", header, row)}, Options{Header: &f})
	wantProblems(t, err, // the header read as a user
		`user.csv:1:3 (新ログイン名): "新ログイン名" renames "ログイン名"`,
		`user.csv:1:20 (入社日): "入社日" is not a date`,
		`user.csv:1:21 (誕生日): "誕生日" is not a date`,
		`user.csv:1:12 (使用状態): 使用状態 must be 1`,
		`user.csv:1:23 (表示優先度): 表示優先度 must be a whole number`,
		`user.csv:1:25 (削除): 削除 must be empty`)
}

// TestWrongFileInPlace: a file given as another kind is named.
func TestWrongFileInPlace(t *testing.T) {
	_, err := readMap(t, map[Kind]string{KindUsers: helpExample[KindOrgs]}, Options{})
	wantProblems(t, err, "user.csv:1: this is the organizations (組織) export (organization.csv), not the users (ユーザー) export (user.csv)")
}

// TestCustomItems: the columns after 削除, named by the header; a
// header-less file needs the names.
func TestCustomItems(t *testing.T) {
	rows := [][]string{append(urow("a", "A"), "本社", ""), append(urow("b", "B"), "*", "20階")}
	s, err := readMap(t, map[Kind]string{KindUsers: csvLines(",", append(strings.Split(userHeader, ","), "拠点情報", "座席情報"), rows[0], rows[1])}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := [][]directory.CustomItem{s.Users[0].CustomItems, s.Users[1].CustomItems}
	want := [][]directory.CustomItem{{{Code: "拠点情報", Value: "本社"}}, {{Code: "座席情報", Value: "20階"}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("custom items (-want +got):\n%s", d)
	}
	s, err = readMap(t, map[Kind]string{KindUsers: csvLines(",", rows...)}, Options{CustomItems: []string{"base", "seat"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Users[1].CustomItems; len(got) != 1 || got[0] != (directory.CustomItem{Code: "seat", Value: "20階"}) {
		t.Errorf("custom items %v", got)
	}
	_, err = readMap(t, map[Kind]string{KindUsers: csvLines(",", rows...)}, Options{})
	wantProblems(t, err, "user.csv:1:26: 2 custom item columns after 削除 cannot be named in a file without a header row")
}

// TestShortAndLongRows: a short row is never decoded; a long row only when
// the extra cells are empty.
func TestShortAndLongRows(t *testing.T) {
	row := urow("a", "A")
	_, err := readMap(t, usersOnly(csvLines(",", row[:24], append(row, "", ""), append(urow("b", "B"), "x"))), Options{})
	wantProblems(t, err,
		"user.csv:2:25 (削除): the row has 24 columns, the file has 25",
		"user.csv:4:26: the row has 26 columns, the file has 25: quote fields that contain the separator (comma)")
}
