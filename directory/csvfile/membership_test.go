package csvfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
)

const orgHeader = "組織コード,表示名,新組織コード,別言語での表示名,別言語の名前を表示する言語,親組織コード,説明\r\n"

func orgFile(rows ...string) string {
	return orgHeader + strings.Join(rows, "\r\n") + "\r\n"
}

// company is a small set of files: users a–e, organizations hq > sales,
// dev; titles boss, lead; groups g1, g2 (dynamic), everyone.
func company(userOrgs, userGroups string) map[Kind]string {
	return map[Kind]string{
		KindUsers:      usersOnly(csvLines(",", urow("a", "A"), urow("b", "B"), urow("c", "C"), urow("d", "D"), urow("e", "E")))[KindUsers],
		KindOrgs:       orgFile("hq,本社,*,,,,", "sales,営業,*,,,hq,", "dev,開発,*,,,hq,"),
		KindTitles:     "役職コード,役職名,新役職コード,説明,削除\r\nboss,部長,*,,\r\nlead,リーダー,*,,\r\n",
		KindGroups:     "グループコード,グループ名,新グループコード,タイプ,説明,削除フラグ\r\ng1,G1,*,static,,\r\ng2,G2,*,dynamic,,\r\neveryone,Everyone,*,dynamic,,\r\n",
		KindUserOrgs:   "ログイン名,組織コード1,役職コード1,組織コード2,役職コード2,組織コード3,役職コード3\r\n" + userOrgs,
		KindUserGroups: "ログイン名,グループコード1,グループコード2\r\n" + userGroups,
	}
}

// loginRows is membership rows with only the login name: users in no
// organization or group, as the export lists them (every user has a row).
func loginRows(logins ...string) string {
	var b strings.Builder
	for _, l := range logins {
		b.WriteString(l + "\r\n")
	}
	return b.String()
}

func TestMemberships(t *testing.T) {
	files := company(
		"a,sales,boss,hq,lead,dev,\r\n"+ // primary sales; the others by code
			"b,,,dev,\r\n"+ // first cell empty: dev is primary
			"c\r\n"+ // in no organization
			",,,,\r\n"+ // a blank row from a spreadsheet
			"Administrator,hq,\r\n"+ // exports may list the Administrator; user.csv never does
			loginRows("d", "e"),
		"a,g1,g2\r\nb,everyone,g1\r\nAdministrator,g1\r\n"+loginRows("c", "d", "e"))
	s, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Primary string
		Ms      []directory.Membership
	}
	got := map[string]view{}
	for _, u := range s.Users {
		got[u.Login] = view{u.PrimaryOrg, u.Memberships}
	}
	want := map[string]view{
		"a": {"sales", []directory.Membership{{OrgCode: "sales", TitleCode: "boss"}, {OrgCode: "dev"}, {OrgCode: "hq", TitleCode: "lead"}}},
		"b": {"dev", []directory.Membership{{OrgCode: "dev"}}},
		"c": {}, "d": {}, "e": {},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("memberships (-want +got):\n%s", d)
	}
	members := map[string][]string{}
	for _, g := range s.Groups {
		members[g.Code] = g.Members
	}
	if d := cmp.Diff(map[string][]string{"g1": {"a", "b"}, "g2": {"a"}, "everyone": nil}, members); d != "" {
		t.Errorf("group members (-want +got):\n%s", d)
	}
}

func TestMembershipProblems(t *testing.T) {
	files := company(
		"a,sales,chief,sales,\r\n"+ // unknown title; sales twice
			"b,,lead\r\n"+ // a title without organization
			"zz,hq,\r\n"+ // unknown user
			"a,dev,\r\n"+ // a second row for a
			" ,hq,\r\n"+ // no login
			loginRows("c", "d", "e"),
		"c,g3,g1,g1\r\n"+loginRows("a", "b", "d", "e"))
	_, err := readMap(t, files, Options{})
	wantProblems(t, err,
		`userOrganizations.csv:2:3 (役職コード1): title "chief" is not in the titles file (title.csv)`,
		`userOrganizations.csv:2:4 (組織コード2): organization "sales" is listed twice for "a"`,
		`userOrganizations.csv:3:3 (役職コード1): title "lead" has no organization: put the organization code in column 2`,
		`userOrganizations.csv:4:1 (ログイン名): user "zz" is not in the users file (user.csv)`,
		`userOrganizations.csv:5:1 (ログイン名): "a" has a second row (first at line 2)`,
		`userOrganizations.csv:6:1 (ログイン名): the login name is empty`,
		`userGroups.csv:2:2 (グループコード1): group "g3" is not in the groups file (group.csv)`,
		`userGroups.csv:2:4 (グループコード3): group "g1" is listed twice for "c"`,
	)
}

// TestNoTitleFile: without title.csv, the titles used are listed by code.
func TestNoTitleFile(t *testing.T) {
	files := company("a,sales,boss\r\nb,dev,lead\r\nc,hq,boss\r\n"+loginRows("d", "e"), loginRows("a", "b", "c", "d", "e"))
	delete(files, KindTitles)
	s, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]directory.Title{{Code: "boss"}, {Code: "lead"}}, s.Titles); d != "" {
		t.Errorf("titles (-want +got):\n%s", d)
	}
}

// TestMembershipHeader: a wrong header is named; a file without a header
// is read in the documented order; the English header works.
func TestMembershipHeader(t *testing.T) {
	files := company("", loginRows("a", "b", "c", "d", "e"))
	files[KindUserOrgs] = "ログイン名,組織コード1,グループコード1\r\na,sales,\r\n"
	_, err := readMap(t, files, Options{})
	wantProblems(t, err, `userOrganizations.csv:1:3 (グループコード1): column 3 of the header should be 役職コード1, not "グループコード1"`)

	files[KindUserOrgs] = "a,sales,boss\r\n" + loginRows("b", "c", "d", "e")
	files[KindUserGroups] = "Login Name,Group Code 1\r\na,g1\r\n" + loginRows("b", "c", "d", "e")
	s, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Users[0].PrimaryOrg + "/" + s.Groups[1].Members[0]; got != "sales/a" {
		t.Errorf("got %s", got)
	}

	files[KindUserOrgs] = "ログイン名\r\n" + loginRows("a", "b", "c", "d", "e") // nobody belongs anywhere
	if _, err := readMap(t, files, Options{}); err != nil {
		t.Error(err)
	}
}

// TestReferenceProblems: references between files and the directory's own
// rules, each at its cell; a row left out is not reported again where
// another file names it.
func TestReferenceProblems(t *testing.T) {
	files := company("a,sales,\r\nb,tokyo,\r\nc,dev,\r\n", loginRows("a", "b", "c"))
	files[KindOrgs] = orgFile("hq,本社,*,,,,", "sales,営業,*,,,hq,", "dev,,*,,,hq,", "x,X,*,,,nowhere,", "c1,C1,*,,,c2,", "c2,C2,*,,,c1,", "hq,本社2,*,,,,")
	files[KindUsers] = usersOnly(csvLines(",", urow("a", "A"), urow("b", "B"), urow("c", "C"), urow("a", "A2")))[KindUsers]
	_, err := readMap(t, files, Options{})
	wantProblems(t, err,
		`organization.csv:4:2 (表示名): the organization's display name (表示名) is empty`,
		`userOrganizations.csv:3:2 (組織コード1): organization "tokyo" is not in the organizations file`,
		`organization.csv:5:6 (親組織コード): organization "x" names parent "nowhere", which is not in the file`,
		`organization.csv:8:1 (組織コード): organization code "hq" is used twice (first at organization.csv:2:1)`,
		`organization.csv:6:1 (組織コード): organizations form a cycle: c1 → c2 → c1`,
		`user.csv:5:1 (ログイン名): login name "a" is used twice (first at user.csv:2:1)`,
	)
	if !errors.Is(err, ErrDuplicate) || !errors.Is(err, ErrUnknownReference) {
		t.Error("sentinels not found")
	}
}

func TestFilesRules(t *testing.T) {
	_, err := Read(context.Background(), Files{Orgs: "o.csv", Groups: "g.csv"}, Options{})
	wantProblems(t, err,
		"(files): the users export (user.csv) is required",
		"(files): give organization.csv and userOrganizations.csv together",
		"(files): give group.csv and userGroups.csv together")

	_, err = Read(context.Background(), Files{Users: filepath.Join(t.TempDir(), "none.csv")}, Options{})
	wantProblems(t, err, "none.csv: cannot open the users (ユーザー) file")

	// Planning departments from the users file alone would read every
	// organization as gone.
	users := usersOnly(csvLines(",", urow("a", "A")))
	if _, err := readMap(t, users, Options{}); err != nil {
		t.Errorf("users alone, for a summary: %v", err)
	}
	_, err = readMap(t, users, Options{NeedOrganizations: true})
	wantProblems(t, err, "(files): organization.csv and userOrganizations.csv are needed to plan departments")
}

// TestProblemsCapped: a file full of errors lists MaxProblems and counts
// the rest.
func TestProblemsCapped(t *testing.T) {
	var rows [][]string
	for i := range 150 {
		rows = append(rows, urow("u"+strings.Repeat("x", i), "U", "valid=2"))
	}
	_, err := readMap(t, usersOnly(csvLines(",", rows...)), Options{})
	var e *Error
	if !errors.As(err, &e) || len(e.Problems) != MaxProblems || e.More != 50 {
		t.Fatalf("got %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "the CSV files have 150 problems") || !strings.HasSuffix(msg, "… and 50 more") {
		t.Errorf("message %q…%q", msg[:60], msg[len(msg)-30:])
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fsys := map[Kind]string{KindUsers: usersOnly(csvLines(",", urow("a", "A")))[KindUsers]}
	dir := t.TempDir()
	path := filepath.Join(dir, "user.csv")
	if err := os.WriteFile(path, []byte(fsys[KindUsers]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(ctx, Files{Users: path}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
}

func TestFindInDir(t *testing.T) {
	write := func(dir, name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := company("a,sales,\r\n"+loginRows("b", "c", "d", "e"), "a,g1\r\n"+loginRows("b", "c", "d", "e"))

	// By name (any case), with unrelated files around.
	dir := t.TempDir()
	for k, data := range files {
		write(dir, k.FileName(), data)
	}
	write(dir, "USER.CSV.bak", "x")
	write(dir, "userServices.csv", "ログイン名,サービスコード1\r\na,ki\r\n")
	got, err := FindInDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for k := Kind(0); k < numKinds; k++ {
		if got.Get(k) != filepath.Join(dir, k.FileName()) {
			t.Errorf("%s: %q", k.FileName(), got.Get(k))
		}
	}

	// By header, as a browser saves downloads.
	dir = t.TempDir()
	for k, data := range files {
		write(dir, strings.TrimSuffix(k.FileName(), ".csv")+" (1).csv", data)
	}
	write(dir, "userServices.csv", "ログイン名,サービスコード1\r\na,ki\r\n")
	got, err = FindInDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(got.UserOrgs) != "userOrganizations (1).csv" || filepath.Base(got.Users) != "user (1).csv" {
		t.Errorf("found %+v", got)
	}
	if _, err := Read(context.Background(), got, Options{}); err != nil {
		t.Error(err)
	}

	// Two candidates: not guessed.
	write(dir, "users-copy.csv", files[KindUsers])
	_, err = FindInDir(dir)
	wantProblems(t, err, dir+": 2 files have the header of the users (ユーザー) export (user (1).csv, users-copy.csv)")

	// No users file.
	_, err = FindInDir(t.TempDir())
	if !errors.Is(err, ErrNoUsersFile) {
		t.Errorf("empty folder: %v", err)
	}
}

// TestEveryoneWithoutGroupRow: everyone's members are skipped even when
// group.csv does not list the group.
func TestEveryoneWithoutGroupRow(t *testing.T) {
	files := company(loginRows("a", "b", "c", "d", "e"), "a,everyone,g1\r\n"+loginRows("b", "c", "d", "e"))
	files[KindGroups] = strings.Replace(files[KindGroups], "everyone,Everyone,*,dynamic,,\r\n", "", 1)
	s, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups) != 2 || len(s.Groups[0].Members) != 1 {
		t.Errorf("groups %+v", s.Groups)
	}
}

// TestMissingRows: the export lists every user in the membership files (a
// user in nothing as a row with only the login name), and cybozu.com's
// import reads a missing row as "unchanged", not "none"; so a user without
// a row is an error at the user's row of user.csv, never a user in no
// organization or group. Problems that make the rows untrustworthy anyway
// are not followed by one missing row per user.
func TestMissingRows(t *testing.T) {
	all := loginRows("a", "b", "c", "d", "e")
	orgs := "a,sales,boss\r\nb,dev,\r\nc,hq,\r\nd,sales,\r\ne,dev,lead\r\n"
	for _, tc := range []struct {
		name   string
		files  map[Kind]string
		opt    Options
		want   []string
		none   bool // no ErrMissingRow among the problems
		capped int  // want MaxProblems listed and this many more
	}{{
		name:  "no row in userOrganizations.csv",
		files: company(loginRows("a", "b", "c", "e"), all),
		want:  []string{`user.csv:5:1 (ログイン名): user "d" has no row in userOrganizations.csv, though the export lists every user: export the files again together, unfiltered (a user in no organization has a row with only the login name)`},
	}, {
		name:  "no row in userGroups.csv",
		files: company(all, "a,g1\r\nc,g1\r\n"+loginRows("d", "e")),
		want:  []string{`user.csv:3:1 (ログイン名): user "b" has no row in userGroups.csv, though the export lists every user: export the files again together, unfiltered (a user in no group has a row with only the login name)`},
	}, {
		name:  "truncated: the last 2 rows cut",
		files: company(orgs[:strings.Index(orgs, "d,")], all),
		want: []string{
			`user.csv:5:1 (ログイン名): user "d" has no row in userOrganizations.csv`,
			`user.csv:6:1 (ログイン名): user "e" has no row in userOrganizations.csv`,
		},
	}, {
		name:  "filtered: rows of one organization kept",
		files: company("a,sales,boss\r\nd,sales,\r\n", all),
		want: []string{
			`user.csv:3:1 (ログイン名): user "b" has no row in userOrganizations.csv`,
			`user.csv:4:1 (ログイン名): user "c" has no row in userOrganizations.csv`,
			`user.csv:6:1 (ログイン名): user "e" has no row in userOrganizations.csv`,
		},
	}, {
		name:  "header only: one problem, not one per user",
		files: company("", all),
		want:  []string{`userOrganizations.csv: the file has no rows, though user.csv lists 5 users and the export lists every user`},
	}, {
		name:  "with other problems in the file",
		files: company("a,sales,chief\r\n"+loginRows("b", "c", "d"), all),
		want: []string{
			`userOrganizations.csv:2:3 (役職コード1): title "chief" is not in the titles file`,
			`user.csv:6:1 (ログイン名): user "e" has no row in userOrganizations.csv`,
		},
	}, {
		name: "a login used twice in user.csv: missing once",
		files: func() map[Kind]string {
			f := company(loginRows("b", "c", "d", "e"), all)
			f[KindUsers] += csvLines(",", urow("a", "A2"))
			return f
		}(),
		want: []string{
			`user.csv:2:1 (ログイン名): user "a" has no row in userOrganizations.csv`,
			`user.csv:7:1 (ログイン名): login name "a" is used twice (first at user.csv:2:1)`,
		},
	}, {
		name: "the Administrator needs no row",
		files: func() map[Kind]string {
			f := company(all, all)
			f[KindUsers] += csvLines(",", urow(directory.AdministratorLogin, "Administrator"))
			return f
		}(),
	}, {
		name:  "a quote error stops the file: no missing rows after it",
		files: company("a,sales,\r\nb,\"dev,\r\n"+loginRows("c"), all),
		want:  []string{`userOrganizations.csv:4: extraneous or missing " in quoted-field`},
		none:  true,
	}, {
		name:  "a login cell that does not decode: whose row it is is unknown",
		files: company(loginRows("a", "b", "\xffc", "d", "e"), all),
		opt:   Options{Encoding: "utf-8"},
		want:  []string{`userOrganizations.csv:4:1 (ログイン名): invalid UTF-8 byte sequence FF`},
		none:  true,
	}, {
		name: "user.csv not read: no missing rows",
		files: func() map[Kind]string {
			f := company("", "")
			f[KindUsers] = strings.Replace(f[KindUsers], "表示名,", "", 1)
			return f
		}(),
		want: []string{`user.csv:1:2 (表示名): the 表示名 column (column 2 of the export) is missing from the header`},
		none: true,
	}, {
		name: "user.csv not read to its end: no missing rows",
		files: func() map[Kind]string {
			f := company("", "")
			f[KindUsers] = strings.Replace(f[KindUsers], ",B,", `,B "quoted",`, 1)
			return f
		}(),
		want: []string{`user.csv:3: bare " in non-quoted-field`},
		none: true,
	}, {
		name: "capped",
		files: func() map[Kind]string {
			var rows [][]string
			for i := range 150 {
				rows = append(rows, urow(fmt.Sprintf("u%03d", i), "U"))
			}
			f := company(loginRows("u000"), "")
			f[KindUsers] = usersOnly(csvLines(",", rows...))[KindUsers]
			delete(f, KindGroups)
			delete(f, KindUserGroups)
			return f
		}(),
		capped: 49,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := readMap(t, tc.files, tc.opt)
			if s != nil && err != nil {
				t.Error("a snapshot came back with the error")
			}
			if tc.capped > 0 {
				var e *Error
				if !errors.As(err, &e) || len(e.Problems) != MaxProblems || e.More != tc.capped {
					t.Fatalf("got %v", err)
				}
				if !errors.Is(err, ErrMissingRow) || !strings.HasPrefix(e.Problems[0].Error(), `user.csv:3:1 (ログイン名): user "u001" has no row`) {
					t.Errorf("first problem %v", e.Problems[0])
				}
				return
			}
			wantProblems(t, err, tc.want...)
			if len(tc.want) == 0 {
				return
			}
			if got := errors.Is(err, ErrMissingRow); got == tc.none {
				t.Errorf("errors.Is(ErrMissingRow) = %v", got)
			}
		})
	}
}

// TestLoginOnlyRow: a row with only the login name means the user belongs
// to no organization and no group.
func TestLoginOnlyRow(t *testing.T) {
	s, err := readMap(t, company("a,sales,boss\r\nb,dev,\r\nc,hq,\r\nd\r\ne,dev,\r\n", "a,g1\r\nb,g1\r\nc,g1\r\nd\r\ne,g1\r\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range s.Users {
		if u.Login == "d" && (u.PrimaryOrg != "" || u.Memberships != nil) {
			t.Errorf("d: primary %q, memberships %v", u.PrimaryOrg, u.Memberships)
		}
	}
	for _, g := range s.Groups {
		if g.Code == "g1" {
			if d := cmp.Diff([]string{"a", "b", "c", "e"}, g.Members); d != "" {
				t.Errorf("g1 members (-want +got):\n%s", d)
			}
		}
	}
}
