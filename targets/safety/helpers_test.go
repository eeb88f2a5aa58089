package safety_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/safety"
)

const initialPassword = "first-day-2025"

// env is one test database with the safety target and a runner.
type env struct {
	t      *testing.T
	store  *sqlite.Store
	runner *provision.Runner
}

func newEnv(t *testing.T, opts ...func(*safety.Config)) *env {
	t.Helper()
	cfg := safety.Config{LoginKey: safety.LoginKeyLogin, IncludeSuspended: true, InitialPassword: initialPassword, PasswordCost: bcrypt.MinCost}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "roster.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	s.Clock = func() time.Time { return now }
	t.Cleanup(func() { s.Close() })
	return &env{t: t, store: s, runner: &provision.Runner{
		Store: s, Targets: []provision.Target{safety.New(cfg)},
		Safeguards: provision.Safeguards{MaxDeletes: 1000, MaxDeletePercent: 100},
	}}
}

// plan makes a plan without recording anything.
func (e *env) plan(snap *directory.Snapshot) *provision.Plan {
	e.t.Helper()
	p, err := e.runner.Plan(context.Background(), snap, false)
	if err != nil {
		e.t.Fatal(err)
	}
	checkIssues(e.t, p)
	return p
}

// apply runs a fresh plan and applies it.
func (e *env) apply(snap *directory.Snapshot, mod ...func(*provision.Request)) (*provision.Result, error) {
	req := provision.Request{Trigger: provision.TriggerCLI, Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }}
	for _, m := range mod {
		m(&req)
	}
	res, err := e.runner.Run(context.Background(), req)
	if res != nil && res.Plan != nil {
		checkIssues(e.t, res.Plan)
	}
	return res, err
}

func (e *env) mustApply(snap *directory.Snapshot) *provision.Plan {
	e.t.Helper()
	res, err := e.apply(snap)
	if err != nil {
		e.t.Fatalf("apply: %v", err)
	}
	return res.Plan
}

// roster runs fn as a roster edit in one transaction.
func (e *env) roster(fn func(r *safety.Roster) error) {
	e.t.Helper()
	ctx := context.Background()
	if err := safety.EditRoster(ctx, e.store, fn); err != nil {
		e.t.Fatalf("roster edit: %v", err)
	}
}

func (e *env) export() *safety.Export {
	e.t.Helper()
	out, err := safety.ReadExport(context.Background(), e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) dump() string {
	e.t.Helper()
	var b strings.Builder
	if err := e.store.Dump(context.Background(), &b); err != nil {
		e.t.Fatal(err)
	}
	return b.String()
}

func (e *env) member(login string) safety.ExportMember {
	e.t.Helper()
	for _, m := range e.export().Members {
		if m.Login == login {
			return m
		}
	}
	e.t.Fatalf("no member %q", login)
	return safety.ExportMember{}
}

func (e *env) hasMember(login string) bool {
	for _, m := range e.export().Members {
		if m.Login == login {
			return true
		}
	}
	return false
}

func (e *env) dept(code string) (safety.ExportDepartment, bool) {
	for _, d := range e.export().Departments {
		if d.Code == code {
			return d, true
		}
	}
	return safety.ExportDepartment{}, false
}

// dir builds a directory snapshot.
type dir struct {
	s directory.Snapshot
}

func newDir() *dir {
	return &dir{s: directory.Snapshot{Source: directory.Source{Kind: directory.SourceAPI, Domain: "example.cybozu.com"},
		ReadAt: time.Date(2025, 4, 1, 8, 59, 0, 0, time.UTC)}}
}

// org adds an organization; id "" reads like CSV.
func (d *dir) org(id, code, name, parent string) *dir {
	d.s.Organizations = append(d.s.Organizations, directory.Organization{ID: id, Code: code, Name: name, ParentCode: parent})
	return d
}

// user adds an active user in the given organizations.
func (d *dir) user(id, login, name, email string, orgs ...string) *dir {
	u := directory.User{ID: id, Login: login, DisplayName: name, Email: email, Valid: true}
	for _, o := range orgs {
		u.Memberships = append(u.Memberships, directory.Membership{OrgCode: o})
	}
	if len(orgs) > 0 {
		u.PrimaryOrg = orgs[0]
	}
	d.s.Users = append(d.s.Users, u)
	return d
}

// edit changes the last user added.
func (d *dir) edit(fn func(u *directory.User)) *dir {
	fn(&d.s.Users[len(d.s.Users)-1])
	return d
}

func (d *dir) snap() *directory.Snapshot {
	s := d.s
	s.Organizations = append([]directory.Organization(nil), d.s.Organizations...)
	s.Users = append([]directory.User(nil), d.s.Users...)
	s.Sort()
	return &s
}

// changes lists a plan's changes compactly: "+ department sales",
// "~ member tanaka [name departments]".
func changes(p *provision.Plan) []string {
	out := []string{}
	for _, c := range p.Changes {
		s := fmt.Sprintf("%s %s %s", c.Action.Glyph(), c.Kind, c.Key)
		if c.Action == provision.Update {
			var names []string
			for _, f := range c.Fields {
				names = append(names, f.Name)
			}
			s += " [" + strings.Join(names, " ") + "]"
		}
		out = append(out, s)
	}
	return out
}

func issueCodes(is []provision.Issue) []string {
	out := []string{}
	for _, i := range is {
		out = append(out, i.Code)
	}
	return out
}

// field returns a change's field diff.
func field(t *testing.T, p *provision.Plan, kind, key, name string) provision.FieldDiff {
	t.Helper()
	for _, c := range p.Changes {
		if c.Kind == kind && c.Key == key {
			if f, ok := c.Fields.Get(name); ok {
				return f
			}
		}
	}
	t.Fatalf("no field %s on %s %s in %v", name, kind, key, changes(p))
	return provision.FieldDiff{}
}

func change(t *testing.T, p *provision.Plan, kind, key string) provision.Change {
	t.Helper()
	for _, c := range p.Changes {
		if c.Kind == kind && c.Key == key {
			return c
		}
	}
	t.Fatalf("no change to %s %s in %v", kind, key, changes(p))
	return provision.Change{}
}
