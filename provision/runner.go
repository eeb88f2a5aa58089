package provision

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
)

// Trigger says what started a run.
type Trigger string

// The triggers.
const (
	TriggerCLI       Trigger = "cli"
	TriggerSchedule  Trigger = "schedule"
	TriggerConsole   Trigger = "console"
	TriggerCSVUpload Trigger = "csv_upload"
	TriggerAPI       Trigger = "api"
)

// Status is how a run ended.
type Status string

// The statuses.
const (
	StatusNoChanges Status = "no_changes"
	StatusApplied   Status = "applied"
	StatusDryRun    Status = "dry_run"
	StatusFailed    Status = "failed"
	StatusBlocked   Status = "blocked"
	// StatusPartial is an apply some of whose remote changes failed (see
	// RemoteTarget): what succeeded is committed, the failures are the
	// run's error (a *PartialError).
	StatusPartial Status = "partial"
	// StatusSkipped is a scheduled trigger that did not run (another run
	// held the lease); it is never recorded in the history.
	StatusSkipped Status = "skipped"
)

// RunSource is the source of a run as the history shows it.
type RunSource struct {
	Kind   string `json:"kind"`
	Domain string `json:"domain"`
	// Digest is the digest of what was read, filled in the answer to a
	// run that found nothing to do (its history row keeps no plan).
	Digest string `json:"digest,omitempty"`
}

// Run is one entry of the run history (同期履歴).
type Run struct {
	ID         int64     `json:"id"`
	Trigger    Trigger   `json:"trigger"`
	DryRun     bool      `json:"dry_run"`
	Source     RunSource `json:"source"`
	Users      int       `json:"users"` // directory users read (0 when the read failed)
	Status     Status    `json:"status"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Summary    Summary   `json:"summary"`
	Error      *Issue    `json:"error"`
	// AppliedBy is the run that applied this run's plan (a dry run's, or
	// a blocked run's), 0 when none did. The history's queries fill it
	// where the surface shows it (a run's detail).
	AppliedBy int64 `json:"applied_by,omitempty"`
	// By is who made the run, AppliedByActor who applied its plan (from
	// the audit log; nil when not recorded). Filled where a surface shows
	// them (a run's detail).
	By             *access.Actor `json:"by,omitempty"`
	AppliedByActor *access.Actor `json:"applied_by_actor,omitempty"`
	// Plan is the plan the run made or applied (nil when the read failed,
	// for a no-change run, and in run lists).
	Plan *Plan `json:"plan,omitempty"`
	// Repeats counts the consecutive no-change runs of one trigger folded
	// into this row (StartedAt is the first's start, FinishedAt the
	// last's finish); 1 for every other run.
	Repeats int `json:"repeats"`
}

// RunList is the run history as `runs -format json` prints it (SPEC §8.1)
// and GET /api/v1/runs answers: {"runs":[…]}, newest first, never null.
type RunList struct {
	Runs []*Run `json:"runs"`
}

// ListOf is runs as a RunList ([] for none).
func ListOf(runs []*Run) RunList {
	if runs == nil {
		runs = []*Run{}
	}
	return RunList{Runs: runs}
}

// Store is what the Runner needs of the database (provision/sqlite
// implements it).
type Store interface {
	// Now is the store's clock (injectable for tests).
	Now() time.Time
	// View runs fn in a read-only transaction (a consistent snapshot).
	View(ctx context.Context, fn func(q Querier) error) error
	// Update runs fn in a write transaction, committed when fn returns nil.
	Update(ctx context.Context, fn func(q Querier) error) error

	// Links returns one target's links.
	Links(ctx context.Context, q Querier, target string) ([]Link, error)
	// LinkWriter writes one target's links inside q (a write transaction).
	LinkWriter(q Querier, target string, runID int64) LinkWriter
	// LinkedDomain is the cybozu.com domain the database follows ("" = none).
	LinkedDomain(ctx context.Context, q Querier) (string, error)
	SetLinkedDomain(ctx context.Context, q Querier, domain string) error

	// LastAppliedUsers is the directory user count of the last applied run
	// (0 when none).
	LastAppliedUsers(ctx context.Context, q Querier) (int, error)
	// InsertRun records a run and returns its id.
	InsertRun(ctx context.Context, q Querier, r *Run) (int64, error)
	// FoldRun folds a no-change run into the newest run when that one is a
	// no-change run of the same trigger and source, and returns its id; 0
	// when the run needs a row of its own.
	FoldRun(ctx context.Context, q Querier, r *Run) (int64, error)
	// FinishRun sets a recorded run's finish time.
	FinishRun(ctx context.Context, q Querier, id int64, at time.Time) error
	// PruneRuns deletes runs started before the given time, keeping the
	// last applied one (the baseline of min_source_ratio).
	PruneRuns(ctx context.Context, q Querier, before time.Time) error

	// AcquireLease takes the one-run-at-a-time lease for ttl, or returns
	// an *Error with code run_in_progress.
	AcquireLease(ctx context.Context, holder string, ttl time.Duration) error
	// RenewLease extends the lease inside a write transaction, or returns
	// run_in_progress when the holder lost it (it expired and was taken).
	RenewLease(ctx context.Context, q Querier, holder string, ttl time.Duration) error
	// ReleaseLease gives the lease up.
	ReleaseLease(ctx context.Context, holder string) error
}

// Runner runs the main job: read → validate → load → plan → safeguards →
// apply, recording the outcome. It is shared by the CLI, the schedule and
// the console; it keeps no per-run state and is safe for concurrent use
// (the lease makes concurrent applies safe, also across processes).
type Runner struct {
	Store      Store
	Targets    []Target
	Safeguards Safeguards
	// HistoryDays prunes runs older than this when a run is recorded
	// (0 keeps them).
	HistoryDays int
	// LeaseTTL bounds how long a crashed apply keeps others out
	// (default 2 minutes).
	LeaseTTL time.Duration
	// Holder identifies this process in the lease (default host:pid:random).
	Holder string
	// Progress, when set, is told each stage ("reading the directory", ...)
	// as a line for a terminal; Request.Progress is the same, per run and
	// as a value.
	Progress func(stage string)
	// RunTimeout bounds one run, read to commit (0: no bound). A run past
	// it fails with run_timeout, is recorded as failed — so a hanging
	// cybozu.com counts toward the schedule's auto-pause instead of
	// blocking every later trigger — and changes nothing (the apply
	// transaction is rolled back).
	RunTimeout time.Duration
}

// errRunTimeout is the cause of a run's context past Runner.RunTimeout.
var errRunTimeout = errors.New("run timeout")

// Request is one run's input.
type Request struct {
	Trigger Trigger
	// Source describes the source before it is read (for the history of a
	// run whose read fails).
	Source RunSource
	// Read reads the directory. Ignored when Plan is set.
	Read func(ctx context.Context) (*directory.Snapshot, error)
	// Plan is a stored plan to apply exactly (apply -plan FILE, the
	// console's "apply this plan"). Nil makes a fresh plan.
	Plan *Plan
	// DryRun plans and records without applying.
	DryRun bool
	// AllowDeletes releases the safeguards.
	AllowDeletes bool
	// SwitchDomain allows reading from another cybozu.com domain (rule 16).
	SwitchDomain bool
	// Progress, when set, is told where this run is: each stage as it
	// begins, and while applying, the changes applied so far (after each
	// target). It is called on the run's goroutine.
	Progress func(Progress)
	// AfterApply, when set, runs inside the apply transaction once every
	// target has applied its changes and the run is recorded as runID: what
	// it writes commits with the apply, and its error rolls the whole apply
	// back (the run is then recorded as failed). The application layer
	// marks a stored plan applied here, so that a plan is never applied
	// without the mark, nor marked without being applied.
	AfterApply func(ctx context.Context, q Querier, runID int64) error
}

// Result is how a run ended. RunID is the recorded run (also a failed,
// blocked or no-change one, which may be a folded row); 0 when nothing was
// recorded (a run refused with run_in_progress or stale_plan).
type Result struct {
	RunID  int64
	Status Status
	Plan   *Plan
}

// Stage is the phase a run is in.
type Stage string

// The stages, in order. A stored plan's apply starts at StageApplying.
const (
	StageReading  Stage = "reading"
	StagePlanning Stage = "planning"
	StageApplying Stage = "applying"
)

// Progress is where a run is: its stage and, applying, how many of the
// plan's Total changes were applied so far (in the open transaction:
// nothing is committed before all are).
type Progress struct {
	Stage   Stage `json:"stage"`
	Applied int   `json:"applied"`
	Total   int   `json:"total"`
}

// progress tells req's watcher p, and the terminal the stage's line
// (only when a stage begins).
func (r *Runner) progress(req *Request, p Progress, line string) {
	if r.Progress != nil && line != "" {
		r.Progress(line)
	}
	if req.Progress != nil {
		req.Progress(p)
	}
}

func (r *Runner) leaseTTL() time.Duration {
	if r.LeaseTTL > 0 {
		return r.LeaseTTL
	}
	return 2 * time.Minute
}

func (r *Runner) holder() string {
	if r.Holder != "" {
		return r.Holder
	}
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Run runs one request. It returns the result together with the error of a
// run that did not succeed (a *PlanError, *BlockedError, or *Error with a
// stable code).
func (r *Runner) Run(ctx context.Context, req Request) (*Result, error) {
	if r.RunTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, r.RunTimeout, errRunTimeout)
		defer cancel()
	}
	started := r.Store.Now()
	res := &Result{Status: StatusFailed}
	plan := req.Plan
	if plan == nil {
		var err error
		if plan, err = r.readAndPlan(ctx, &req); err != nil {
			return r.failed(ctx, res, req, started, nil, err)
		}
	} else {
		req.Source = RunSource{Kind: plan.Source.Kind, Domain: plan.Source.Domain}
		if err := r.checkStored(plan); err != nil {
			return res, err
		}
		if len(plan.Errors) > 0 {
			res.Plan = plan
			return res, &PlanError{Issues: plan.Errors}
		}
	}
	res.Plan = plan

	lastUsers, err := r.lastAppliedUsers(ctx)
	if err != nil {
		return r.failed(ctx, res, req, started, plan, err)
	}
	plan.Safeguards = r.Safeguards.Check(plan, lastUsers)

	switch {
	case len(plan.Errors) > 0:
		perr := &PlanError{Issues: plan.Errors}
		return r.failed(ctx, res, req, started, plan, perr)
	case !plan.HasChanges():
		// A run that finds nothing to do writes nothing to the targets;
		// its history row says the roster was current at that time.
		res.Status = StatusNoChanges
		id, err := r.record(ctx, req, started, plan, StatusNoChanges, nil)
		res.RunID = id
		return res, err
	case req.DryRun:
		res.Status = StatusDryRun
		id, err := r.record(ctx, req, started, plan, StatusDryRun, nil)
		res.RunID = id
		return res, err
	case len(plan.Safeguards) > 0 && !req.AllowDeletes:
		res.Status = StatusBlocked
		berr := &BlockedError{Reasons: plan.Safeguards}
		id, err := r.record(ctx, req, started, plan, StatusBlocked, ErrorIssue(berr))
		res.RunID = id
		if err != nil {
			return res, err
		}
		return res, berr
	}

	id, status, perr, err := r.apply(ctx, req, started, plan)
	if err != nil {
		if refusedBeforeApply(err) {
			return res, err // not a run: nothing to record
		}
		return r.failed(ctx, res, req, started, plan, applyFailed(err))
	}
	res.RunID, res.Status = id, status
	if perr != nil {
		return res, perr
	}
	return res, nil
}

// readAndPlan reads and validates the directory and makes a fresh plan.
// It sets req.Source from the snapshot, for the run's history.
func (r *Runner) readAndPlan(ctx context.Context, req *Request) (*Plan, error) {
	r.progress(req, Progress{Stage: StageReading}, "reading the directory")
	snap, err := req.Read(ctx)
	if err == nil {
		err = snap.Validate()
	}
	if err != nil {
		return nil, err
	}
	req.Source = RunSource{Kind: string(snap.Source.Kind), Domain: snap.Source.Domain}
	r.progress(req, Progress{Stage: StagePlanning}, "planning")
	return r.Plan(ctx, snap, req.SwitchDomain)
}

// lastAppliedUsers is the directory user count of the last applied run
// (0 when none), which min_source_ratio compares against.
func (r *Runner) lastAppliedUsers(ctx context.Context) (int, error) {
	var n int
	err := r.Store.View(ctx, func(q Querier) error {
		var err error
		n, err = r.Store.LastAppliedUsers(ctx, q)
		return err
	})
	return n, err
}

// refusedBeforeApply reports whether apply refused the plan before
// attempting anything (run_in_progress, stale_plan): such a run is not
// recorded.
func refusedBeforeApply(err error) bool {
	var coded interface{ ErrorCode() string }
	return errors.As(err, &coded) && (coded.ErrorCode() == CodeRunInProgress || coded.ErrorCode() == CodeStalePlan)
}

// applyFailed gives an apply error without a stable code the code
// apply_failed; the transaction rolled back, so nothing was changed.
func applyFailed(err error) error {
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) {
		return err
	}
	return newError(CodeApplyFailed, "", msg.Params{"detail": err.Error()}, err)
}

// Plan loads every target's state in one read transaction and computes the
// plan from snap. It writes nothing.
func (r *Runner) Plan(ctx context.Context, snap *directory.Snapshot, switchDomain bool) (*Plan, error) {
	req, err := r.PlanRequest(ctx, snap, switchDomain)
	if err != nil {
		return nil, err
	}
	return MakePlan(req), nil
}

// PlanRequest loads what MakePlan needs besides snap — the linked domain
// and every target's state and links — in one read transaction. Plan is
// PlanRequest then MakePlan; the two are apart so that benchmarks can time
// loading and planning separately.
func (r *Runner) PlanRequest(ctx context.Context, snap *directory.Snapshot, switchDomain bool) (PlanRequest, error) {
	req := PlanRequest{Snapshot: snap, SwitchDomain: switchDomain, Now: r.Store.Now()}
	remote, err := r.loadRemote(ctx)
	if err != nil {
		return req, err
	}
	err = r.Store.View(ctx, func(q Querier) error {
		var err error
		req.LinkedDomain, err = r.Store.LinkedDomain(ctx, q)
		if err != nil {
			return err
		}
		req.Targets, err = r.load(ctx, q, remote)
		return err
	})
	return req, err
}

// load reads every local target's state in q and takes each remote one's
// from remote (read before), with every target's links.
func (r *Runner) load(ctx context.Context, q Querier, remote map[string]State) ([]Loaded, error) {
	out := make([]Loaded, 0, len(r.Targets))
	for _, t := range r.Targets {
		st, ok := remote[t.Name()]
		if _, isRemote := t.(RemoteTarget); !isRemote || !ok {
			var err error
			if st, err = t.Load(ctx, q); err != nil {
				return nil, fmt.Errorf("load %s: %w", t.Name(), err)
			}
		}
		links, err := r.Store.Links(ctx, q, t.Name())
		if err != nil {
			return nil, fmt.Errorf("load %s links: %w", t.Name(), err)
		}
		out = append(out, Loaded{Target: t, State: st, Links: links})
	}
	return out, nil
}

// apply takes the lease and applies plan in one transaction together with
// the run record and the link updates, after checking that no target's
// state moved on since the plan was made. Remote targets' changes are sent
// before that transaction (see RemoteTarget); the status is
// StatusPartial, with the failures, when some of them failed, and
// StatusFailed, with the failures too, when all of the plan's changes did.
func (r *Runner) apply(ctx context.Context, req Request, started time.Time, plan *Plan) (int64, Status, *PartialError, error) {
	holder, ttl := r.holder(), r.leaseTTL()
	if err := r.Store.AcquireLease(ctx, holder, ttl); err != nil {
		return 0, "", nil, err
	}
	// Release with a fresh context: a cancelled run must still let go.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = r.Store.ReleaseLease(rctx, holder)
	}()

	targets := map[string]Target{}
	for _, t := range r.Targets {
		targets[t.Name()] = t
	}
	hasRemote := false
	for _, ti := range plan.Targets {
		if targets[ti.Name] == nil && len(plan.ChangesFor(ti.Name)) > 0 {
			return 0, "", nil, newError(CodeTargetDisabled, "", msg.Params{"target": ti.Name}, nil)
		}
		if _, ok := targets[ti.Name].(RemoteTarget); ok && len(plan.ChangesFor(ti.Name)) > 0 {
			hasRemote = true
		}
	}

	total := len(plan.Changes)
	r.progress(&req, Progress{Stage: StageApplying, Total: total}, fmt.Sprintf("applying %d changes", total))
	remote, sent := remoteResult{}, 0
	if hasRemote {
		// Nothing is sent for a plan that is stale, here or remotely.
		if err := r.Store.View(ctx, func(q Querier) error { return r.checkFresh(ctx, q, plan, targets) }); err != nil {
			return 0, "", nil, err
		}
		if req.Plan != nil {
			if err := r.checkRemote(ctx, plan, targets); err != nil {
				return 0, "", nil, err
			}
		}
		remote, sent = r.applyRemote(ctx, &req, plan, targets, total)
	}
	recorded, perr := remote.applied(plan)
	status := StatusApplied
	switch {
	case perr != nil && perr.Applied == 0 && !plan.SwitchesDomain():
		status = StatusFailed
	case perr != nil:
		status = StatusPartial
	}
	if hasRemote {
		// What the remote targets did is recorded even when the run was
		// cancelled or timed out while sending: those changes are made.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
	}
	var runID int64
	err := r.Store.Update(ctx, func(q Querier) error {
		if err := r.Store.RenewLease(ctx, q, holder, ttl); err != nil {
			return err
		}
		if err := r.checkFresh(ctx, q, plan, targets); err != nil {
			return err
		}
		var e *Issue
		if perr != nil {
			e = ErrorIssue(perr)
		}
		run := r.newRun(req, started, recorded, status, e)
		id, err := r.Store.InsertRun(ctx, q, run)
		if err != nil {
			return err
		}
		runID = id
		now := r.Store.Now()
		applied := sent
		for _, ti := range plan.Targets {
			changes := plan.ChangesFor(ti.Name)
			if len(changes) == 0 {
				continue
			}
			lw := r.Store.LinkWriter(q, ti.Name, id)
			if outs, ok := remote[ti.Name]; ok {
				if err := writeRemoteLinks(ctx, lw, changes, outs); err != nil {
					return fmt.Errorf("link %s: %w", ti.Name, err)
				}
				continue // counted as sent
			}
			base, told := applied, 0
			tx := ApplyTx{Querier: q, Links: lw, RunID: id, Now: now}
			if req.Progress != nil {
				tx.applied = func(n int) {
					told = min(told+n, len(changes))
					req.Progress(Progress{Stage: StageApplying, Applied: base + told, Total: total})
				}
			}
			if err := targets[ti.Name].Apply(ctx, tx, changes); err != nil {
				return fmt.Errorf("apply %s: %w", ti.Name, err)
			}
			applied += len(changes)
			r.progress(&req, Progress{Stage: StageApplying, Applied: applied, Total: total}, "")
		}
		if d := plan.Source.Domain; d != "" && !strings.EqualFold(d, plan.LinkedDomain) {
			if err := r.Store.SetLinkedDomain(ctx, q, d); err != nil {
				return err
			}
		}
		if req.AfterApply != nil {
			if err := req.AfterApply(ctx, q, id); err != nil {
				return err
			}
		}
		if err := r.prune(ctx, q); err != nil {
			return err
		}
		return r.Store.FinishRun(ctx, q, id, r.Store.Now())
	})
	if err != nil {
		return runID, "", nil, err
	}
	return runID, status, perr, nil
}

// checkStored refuses a stored plan (a plan file, or a run's plan) whose
// parts do not fit together — edited by hand or damaged: every change must
// name a target the plan lists once, and a kind and action that target
// has. Apply goes target by target, so a change outside them would be
// skipped silently and the plan applied only in part. The summary is then
// counted again from the changes, so that the history tells what was
// applied.
func (r *Runner) checkStored(p *Plan) error {
	bad := func(key string, p msg.Params) error { return newError(CodePlanFormat, key, p, nil) }
	live := map[string]Target{}
	for _, t := range r.Targets {
		live[t.Name()] = t
	}
	kinds := map[string][]KindInfo{}
	for _, ti := range p.Targets {
		if _, dup := kinds[ti.Name]; dup {
			return bad(keyPlanDuplicateTarget, msg.Params{"target": ti.Name})
		}
		kinds[ti.Name] = ti.Kinds
		if t := live[ti.Name]; t != nil {
			kinds[ti.Name] = t.Kinds() // what the target can really do
		}
	}
	for i := range p.Changes {
		c := &p.Changes[i]
		ks, ok := kinds[c.Target]
		if !ok {
			return bad(keyPlanUnknownTarget, changeParams(i, c))
		}
		if !hasAction(ks, c.Kind, c.Action) {
			return bad(keyPlanNoAction, changeParams(i, c))
		}
	}
	p.Summary = summarize(p.Changes, p.Targets)
	return nil
}

// changeParams names change i of a stored plan in a plan_format text.
func changeParams(i int, c *Change) msg.Params {
	return msg.Params{"change": i + 1, "action": string(c.Action), "kind": c.Kind, "key": c.Key, "target": c.Target}
}

// hasAction reports whether kind is among ks and has action a.
func hasAction(ks []KindInfo, kind string, a Action) bool {
	for _, k := range ks {
		if k.Kind == kind {
			for _, x := range k.Actions {
				if x == a {
					return true
				}
			}
		}
	}
	return false
}

// checkFresh refuses a plan whose targets' states (objects and links) or
// linked domain changed since it was made.
func (r *Runner) checkFresh(ctx context.Context, q Querier, plan *Plan, targets map[string]Target) error {
	stale := func(key string, p msg.Params) error {
		p["created"] = plan.CreatedAt.Format(time.RFC3339)
		return newError(CodeStalePlan, key, p, nil)
	}
	domain, err := r.Store.LinkedDomain(ctx, q)
	if err != nil {
		return err
	}
	if domain != plan.LinkedDomain {
		return stale(keyStaleDomain, msg.Params{"linked": plan.LinkedDomain, "domain": domain})
	}
	for _, ti := range plan.Targets {
		t := targets[ti.Name]
		if t == nil {
			continue
		}
		var st State = remoteDigest{}
		if _, remote := t.(RemoteTarget); !remote {
			var err error
			if st, err = t.Load(ctx, q); err != nil {
				return fmt.Errorf("load %s: %w", ti.Name, err)
			}
		}
		links, err := r.Store.Links(ctx, q, ti.Name)
		if err != nil {
			return fmt.Errorf("load %s links: %w", ti.Name, err)
		}
		if StateDigest(st, links) != ti.Digest {
			return stale("", msg.Params{"target": ti.Name})
		}
	}
	return nil
}

func (r *Runner) prune(ctx context.Context, q Querier) error {
	if r.HistoryDays <= 0 {
		return nil
	}
	return r.Store.PruneRuns(ctx, q, r.Store.Now().Add(-time.Duration(r.HistoryDays)*24*time.Hour))
}

func (r *Runner) newRun(req Request, started time.Time, plan *Plan, status Status, e *Issue) *Run {
	run := &Run{
		Trigger: req.Trigger, DryRun: req.DryRun, Source: req.Source, Status: status,
		StartedAt: started, FinishedAt: r.Store.Now(), Error: e, Plan: plan, Repeats: 1,
	}
	if plan != nil {
		run.Users = plan.Source.Users
		run.Summary = plan.Summary
	}
	return run
}

// record writes one run row in its own transaction.
func (r *Runner) record(ctx context.Context, req Request, started time.Time, plan *Plan, status Status, e *Issue) (int64, error) {
	var id int64
	err := r.Store.Update(ctx, func(q Querier) error {
		run := r.newRun(req, started, plan, status, e)
		var err error
		if status == StatusNoChanges {
			run.Plan = nil // nothing to apply or show: the summary says it
			if id, err = r.Store.FoldRun(ctx, q, run); err != nil || id != 0 {
				return err
			}
		}
		if id, err = r.Store.InsertRun(ctx, q, run); err != nil {
			return err
		}
		return r.prune(ctx, q)
	})
	if err != nil {
		return 0, fmt.Errorf("record the run: %w", err)
	}
	return id, nil
}

// failed records a failed run, notes its id in res and returns res with
// cause (joined with the recording error, if the database itself failed).
func (r *Runner) failed(ctx context.Context, res *Result, req Request, started time.Time, plan *Plan, cause error) (*Result, error) {
	res.Status = StatusFailed
	if errors.Is(context.Cause(ctx), errRunTimeout) {
		cause = newError(CodeRunTimeout, "", msg.Params{"timeout": r.RunTimeout.String(), "detail": msg.Code(cause)}, cause)
	}
	id, err := r.recordFailure(ctx, req, started, plan, cause)
	res.RunID = id
	return res, err
}

// RecordFailure records a failed run that has no record of its own (the
// scheduler's recovered panic) through the same path as every run, which
// also prunes the history. cause gives the recorded code (ErrorCode) and
// message; the returned error is only a failure to record.
func (r *Runner) RecordFailure(ctx context.Context, req Request, cause error) (int64, error) {
	id, err := r.recordFailure(ctx, req, r.Store.Now(), nil, cause)
	if id == 0 {
		return 0, err
	}
	return id, nil
}

func (r *Runner) recordFailure(ctx context.Context, req Request, started time.Time, plan *Plan, cause error) (int64, error) {
	code := "internal"
	var coded interface{ ErrorCode() string }
	if errors.As(cause, &coded) {
		code = coded.ErrorCode()
	}
	// Record even when ctx was cancelled: the history must show the failure.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	e := ErrorIssue(cause)
	e.Code = code
	id, err := r.record(rctx, req, started, plan, StatusFailed, e)
	if err != nil {
		return 0, errors.Join(cause, err)
	}
	return id, cause
}
