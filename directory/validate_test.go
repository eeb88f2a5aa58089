package directory

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func csvLoc(file string, line int) Location { return Location{File: file, Line: line, Column: 1} }

func TestValidate(t *testing.T) {
	base := func() *Snapshot {
		return &Snapshot{
			Organizations: []Organization{
				{Code: "hq", Name: "本社", Origin: csvLoc("organization.csv", 2)},
				{Code: "dev", Name: "開発部", ParentCode: "hq", Origin: csvLoc("organization.csv", 3)},
			},
			Users: []User{
				{Login: "a", DisplayName: "A", Valid: true, Memberships: []Membership{{OrgCode: "dev"}}, Origin: csvLoc("user.csv", 2)},
				{Login: "b", DisplayName: "B", Origin: csvLoc("user.csv", 3)},
			},
			Groups: []Group{{Code: "g", Members: []string{"a"}, Origin: csvLoc("group.csv", 2)}},
		}
	}
	tests := []struct {
		name   string
		mutate func(*Snapshot)
		want   []Problem // codes and locations only
	}{
		{name: "valid", mutate: func(*Snapshot) {}},
		{
			name:   "duplicate login",
			mutate: func(s *Snapshot) { s.Users[1].Login = "a" },
			want:   []Problem{{Code: ProblemDuplicateLogin, Location: csvLoc("user.csv", 3)}},
		},
		{
			name: "duplicate org code",
			mutate: func(s *Snapshot) {
				s.Organizations = append(s.Organizations, Organization{Code: "dev", Origin: csvLoc("organization.csv", 4)})
			},
			want: []Problem{{Code: ProblemDuplicateOrgCode, Location: csvLoc("organization.csv", 4)}},
		},
		{
			name:   "unknown parent",
			mutate: func(s *Snapshot) { s.Organizations[1].ParentCode = "nope" },
			want:   []Problem{{Code: ProblemUnknownParent, Location: csvLoc("organization.csv", 3)}},
		},
		{
			name:   "cycle reported once",
			mutate: func(s *Snapshot) { s.Organizations[0].ParentCode = "dev" },
			want:   []Problem{{Code: ProblemOrgCycle, Location: csvLoc("organization.csv", 2)}},
		},
		{
			name:   "self parent",
			mutate: func(s *Snapshot) { s.Organizations[0].ParentCode = "hq" },
			want:   []Problem{{Code: ProblemOrgCycle, Location: csvLoc("organization.csv", 2)}},
		},
		{
			name:   "membership in unknown org",
			mutate: func(s *Snapshot) { s.Users[1].Memberships = []Membership{{OrgCode: "sales"}} },
			want:   []Problem{{Code: ProblemUnknownOrg, Location: csvLoc("user.csv", 3)}},
		},
		{
			name:   "group member unknown",
			mutate: func(s *Snapshot) { s.Groups[0].Members = append(s.Groups[0].Members, "ghost") },
			want:   []Problem{{Code: ProblemUnknownUser, Location: csvLoc("group.csv", 2)}},
		},
		{
			name: "control characters in keys",
			mutate: func(s *Snapshot) {
				s.Users[0].Login = "a.ok\x1b[8mada"
				s.Groups[0].Members = []string{"a.ok\x1b[8mada"}
				s.Organizations[0].Code = "R&D\x1b]0;x\x07"
				s.Organizations[1].ParentCode = "R&D\x1b]0;x\x07"
				s.Users[1].Login = "b\u202e"
				s.Groups[0].Code = "g\n2"
			},
			want: []Problem{
				{Code: ProblemControlCharacter, Location: csvLoc("organization.csv", 2)},
				{Code: ProblemControlCharacter, Location: csvLoc("user.csv", 2)},
				{Code: ProblemControlCharacter, Location: csvLoc("user.csv", 3)},
				{Code: ProblemControlCharacter, Location: csvLoc("group.csv", 2)},
			},
		},
		{
			name: "every problem at once",
			mutate: func(s *Snapshot) {
				s.Users[1].Login = "a"
				s.Organizations[1].ParentCode = "nope"
				s.Groups[0].Members = []string{"ghost"}
			},
			want: []Problem{
				{Code: ProblemUnknownParent, Location: csvLoc("organization.csv", 3)},
				{Code: ProblemDuplicateLogin, Location: csvLoc("user.csv", 3)},
				{Code: ProblemUnknownUser, Location: csvLoc("group.csv", 2)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.mutate(s)
			err := s.Validate()
			if err != nil && strings.ContainsAny(err.Error(), "\x1b\x07\u202e") {
				t.Errorf("the error text holds a control character: %q", err.Error())
			}
			var got []Problem
			var ve *ValidationError
			if errors.As(err, &ve) {
				for _, p := range ve.Problems {
					got = append(got, Problem{Code: p.Code, Location: p.Location})
				}
				if ve.ErrorCode() != "invalid_directory" {
					t.Errorf("ErrorCode = %q", ve.ErrorCode())
				}
			} else if err != nil {
				t.Fatalf("Validate returned %T %v", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDigestStable(t *testing.T) {
	a := &Snapshot{
		Source:        Source{Kind: SourceAPI, Domain: "x.cybozu.com"},
		Organizations: []Organization{{Code: "b"}, {Code: "a"}},
		Users:         []User{{Login: "u2"}, {Login: "u1", Memberships: []Membership{{OrgCode: "b"}, {OrgCode: "a"}}}},
		Groups:        []Group{{Code: "g", Members: []string{"u2", "u1"}}},
	}
	b := &Snapshot{
		Source:        Source{Kind: SourceCSV, Domain: "x.cybozu.com"},
		Organizations: []Organization{{Code: "a", Origin: Location{File: "f", Line: 2}}, {Code: "b"}},
		Users:         []User{{Login: "u1", Memberships: []Membership{{OrgCode: "b"}, {OrgCode: "a"}}}, {Login: "u2"}},
		Groups:        []Group{{Code: "g", Members: []string{"u1", "u2"}}},
	}
	if a.Digest() != b.Digest() {
		t.Errorf("same content, different digests")
	}
	if a.Organizations[0].Code != "b" {
		t.Errorf("Digest reordered the snapshot it was called on")
	}
	// Membership order is content: the first organization is primary.
	b.Users[0].Memberships = []Membership{{OrgCode: "a"}, {OrgCode: "b"}}
	if a.Digest() == b.Digest() {
		t.Errorf("different membership order, same digest")
	}
}

func TestIndexLevels(t *testing.T) {
	s := &Snapshot{Organizations: []Organization{{Code: "a"}, {Code: "b", ParentCode: "a"}, {Code: "c", ParentCode: "b"}}}
	ix := NewIndex(s)
	for code, want := range map[string]int{"a": 1, "b": 2, "c": 3, "zz": 0} {
		if got := ix.Level(code); got != want {
			t.Errorf("Level(%q) = %d, want %d", code, got, want)
		}
	}
	if !ix.IsBelow("c", "a") || ix.IsBelow("a", "c") || ix.IsBelow("a", "a") {
		t.Errorf("IsBelow wrong")
	}
	sum := s.Summarize()
	if diff := cmp.Diff([]int{1, 1, 1}, sum.OrganizationsByLevel); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
}

func TestDropUser(t *testing.T) {
	s := &Snapshot{Users: []User{{Login: AdministratorLogin}, {Login: "a"}}, Groups: []Group{{Code: "g", Members: []string{AdministratorLogin, "a"}}}}
	if !s.DropUser(AdministratorLogin) {
		t.Fatal("DropUser reported absent")
	}
	if len(s.Users) != 1 || s.Users[0].Login != "a" || len(s.Groups[0].Members) != 1 {
		t.Errorf("after DropUser: %+v", s)
	}
	if s.DropUser("nobody") {
		t.Errorf("DropUser(nobody) = true")
	}
}
