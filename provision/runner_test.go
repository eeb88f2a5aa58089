package provision_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/safety"
)

type env struct {
	t      *testing.T
	store  *sqlite.Store
	runner *provision.Runner
	now    time.Time
}

func safetyTarget() *safety.Target {
	return safety.New(safety.Config{LoginKey: safety.LoginKeyLogin, IncludeSuspended: true, InitialPassword: "welcome-2025", PasswordCost: bcrypt.MinCost})
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAt(t, filepath.Join(t.TempDir(), "cybridge.db"))
}

func newEnvAt(t *testing.T, path string) *env {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, now: time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)}
	s.Clock = func() time.Time { return e.now }
	t.Cleanup(func() { s.Close() })
	e.runner = &provision.Runner{Store: s, Targets: []provision.Target{safetyTarget()},
		Safeguards: provision.Safeguards{MaxDeletes: 50, MaxDeletePercent: 20, MinSourceRatio: 70}, HistoryDays: 90}
	return e
}

func (e *env) run(snap *directory.Snapshot, mod ...func(*provision.Request)) (*provision.Result, error) {
	req := provision.Request{Trigger: provision.TriggerCLI, Source: provision.RunSource{Kind: "api"},
		Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }}
	for _, m := range mod {
		m(&req)
	}
	return e.runner.Run(context.Background(), req)
}

func (e *env) mustRun(snap *directory.Snapshot, mod ...func(*provision.Request)) *provision.Result {
	e.t.Helper()
	res, err := e.run(snap, mod...)
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	return res
}

func (e *env) dump(skip ...string) string {
	e.t.Helper()
	var b strings.Builder
	if err := e.store.Dump(context.Background(), &b, skip...); err != nil {
		e.t.Fatal(err)
	}
	return b.String()
}

func (e *env) changes() int64 {
	e.t.Helper()
	n, err := e.store.Changes(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func dryRun(r *provision.Request)       { r.DryRun = true }
func allowDeletes(r *provision.Request) { r.AllowDeletes = true }

// SPEC §10: the same input twice → the second run is no_changes and
// writes nothing to the targets, only its history row; consecutive
// no-change runs of one trigger fold into that row (SPEC §7).
func TestSameInputTwiceRecordsOnlyANoChangeRow(t *testing.T) {
	e := newEnv(t)
	res := e.mustRun(company())
	if res.Status != provision.StatusApplied || res.RunID == 0 {
		t.Fatalf("first run: %+v", res)
	}
	targets := e.dump("runs")
	var folded int64
	for i, mod := range []func(*provision.Request){func(*provision.Request) {}, dryRun, func(*provision.Request) {}} {
		res := e.mustRun(company(), mod)
		if res.Status != provision.StatusNoChanges || res.RunID == 0 || res.RunID == 1 || res.Plan.HasChanges() {
			t.Errorf("run %d: status %s, run %d, %d changes", i+2, res.Status, res.RunID, len(res.Plan.Changes))
		}
		if folded == 0 {
			folded = res.RunID
		} else if res.RunID != folded {
			t.Errorf("run %d recorded as run %d, want it folded into run %d", i+2, res.RunID, folded)
		}
	}
	if e.dump("runs") != targets {
		t.Error("the no-change runs changed the targets or links")
	}
	runs, err := e.store.ListRuns(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Status != provision.StatusNoChanges || runs[0].Repeats != 3 || runs[1].Repeats != 1 {
		t.Fatalf("history = %+v; want the applied run and one no-change row of 3", runs)
	}
	if !runs[0].FinishedAt.After(runs[0].StartedAt) && !runs[0].FinishedAt.Equal(runs[0].StartedAt) {
		t.Errorf("folded row: first %v, last %v", runs[0].StartedAt, runs[0].FinishedAt)
	}

	// Another trigger, or a change in between, starts a new row.
	sched := e.mustRun(company(), func(r *provision.Request) { r.Trigger = provision.TriggerSchedule })
	if sched.RunID == folded {
		t.Errorf("a scheduled no-change run folded into the CLI's row %d", folded)
	}
}

func TestDryRunRecordsThePlanOnly(t *testing.T) {
	e := newEnv(t)
	dump := e.dump("runs")
	res := e.mustRun(company(), dryRun)
	if res.Status != provision.StatusDryRun || res.RunID == 0 {
		t.Fatalf("dry run: %+v", res)
	}
	if e.dump("runs") != dump {
		t.Error("a dry run changed more than the run history")
	}
	run, err := e.store.GetRun(context.Background(), res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != provision.StatusDryRun || !run.DryRun || run.Plan == nil || len(run.Plan.Changes) != len(res.Plan.Changes) {
		t.Errorf("recorded run: %+v", run)
	}
	// The stored plan applies exactly.
	applied, err := e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerConsole, Plan: run.Plan})
	if err != nil || applied.Status != provision.StatusApplied {
		t.Fatalf("apply the stored plan: %+v %v", applied, err)
	}
	if r := e.mustRun(company()); r.Status != provision.StatusNoChanges {
		t.Errorf("after applying the stored plan: %s", r.Status)
	}
}

// company is the fixture company as the CLI reads it (without the
// built-in Administrator).
func company() *directory.Snapshot {
	s := fixtures.Company()
	s.DropUser(directory.AdministratorLogin)
	return s
}

// changed is the fixture's "changes" scenario, read the same way.
func changed() *directory.Snapshot { return fixtures.Changes(company()) }

// leavers removes n users (in login order) from the company.
func leavers(n int) *directory.Snapshot {
	s := company()
	var logins []string
	for _, u := range s.Users[:n] {
		logins = append(logins, u.Login)
	}
	for _, l := range logins {
		s.DropUser(l)
	}
	return s
}

func TestSafeguards(t *testing.T) {
	tests := []struct {
		name   string
		guards provision.Safeguards
		next   *directory.Snapshot
		codes  []string
	}{
		{"max_deletes", provision.Safeguards{MaxDeletes: 2, MaxDeletePercent: 100}, leavers(3), []string{provision.SafeguardMaxDeletes}},
		{"max_deletes at the threshold passes", provision.Safeguards{MaxDeletes: 3, MaxDeletePercent: 100}, leavers(3), nil},
		{"max_delete_percent", provision.Safeguards{MaxDeletes: 100, MaxDeletePercent: 10}, leavers(8), []string{provision.SafeguardMaxDeletePercent}},
		{"max_delete_percent below the threshold passes", provision.Safeguards{MaxDeletes: 100, MaxDeletePercent: 20}, leavers(5), nil},
		{"min_source_ratio", provision.Safeguards{MaxDeletes: 100, MaxDeletePercent: 100, MinSourceRatio: 90}, leavers(6), []string{provision.SafeguardMinSourceRatio}},
		{"max_deletes 0 blocks any delete", provision.Safeguards{MaxDeletes: 0, MaxDeletePercent: 100}, leavers(1), []string{provision.SafeguardMaxDeletes}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.mustRun(company())
			e.runner.Safeguards = tc.guards
			dump := e.dump("runs")
			res, err := e.run(tc.next)
			if tc.codes == nil {
				if err != nil || res.Status != provision.StatusApplied {
					t.Fatalf("run: %v %+v", err, res)
				}
				return
			}
			var be *provision.BlockedError
			if !errors.As(err, &be) || be.ExitCode() != 3 || be.ErrorCode() != "blocked" {
				t.Fatalf("run: %v, want blocked with exit code 3", err)
			}
			var got []string
			for _, r := range be.Reasons {
				got = append(got, r.Code)
			}
			if strings.Join(got, ",") != strings.Join(tc.codes, ",") {
				t.Errorf("safeguards %v, want %v", got, tc.codes)
			}
			if res.Status != provision.StatusBlocked || res.RunID == 0 {
				t.Errorf("result %+v: want a recorded blocked run", res)
			}
			if e.dump("runs") != dump {
				t.Error("a blocked run changed the roster")
			}
			// -allow-deletes releases it.
			res, err = e.run(tc.next, allowDeletes)
			if err != nil || res.Status != provision.StatusApplied {
				t.Errorf("with -allow-deletes: %v %+v", err, res)
			}
		})
	}
}

func TestDryRunReportsSafeguardsWithoutBlocking(t *testing.T) {
	e := newEnv(t)
	e.mustRun(company())
	e.runner.Safeguards = provision.Safeguards{MaxDeletes: 1, MaxDeletePercent: 100}
	res, err := e.run(leavers(2), dryRun)
	if err != nil || res.Status != provision.StatusDryRun || len(res.Plan.Safeguards) != 1 {
		t.Fatalf("dry run: %v %+v", err, res)
	}
}

// savedPlan applies the company, then saves the dry-run plan of the
// changes scenario as plan -out writes it.
func (e *env) savedPlan() []byte {
	e.t.Helper()
	e.mustRun(company())
	res := e.mustRun(changed(), dryRun)
	var buf bytes.Buffer
	if err := res.Plan.WriteJSON(&buf); err != nil {
		e.t.Fatal(err)
	}
	return buf.Bytes()
}

func TestStalePlanRefused(t *testing.T) {
	e := newEnv(t)
	// Read the saved plan back, as apply -plan does.
	saved, err := provision.ReadPlan(bytes.NewReader(e.savedPlan()))
	if err != nil {
		t.Fatal(err)
	}
	// The roster moves on: someone edits a member.
	err = e.store.Update(context.Background(), func(q provision.Querier) error {
		r := &safety.Roster{Q: q, Links: e.store.LinkWriter(q, safety.Name, 0), Now: e.now}
		name := "誰か"
		return r.EditMember(context.Background(), safety.MemberPatch{Login: "h.sato", Name: &name})
	})
	if err != nil {
		t.Fatal(err)
	}
	dump := e.dump()
	res, err := e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Plan: saved})
	var pe *provision.Error
	if !errors.As(err, &pe) || pe.Code != provision.CodeStalePlan || res.RunID != 0 {
		t.Fatalf("apply a stale plan: %v (run %d)", err, res.RunID)
	}
	if !strings.Contains(err.Error(), "make the plan again") {
		t.Errorf("message %q", err)
	}
	if e.dump() != dump {
		t.Error("a refused stale plan wrote something")
	}
	// A fresh plan of the same input applies.
	if res := e.mustRun(changed()); res.Status != provision.StatusApplied {
		t.Errorf("fresh plan: %+v", res)
	}
}

func TestReadPlanRefusesOtherVersions(t *testing.T) {
	for _, in := range []string{`{"format_version":2}`, `not json`} {
		_, err := provision.ReadPlan(strings.NewReader(in))
		var pe *provision.Error
		if !errors.As(err, &pe) || pe.Code != provision.CodePlanFormat {
			t.Errorf("ReadPlan(%q) = %v, want plan_format", in, err)
		}
	}
}

func TestFailedReadIsRecordedAndWritesNothingElse(t *testing.T) {
	e := newEnv(t)
	e.mustRun(company())
	dump := e.dump("runs")
	cause := &provision.Error{Code: "source_unavailable", Message: "cybozu.com is busy"}
	res, err := e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerSchedule, Source: provision.RunSource{Kind: "api"},
		Read: func(context.Context) (*directory.Snapshot, error) { return nil, cause }})
	if !errors.Is(err, cause) || res.Status != provision.StatusFailed {
		t.Fatalf("run: %v %+v", err, res)
	}
	runs, _ := e.store.ListRuns(context.Background(), 1)
	if len(runs) != 1 || runs[0].ID != res.RunID || runs[0].Status != provision.StatusFailed || runs[0].Error.Code != "source_unavailable" || runs[0].Trigger != provision.TriggerSchedule {
		t.Errorf("recorded: %+v", runs[0])
	}
	if e.dump("runs") != dump {
		t.Error("a failed read changed the roster")
	}
}

// failingTarget applies nothing and fails: placed after the safety
// target, it fails a run whose roster changes were already written inside
// the transaction.
type failingTarget struct{ provision.Target }

var errInjected = errors.New("injected failure")

func (failingTarget) Name() string { return "failing" }
func (f failingTarget) Plan(in provision.PlanInput, st provision.State) provision.TargetPlan {
	return provision.TargetPlan{Changes: []provision.Change{{Kind: "thing", Action: provision.Create, Key: "x"}}}
}
func (failingTarget) Apply(context.Context, provision.ApplyTx, []provision.Change) error {
	return errInjected
}

func TestFailureMidApplyLeavesDatabaseAsBefore(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env)
	}{
		{"the database rejects the last member created", func(e *env) {
			// A temporary trigger on the one writer connection: the deletes
			// and updates before it have run inside the transaction.
			if _, err := e.store.DB().Exec(`CREATE TEMP TRIGGER fail_hire BEFORE INSERT ON safety_members
WHEN NEW.login = 'r.nakajima' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
				e.t.Fatal(err)
			}
		}},
		{"a link write fails", func(e *env) {
			if _, err := e.store.DB().Exec(`CREATE TEMP TRIGGER fail_link BEFORE UPDATE ON links
WHEN NEW.dir_key = 't.yamaguchi' OR OLD.dir_key = 't.yamaguchi' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
				e.t.Fatal(err)
			}
			e.runner.Targets = []provision.Target{safetyTarget()}
		}},
		{"a later target fails after the roster was written", func(e *env) {
			e.runner.Targets = []provision.Target{safetyTarget(), failingTarget{safetyTarget()}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.mustRun(company())
			before := e.dump("runs")
			tc.setup(e)
			next := changed()
			if tc.name == "a link write fails" {
				// Give t.yamaguchi a new id so that its link is rewritten.
				for i := range next.Users {
					if next.Users[i].Login == "t.yamaguchi" {
						next.Users[i].ID = "99999"
						next.Users[i].Login = "t.yamaguchi"
					}
				}
			}
			res, err := e.run(next)
			if err == nil || res.Status != provision.StatusFailed || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("run: %v %+v", err, res)
			}
			var pe *provision.Error
			if !errors.As(err, &pe) || pe.Code != "apply_failed" || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("error: %v", err)
			}
			if after := e.dump("runs"); after != before {
				t.Errorf("the database changed although apply failed:\n%s", diffLines(before, after))
			}
			runs, _ := e.store.ListRuns(context.Background(), 10)
			if len(runs) != 2 || runs[0].Status != provision.StatusFailed || runs[1].Status != provision.StatusApplied {
				t.Errorf("runs: want the first applied and a failed one, got %d", len(runs))
			}
		})
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	seen := map[string]bool{}
	for _, l := range al {
		seen[l] = true
	}
	for _, l := range bl {
		if !seen[l] {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 20 {
		out = out[:20]
	}
	return strings.Join(out, "\n")
}

// blockingTarget holds its apply until released.
type blockingTarget struct {
	provision.Target
	entered chan struct{}
	release chan struct{}
}

func (b blockingTarget) Apply(ctx context.Context, tx provision.ApplyTx, cs []provision.Change) error {
	close(b.entered)
	<-b.release
	return b.Target.Apply(ctx, tx, cs)
}

func TestConcurrentAppliesOneRunsTheOtherIsRefused(t *testing.T) {
	e := newEnv(t)
	bt := blockingTarget{Target: safetyTarget(), entered: make(chan struct{}), release: make(chan struct{})}
	first := &provision.Runner{Store: e.store, Targets: []provision.Target{bt}, Safeguards: e.runner.Safeguards, Holder: "first"}
	second := &provision.Runner{Store: e.store, Targets: []provision.Target{safetyTarget()}, Safeguards: e.runner.Safeguards, Holder: "second"}
	snap := company()
	read := func(context.Context) (*directory.Snapshot, error) { return snap, nil }

	var wg sync.WaitGroup
	var firstRes *provision.Result
	var firstErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		firstRes, firstErr = first.Run(context.Background(), provision.Request{Trigger: provision.TriggerSchedule, Read: read})
	}()
	<-bt.entered // the first run holds the lease and is inside its apply

	done := make(chan error, 1)
	go func() {
		_, err := second.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Read: read})
		done <- err
	}()
	select {
	case err := <-done:
		var pe *provision.Error
		if !errors.As(err, &pe) || pe.Code != provision.CodeRunInProgress {
			t.Errorf("second run: %v, want run_in_progress", err)
		}
		if !strings.Contains(err.Error(), "first") {
			t.Errorf("message %q does not name the holder", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the second run waited instead of being refused")
	}
	close(bt.release)
	wg.Wait()
	if firstErr != nil || firstRes.Status != provision.StatusApplied {
		t.Fatalf("first run: %v %+v", firstErr, firstRes)
	}
	// The lease is released: the next run proceeds (nothing to do).
	if res, err := second.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Read: read}); err != nil || res.Status != provision.StatusNoChanges {
		t.Errorf("after the first finished: %v %+v", err, res)
	}
	runs, _ := e.store.ListRuns(context.Background(), 10)
	if len(runs) != 2 || runs[0].Status != provision.StatusNoChanges || runs[1].Status != provision.StatusApplied {
		t.Errorf("%d runs recorded, want the apply and the no-change run after it (a refused run is not a run)", len(runs))
	}
}

func TestPlanErrorsRecordFailedRun(t *testing.T) {
	e := newEnv(t)
	s := company()
	s.Users[1].Email = s.Users[0].Email
	res, err := e.run(s)
	var pe *provision.PlanError
	if !errors.As(err, &pe) || pe.ErrorCode() != safety.CodeDuplicateEmail || res.Status != provision.StatusFailed {
		t.Fatalf("run: %v %+v", err, res)
	}
	runs, _ := e.store.ListRuns(context.Background(), 1)
	if len(runs) != 1 || runs[0].Error == nil || runs[0].Error.Code != safety.CodeDuplicateEmail {
		t.Errorf("recorded: %+v", runs)
	}
}

func TestInvalidSnapshotNeverPlanned(t *testing.T) {
	e := newEnv(t)
	s := company()
	s.Users = append(s.Users, s.Users[0]) // duplicate login
	before := e.changes()
	_, err := e.run(s)
	var ve *directory.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("run: %v, want the validation error", err)
	}
	if n := e.changes() - before; n != 1 { // the failed run's row only
		t.Errorf("%d rows changed, want 1 (the failed run)", n)
	}
}

func TestHistoryPruned(t *testing.T) {
	e := newEnv(t)
	e.mustRun(company(), dryRun)
	e.now = e.now.Add(91 * 24 * time.Hour)
	e.mustRun(company(), dryRun)
	runs, _ := e.store.ListRuns(context.Background(), 10)
	if len(runs) != 1 {
		t.Errorf("%d runs after 91 days with history_days = 90, want 1", len(runs))
	}
}

// TestEditedPlanRefusedWhole: a saved plan edited by hand so that some of
// its changes no longer fit together (a change naming a target the plan
// does not list, a kind or action the target does not have) is refused
// before anything is written — never applied in part.
func TestEditedPlanRefusedWhole(t *testing.T) {
	edits := []struct {
		name string
		edit func(p map[string]any)
	}{
		{"a change names a target the plan does not list", func(p map[string]any) {
			for _, c := range p["changes"].([]any) {
				if c := c.(map[string]any); c["action"] == "delete" {
					c["target"] = "Safety"
				}
			}
		}},
		{"the targets are removed", func(p map[string]any) { p["targets"] = []any{} }},
		{"a target is listed twice", func(p map[string]any) {
			ts := p["targets"].([]any)
			p["targets"] = append(ts, ts[0])
		}},
		{"an action the kind does not have", func(p map[string]any) {
			p["changes"].([]any)[0].(map[string]any)["action"] = "disable"
		}},
		{"a kind the target does not have", func(p map[string]any) {
			p["changes"].([]any)[0].(map[string]any)["kind"] = "enrolment"
		}},
	}
	for _, tc := range edits {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var m map[string]any
			if err := json.Unmarshal(e.savedPlan(), &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			saved, err := provision.ReadPlan(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			dump := e.dump()
			res, err := e.runner.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI, Plan: saved, AllowDeletes: true})
			var pe *provision.Error
			if !errors.As(err, &pe) || pe.Code != provision.CodePlanFormat {
				t.Fatalf("apply the edited plan: %v (status %s), want plan_format", err, res.Status)
			}
			if !strings.Contains(err.Error(), "make the plan again") {
				t.Errorf("message %q does not say what to do", err)
			}
			if d := e.dump(); d != dump {
				t.Errorf("a refused plan wrote something:\n%s", diffLines(dump, d))
			}
		})
	}
}

// TestMinSourceRatioOutlivesHistoryDays: a directory that did not change
// for longer than history_days writes no runs, so the last applied run is
// older than the history kept; pruning must not take the baseline of
// min_source_ratio with it.
func TestMinSourceRatioOutlivesHistoryDays(t *testing.T) {
	e := newEnv(t)
	e.mustRun(company())
	e.runner.Safeguards = provision.Safeguards{MaxDeletes: 100, MaxDeletePercent: 100, MinSourceRatio: 90}
	e.now = e.now.Add(91 * 24 * time.Hour)
	// A failed read is recorded, and pruning runs.
	_, err := e.run(nil, func(r *provision.Request) {
		r.Read = func(context.Context) (*directory.Snapshot, error) {
			return nil, &provision.Error{Code: "source_unavailable", Message: "busy"}
		}
	})
	if err == nil {
		t.Fatal("the failed read did not fail")
	}
	_, err = e.run(leavers(6))
	var be *provision.BlockedError
	if !errors.As(err, &be) || len(be.Reasons) != 1 || be.Reasons[0].Code != provision.SafeguardMinSourceRatio {
		t.Fatalf("run with 6 of 41 users gone after 91 quiet days: %v, want blocked by min_source_ratio", err)
	}
}
