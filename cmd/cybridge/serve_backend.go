package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// serveBackend is the console's and API's web.Backend over the real
// runner, store and targets. The scheduler's runs go through it too
// (scheduledRunner), so that every trigger runs the same code as the CLI.
type serveBackend struct {
	web.Calendar // calendarConsole, or calendarOff

	cfg    *config.Config
	store  *sqlite.Store
	runner *provision.Runner
	// read reads the configured source (API or CSV folder), validated.
	read  func(ctx context.Context) (*directory.Snapshot, error)
	sched *schedule.Scheduler

	lastRead atomic.Int64 // nanoseconds the last source read took
	lastOK   atomic.Int64 // Unix ms of the last successful run without changes (not in history)
}

var _ web.Backend = (*serveBackend)(nil)

// serveError is an error of the serve backend with a stable code.
type serveError struct{ code, msg string }

func (e *serveError) Error() string     { return e.msg }
func (e *serveError) ErrorCode() string { return e.code }

// timedRead reads the directory and remembers how long it took.
func (b *serveBackend) timedRead(read func(ctx context.Context) (*directory.Snapshot, error)) func(ctx context.Context) (*directory.Snapshot, error) {
	return func(ctx context.Context) (*directory.Snapshot, error) {
		start := time.Now()
		snap, err := read(ctx)
		b.lastRead.Store(int64(time.Since(start)))
		return snap, err
	}
}

// run runs one request and returns the recorded run (also a failed or
// blocked one). Runs refused before they started (run_in_progress,
// stale_plan, a stored plan with errors) return only the error.
func (b *serveBackend) run(ctx context.Context, req provision.Request) (web.Run, error) {
	started := b.store.Now()
	res, err := b.runner.Run(ctx, req)
	switch {
	case res != nil && res.RunID != 0:
		return b.GetRun(ctx, res.RunID)
	case err != nil:
		return web.Run{}, err
	case res == nil || res.Status != provision.StatusNoChanges:
		return web.Run{}, errors.New("the run ended without a result")
	}
	// Nothing to do: nothing recorded.
	b.lastOK.Store(b.store.Now().UnixMilli())
	run := web.Run{Trigger: string(req.Trigger), Status: string(provision.StatusNoChanges), StartedAt: started, FinishedAt: b.store.Now()}
	if res.Plan != nil {
		run.Source = web.Source{Kind: res.Plan.Source.Kind, Domain: res.Plan.Source.Domain, Digest: res.Plan.Source.Digest}
		run.Summary = toWebSummary(res.Plan.Summary)
	}
	return run, nil
}

// ListRuns returns the newest runs without plans.
func (b *serveBackend) ListRuns(ctx context.Context, limit int) ([]web.Run, error) {
	runs, err := b.store.ListRuns(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]web.Run, len(runs))
	for i, r := range runs {
		out[i] = toWebRun(r)
	}
	return out, nil
}

// GetRun returns one run with its plan and who applied that plan.
func (b *serveBackend) GetRun(ctx context.Context, id int64) (web.Run, error) {
	r, err := b.store.GetRun(ctx, id)
	if err != nil {
		return web.Run{}, err
	}
	run := toWebRun(r)
	if r.Plan != nil {
		p, err := toWebPlan(r.Plan)
		if err != nil {
			return web.Run{}, fmt.Errorf("run %d plan: %w", id, err)
		}
		run.Plan = p
	}
	if run.AppliedBy, err = b.store.PlanAppliedBy(ctx, id); err != nil {
		return web.Run{}, err
	}
	return run, nil
}

// LatestPlan is the newest dry run or blocked run.
func (b *serveBackend) LatestPlan(ctx context.Context) (web.Run, error) {
	runs, err := b.store.ListRuns(ctx, 200)
	if err != nil {
		return web.Run{}, err
	}
	for _, r := range runs {
		if r.Status == provision.StatusDryRun || r.Status == provision.StatusBlocked {
			return b.GetRun(ctx, r.ID)
		}
	}
	return web.Run{}, &serveError{"not_found", "there is no plan yet: run a dry run (the overview's 「ドライラン」, or POST /api/v1/runs with dry_run)"}
}

// RunNow runs from the configured source.
func (b *serveBackend) RunNow(ctx context.Context, req web.RunRequest) (web.Run, error) {
	return b.run(ctx, provision.Request{
		Trigger: provision.Trigger(req.Trigger), Source: runSource(b.cfg, &sourceFlags{}), Read: b.timedRead(b.read),
		DryRun: req.DryRun, AllowDeletes: req.AllowDeletes,
	})
}

// ApplyPlan applies the plan stored with a dry run (or a blocked run).
func (b *serveBackend) ApplyPlan(ctx context.Context, req web.ApplyRequest) (web.Run, error) {
	src, err := b.store.GetRun(ctx, req.RunID)
	if err != nil {
		return web.Run{}, err
	}
	if src.Plan == nil || (src.Status != provision.StatusDryRun && src.Status != provision.StatusBlocked) {
		return web.Run{}, &serveError{"no_plan", fmt.Sprintf("run %d is not a dry run or a blocked run, so it has no plan to apply; apply the plan of a dry run", req.RunID)}
	}
	if by, err := b.store.PlanAppliedBy(ctx, req.RunID); err != nil {
		return web.Run{}, err
	} else if by != 0 {
		return web.Run{}, &serveError{provision.CodeStalePlan, fmt.Sprintf("the plan of run %d was already applied by run %d; run a dry run again to see what is left", req.RunID, by)}
	}
	run, err := b.run(ctx, provision.Request{Trigger: provision.Trigger(req.Trigger), Plan: src.Plan, AllowDeletes: req.AllowDeletes})
	if err != nil {
		return web.Run{}, err
	}
	if run.Status == string(provision.StatusApplied) {
		if err := b.store.SetPlanApplied(ctx, req.RunID, run.ID); err != nil {
			return web.Run{}, err
		}
	}
	return run, nil
}

// Metrics reads the run-history figures.
func (b *serveBackend) Metrics(ctx context.Context) (web.Metrics, error) {
	st, err := b.store.RunStats(ctx)
	if err != nil {
		return web.Metrics{}, err
	}
	m := web.Metrics{RunsByStatus: st.ByStatus, LastSuccess: st.LastApplied, ChangesApplied: st.ChangesApplied,
		SourceReadDuration: time.Duration(b.lastRead.Load())}
	if ms := b.lastOK.Load(); ms != 0 && time.UnixMilli(ms).After(m.LastSuccess) {
		m.LastSuccess = time.UnixMilli(ms).UTC()
	}
	return m, nil
}

func toWebRun(r *provision.Run) web.Run {
	run := web.Run{
		ID: r.ID, Trigger: string(r.Trigger), Status: string(r.Status),
		Source:    web.Source{Kind: r.Source.Kind, Domain: r.Source.Domain},
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Summary: toWebSummary(r.Summary),
	}
	if r.Error != nil {
		run.Error = &web.Problem{Code: r.Error.Code, Message: r.Error.Message}
	}
	return run
}

func toWebSummary(s provision.Summary) web.Summary {
	out := web.Summary{}
	for target, kinds := range s {
		out[target] = map[string]map[string]int{}
		for kind, acts := range kinds {
			out[target][kind] = map[string]int{}
			for a, n := range acts {
				out[target][kind][string(a)] = n
			}
		}
	}
	return out
}

// toWebPlan converts a plan through its JSON as `cybridge plan -out` writes
// it (SPEC §8.1): the console shows the fields, and the API and the
// console's download serve that JSON itself, which `cybridge apply -plan`
// reads.
func toWebPlan(p *provision.Plan) (*web.Plan, error) {
	var b bytes.Buffer
	if err := p.WriteJSON(&b); err != nil {
		return nil, err
	}
	var out web.Plan
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		return nil, err
	}
	out.Stored = b.Bytes()
	return &out, nil
}

// --- roster ---

func (b *serveBackend) safetyEnabled() error {
	if !b.cfg.Safety.Enabled {
		return &serveError{"safety_disabled", "the safety roster target is disabled (safety.enabled = false, CYBRIDGE_SAFETY_ENABLED); enable it to manage the roster"}
	}
	return nil
}

// Roster reads the roster as `roster export -format json` shows it.
func (b *serveBackend) Roster(ctx context.Context) (web.RosterView, error) {
	if err := b.safetyEnabled(); err != nil {
		return web.RosterView{}, err
	}
	ex, err := safety.ReadExport(ctx, b.store)
	if err != nil {
		return web.RosterView{}, fmt.Errorf("read the roster: %w", err)
	}
	v := web.RosterView{Departments: make([]web.Department, len(ex.Departments)), Members: make([]web.Member, len(ex.Members))}
	for i, d := range ex.Departments {
		v.Departments[i] = web.Department{Code: d.Code, Name: d.Name, Parent: d.Parent, Origin: d.Origin}
	}
	for i, m := range ex.Members {
		v.Members[i] = web.Member{Login: m.Login, Name: m.Name, Reading: m.Reading, Email: m.Email, Phone: m.Phone,
			Departments: slices.Clone(m.Departments), Origin: m.Origin}
	}
	return v, nil
}

// editRoster runs fn on the roster in one write transaction.
func (b *serveBackend) editRoster(ctx context.Context, fn func(r *safety.Roster) error) error {
	if err := b.safetyEnabled(); err != nil {
		return err
	}
	return safety.EditRoster(ctx, b.store, fn)
}

// AddDepartment adds a roster-only department.
func (b *serveBackend) AddDepartment(ctx context.Context, d web.Department) error {
	return b.editRoster(ctx, func(r *safety.Roster) error {
		return r.AddDepartment(ctx, safety.DepartmentInput{Code: d.Code, Name: d.Name, Parent: d.Parent})
	})
}

// EditDepartment edits a department.
func (b *serveBackend) EditDepartment(ctx context.Context, code string, e web.DepartmentEdit) error {
	return b.editRoster(ctx, func(r *safety.Roster) error {
		return r.EditDepartment(ctx, safety.DepartmentPatch{Code: code, Name: e.Name, Parent: e.Parent})
	})
}

// AddMember adds a roster-only member.
func (b *serveBackend) AddMember(ctx context.Context, m web.Member) error {
	return b.editRoster(ctx, func(r *safety.Roster) error {
		return r.AddMember(ctx, safety.MemberInput{Login: m.Login, Name: m.Name, Reading: m.Reading, Email: m.Email, Phone: m.Phone, Departments: m.Departments})
	})
}

// EditMember edits a member.
func (b *serveBackend) EditMember(ctx context.Context, login string, e web.MemberEdit) error {
	return b.editRoster(ctx, func(r *safety.Roster) error {
		return r.EditMember(ctx, safety.MemberPatch{Login: login, Name: e.Name, Reading: e.Reading, Email: e.Email, Phone: e.Phone, Departments: e.Departments})
	})
}

// --- calendar ---

// newCalendarConsole is the console's and API's calendar (calendarConsole
// over the enrolment Editor), or calendarOff when the target is disabled.
func newCalendarConsole(cfg *config.Config, st *sqlite.Store) (web.Calendar, error) {
	if !cfg.Calendar.Enabled {
		return calendarOff{}, nil
	}
	policy, cipher, err := calendarEditing(cfg)
	if err != nil {
		return nil, err
	}
	return &calendarConsole{ed: calendar.NewEditor(st, policy, cipher)}, nil
}

// calendarOff answers every calendar request when the target is disabled.
type calendarOff struct{}

var errCalendarOff = &serveError{"calendar_disabled", msgCalendarDisabled}

func (calendarOff) Enrolments(context.Context) ([]web.Enrolment, error) { return nil, errCalendarOff }
func (calendarOff) Enrolment(context.Context, string) (web.EnrolmentDetail, error) {
	return web.EnrolmentDetail{}, errCalendarOff
}
func (calendarOff) SetTarget(context.Context, string, web.TargetEdit) error { return errCalendarOff }
func (calendarOff) Permit(context.Context, string) error                    { return errCalendarOff }
func (calendarOff) Revoke(context.Context, string) error                    { return errCalendarOff }
func (calendarOff) Unpin(context.Context, string) error                     { return errCalendarOff }
func (calendarOff) CheckCalDAV(context.Context, string) (web.CheckResult, error) {
	return web.CheckResult{}, errCalendarOff
}
func (calendarOff) RecordError(context.Context, string, string) (web.Enrolment, error) {
	return web.Enrolment{}, errCalendarOff
}

// --- schedule ---

// Info reports the schedule and the pause state.
func (b *serveBackend) Info(ctx context.Context) (schedule.Info, error) { return b.sched.Info(ctx) }

// Resume lifts a pause.
func (b *serveBackend) Resume(ctx context.Context) (bool, error) { return b.sched.Resume(ctx) }

// Pause pauses scheduled runs by hand.
func (b *serveBackend) Pause(ctx context.Context, msg string) error { return b.sched.Pause(ctx, msg) }

// scheduledRunner is the scheduler's view of the backend.
type scheduledRunner struct{ b *serveBackend }

// Run runs one scheduled import.
func (s scheduledRunner) Run(ctx context.Context) schedule.Outcome {
	run, err := s.b.RunNow(ctx, web.RunRequest{Trigger: string(provision.TriggerSchedule)})
	if err != nil {
		return schedule.Outcome{Status: schedule.StatusFailed, ErrorCode: ErrorCode(err), Message: err.Error()}
	}
	o := schedule.Outcome{Status: run.Status}
	if run.ID != 0 {
		o.RunID = strconv.FormatInt(run.ID, 10)
	}
	if run.Error != nil {
		o.ErrorCode, o.Message = run.Error.Code, run.Error.Message
	}
	return o
}

// RecordFailure records a failed scheduled run for a recovered panic.
func (s scheduledRunner) RecordFailure(ctx context.Context, code, message string) (string, error) {
	now := s.b.store.Now()
	var id int64
	err := s.b.store.Update(ctx, func(q provision.Querier) error {
		var err error
		id, err = s.b.store.InsertRun(ctx, q, &provision.Run{
			Trigger: provision.TriggerSchedule, Source: runSource(s.b.cfg, &sourceFlags{}), Status: provision.StatusFailed,
			StartedAt: now, FinishedAt: now, Summary: provision.Summary{}, Error: &provision.Issue{Code: code, Message: message},
		})
		return err
	})
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10), nil
}
