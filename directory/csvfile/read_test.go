package csvfile

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
)

// readMap reads files held in memory, keyed by kind.
func readMap(t testing.TB, files map[Kind]string, opt Options) (*directory.Snapshot, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	var f Files
	for k, data := range files {
		fsys[k.FileName()] = &fstest.MapFile{Data: []byte(data)}
		f.Set(k, k.FileName())
	}
	return ReadFS(context.Background(), fsys, f, opt)
}

// problemsOf returns the problems of a *Error as "file:line:col (field): message".
func problemsOf(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	out := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p.Error()
	}
	return out
}

// wantProblems checks that err lists exactly these problems, each given as
// the start of "file:line:col (field): message".
func wantProblems(t testing.TB, err error, want ...string) {
	t.Helper()
	got := problemsOf(t, err)
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
}

func intp(n int) *int { return &n }

// userHeader is the documented user.csv header (the manual's spelling).
const userHeader = "ログイン名,表示名,新ログイン名,パスワード,姓,名,よみがな (姓),よみがな (名),別言語での表示名,別言語の名前を表示する言語,E-mail,使用状態,言語,タイムゾーン,電話番号,内線,携帯,URL,従業員ID,入社日,誕生日,メモ,表示優先度,Skype名,削除"

// The rows of the help's examples (「ユーザーを読み込むファイルの作成例」,
// 「組織を読み込むファイルの作成例」, …), with the columns the help elides
// ("…") filled in, and the custom items 拠点情報 and 座席情報 of its custom
// item example. The membership examples are import files, which may leave
// users out (cybozu.com leaves their memberships unchanged); an export lists
// every user and Read requires a row for each, so suzuki, in no
// organization or group, is added after the example's rows as a row with
// only the login name.
var helpExample = map[Kind]string{
	KindUsers: userHeader + ",拠点情報,座席情報\r\n" +
		"takahashi,高橋 健太,*,xxxxx,高橋,健太,たかはし,けんた,Kenta Takahashi,en,takahashi@example.com,1,ja,Asia/Tokyo,03-1234-5678,101,090-1111-2222,,E001,2015/04/01,1990-01-05,,10,k_takahashi,*,本社,20階\r\n" +
		"kato,加藤 美咲,*,xxxxx,加藤,美咲,かとう,みさき,Misaki Kato,en,kato@example.com,1,ja,Asia/Tokyo,,,,,E002,2018-04-01,,,,,,本社,\r\n" +
		"suzuki,鈴木 拓也,*,xxxxx,鈴木,拓也,すずき,たくや,Takuya Suzuki,en,suzuki@example.com,0,ja,Asia/Tokyo,,,,,,,,,,,*,*,*\r\n",
	KindOrgs: "組織コード,表示名,新組織コード,別言語での表示名,別言語の名前を表示する言語,親組織コード,説明\r\n" +
		"org001,営業本部,*,Sales Department,en,,\r\n" +
		"org002,第一営業部,*,Sales Dept#1,en,org001,担当業界:製造\r\n" +
		"org003,第ニ営業部,*,Sales Dept#2,en,org001,担当業界:金融\r\n",
	KindUserOrgs: "ログイン名,組織コード1,役職コード1,組織コード2,役職コード2\r\n" +
		"takahashi,org001,director,org002,manager\r\n" +
		"kato,org001,,org002,\r\n" +
		"suzuki\r\n", // not in the example: see above
	KindTitles: "役職コード1,役職名,新役職コード,説明,削除\r\n" +
		"director,本部長,*,,*\r\n" +
		"manager,マネージャー,*,,*\r\n",
	KindGroups: "グループコード,グループ名,新グループコード,タイプ,説明,削除フラグ\r\n" +
		"grp001,本社,*,static,本社勤務社員グループ,*\r\n" +
		"grp002,派遣社員,*,dynamic,派遣社員グループ,*\r\n",
	KindUserGroups: "ログイン名,グループコード1,グループコード2\r\n" +
		"takahashi,grp001,grp021\r\n" +
		"kato,grp001,\r\n" +
		"suzuki\r\n", // not in the example: see above
}

func helpExampleWithout(k Kind, drop string) map[Kind]string {
	out := map[Kind]string{}
	for kk, v := range helpExample {
		out[kk] = v
	}
	out[k] = strings.ReplaceAll(out[k], drop, "")
	return out
}

// TestReadHelpExamples reads the help's examples, written by hand (not by
// Write), into the snapshot they describe.
func TestReadHelpExamples(t *testing.T) {
	files := helpExampleWithout(KindUserGroups, ",grp021") // the example names a group the group example lacks
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600))
	got, err := readMap(t, files, Options{Domain: "example.cybozu.com", Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	loc := func(file string, line, col int) directory.Location {
		return directory.Location{File: file, Line: line, Column: col}
	}
	want := &directory.Snapshot{
		Source: directory.Source{Kind: directory.SourceCSV, Domain: "example.cybozu.com"},
		ReadAt: at.UTC(),
		Organizations: []directory.Organization{
			{Code: "org001", Name: "営業本部", LocalName: "Sales Department", Origin: loc("organization.csv", 2, 1)},
			{Code: "org002", Name: "第一営業部", LocalName: "Sales Dept#1", ParentCode: "org001", Description: "担当業界:製造", Origin: loc("organization.csv", 3, 1)},
			{Code: "org003", Name: "第ニ営業部", LocalName: "Sales Dept#2", ParentCode: "org001", Description: "担当業界:金融", Origin: loc("organization.csv", 4, 1)},
		},
		Users: []directory.User{
			{Login: "kato", DisplayName: "加藤 美咲", Surname: "加藤", GivenName: "美咲", SurnameReading: "かとう", GivenNameReading: "みさき",
				Email: "kato@example.com", Valid: true, EmployeeNumber: "E002", JoinDate: "2018-04-01",
				CustomItems: []directory.CustomItem{{Code: "拠点情報", Value: "本社"}},
				PrimaryOrg:  "org001", Memberships: []directory.Membership{{OrgCode: "org001"}, {OrgCode: "org002"}},
				Origin: loc("user.csv", 3, 1)},
			{Login: "suzuki", DisplayName: "鈴木 拓也", Surname: "鈴木", GivenName: "拓也", SurnameReading: "すずき", GivenNameReading: "たくや",
				Email: "suzuki@example.com", Valid: false, Origin: loc("user.csv", 4, 1)},
			{Login: "takahashi", DisplayName: "高橋 健太", Surname: "高橋", GivenName: "健太", SurnameReading: "たかはし", GivenNameReading: "けんた",
				Email: "takahashi@example.com", Valid: true, Phone: "03-1234-5678", Extension: "101", Mobile: "090-1111-2222",
				EmployeeNumber: "E001", JoinDate: "2015-04-01", BirthDate: "1990-01-05", SortOrder: intp(10),
				CustomItems: []directory.CustomItem{{Code: "拠点情報", Value: "本社"}, {Code: "座席情報", Value: "20階"}},
				PrimaryOrg:  "org001", Memberships: []directory.Membership{{OrgCode: "org001", TitleCode: "director"}, {OrgCode: "org002", TitleCode: "manager"}},
				Origin: loc("user.csv", 2, 1)},
		},
		Titles: []directory.Title{
			{Code: "director", Name: "本部長", Origin: loc("title.csv", 2, 1)},
			{Code: "manager", Name: "マネージャー", Origin: loc("title.csv", 3, 1)},
		},
		Groups: []directory.Group{
			{Code: "grp001", Name: "本社", Type: "static", Members: []string{"kato", "takahashi"}, Origin: loc("group.csv", 2, 1)},
			{Code: "grp002", Name: "派遣社員", Type: "dynamic", Origin: loc("group.csv", 3, 1)},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("snapshot (-want +got):\n%s", d)
	}
}

// The help's user-group example names grp021, which its group example does
// not define: that is reported at the cell.
func TestReadHelpExampleUnknownGroup(t *testing.T) {
	_, err := readMap(t, helpExample, Options{})
	wantProblems(t, err, `userGroups.csv:2:3 (グループコード2): group "grp021" is not in the groups file (group.csv)`)
	if !errors.Is(err, ErrUnknownReference) {
		t.Errorf("errors.Is(ErrUnknownReference) = false for %v", err)
	}
}

// The English help's membership example: spaces after the commas (trimmed),
// a title only in the second organization, a user with no organization.
func TestReadEnglishMembershipExample(t *testing.T) {
	files := map[Kind]string{
		KindUsers: "Login Name,Display Name,New Login Name,Password,Surname,Given Name,Phonetic Surname,Phonetic Given Name,Localized Name,Language for Localized Name,E-mail Address,Status,Language,Time Zone,Phone,Extension,Mobile Phone,URL,Employee ID,Hire Date,Birthday,About Me,Display Order,Skype Name,Delete\n" +
			"sato,Sato,*,,,,,,,,,1,,,,,,,,,,,,,\n" +
			"yamada,Yamada,*,,,,,,,,,1,,,,,,,,,,,,,\n" +
			"kato,Kato,*,,,,,,,,,1,,,,,,,,,,,,,\n" +
			"tanaka,Tanaka,*,,,,,,,,,1,,,,,,,,,,,,,\n",
		KindOrgs: "Department Code,Display Name,New Department Code,Localized Name,Language for Localized Name,Parent Department Code,Description\n" +
			"org001,Sales Division,*,Sales Department,en,,\n" +
			"org002,Sales Dept 1,*,Sales Dept#1,en,org001,Target industry: Manufacturing\n",
		KindTitles: "Job Title Code,Name,New Job Title Code,Description,To Be Deleted\n" +
			"manager,Manager,*,,\n",
		KindUserOrgs: "Login Name, Department Code 1, Job Title Code 1, Department Code 2, Job Title Code 2\n" +
			"sato, org001,\n" +
			"yamada, org001, manager\n" +
			"kato, org001, , org002, manager\n" +
			"tanaka\n",
	}
	got, err := readMap(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	memberships := map[string][]directory.Membership{}
	for _, u := range got.Users {
		memberships[u.Login] = u.Memberships
		if len(u.Memberships) > 0 && u.PrimaryOrg != u.Memberships[0].OrgCode {
			t.Errorf("%s: primary %q, first membership %q", u.Login, u.PrimaryOrg, u.Memberships[0].OrgCode)
		}
	}
	want := map[string][]directory.Membership{
		"sato":   {{OrgCode: "org001"}},
		"yamada": {{OrgCode: "org001", TitleCode: "manager"}},
		"kato":   {{OrgCode: "org001"}, {OrgCode: "org002", TitleCode: "manager"}},
		"tanaka": nil,
	}
	if d := cmp.Diff(want, memberships); d != "" {
		t.Errorf("memberships (-want +got):\n%s", d)
	}
}
