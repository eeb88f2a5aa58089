package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar/scope"
	"github.com/cybridge/cybridge/targets/scim"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

// request is one request the client sent, as it went on the wire.
type request struct {
	Method, Path string
	Body         []byte
}

// recorder is the client's transport, keeping each request it passes on
// to the real server; before, when set, runs first (a concurrent edit).
type recorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	sent   []request
	before func(r *http.Request)
}

func (rt *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rt.mu.Lock()
	rt.sent = append(rt.sent, request{r.Method, r.URL.Path, body})
	before := rt.before
	rt.mu.Unlock()
	if before != nil {
		before(r)
	}
	return rt.next.RoundTrip(r)
}

func (rt *recorder) take() []request {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := rt.sent
	rt.sent = nil
	return out
}

type env struct {
	t      testing.TB
	srv    *scimtest.Server
	rec    *recorder
	store  *sqlite.Store
	runner *provision.Runner
	target *scim.Target
}

const token = "test-token-0123456789"

func newEnv(t testing.TB, opts scimtest.Options, s scim.Settings) *env {
	return newEnvWith(t, opts, s, true)
}

// newEnvWith is newEnv; record false leaves the client's own transport
// (as the app builds it) and records nothing.
func newEnvWith(t testing.TB, opts scimtest.Options, s scim.Settings, record bool) *env {
	t.Helper()
	opts.Token = token
	srv := scimtest.New(opts)
	t.Cleanup(srv.Close)
	var hc *http.Client
	rec := &recorder{}
	if record {
		hc = srv.Client()
		rec.next = hc.Transport
		hc.Transport = rec
	}
	client, err := scimapi.New(scimapi.Config{BaseURL: srv.URL, Token: secret.Secret(token), HTTPClient: hc, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cybridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if s.Instance == "" {
		s.Instance = "app"
	}
	if s.UserName == "" {
		s.UserName = scim.UserNameLogin
	}
	if s.Leavers == "" {
		s.Leavers = scim.LeaversDeactivate
	}
	target := scim.New(s, client)
	return &env{t: t, srv: srv, rec: rec, store: store, target: target, runner: &provision.Runner{Store: store, Targets: []provision.Target{target},
		Safeguards: provision.Safeguards{MaxDeletes: 50, MaxDeletePercent: 20}}}
}

func (e *env) run(snap *directory.Snapshot, mod ...func(*provision.Request)) (*provision.Result, error) {
	req := provision.Request{Trigger: provision.TriggerCLI, Source: provision.RunSource{Kind: "api"},
		Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }}
	for _, m := range mod {
		m(&req)
	}
	return e.runner.Run(context.Background(), req)
}

func (e *env) mustRun(snap *directory.Snapshot, want provision.Status, mod ...func(*provision.Request)) *provision.Result {
	e.t.Helper()
	res, err := e.run(snap, mod...)
	if err != nil || res.Status != want {
		e.t.Fatalf("run: status %s, want %s: %v", res.Status, want, err)
	}
	return res
}

func company() *directory.Snapshot {
	s := fixtures.Company()
	s.DropUser(directory.AdministratorLogin)
	return s
}

// remoteUser is what the test compares of a user read back over SCIM.
type remoteUser struct {
	UserName, ExternalID, Family, Given, Display, Email, Title, Employee, Dept, Org string
	Active                                                                          bool
}

func readBack(t *testing.T, e *env) map[string]remoteUser {
	t.Helper()
	client, err := scimapi.New(scimapi.Config{BaseURL: e.srv.URL, Token: secret.Secret(token), HTTPClient: e.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	users, err := client.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]remoteUser{}
	for _, u := range users {
		r := remoteUser{UserName: u.UserName, ExternalID: u.ExternalID, Display: u.DisplayName, Title: u.Title, Active: u.Active != nil && *u.Active}
		if u.Name != nil {
			r.Family, r.Given = u.Name.FamilyName, u.Name.GivenName
		}
		for _, m := range u.Emails {
			if m.Type == "work" && m.Primary {
				r.Email = m.Value
			}
		}
		if u.Enterprise != nil {
			r.Employee, r.Dept, r.Org = u.Enterprise.EmployeeNumber, u.Enterprise.Department, u.Enterprise.Organization
		}
		out[u.UserName] = r
	}
	return out
}

// expected is what the app should hold for the directory's users.
func expected(s *directory.Snapshot) map[string]remoteUser {
	ix := directory.NewIndex(s)
	out := map[string]remoteUser{}
	for _, u := range s.Users {
		if !u.Valid {
			continue
		}
		r := remoteUser{UserName: u.Login, ExternalID: u.ID, Family: u.Surname, Given: u.GivenName, Display: u.DisplayName,
			Email: u.Email, Employee: u.EmployeeNumber, Active: true}
		if o := ix.Orgs[u.PrimaryOrg]; o != nil {
			r.Dept = o.Name
			for o.ParentCode != "" {
				o = ix.Orgs[o.ParentCode]
			}
			r.Org = o.Name
		}
		for _, m := range u.Memberships {
			if m.OrgCode == u.PrimaryOrg && m.TitleCode != "" {
				r.Title = ix.Titles[m.TitleCode].Name
			}
		}
		out[u.Login] = r
	}
	return out
}

func writes(reqs []request) []request {
	var out []request
	for _, r := range reqs {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

// The first push creates every active user and group with the mapped
// attributes (read back and compared); the second run only reads.
func TestFirstPushThenNoChanges(t *testing.T) {
	e := newEnv(t, scimtest.Options{}, scim.Settings{Groups: true, Organizations: true})
	snap := company()
	res := e.mustRun(snap, provision.StatusApplied)
	if diff := cmp.Diff(expected(snap), readBack(t, e)); diff != "" {
		t.Errorf("users read back (-want +got):\n%s", diff)
	}
	if n := res.Plan.Summary["scim.app"]["users"][provision.Create]; n != len(expected(snap)) {
		t.Errorf("users created: %d", n)
	}
	checkGroups(t, e, snap)

	e.rec.take()
	e.srv.ResetStats()
	e.mustRun(snap, provision.StatusNoChanges)
	st := e.srv.Stats()
	for k := range st.Requests {
		if !strings.HasPrefix(k, "GET ") {
			t.Errorf("a no-change run sent %s", k)
		}
	}
	// One page of users and one of groups at the default page size (the
	// provider config is cached by the client).
	if st.Total != 2 {
		t.Errorf("a no-change run made %d requests: %v", st.Total, st.Requests)
	}
	t.Logf("no-change run: %d requests %v", st.Total, st.Requests)

	// The scenario moves a member between organizations, adds a hire and
	// takes the leaver and the suspended user out of their groups.
	next := fixtures.Changes(snap)
	e.mustRun(next, provision.StatusApplied)
	checkGroups(t, e, next)
	e.mustRun(next, provision.StatusNoChanges)
}

// patchOps is the operations of a PATCH body.
func patchOps(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var p struct{ Operations []map[string]any }
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p.Operations
}

// The demo scenario's changes arrive as PATCHes with exactly the changed
// attributes; leavers and suspended users are deactivated; a user the app
// had before is untouched.
func TestScenarioPatchesExactlyWhatChanged(t *testing.T) {
	e := newEnv(t, scimtest.Options{}, scim.Settings{})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	foreign, err := e.srv.Seed(map[string]any{"userName": "guest@partner.example", "displayName": "Guest",
		"emails": []any{map[string]any{"value": "guest@partner.example", "type": "work", "primary": true}}})
	if err != nil {
		t.Fatal(err)
	}
	foreignBefore := findUser(e.srv.Users(), foreign)

	next := fixtures.Changes(snap) // t.yamaguchi transferred, j.ishii left, r.nakajima hired, y.mori suspended
	rename := mustUser(next, "h.sato")
	rename.DisplayName, rename.Surname = "佐藤改 花子", "佐藤改"
	mail := mustUser(next, "k.suzuki")
	mail.Email = "kenji.suzuki@example.co.jp"

	ids := map[string]string{}
	for _, u := range e.srv.Users() {
		ids[u["id"].(string)] = u["userName"].(string)
	}
	e.rec.take()
	e.mustRun(next, provision.StatusApplied)
	got := map[string][]map[string]any{}
	for _, r := range writes(e.rec.take()) {
		switch {
		case r.Method == http.MethodPatch:
			id := r.Path[strings.LastIndex(r.Path, "/")+1:]
			got[ids[id]] = patchOps(t, r.Body)
		case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/Users"):
			var u struct{ UserName string }
			_ = json.Unmarshal(r.Body, &u)
			got["POST "+u.UserName] = nil
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.Path)
		}
	}
	ent := scimapi.SchemaEnterprise + ":"
	ix := directory.NewIndex(next)
	want := map[string][]map[string]any{
		"h.sato": {
			{"op": "replace", "path": "name.familyName", "value": "佐藤改"},
			{"op": "replace", "path": "displayName", "value": "佐藤改 花子"},
		},
		"k.suzuki":        {{"op": "replace", "path": `emails[type eq "work"].value`, "value": "kenji.suzuki@example.co.jp"}},
		"j.ishii":         {{"op": "replace", "path": "active", "value": false}},
		"y.mori":          {{"op": "replace", "path": "active", "value": false}},
		"POST r.nakajima": nil,
	}
	// The transfer: the department (and what follows from the new
	// primary organization) changes, nothing else.
	ty := expected(company())["t.yamaguchi"]
	now := expected(next)["t.yamaguchi"]
	var transfer []map[string]any
	if ty.Title != now.Title {
		op := map[string]any{"op": "replace", "path": "title", "value": now.Title}
		if now.Title == "" {
			op = map[string]any{"op": "remove", "path": "title"}
		}
		transfer = append(transfer, op)
	}
	transfer = append(transfer, map[string]any{"op": "replace", "path": ent + "department", "value": ix.Orgs["sales-osaka"].Name})
	if ty.Org != now.Org {
		transfer = append(transfer, map[string]any{"op": "replace", "path": ent + "organization", "value": now.Org})
	}
	want["t.yamaguchi"] = transfer
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	// The app now holds the directory (leavers inactive), and the user it
	// had before is untouched.
	back := readBack(t, e)
	wantBack := expected(next)
	for _, l := range []string{"j.ishii", "y.mori"} {
		r := expected(company())[l]
		if l == "y.mori" {
			r = back[l]
		}
		r.Active = false
		wantBack[l] = r
	}
	delete(back, "guest@partner.example")
	if diff := cmp.Diff(wantBack, back); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(foreignBefore, findUser(e.srv.Users(), foreign)); diff != "" {
		t.Errorf("the app's own user changed:\n%s", diff)
	}
	e.mustRun(next, provision.StatusNoChanges)
}

func findUser(users []map[string]any, id string) map[string]any {
	for _, u := range users {
		if u["id"] == id {
			return u
		}
	}
	return nil
}

func mustUser(s *directory.Snapshot, login string) *directory.User {
	for i := range s.Users {
		if s.Users[i].Login == login {
			return &s.Users[i]
		}
	}
	panic("no user " + login)
}

// Faults: a 429 with Retry-After and a reset connection are retried; a
// user the app fails on (500) makes the run partial, listing it; the next
// run converges.
func TestFaultsEndPartialThenConverge(t *testing.T) {
	e := newEnv(t, scimtest.Options{}, scim.Settings{})
	snap := company()
	e.srv.FailNext(1, http.StatusTooManyRequests, time.Second)
	e.srv.ResetNext(1)
	e.srv.FailUser("h.sato", http.StatusInternalServerError)
	res, err := e.run(snap)
	var perr *provision.PartialError
	if res.Status != provision.StatusPartial || !errors_As(err, &perr) {
		t.Fatalf("run: %s, %v", res.Status, err)
	}
	if len(perr.Failures) != 1 || perr.Failures[0].Params["key"] != "h.sato" || perr.Failures[0].Code != scimapi.CodeUnavailable {
		t.Fatalf("failures: %+v", perr.Failures)
	}
	if !strings.Contains(perr.Localize(msg.Ja), "h.sato") {
		t.Errorf("ja: %s", perr.Localize(msg.Ja))
	}
	runs, err := e.store.ListRuns(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if runs[0].Status != provision.StatusPartial || runs[0].Error == nil || !strings.Contains(runs[0].Error.Texts[msg.En], "h.sato") {
		t.Errorf("recorded: %+v", runs[0])
	}
	if back := readBack(t, e); len(back) != len(expected(snap))-1 {
		t.Errorf("%d users in the app", len(back))
	}
	e.srv.FailUser("h.sato", 0)
	res = e.mustRun(snap, provision.StatusApplied)
	if len(res.Plan.Changes) != 1 || res.Plan.Changes[0].Key != "h.sato" {
		t.Errorf("the next run planned %+v", res.Plan.Changes)
	}
	if diff := cmp.Diff(expected(snap), readBack(t, e)); diff != "" {
		t.Errorf("converged (-want +got):\n%s", diff)
	}
	e.mustRun(snap, provision.StatusNoChanges)
}

// A remote edit between the read and the write is detected by ETag: the
// change fails (412) instead of overwriting it, and the next run plans
// from what the app holds.
func TestConcurrentEditNotOverwritten(t *testing.T) {
	e := newEnv(t, scimtest.Options{ETags: true}, scim.Settings{})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	var id string
	for _, u := range e.srv.Users() {
		if u["userName"] == "h.sato" {
			id = u["id"].(string)
		}
	}
	next := fixtures.Clone(snap)
	mustUser(next, "h.sato").DisplayName = "佐藤 花子（改）"
	var once sync.Once
	e.rec.before = func(r *http.Request) {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/"+id) {
			once.Do(func() {
				if err := e.srv.EditUser(id, func(a map[string]any) { a["title"] = "edited in the app" }); err != nil {
					t.Error(err)
				}
			})
		}
	}
	res, err := e.run(next)
	var perr *provision.PartialError
	if res.Status != provision.StatusFailed || !errors_As(err, &perr) || perr.Failures[0].Code != scimapi.CodePreconditionFailed {
		t.Fatalf("run: %s %v", res.Status, err)
	}
	u := findUser(e.srv.Users(), id)
	if u["title"] != "edited in the app" || u["displayName"] == "佐藤 花子（改）" {
		t.Errorf("the edit was overwritten: %v", u)
	}
	e.rec.before = nil
	res = e.mustRun(next, provision.StatusApplied)
	if u := findUser(e.srv.Users(), id); u["displayName"] != "佐藤 花子（改）" {
		t.Errorf("not converged: %v", u)
	}
	_ = res
}

// Safeguards: deactivating more than max_delete_percent of the instance's
// linked users blocks the run; nothing is sent.
func TestSafeguardsBlockMassDeactivation(t *testing.T) {
	e := newEnv(t, scimtest.Options{}, scim.Settings{})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	few := fixtures.Clone(snap)
	for _, u := range snap.Users[:15] {
		few.DropUser(u.Login)
	}
	e.rec.take()
	res, err := e.run(few)
	if res.Status != provision.StatusBlocked || !provision.IsBlocked(err) {
		t.Fatalf("run: %s %v", res.Status, err)
	}
	if !strings.Contains(err.Error(), "scim.app") {
		t.Errorf("reasons: %v", err)
	}
	if w := writes(e.rec.take()); len(w) != 0 {
		t.Errorf("a blocked run sent %d writes", len(w))
	}
	// Released, it deactivates them.
	res = e.mustRun(few, provision.StatusApplied, func(r *provision.Request) { r.AllowDeletes = true })
	if n := res.Plan.Summary["scim.app"]["users"][provision.Disable]; n < 14 {
		t.Errorf("deactivated %d", n)
	}
}

// A stored plan whose remote user changed since is refused with
// stale_plan, and nothing is sent.
func TestStalePlanSendsNothing(t *testing.T) {
	e := newEnv(t, scimtest.Options{}, scim.Settings{})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	next := fixtures.Clone(snap)
	mustUser(next, "h.sato").DisplayName = "佐藤 花子（改）"
	res := e.mustRun(next, provision.StatusDryRun, func(r *provision.Request) { r.DryRun = true })
	var buf bytes.Buffer
	if err := res.Plan.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	saved, err := provision.ReadPlan(&buf)
	if err != nil {
		t.Fatal(err)
	}
	id := saved.Changes[0].ObjectID
	if err := e.srv.EditUser(id, func(a map[string]any) { a["nickName"] = "Hana" }); err != nil {
		t.Fatal(err)
	}
	e.rec.take()
	_, err = e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Plan: saved})
	if msg.Code(err) != provision.CodeStalePlan {
		t.Fatalf("apply: %v", err)
	}
	if w := writes(e.rec.take()); len(w) != 0 {
		t.Errorf("a stale plan sent %v", w)
	}
	if !strings.Contains(msg.Localize(msg.Ja, err), "h.sato") {
		t.Errorf("ja: %s", msg.Localize(msg.Ja, err))
	}
}

// The user filter (the calendar scope's syntax): users outside it are not
// provisioned, and a linked user who leaves it is deactivated.
func TestUserFilter(t *testing.T) {
	sc, err := scope.Parse(`organization <= "sales"`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, scimtest.Options{}, scim.Settings{Filter: sc})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	back := readBack(t, e)
	if _, ok := back["t.yamaguchi"]; !ok || len(back) >= len(expected(snap)) {
		t.Errorf("%d users provisioned", len(back))
	}
	if slices.ContainsFunc(snap.Users, func(u directory.User) bool { _, ok := back[u.Login]; return ok && !u.Valid }) {
		t.Error("a 停止中 user was created")
	}
}

func errors_As(err error, target any) bool { return errors.As(err, target) }

// checkGroups compares the app's groups (by externalId and name) and
// their members (by userName) with snap's groups and organizations and
// their active members.
func checkGroups(t *testing.T, e *env, snap *directory.Snapshot) {
	t.Helper()
	byID := map[string]string{}
	for _, u := range e.srv.Users() {
		byID[u["id"].(string)] = u["userName"].(string)
	}
	got := map[string][]string{}
	for _, g := range e.srv.Groups() {
		var ms []string
		if l, ok := g["members"].([]any); ok {
			for _, m := range l {
				ms = append(ms, byID[m.(map[string]any)["value"].(string)])
			}
		}
		sort.Strings(ms)
		got[g["externalId"].(string)+" "+g["displayName"].(string)] = ms
	}
	want := map[string][]string{}
	valid := map[string]bool{}
	for _, u := range snap.Users {
		valid[u.Login] = u.Valid
	}
	members := func(logins []string) []string {
		var out []string
		for _, l := range logins {
			if valid[l] {
				out = append(out, l)
			}
		}
		sort.Strings(out)
		return out
	}
	for _, g := range snap.Groups {
		if g.Code != directory.EveryoneGroup {
			want["group:"+g.Code+" "+g.Name] = members(g.Members)
		}
	}
	byOrg := map[string][]string{}
	for _, u := range snap.Users {
		for _, m := range u.Memberships {
			byOrg[m.OrgCode] = append(byOrg[m.OrgCode], u.Login)
		}
	}
	for _, o := range snap.Organizations {
		want["organization:"+o.Code+" "+o.Name] = members(byOrg[o.Code])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}

}

// Custom items mapped by [scim.attributes] arrive in the app: a core
// attribute (nickName) and the enterprise extension's costCenter; a
// change of the item is one PATCH of that attribute.
func TestCustomAttributes(t *testing.T) {
	cc := scimapi.SchemaEnterprise + ":costCenter"
	e := newEnv(t, scimtest.Options{}, scim.Settings{Custom: map[string]string{cc: "costCenter", "nickName": "costCenter"}})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	want := map[string]string{}
	for _, u := range snap.Users {
		if u.Valid && len(u.CustomItems) > 0 {
			want[u.Login] = u.CustomItems[0].Value
		}
	}
	got := map[string]string{}
	nick := map[string]string{}
	for _, u := range e.srv.Users() {
		if ext, ok := u[scimapi.SchemaEnterprise].(map[string]any); ok {
			if c, ok := ext["costCenter"].(string); ok {
				got[u["userName"].(string)] = c
			}
		}
		if n, ok := u["nickName"].(string); ok {
			nick[u["userName"].(string)] = n
		}
	}
	if len(want) == 0 {
		t.Fatal("the fixture has no custom items")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("costCenter (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, nick); diff != "" {
		t.Errorf("nickName (-want +got):\n%s", diff)
	}
	e.mustRun(snap, provision.StatusNoChanges)

	next := fixtures.Clone(snap)
	mustUser(next, "h.sato").CustomItems = []directory.CustomItem{{Code: "costCenter", Value: "CC-999"}}
	e.rec.take()
	e.mustRun(next, provision.StatusApplied)
	w := writes(e.rec.take())
	if len(w) != 1 {
		t.Fatalf("writes: %v", w)
	}
	if diff := cmp.Diff([]map[string]any{
		{"op": "replace", "path": "nickName", "value": "CC-999"},
		{"op": "replace", "path": cc, "value": "CC-999"},
	}, patchOps(t, w[0].Body)); diff != "" {
		t.Errorf("patch (-want +got):\n%s", diff)
	}
	e.mustRun(next, provision.StatusNoChanges)
}

// With leavers = "delete" a leaver's user is deleted from the app and its
// link removed; the next run has nothing to do.
func TestLeaversDeleted(t *testing.T) {
	e := newEnv(t, scimtest.Options{ETags: true}, scim.Settings{Leavers: scim.LeaversDelete})
	snap := company()
	e.mustRun(snap, provision.StatusApplied)
	next := fixtures.Leave(snap, "j.ishii")
	res := e.mustRun(next, provision.StatusApplied)
	if n := res.Plan.Summary["scim.app"]["users"][provision.Delete]; n != 1 {
		t.Errorf("deleted %d", n)
	}
	if _, ok := readBack(t, e)["j.ishii"]; ok {
		t.Error("the leaver is still in the app")
	}
	e.mustRun(next, provision.StatusNoChanges)
}
