package calendar

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
)

// now is the planning time of the tests.
var now = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// company is the test directory (API source, with ids):
//
//	hq ─┬─ sales
//	    └─ dev
//
// sato (1, sales), suzuki (2, dev), tanaka (3, sales, 停止中),
// ito (5, sales, email outside the Google domains), and Administrator.
func company() *directory.Snapshot {
	s := &directory.Snapshot{
		Source: directory.Source{Kind: directory.SourceAPI, Domain: "example.cybozu.com"},
		ReadAt: now,
		Organizations: []directory.Organization{
			{ID: "10", Code: "hq", Name: "本社"},
			{ID: "11", Code: "sales", Name: "営業部", ParentCode: "hq"},
			{ID: "12", Code: "dev", Name: "開発部", ParentCode: "hq"},
		},
		Users: []directory.User{
			{ID: "1", Login: "sato", DisplayName: "佐藤 一郎", Email: "sato@example.com", Valid: true, PrimaryOrg: "sales", Memberships: []directory.Membership{{OrgCode: "sales"}}},
			{ID: "2", Login: "suzuki", DisplayName: "鈴木 花子", Email: "suzuki@example.com", Valid: true, PrimaryOrg: "dev", Memberships: []directory.Membership{{OrgCode: "dev"}}},
			{ID: "3", Login: "tanaka", DisplayName: "田中 次郎", Email: "tanaka@example.com", Valid: false, PrimaryOrg: "sales", Memberships: []directory.Membership{{OrgCode: "sales"}}},
			{ID: "4", Login: "Administrator", DisplayName: "Administrator", Valid: true},
			{ID: "5", Login: "ito", DisplayName: "伊藤 三郎", Email: "ito@other.example", Valid: true, PrimaryOrg: "sales", Memberships: []directory.Membership{{OrgCode: "sales"}}},
		},
	}
	s.Sort()
	return s
}

// user returns the snapshot's user with login (for edits in tests).
func user(s *directory.Snapshot, login string) *directory.User {
	for i := range s.Users {
		if s.Users[i].Login == login {
			return &s.Users[i]
		}
	}
	panic("no user " + login)
}

func removeUser(s *directory.Snapshot, login string) {
	s.DropUser(login)
}

// calConfig is the calendar configuration of the tests.
func calConfig() config.Calendar {
	return config.Calendar{
		Enabled: true, Scope: `organization <= "sales"`, DefaultTarget: "google",
		GoogleDomains:     []string{"example.com"},
		CalDAVURLTemplate: "https://dav.example.com/{email_local}/calendar/",
	}
}

func newTarget(t *testing.T, c config.Calendar) *Target {
	t.Helper()
	tg, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// enrolment is a stored enrolment of a user as rule 1 would have created it.
func enrolment(id int64, u *directory.User, permitted bool) Enrolment {
	return Enrolment{
		ID: id, Login: u.Login, Email: u.Email, Name: u.DisplayName, Permitted: permitted,
		Switch: SwitchSync, Target: KindGoogle, CalendarID: u.Email, CalendarIDDefault: true,
		AuthStatus: AuthNone, CalDAVURLDefault: true,
	}
}

func link(e Enrolment, userID string) provision.Link {
	return provision.Link{Target: Name, Kind: KindEnrolment, ObjectID: strconv.FormatInt(e.ID, 10), Dir: provision.DirRef{ID: userID, Key: e.Login}}
}

// makePlan plans with the real planner (provision.MakePlan) from one
// calendar state.
func makePlan(t *testing.T, tg *Target, snap *directory.Snapshot, ens []Enrolment, links []provision.Link) *provision.Plan {
	t.Helper()
	p := provision.MakePlan(provision.PlanRequest{
		Snapshot: snap, Now: now, LinkedDomain: snap.Source.Domain,
		Targets: []provision.Loaded{{Target: tg, State: &Enrolments{List: ens}, Links: links}},
	})
	// Every field a change carries is one Fields lists (and so one the
	// catalogue names).
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			if !slices.Contains(Fields()[c.Kind], f.Name) {
				t.Errorf("%s %s changes field %s, which Fields does not list", c.Kind, c.Key, f.Name)
			}
		}
	}
	return p
}

// brief is a change as the tests compare it.
type brief struct {
	Action provision.Action
	Key    string
	Reason string
	Flags  []string
	Fields map[string][2]any
}

func briefs(p *provision.Plan) []brief {
	var out []brief
	for _, c := range p.Changes {
		b := brief{Action: c.Action, Key: c.Key, Reason: c.Reason, Flags: c.Flags, Fields: map[string][2]any{}}
		for _, f := range c.Fields {
			b.Fields[f.Name] = [2]any{f.Old, f.New}
		}
		out = append(out, b)
	}
	return out
}

func data(t *testing.T, c provision.Change) changeData {
	t.Helper()
	var d changeData
	if err := json.Unmarshal(c.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}
