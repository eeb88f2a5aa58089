package cybozu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
)

// The bozupy files are response shapes recorded by Cybozu's own Python
// client (attribution in testdata/bozupy/README.md).
func readBozupy(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bozupy", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func intp(n int) *int { return &n }

// convert turns a decoded User object into a snapshot user as the reader
// does.
func convert(au *apiUser, codeByID map[string]string) (directory.User, error) {
	u := au.toUser()
	return u, resolvePrimary(&u, string(au.PrimaryOrganization), codeByID)
}

func sato(id string, valid bool, employee, birth, join, boss string) directory.User {
	return directory.User{
		ID: id, Login: "sato-noboru", DisplayName: "佐藤 昇", Surname: "佐藤", GivenName: "昇",
		SurnameReading: "さとう", GivenNameReading: "のぼる", Email: "sato-noboru@example.com",
		Phone: "0000-000-0000", Mobile: "090-000-0000", EmployeeNumber: employee,
		BirthDate: birth, JoinDate: join, Valid: valid, PrimaryOrg: "sales-9",
		CustomItems: []directory.CustomItem{{Code: "boss", Value: boss}},
		Origin:      directory.Location{File: "users.json", ID: id},
	}
}

func kato(valid bool) directory.User {
	return directory.User{
		ID: "2", Login: "kato-misaki", DisplayName: "加藤 美咲", Surname: "加藤", GivenName: "美咲",
		SurnameReading: "かとう", GivenNameReading: "みさき", Email: "kato-misaki@example.com",
		Phone: "0000-000-0000", Mobile: "090-000-0000", EmployeeNumber: "m00312",
		BirthDate: "1991-04-17", JoinDate: "2022-04-01", Valid: valid, PrimaryOrg: "sales-9",
		CustomItems: []directory.CustomItem{{Code: "boss", Value: "1"}},
		Origin:      directory.Location{File: "users.json", ID: "2"},
	}
}

// TestDecodeBozupyUsers checks the User objects of users.json and
// group/users.json: string ids, primaryOrganization (an id) turned into
// the organization's code, sortOrder null, custom items, valid:false.
func TestDecodeBozupyUsers(t *testing.T) {
	codeByID := map[string]string{"9": "sales-9"}
	tests := []struct {
		file string
		want []directory.User
	}{
		{"users-users1.json", []directory.User{
			sato("1", true, "n00012", "1985-09-19", "2010-04-01", ""), kato(true)}},
		{"users-invalid.json", []directory.User{
			sato("1", false, "n00012", "1985-09-19", "2010-04-01", ""), kato(false)}},
		{"groupUsers-groupUsers1.json", []directory.User{
			sato("1", true, "", "1991-04-17", "2020-04-01", "2")}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			aus, err := decodeUsers(readBozupy(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var got []directory.User
			for i := range aus {
				u, err := convert(&aus[i], codeByID)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, u)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
			refs, err := decodeUserRefs(readBozupy(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(refs) != len(tt.want) || refs[0].Code != "sato-noboru" {
				t.Errorf("member refs = %+v", refs)
			}
		})
	}
}

func TestDecodeBozupyUnknownPrimary(t *testing.T) {
	aus, err := decodeUsers(readBozupy(t, "users-users1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := convert(&aus[0], map[string]string{}); err == nil || !strings.Contains(err.Error(), "primary organization id 9") {
		t.Errorf("toUser with an unknown primary organization: err = %v", err)
	}
}

func TestDecodeBozupyOrgs(t *testing.T) {
	aos, err := decodeOrgs(readBozupy(t, "orgs-orgs1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []directory.Organization
	for _, o := range aos {
		got = append(got, o.toOrg())
	}
	want := []directory.Organization{
		{ID: "1", Code: "Sales01", Name: "国内営業部", LocalName: "Domestic Sales Department", ParentCode: "Sales00",
			Description: "国内営業部", Origin: directory.Location{File: "organizations.json", ID: "1"}},
		{ID: "2", Code: "Sales02", Name: "海外営業部", LocalName: "International Sales Department", ParentCode: "Sales00",
			Description: "海外営業部", Origin: directory.Location{File: "organizations.json", ID: "2"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("organizations (-want +got):\n%s", diff)
	}
}

// TestDecodeBozupyGroups reads groups.json and user/groups.json (the same
// Group objects), including everyone, whose id is above 2^53.
func TestDecodeBozupyGroups(t *testing.T) {
	tests := []struct {
		file string
		want []directory.Group
	}{
		{"groups-groups1.json", []directory.Group{
			{ID: "1", Code: "Recruit2022", Name: "2022年度採用プロジェクト", Origin: directory.Location{File: "groups.json", ID: "1"}},
			{ID: "2", Code: "Recruit2023", Name: "2023年度採用プロジェクト", Origin: directory.Location{File: "groups.json", ID: "2"}},
		}},
		{"users-groupsByUserCode1.json", []directory.Group{
			{ID: "1", Code: "recruit2022", Name: "2022年度採用プロジェクト", Origin: directory.Location{File: "groups.json", ID: "1"}},
			{ID: "7532782697181632513", Code: "everyone", Name: "Everyone", Origin: directory.Location{File: "groups.json", ID: "7532782697181632513"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ags, err := decodeGroups(readBozupy(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var got []directory.Group
			for _, g := range ags {
				got = append(got, g.toGroup())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeBozupyOrgUsers reads organization/users.json: the member's
// login and the title held there.
func TestDecodeBozupyOrgUsers(t *testing.T) {
	uts, err := decodeUserTitles(readBozupy(t, "orgUsers-orgUsers1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(uts) != 1 || uts[0].User == nil || uts[0].Title == nil {
		t.Fatalf("userTitles = %+v", uts)
	}
	type member struct {
		Login, UserID string
		Title         directory.Title
	}
	got := member{Login: uts[0].User.Code, UserID: string(uts[0].User.ID), Title: uts[0].Title.toTitle()}
	want := member{Login: "sato-noboru", UserID: "3", Title: directory.Title{ID: "1", Code: "Manager", Name: "マネージャー",
		Origin: directory.Location{File: "organization/users.json", ID: "1"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("member (-want +got):\n%s", diff)
	}
}

// TestDecodeBozupyUserOrgs reads user/organizations.json through
// UserMemberships' decoder.
func TestDecodeBozupyUserOrgs(t *testing.T) {
	ots, err := decodeOrgTitles(readBozupy(t, "users-orgsByUserCode1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ots) != 1 || ots[0].Organization == nil || ots[0].Title == nil {
		t.Fatalf("organizationTitles = %+v", ots)
	}
	got := []any{ots[0].Organization.toOrg(), ots[0].Title.toTitle()}
	want := []any{
		directory.Organization{ID: "2", Code: "Sales01", Name: "国内営業部", LocalName: "Domestic Sales Department",
			ParentCode: "A", Description: "国内営業部", Origin: directory.Location{File: "organizations.json", ID: "2"}},
		directory.Title{ID: "1", Code: "Manager", Name: "マネージャー", Origin: directory.Location{File: "organization/users.json", ID: "1"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("organizationTitles (-want +got):\n%s", diff)
	}
}

// TestDecodeQuirks covers the JSON variations of cybozu-user-api.md §4.1.
func TestDecodeQuirks(t *testing.T) {
	tests := []struct {
		name string
		body string
		want directory.User
	}{
		{"primary as number, sortOrder number", `{"users":[{"id":"5","code":"a","valid":true,"name":"A","primaryOrganization":9,"sortOrder":4}]}`,
			directory.User{ID: "5", Login: "a", DisplayName: "A", Valid: true, PrimaryOrg: "sales-9", SortOrder: intp(4)}},
		{"primary null, text null", `{"users":[{"id":"5","code":"a","valid":false,"name":"A","email":null,"surName":null,"primaryOrganization":null,"sortOrder":null,"customItemValues":[]}]}`,
			directory.User{ID: "5", Login: "a", DisplayName: "A"}},
		{"primary empty string", `{"users":[{"id":"5","code":"a","valid":true,"name":"A","primaryOrganization":""}]}`,
			directory.User{ID: "5", Login: "a", DisplayName: "A", Valid: true}},
		{"numeric id, sortOrder as string", `{"users":[{"id":5,"code":"a","valid":true,"name":"A","sortOrder":"7"}]}`,
			directory.User{ID: "5", Login: "a", DisplayName: "A", Valid: true, SortOrder: intp(7)}},
		{"huge id keeps its digits", `{"users":[{"id":7532782697181632513,"code":"a","valid":true,"name":"A"}]}`,
			directory.User{ID: "7532782697181632513", Login: "a", DisplayName: "A", Valid: true}},
		{"valid missing reads as active", `{"users":[{"id":"5","code":"a","name":"A"}]}`,
			directory.User{ID: "5", Login: "a", DisplayName: "A", Valid: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aus, err := decodeUsers([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := convert(&aus[0], map[string]string{"9": "sales-9"})
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Origin = directory.Location{File: "users.json", ID: tt.want.ID}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"no list", `{}`, `no list "users"`},
		{"null list", `{"users":null}`, `no list "users"`},
		{"truncated", `{"users":[{"id":"1"`, "unexpected end"},
		{"not an object", `[1,2]`, "cannot unmarshal"},
		{"bad id", `{"users":[{"id":{"x":1},"code":"a"}]}`, "want a string, number or null"},
		{"fractional sortOrder", `{"users":[{"id":"1","code":"a","sortOrder":1.5}]}`, "whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeUsers([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// Fuzz tests of the API decoder (SPEC §10): no input may panic, and what
// decodes must convert without losing the login name.
func FuzzDecodeUsers(f *testing.F) {
	for _, name := range []string{"users-users1.json", "users-invalid.json", "groupUsers-groupUsers1.json"} {
		f.Add(readBozupy(f, name))
	}
	f.Add([]byte(`{"users":[{"id":7532782697181632513,"primaryOrganization":9,"sortOrder":"3"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		aus, err := decodeUsers(body)
		if err != nil {
			return
		}
		for i := range aus {
			u, err := convert(&aus[i], map[string]string{"9": "x"})
			if err != nil {
				continue
			}
			if u.Login != aus[i].Code || u.ID != string(aus[i].ID) {
				t.Fatalf("user %+v lost its login or id", u)
			}
		}
		_, _ = decodeUserRefs(body)
	})
}

func FuzzDecodeOrgs(f *testing.F) {
	f.Add(readBozupy(f, "orgs-orgs1.json"))
	f.Add(readBozupy(f, "users-orgsByUserCode1.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if aos, err := decodeOrgs(body); err == nil {
			for _, o := range aos {
				if o.toOrg().Code != o.Code {
					t.Fatal("code lost")
				}
			}
		}
		_, _ = decodeOrgTitles(body)
	})
}

func FuzzDecodeMembers(f *testing.F) {
	f.Add(readBozupy(f, "orgUsers-orgUsers1.json"))
	f.Add(readBozupy(f, "groups-groups1.json"))
	f.Add(readBozupy(f, "users-groupsByUserCode1.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if uts, err := decodeUserTitles(body); err == nil {
			for _, ut := range uts {
				if ut.Title != nil {
					_ = ut.Title.toTitle()
				}
			}
		}
		if gs, err := decodeGroups(body); err == nil {
			for _, g := range gs {
				_ = g.toGroup()
			}
		}
	})
}
