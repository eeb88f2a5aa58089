package provision_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// remoteApp is an app the remote target keeps users in: objects by id,
// each with a version that moves on with every write. It is not a
// protocol, only the far side of provision.RemoteTarget.
type remoteApp struct {
	// slow, when set, runs before the writes are made (a slow app).
	slow    func()
	mu      sync.Mutex
	objects map[string]remoteObject
	next    int
	fail    map[string]bool // logins whose writes fail
	loadErr error
	sent    int // writes attempted
}

type remoteObject struct {
	Login, Name string
	Version     int
}

type remoteState struct{ objects map[string]remoteObject }

func (s remoteState) Digest() string {
	ids := make([]string, 0, len(s.objects))
	for id := range s.objects {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%s=%v;", id, s.objects[id])
	}
	return b.String()
}

// remoteTarget plans a create for each directory user not linked yet and
// an update for a linked one whose name changed.
type remoteTarget struct{ app *remoteApp }

var _ provision.RemoteTarget = remoteTarget{}

func (remoteTarget) Name() string { return "remote" }
func (remoteTarget) Kinds() []provision.KindInfo {
	return []provision.KindInfo{{Kind: "user", Plural: "users", Actions: []provision.Action{provision.Create, provision.Update}}}
}
func (remoteTarget) Load(context.Context, provision.Querier) (provision.State, error) {
	return nil, errors.New("Load called on a remote target")
}
func (remoteTarget) Apply(context.Context, provision.ApplyTx, []provision.Change) error {
	return errors.New("Apply called on a remote target")
}

func (t remoteTarget) LoadRemote(context.Context) (provision.State, error) {
	t.app.mu.Lock()
	defer t.app.mu.Unlock()
	if t.app.loadErr != nil {
		return nil, t.app.loadErr
	}
	objs := map[string]remoteObject{}
	for id, o := range t.app.objects {
		objs[id] = o
	}
	return remoteState{objs}, nil
}

func (remoteTarget) Plan(in provision.PlanInput, st provision.State) provision.TargetPlan {
	objs := st.(remoteState).objects
	linked := map[string]string{} // login → object id
	for _, l := range in.Links {
		linked[l.Dir.Key] = l.ObjectID
	}
	var tp provision.TargetPlan
	for _, u := range in.Snapshot.Users {
		ref := provision.DirRef{ID: u.ID, Key: u.Login}
		id, ok := linked[u.Login]
		switch {
		case !ok:
			tp.Changes = append(tp.Changes, provision.Change{Kind: "user", Action: provision.Create, Key: u.Login,
				Reason: provision.ReasonNew, Link: &ref, Fields: provision.Fields{{Name: "name", New: u.DisplayName}}})
		case objs[id].Name != u.DisplayName:
			data, _ := json.Marshal(objs[id].Version)
			tp.Changes = append(tp.Changes, provision.Change{Kind: "user", Action: provision.Update, Key: u.Login, ObjectID: id,
				Reason: provision.ReasonLink, Data: data, Fields: provision.Fields{{Name: "name", Old: objs[id].Name, New: u.DisplayName}}})
		}
	}
	return tp
}

func (t remoteTarget) CheckRemote(_ context.Context, changes []provision.Change) error {
	t.app.mu.Lock()
	defer t.app.mu.Unlock()
	for _, c := range changes {
		var v int
		if c.ObjectID != "" && json.Unmarshal(c.Data, &v) == nil && t.app.objects[c.ObjectID].Version != v {
			return &provision.StaleObject{Kind: c.Kind, Key: c.Key, ObjectID: c.ObjectID}
		}
	}
	return nil
}

func (t remoteTarget) ApplyRemote(_ context.Context, changes []provision.Change) []provision.Outcome {
	if t.app.slow != nil {
		t.app.slow()
	}
	t.app.mu.Lock()
	defer t.app.mu.Unlock()
	out := make([]provision.Outcome, len(changes))
	for i, c := range changes {
		t.app.sent++
		if t.app.fail[c.Key] {
			out[i].Err = msg.New(msg.KindUnavailable, "scim_test_failure", msg.Params{"detail": "injected"})
			continue
		}
		id := c.ObjectID
		if id == "" {
			t.app.next++
			id = fmt.Sprint(t.app.next)
		}
		o := t.app.objects[id]
		o.Login, o.Name, o.Version = c.Key, provision.String(c.Fields[0].New), o.Version+1
		t.app.objects[id] = o
		out[i].ObjectID = id
	}
	return out
}

func newRemoteEnv(t *testing.T) (*env, *remoteApp) {
	e := newEnv(t)
	app := &remoteApp{objects: map[string]remoteObject{}, fail: map[string]bool{}}
	e.runner.Targets = append(e.runner.Targets, remoteTarget{app})
	return e, app
}

func (e *env) links(target string) []provision.Link {
	e.t.Helper()
	var out []provision.Link
	err := e.store.View(context.Background(), func(q provision.Querier) error {
		var err error
		out, err = e.store.Links(context.Background(), q, target)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// A run where one remote change fails ends partial: the rest (local and
// remote) is applied and linked, the failure is listed with its code and
// object, and the next run plans only that change again.
func TestRemotePartialRunCommitsWhatSucceeded(t *testing.T) {
	e, app := newRemoteEnv(t)
	snap := company()
	login := snap.Users[3].Login
	app.fail[login] = true
	res, err := e.run(snap)
	var perr *provision.PartialError
	if !errors.As(err, &perr) || res.Status != provision.StatusPartial || res.RunID == 0 {
		t.Fatalf("run: %+v, %v", res, err)
	}
	if len(perr.Failures) != 1 || perr.Failures[0].Code != "scim_test_failure" || perr.Failures[0].Params["key"] != login {
		t.Fatalf("failures: %+v", perr.Failures)
	}
	if !strings.Contains(perr.Localize(msg.Ja), login) || !strings.Contains(err.Error(), "failed in the app") {
		t.Errorf("text: %s", err)
	}
	if got, want := len(e.links("remote")), len(snap.Users)-1; got != want {
		t.Errorf("remote links %d, want %d", got, want)
	}
	if len(e.links("safety")) == 0 {
		t.Error("the local target was not applied")
	}
	runs, err := e.store.ListRuns(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if runs[0].Status != provision.StatusPartial || runs[0].Error == nil || runs[0].Error.Code != provision.CodePartial ||
		runs[0].Summary["remote"]["users"][provision.Create] != len(snap.Users)-1 {
		t.Errorf("recorded run: %+v", runs[0])
	}
	app.fail = map[string]bool{}
	res = e.mustRun(snap)
	if res.Status != provision.StatusApplied || len(res.Plan.Changes) != 1 || res.Plan.Changes[0].Key != login {
		t.Errorf("next run: %s %+v", res.Status, res.Plan.Changes)
	}
	if res := e.mustRun(snap); res.Status != provision.StatusNoChanges {
		t.Errorf("third run: %s", res.Status)
	}
}

// A failed remote read fails the run before planning: nothing is written
// locally, nothing sent.
func TestRemoteReadFailureFailsTheRun(t *testing.T) {
	e, app := newRemoteEnv(t)
	app.loadErr = errors.New("connection refused")
	dump := e.dump("runs")
	res, err := e.run(company())
	if err == nil || res.Status != provision.StatusFailed || res.Plan != nil {
		t.Fatalf("run: %+v, %v", res, err)
	}
	if e.dump("runs") != dump || app.sent != 0 {
		t.Errorf("a run with a failed remote read changed something (sent %d)", app.sent)
	}
}

// A stored plan whose remote object changed since is refused whole with
// stale_plan, before anything is sent.
func TestRemoteStalePlanSendsNothing(t *testing.T) {
	e, app := newRemoteEnv(t)
	e.mustRun(company())
	renamed := changed()
	renamed.Users[0].DisplayName += "（改姓）"
	res := e.mustRun(renamed, dryRun)
	var buf bytes.Buffer
	if err := res.Plan.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	saved, err := provision.ReadPlan(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var touched string
	for _, c := range saved.ChangesFor("remote") {
		if c.Action == provision.Update {
			touched = c.ObjectID
		}
	}
	if touched == "" {
		t.Fatal("the plan updates no remote user")
	}
	app.mu.Lock()
	o := app.objects[touched]
	o.Version++ // edited in the app
	app.objects[touched] = o
	sent := app.sent
	app.mu.Unlock()
	dump := e.dump()
	_, err = e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Plan: saved})
	if msg.Code(err) != provision.CodeStalePlan || !strings.Contains(err.Error(), "changed in the app") {
		t.Fatalf("apply: %v", err)
	}
	if app.sent != sent || e.dump() != dump {
		t.Error("a stale plan sent or wrote something")
	}
	// Unchanged, the same plan applies.
	app.mu.Lock()
	o.Version--
	app.objects[touched] = o
	app.mu.Unlock()
	if res, err := e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Plan: saved}); err != nil || res.Status != provision.StatusApplied {
		t.Fatalf("apply the fresh plan: %v", err)
	}
}

// Remote changes made are recorded with their links even when the run
// timed out while they were sent.
func TestRemoteChangesRecordedPastTheTimeout(t *testing.T) {
	e, app := newRemoteEnv(t)
	e.runner.Targets = e.runner.Targets[1:] // the remote target alone
	e.runner.RunTimeout = 200 * time.Millisecond
	app.slow = func() { time.Sleep(400 * time.Millisecond) }
	res, err := e.run(company())
	if err != nil || res.Status != provision.StatusApplied {
		t.Fatalf("run: %+v, %v", res, err)
	}
	if got, want := len(e.links("remote")), len(company().Users); got != want {
		t.Errorf("%d links, want %d", got, want)
	}
}
