package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Off is the schedule spec that turns scheduled runs off.
const Off = "off"

// Runner runs one full import (read → plan → safeguards → apply) with
// trigger "schedule", records it in run history, and says how it ended.
type Runner interface {
	Run(ctx context.Context) Outcome
	// RecordFailure records a failed scheduled run that has no record of
	// its own (a panic recovered by the scheduler) and returns its id.
	RecordFailure(ctx context.Context, code, message string) (runID string, err error)
}

// Config configures a Scheduler.
type Config struct {
	// Spec is a cron spec (config schedule.cron): five fields, or six with
	// a leading seconds field, or a descriptor (@hourly, @every 5m), or Off.
	Spec     string
	Location *time.Location // config schedule.time_zone
	Policy   Policy
	Logger   *slog.Logger // nil = discard
	Now      func() time.Time
	// Observer, when set, is told how each scheduled run changed the
	// pause state and of every resume (notifications).
	Observer Observer
}

// Observer watches the schedule's state changes. Its methods run on the
// scheduler's goroutine (or the resuming request's) after the state was
// saved, so they must return quickly: queue, never deliver.
type Observer interface {
	// Recorded is one scheduled run's outcome and the pause state
	// before and after the policy folded it in.
	Recorded(ctx context.Context, o Outcome, before, after State)
	// Resumed is a pause lifted through this Scheduler; was is the
	// state as it was.
	Resumed(ctx context.Context, was State)
}

// SpecError is an unusable schedule.
type SpecError struct {
	Spec string
	Err  error
}

// ErrorCode is the stable error code.
func (e *SpecError) ErrorCode() string { return "schedule_invalid" }

// ErrorKind: the admin must change the spec.
func (e *SpecError) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams are the parameters of the text: the spec, and what explain
// found wrong in it.
func (e *SpecError) ErrorParams() msg.Params { _, p := e.text(); return p }

// Localize says what is wrong with the spec in l, in the words of check's
// problem (the field, its bounds), robfig/cron's English staying in Err
// for the log.
func (e *SpecError) Localize(l msg.Lang) string { key, p := e.text(); return msg.Text(l, key, p) }

func (e *SpecError) Error() string { return e.Localize(msg.En) }

// text is the catalogue key and parameters of e's text.
func (e *SpecError) text() (string, msg.Params) {
	if key, p := explain(e.Spec); key != "" {
		return key, p
	}
	return "config.schedule_cron", msg.Params{"value": e.Spec}
}

func (e *SpecError) Unwrap() error { return e.Err }

// parser accepts the usual five fields, an optional leading seconds field
// (tests and sub-minute schedules) and descriptors.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a schedule spec; it returns nil for Off.
func ParseSpec(spec string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.EqualFold(spec, Off) {
		return nil, nil
	}
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		// robfig/cron slices out of range on a time zone with nothing after it.
		return nil, &SpecError{Spec: spec, Err: errors.New("no schedule after the time zone")}
	}
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, &SpecError{Spec: spec, Err: err}
	}
	return s, nil
}

// Scheduler triggers scheduled runs.
type Scheduler struct {
	cfg      Config
	schedule cron.Schedule // nil when off
	runner   Runner
	store    Store
	log      *slog.Logger

	cron  *cron.Cron
	entry cron.EntryID

	jobCtx     context.Context
	cancelJobs context.CancelFunc

	running      atomic.Bool
	canceled     atomic.Bool  // a run was canceled by Stop
	skipped      atomic.Int64 // triggers skipped because a run was still going
	pausedSkips  atomic.Int64 // triggers skipped because paused
	mu           sync.Mutex
	last         Outcome
	lastFinished time.Time
}

// New makes a Scheduler; Start starts it.
func New(cfg Config, r Runner, st Store) (*Scheduler, error) {
	sched, err := ParseSpec(cfg.Spec)
	if err != nil {
		return nil, err
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{cfg: cfg, schedule: sched, runner: r, store: st, log: log}
	cl := cronLogger{log: log, skipped: &s.skipped}
	s.cron = cron.New(
		cron.WithLocation(cfg.Location),
		cron.WithLogger(cl),
		// Outermost Recover is a last line of defence; our own recover in
		// tick records the failed run.
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
	)
	if sched != nil {
		s.entry = s.cron.Schedule(sched, cron.FuncJob(s.tick))
	}
	return s, nil
}

// Start starts triggering runs. Runs get a context that outlives ctx's
// cancellation (a SIGTERM must let a running apply finish); Stop bounds
// them.
func (s *Scheduler) Start(ctx context.Context) {
	s.jobCtx, s.cancelJobs = context.WithCancel(context.WithoutCancel(ctx))
	s.cron.Start()
}

// Stop stops triggering and waits for a running run to finish until ctx is
// done; then it cancels the run (its apply rolls back) and waits for it to
// end. It reports an error only when it canceled a run.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	select {
	case <-done.Done():
	case <-ctx.Done():
	}
	if s.cancelJobs != nil {
		s.cancelJobs()
	}
	<-done.Done()
	if s.canceled.Load() {
		return errors.New("scheduled run canceled: it did not finish within the shutdown grace period")
	}
	return nil
}

// Info is what the console shows about the schedule.
type Info struct {
	Spec         string    `json:"cron"`
	TimeZone     string    `json:"time_zone"`
	Enabled      bool      `json:"enabled"`
	Next         time.Time `json:"next_run,omitzero"`
	Running      bool      `json:"running"`
	Skipped      int64     `json:"skipped_overlapping"`
	SkippedPause int64     `json:"skipped_paused"`
	Pause        State     `json:"pause"`
	// Last is how the last scheduled run by this process ended (runs with
	// no changes are not in run history); LastFinished is when.
	Last         *Outcome  `json:"last_scheduled_run,omitempty"`
	LastFinished time.Time `json:"last_scheduled_run_at,omitzero"`
}

// Info reports the schedule, the next trigger and the pause state.
func (s *Scheduler) Info(ctx context.Context) (Info, error) {
	st, err := s.store.LoadState(ctx)
	if err != nil {
		return Info{}, fmt.Errorf("load schedule state: %w", err)
	}
	in := Info{
		Spec:         s.cfg.Spec,
		TimeZone:     s.cfg.Location.String(),
		Enabled:      s.schedule != nil,
		Running:      s.running.Load(),
		Skipped:      s.skipped.Load(),
		SkippedPause: s.pausedSkips.Load(),
		Pause:        st,
	}
	if s.schedule != nil {
		if e := s.cron.Entry(s.entry); e.Valid() && !e.Next.IsZero() {
			in.Next = e.Next
		} else {
			in.Next = s.schedule.Next(s.cfg.Now().In(s.cfg.Location))
		}
	}
	s.mu.Lock()
	if s.last.Status != "" {
		o := s.last
		in.Last, in.LastFinished = &o, s.lastFinished
	}
	s.mu.Unlock()
	return in, nil
}

// Resume lifts a pause (and tells the Observer when there was one).
func (s *Scheduler) Resume(ctx context.Context) (bool, error) {
	was, err := ResumeState(ctx, s.store)
	if err == nil && was.Paused && s.cfg.Observer != nil {
		s.cfg.Observer.Resumed(ctx, was)
	}
	return was.Paused, err
}

// Pause pauses scheduled runs by hand.
func (s *Scheduler) Pause(ctx context.Context, message string) error {
	return Pause(ctx, s.store, message, s.cfg.Now())
}

// tick is one trigger.
func (s *Scheduler) tick() {
	ctx := s.jobCtx
	st, err := s.store.LoadState(ctx)
	if err != nil {
		s.log.Error("scheduled run not started: cannot read the pause state", "error", err)
		return
	}
	if st.Paused {
		s.pausedSkips.Add(1)
		s.log.Debug("scheduled run skipped: paused", "reason", st.Reason)
		return
	}
	s.running.Store(true)
	o := s.runRecovered(ctx)
	s.running.Store(false)
	now := s.cfg.Now()
	s.mu.Lock()
	s.last, s.lastFinished = o, now
	s.mu.Unlock()
	switch {
	case o.Status == provision.StatusSkipped, o.ErrorCode == provision.CodeRunInProgress:
		s.log.Info("scheduled run skipped: another run holds the lease")
		return
	case o.ErrorCode == msg.CodeCanceled || ctx.Err() != nil:
		s.canceled.Store(true)
		s.log.Info("scheduled run canceled by shutdown", "run", o.RunID)
		return
	}
	var paused bool
	var before, after State
	err = s.store.UpdateState(ctx, func(st *State) error {
		before = *st
		before.Failures = slices.Clone(st.Failures)
		paused = s.cfg.Policy.Record(st, o, now)
		after = *st
		return nil
	})
	if err == nil && s.cfg.Observer != nil {
		s.cfg.Observer.Recorded(ctx, o, before, after)
	}
	switch {
	case err != nil:
		s.log.Error("cannot save the pause state", "error", err)
	case paused:
		s.log.Warn("scheduled runs paused; resume with `cybridge resume` or the console", "run", o.RunID, "status", o.Status, "code", o.ErrorCode)
	default:
		s.log.Info("scheduled run finished", "run", o.RunID, "status", o.Status, "code", o.ErrorCode)
	}
}

// runRecovered runs one import; a panic becomes a failed run in history.
func (s *Scheduler) runRecovered(ctx context.Context) (o Outcome) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		s.log.Error("scheduled run panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		msg := fmt.Sprintf("internal error (panic: %v); the server log has the stack trace — please report it", p)
		id, err := s.runner.RecordFailure(ctx, "internal", msg)
		if err != nil {
			s.log.Error("cannot record the failed run", "error", err)
		}
		o = Outcome{RunID: id, Status: provision.StatusFailed, ErrorCode: "internal", Message: msg}
	}()
	return s.runner.Run(ctx)
}

// cronLogger sends robfig/cron's messages to slog and counts skipped
// triggers (SkipIfStillRunning logs "skip").
type cronLogger struct {
	log     *slog.Logger
	skipped *atomic.Int64
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.skipped.Add(1)
		l.log.Info("scheduled run skipped: the previous one is still running")
	}
	// "wake", "run", "schedule", "start", "stop": noise at every trigger.
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("scheduler: "+msg, append([]any{"error", err}, kv...)...)
}
