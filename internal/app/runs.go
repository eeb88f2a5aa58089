package app

import (
	"context"
	"fmt"
	"github.com/cybridge/cybridge/internal/msg"
	"strconv"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// RunRequest asks for a run from a source.
type RunRequest struct {
	Trigger provision.Trigger
	// Source is where the directory is read; nil is the configured source.
	Source       *Source
	DryRun       bool
	AllowDeletes bool
	SwitchDomain bool
}

// Run reads the source, plans every enabled target and — unless DryRun,
// a safeguard or a plan error stops it — applies the plan in one
// transaction; the run is recorded (a run that finds nothing to do is
// not). It returns the runner's result together with the error of a run
// that did not succeed (see provision.Runner.Run).
func (a *App) Run(ctx context.Context, req RunRequest) (res *provision.Result, err error) {
	action := access.ActionRun
	if req.DryRun {
		action = access.ActionDryRun
	}
	defer func() { a.recordRun(ctx, action, "", res, err) }()
	if err := a.CheckTargets(); err != nil {
		return nil, err
	}
	j, jctx, _, _ := a.jobs.begin(ctx, req.Trigger, req.DryRun, false)
	res, err = a.runJob(jctx, j, req)
	a.jobs.end(j, res, err)
	return res, err
}

// runJob is Run's run as job j.
func (a *App) runJob(ctx context.Context, j *job, req RunRequest) (*provision.Result, error) {
	src := req.Source
	if src == nil {
		src = a.Source()
	}
	progress, read := a.jobs.watch(j)
	return a.run(ctx, provision.Request{
		Trigger: req.Trigger, Source: src.Describe(), Read: a.timedRead(src.watching(read).Read),
		DryRun: req.DryRun, AllowDeletes: req.AllowDeletes, SwitchDomain: req.SwitchDomain,
		Progress: progress,
	})
}

// run runs one request and notes when a run last found nothing to do (a
// success /metrics reports).
func (a *App) run(ctx context.Context, req provision.Request) (*provision.Result, error) {
	res, err := a.runner.Run(ctx, req)
	if err == nil && res != nil && res.Status == provision.StatusNoChanges {
		a.lastOK.Store(a.store.Now().UnixMilli())
	}
	return res, err
}

// timedRead reads the directory and remembers how long it took.
func (a *App) timedRead(read func(ctx context.Context) (*directory.Snapshot, error)) func(ctx context.Context) (*directory.Snapshot, error) {
	return func(ctx context.Context) (*directory.Snapshot, error) {
		start := time.Now()
		snap, err := read(ctx)
		a.lastRead.Store(int64(time.Since(start)))
		return snap, err
	}
}

// ApplyRequest asks to apply a plan made earlier: the plan of the
// recorded run RunID (the console's "apply this plan"), or Plan as read
// from a file (apply -plan FILE).
type ApplyRequest struct {
	Trigger      provision.Trigger
	RunID        int64
	Plan         *provision.Plan
	AllowDeletes bool
}

// ApplyPlan applies a stored plan exactly: refused as stale when a
// target's state moved on since it was made. Only the plan of a dry run or
// a blocked run may be applied, and only once: the run whose plan it is
// is marked applied in the apply transaction. A plan file is recognised
// as the plan of the run that made it, when that run is still recorded
// (see the package doc), and handled as that run's plan.
func (a *App) ApplyPlan(ctx context.Context, req ApplyRequest) (res *provision.Result, err error) {
	plan, planRun := req.Plan, req.RunID
	defer func() {
		target := "plan file"
		if planRun != 0 {
			target = "plan of run " + strconv.FormatInt(planRun, 10)
		}
		a.recordRun(ctx, access.ActionApply, target, res, err)
	}()
	if err := a.CheckTargets(); err != nil {
		return nil, err
	}
	if plan == nil {
		run, err := a.store.GetRun(ctx, req.RunID)
		if err != nil {
			return nil, err
		}
		if run.Plan == nil || (run.Status != provision.StatusDryRun && run.Status != provision.StatusBlocked) {
			return nil, newError(CodeNoPlan, "", msg.Params{"run": req.RunID})
		}
		plan = run.Plan
	} else if planRun == 0 {
		id, err := a.store.PlanRunOf(ctx, plan)
		if err != nil {
			return nil, err
		}
		planRun = id
	}
	preq := provision.Request{Trigger: req.Trigger, Plan: plan, AllowDeletes: req.AllowDeletes}
	if planRun != 0 {
		// Refused at once when already applied; the mark itself is checked
		// again, and written, in the apply transaction.
		if by, err := a.store.PlanAppliedBy(ctx, planRun); err != nil {
			return nil, err
		} else if by != 0 {
			return nil, provision.PlanAppliedError(planRun, by)
		}
		preq.AfterApply = func(ctx context.Context, q provision.Querier, runID int64) error {
			return a.store.SetPlanApplied(ctx, q, planRun, runID)
		}
	}
	j, jctx, _, _ := a.jobs.begin(ctx, req.Trigger, false, false)
	a.jobs.update(j, func(x *Job) { x.Stage = provision.StageApplying })
	preq.Progress, _ = a.jobs.watch(j)
	res, err = a.run(jctx, preq)
	a.jobs.end(j, res, err)
	return res, err
}

// RunOutcome is a run as the console and the API answer it: the recorded
// run (also a failed, blocked or no-change one — a no-change run may be a
// row that several folded into; its source digest says what was read).
// Runs refused before they started (run_in_progress, stale_plan, a stored
// plan with errors) return only the error.
func (a *App) RunOutcome(ctx context.Context, res *provision.Result, err error) (*provision.Run, error) {
	if res == nil || res.RunID == 0 {
		if err == nil {
			err = fmt.Errorf("the run ended without a result")
		}
		return nil, err
	}
	run, gerr := a.store.GetRun(ctx, res.RunID)
	if gerr != nil {
		return nil, gerr
	}
	if res.Status == provision.StatusNoChanges && res.Plan != nil {
		run.Source.Digest = res.Plan.Source.Digest
	}
	return run, nil
}

// ListRuns returns up to limit runs, newest first, without their plans.
func (a *App) ListRuns(ctx context.Context, limit int) ([]*provision.Run, error) {
	return a.store.ListRuns(ctx, limit)
}

// GetRun returns one run with its plan (not_found if there is none).
func (a *App) GetRun(ctx context.Context, id int64) (*provision.Run, error) {
	return a.store.GetRun(ctx, id)
}

// PlanAppliedBy returns the run that applied run id's plan (0 if none).
func (a *App) PlanAppliedBy(ctx context.Context, id int64) (int64, error) {
	return a.store.PlanAppliedBy(ctx, id)
}

// LatestPlan returns the newest run that made a plan to apply (a dry run,
// or a run a safeguard blocked), with that plan; not_found when there is
// none.
func (a *App) LatestPlan(ctx context.Context) (*provision.Run, error) {
	id, err := a.store.LatestPlanRun(ctx)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, newError(msg.CodeNotFound, KeyNoPlanYet, nil)
	}
	return a.store.GetRun(ctx, id)
}

// Stats are the run figures /metrics exposes.
type Stats struct {
	RunsByStatus   map[string]int
	LastSuccess    time.Time // the last applied run, or run that found nothing to do
	ChangesApplied int
	// SourceReadDuration is how long the last read of the source took.
	SourceReadDuration time.Duration
}

// Stats reads the run-history figures.
func (a *App) Stats(ctx context.Context) (Stats, error) {
	st, err := a.store.RunStats(ctx)
	if err != nil {
		return Stats{}, err
	}
	s := Stats{RunsByStatus: st.ByStatus, LastSuccess: st.LastApplied, ChangesApplied: st.ChangesApplied,
		SourceReadDuration: time.Duration(a.lastRead.Load())}
	if ms := a.lastOK.Load(); ms != 0 && time.UnixMilli(ms).After(s.LastSuccess) {
		s.LastSuccess = time.UnixMilli(ms).UTC()
	}
	return s, nil
}

// Scheduled is the scheduler's view of the App (schedule.Runner): every
// scheduled run is the same use case as a console or CLI run.
func (a *App) Scheduled() schedule.Runner { return scheduled{a} }

type scheduled struct{ a *App }

// Run runs one scheduled import from the configured source.
func (s scheduled) Run(ctx context.Context) schedule.Outcome { return s.a.RunScheduled(ctx) }

// RecordFailure records a failed scheduled run for a recovered panic.
func (s scheduled) RecordFailure(ctx context.Context, code, message string) (string, error) {
	id, err := s.a.RecordScheduledFailure(ctx, code, message)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10), nil
}

// RunScheduled runs one scheduled import from the configured source and
// says how it ended, for the scheduler's pause policy.
func (a *App) RunScheduled(ctx context.Context) schedule.Outcome {
	ctx = access.WithActor(ctx, Actor{Kind: access.KindSchedule})
	res, err := a.Run(ctx, RunRequest{Trigger: provision.TriggerSchedule})
	run, err := a.RunOutcome(ctx, res, err)
	if err != nil {
		return schedule.Outcome{Status: provision.StatusFailed, ErrorCode: msg.Code(err), Message: err.Error(), Error: provision.ErrorIssue(err)}
	}
	o := schedule.Outcome{Status: run.Status}
	if run.ID != 0 {
		o.RunID = strconv.FormatInt(run.ID, 10)
	}
	if run.Error != nil {
		o.ErrorCode, o.Message, o.Error = run.Error.Code, run.Error.Message, run.Error
	}
	return o
}

// RecordScheduledFailure records a failed scheduled run that has no
// record of its own (a panic the scheduler recovered) through the runner,
// which also prunes the history, and returns its id.
func (a *App) RecordScheduledFailure(ctx context.Context, code, message string) (int64, error) {
	if err := a.CheckTargets(); err != nil {
		return 0, err
	}
	req := provision.Request{Trigger: provision.TriggerSchedule, Source: a.Source().Describe()}
	return a.runner.RecordFailure(ctx, req, &provision.Error{Code: code, Message: message})
}

// Targets are the enabled targets with their kinds, in report order (none
// when no target is enabled): surfaces lay out summaries by them.
func (a *App) Targets() []provision.TargetInfo {
	if a.runner == nil {
		return nil
	}
	out := make([]provision.TargetInfo, len(a.runner.Targets))
	for i, t := range a.runner.Targets {
		out[i] = provision.TargetInfo{Name: t.Name(), Kinds: t.Kinds()}
	}
	return out
}
