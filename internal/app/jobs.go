package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"github.com/cybridge/cybridge/internal/access"
	"slices"
	"sync"
	"time"

	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Job is one run as it goes — started in the background (Start), by the
// schedule, or by hand (Run, ApplyPlan) — while it runs and for a while
// after it ended, so that the page that watches it can show the result.
//
// Decisions:
//   - Jobs live in memory only: a job is how this process is doing a run;
//     the run history is the record. A job's id is random (not a run id:
//     a run is recorded only when it ends) and its RunID is the recorded
//     run once it ended.
//   - One background run at a time: Start refuses while any job runs
//     (run_in_progress, with the running job, which the console then
//     shows). Runs started in the foreground (the schedule, the CLI) are
//     not refused here: the apply lease decides between them as before.
//   - Cancel cancels the run's context: a run cut off before its commit
//     writes nothing to the targets and is recorded failed with code
//     canceled; one cut off after its commit is reported applied.
type Job struct {
	ID        string
	Trigger   provision.Trigger
	DryRun    bool
	StartedAt time.Time
	// Progress is the runner's own: stage, and changes applied of total.
	provision.Progress
	// Read is the User API read's progress (zero for a CSV read).
	Read cybozu.Progress
	// CancelAsked: someone asked to cancel it.
	CancelAsked bool
	Done        bool
	EndedAt     time.Time
	// RunID is the recorded run once done (0: none was recorded, e.g. a
	// run refused with run_in_progress); Status how it ended.
	RunID  int64
	Status provision.Status
	// Err is why it did not succeed (nil when it did).
	Err error
}

// Canceled reports whether the job ended because it was canceled: asked
// to, and not recorded as having done its work (a run cut off after its
// commit was applied; a dry run whose record was cut off was not).
func (j Job) Canceled() bool {
	if !j.Done || !j.CancelAsked {
		return false
	}
	switch j.Status {
	case provision.StatusApplied, provision.StatusPartial, provision.StatusNoChanges, provision.StatusDryRun, provision.StatusBlocked:
		return j.RunID == 0
	}
	return true
}

// keptJobs is how many ended jobs are remembered (newest first): a page
// watching one finds it long after it ended.
const keptJobs = 50

// errJobCanceled is the cause of a canceled job's context.
var errJobCanceled = errors.New("canceled by an admin")

// KeyJobRunning is the catalogue key of Start's run_in_progress.
const KeyJobRunning = "job.running"

// jobs is the registry of jobs.
type jobs struct {
	mu    sync.Mutex
	all   map[string]*job
	ended []string // ids of ended jobs, oldest first
	// background counts Start's goroutines, for WaitJobs.
	background sync.WaitGroup
}

type job struct {
	Job
	cancel context.CancelCauseFunc
}

func newJobID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// begin registers a job for a run with ctx; with alone, not while another
// runs (it then returns that one and run_in_progress). The returned
// context is canceled by Cancel.
func (js *jobs) begin(ctx context.Context, trigger provision.Trigger, dryRun, alone bool) (*job, context.Context, Job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if alone {
		if r := js.runningLocked(); len(r) > 0 {
			return nil, nil, r[0], &msg.Error{Kind: msg.KindConflict, Code: provision.CodeRunInProgress, Key: KeyJobRunning,
				Params: msg.Params{"job": r[0].ID, "started": r[0].StartedAt}}
		}
	}
	if js.all == nil {
		js.all = map[string]*job{}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	j := &job{Job: Job{ID: newJobID(), Trigger: trigger, DryRun: dryRun, StartedAt: time.Now(),
		Progress: provision.Progress{Stage: provision.StageReading}}, cancel: cancel}
	js.all[j.ID] = j
	return j, ctx, j.Job, nil
}

// update changes a job under the lock.
func (js *jobs) update(j *job, f func(*Job)) {
	js.mu.Lock()
	defer js.mu.Unlock()
	f(&j.Job)
}

// end notes how a job ended and forgets the oldest ended ones.
func (js *jobs) end(j *job, res *provision.Result, err error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j.Done, j.EndedAt, j.Err = true, time.Now(), err
	if res != nil {
		j.RunID, j.Status = res.RunID, res.Status
	}
	j.cancel(nil)
	js.ended = append(js.ended, j.ID)
	if len(js.ended) > keptJobs {
		delete(js.all, js.ended[0])
		js.ended = js.ended[1:]
	}
}

// runningLocked lists the running jobs, oldest first.
func (js *jobs) runningLocked() []Job {
	var out []Job
	for _, j := range js.all {
		if !j.Done {
			out = append(out, j.Job)
		}
	}
	slices.SortFunc(out, func(a, b Job) int { return a.StartedAt.Compare(b.StartedAt) })
	return out
}

// watch is the provision.Request.Progress and the read's progress of j.
func (js *jobs) watch(j *job) (func(provision.Progress), func(cybozu.Progress)) {
	return func(p provision.Progress) { js.update(j, func(x *Job) { x.Progress = p }) },
		func(p cybozu.Progress) { js.update(j, func(x *Job) { x.Read = p }) }
}

// Start starts a run from the configured source in the background and
// returns its job at once; the run goes on after ctx ends (it is the
// request's). While another job runs, it returns that job with
// run_in_progress (see Job).
func (a *App) Start(ctx context.Context, req RunRequest) (Job, error) {
	action := access.ActionRun
	if req.DryRun {
		action = access.ActionDryRun
	}
	ctx = context.WithoutCancel(ctx)
	if err := a.CheckTargets(); err != nil {
		a.recordRun(ctx, action, "", nil, err)
		return Job{}, err
	}
	j, jctx, snap, err := a.jobs.begin(ctx, req.Trigger, req.DryRun, true)
	if err != nil {
		a.recordRun(ctx, action, "", nil, err)
		// The running job's start as the surfaces show times.
		var me *msg.Error
		if errors.As(err, &me) {
			me.Params["started"] = provision.FormatTime(snap.StartedAt, a.Location())
		}
		return snap, err
	}
	a.jobs.background.Add(1)
	go func() {
		defer a.jobs.background.Done()
		res, err := a.runJob(jctx, j, req)
		a.jobs.end(j, res, err)
		a.recordRun(ctx, action, "", res, err)
	}()
	return snap, nil
}

// Job returns the job id (ok false when there is none, or it was
// forgotten).
func (a *App) Job(id string) (Job, bool) {
	a.jobs.mu.Lock()
	defer a.jobs.mu.Unlock()
	j, ok := a.jobs.all[id]
	if !ok {
		return Job{}, false
	}
	return j.Job, true
}

// RunningJobs lists the jobs running now, oldest first.
func (a *App) RunningJobs() []Job {
	a.jobs.mu.Lock()
	defer a.jobs.mu.Unlock()
	return a.jobs.runningLocked()
}

// Cancel asks job id to stop: its context is canceled. A job that ended
// is left as it is; an unknown one is not_found.
func (a *App) Cancel(id string) error {
	a.jobs.mu.Lock()
	defer a.jobs.mu.Unlock()
	j, ok := a.jobs.all[id]
	if !ok {
		return newError(msg.CodeNotFound, KeyNoJob, msg.Params{"job": id})
	}
	if !j.Done {
		j.CancelAsked = true
		j.cancel(errJobCanceled)
	}
	return nil
}

// KeyNoJob is the catalogue key of an unknown job (not_found).
const KeyNoJob = "not_found.job"

// WaitJobs waits for the runs Start started to end. When ctx ends first
// they are canceled (their applies roll back and they record themselves
// as canceled), and waited for until grace more has passed; it returns
// ctx's error then.
func (a *App) WaitJobs(ctx context.Context, grace time.Duration) error {
	ended := make(chan struct{})
	go func() { a.jobs.background.Wait(); close(ended) }()
	select {
	case <-ended:
		return nil
	case <-ctx.Done():
	}
	a.jobs.mu.Lock()
	for _, j := range a.jobs.all {
		if !j.Done {
			j.cancel(context.Cause(ctx))
		}
	}
	a.jobs.mu.Unlock()
	select {
	case <-ended:
	case <-time.After(grace):
	}
	return ctx.Err()
}
