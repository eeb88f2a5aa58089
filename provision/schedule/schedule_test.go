package schedule

import (
	"github.com/cybridge/cybridge/provision"

	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeRunner returns queued outcomes (the last one repeats) and can block.
type fakeRunner struct {
	mu       sync.Mutex
	outcomes []Outcome
	runs     atomic.Int64
	hold     chan struct{} // if set, Run waits for it or ctx
	panicMsg string
	recorded []string
}

func (f *fakeRunner) Run(ctx context.Context) Outcome {
	n := f.runs.Add(1)
	if f.panicMsg != "" {
		panic(f.panicMsg)
	}
	if f.hold != nil {
		select {
		case <-f.hold:
		case <-ctx.Done():
			return Outcome{Status: provision.StatusFailed, ErrorCode: "canceled"}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := int(n) - 1
	if i >= len(f.outcomes) {
		i = len(f.outcomes) - 1
	}
	return f.outcomes[i]
}

func (f *fakeRunner) RecordFailure(_ context.Context, code, msg string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recorded = append(f.recorded, code+": "+msg)
	return "run-panic", nil
}

func startScheduler(t *testing.T, r Runner, st Store, pauseAfter int) *Scheduler {
	t.Helper()
	s, err := New(Config{Spec: "* * * * * *", Location: time.UTC, Policy: DefaultPolicy(pauseAfter)}, r, st)
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Stop(ctx)
	})
	return s
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestParseSpec(t *testing.T) {
	for _, spec := range []string{"*/10 * * * *", "0 */5 * * * *", "@every 10m", "@hourly", "off", "OFF"} {
		if _, err := ParseSpec(spec); err != nil {
			t.Errorf("ParseSpec(%q) = %v", spec, err)
		}
	}
	for _, spec := range []string{"", "* * *", "61 * * * *", "every ten minutes"} {
		_, err := ParseSpec(spec)
		var se *SpecError
		if !errors.As(err, &se) || se.ErrorCode() != "schedule_invalid" {
			t.Errorf("ParseSpec(%q) = %v; want a schedule_invalid error", spec, err)
		}
	}
}

func TestSchedulerSkipsOverlappingTriggers(t *testing.T) {
	t.Parallel()
	r := &fakeRunner{outcomes: []Outcome{{Status: provision.StatusApplied}}, hold: make(chan struct{})}
	s := startScheduler(t, r, &MemoryStore{}, 12)
	ctx := context.Background()
	waitFor(t, 5*time.Second, "a skipped trigger", func() bool {
		in, _ := s.Info(ctx)
		return in.Skipped >= 1
	})
	in, _ := s.Info(ctx)
	if !in.Running {
		t.Error("Info.Running = false while a run is held")
	}
	if n := r.runs.Load(); n != 1 {
		t.Errorf("runs while the first is still going = %d; want 1", n)
	}
	close(r.hold)
	waitFor(t, 5*time.Second, "a second run after the first finished", func() bool { return r.runs.Load() >= 2 })
}

func TestSchedulerPausesAfterFailuresAndResumes(t *testing.T) {
	t.Parallel()
	r := &fakeRunner{outcomes: []Outcome{
		{RunID: "1", Status: provision.StatusFailed, ErrorCode: "cybozu_unreachable", Message: "down"},
		{RunID: "2", Status: provision.StatusFailed, ErrorCode: "cybozu_unreachable", Message: "down"},
		{RunID: "3", Status: provision.StatusApplied},
	}}
	st := &MemoryStore{}
	s := startScheduler(t, r, st, 2)
	ctx := context.Background()
	waitFor(t, 5*time.Second, "auto-pause", func() bool {
		in, _ := s.Info(ctx)
		return in.Pause.Paused
	})
	in, _ := s.Info(ctx)
	if in.Pause.Reason != ReasonConsecutiveFailures || in.Pause.RunID != "2" {
		t.Errorf("pause = %+v; want consecutive_failures caused by run 2", in.Pause)
	}
	waitFor(t, 3*time.Second, "a trigger skipped while paused", func() bool {
		in, _ := s.Info(ctx)
		return in.SkippedPause >= 1
	})
	if n := r.runs.Load(); n != 2 {
		t.Fatalf("runs while paused = %d; want 2", n)
	}
	if was, err := s.Resume(ctx); err != nil || !was {
		t.Fatalf("Resume = %v, %v", was, err)
	}
	waitFor(t, 3*time.Second, "a run after resume", func() bool { return r.runs.Load() >= 3 })
	waitFor(t, 3*time.Second, "last outcome applied", func() bool {
		in, _ := s.Info(ctx)
		return in.Last != nil && in.Last.Status == provision.StatusApplied
	})
}

func TestSchedulerRecordsPanicAsFailedRun(t *testing.T) {
	t.Parallel()
	r := &fakeRunner{panicMsg: "boom"}
	s := startScheduler(t, r, &MemoryStore{}, 1)
	ctx := context.Background()
	waitFor(t, 5*time.Second, "pause after the panic", func() bool {
		in, _ := s.Info(ctx)
		return in.Pause.Paused
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.recorded) != 1 {
		t.Fatalf("recorded failures = %q; want one", r.recorded)
	}
	in, _ := s.Info(ctx)
	if in.Pause.RunID != "run-panic" {
		t.Errorf("pause caused by %q; want the recorded panic run", in.Pause.RunID)
	}
}

func TestSchedulerRunInProgressIsNotAFailure(t *testing.T) {
	t.Parallel()
	r := &fakeRunner{outcomes: []Outcome{{Status: provision.StatusFailed, ErrorCode: "run_in_progress"}}}
	s := startScheduler(t, r, &MemoryStore{}, 1)
	waitFor(t, 5*time.Second, "two triggers", func() bool { return r.runs.Load() >= 2 })
	in, _ := s.Info(context.Background())
	if in.Pause.Paused || in.Pause.ConsecutiveFailures != 0 {
		t.Errorf("pause state = %+v; run_in_progress must not count", in.Pause)
	}
}

func TestStopLetsRunningRunFinish(t *testing.T) {
	t.Parallel()
	r := &fakeRunner{outcomes: []Outcome{{Status: provision.StatusApplied}}, hold: make(chan struct{})}
	s, err := New(Config{Spec: "* * * * * *", Policy: DefaultPolicy(3)}, r, &MemoryStore{})
	if err != nil {
		t.Fatal(err)
	}
	parent, cancelParent := context.WithCancel(context.Background())
	s.Start(parent)
	waitFor(t, 3*time.Second, "a run", func() bool { return r.runs.Load() == 1 })
	cancelParent() // SIGTERM: the run's context must survive it
	go func() { time.Sleep(200 * time.Millisecond); close(r.hold) }()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("Stop = %v; want the run to finish within the grace period", err)
	}
	in, _ := s.Info(context.Background())
	if in.Last == nil || in.Last.Status != provision.StatusApplied {
		t.Errorf("last outcome = %+v; want applied", in.Last)
	}
}

func TestStopCancelsRunAfterGrace(t *testing.T) {
	t.Parallel()
	r := &fakeRunner{outcomes: []Outcome{{Status: provision.StatusApplied}}, hold: make(chan struct{})}
	s, err := New(Config{Spec: "* * * * * *", Policy: DefaultPolicy(3)}, r, &MemoryStore{})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	waitFor(t, 3*time.Second, "a run", func() bool { return r.runs.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Stop(ctx); err == nil {
		t.Fatal("Stop = nil; want an error saying the run was canceled")
	}
	in, _ := s.Info(context.Background())
	if in.Pause.ConsecutiveFailures != 0 {
		t.Error("a run canceled by shutdown counted as a failure")
	}
}

func TestScheduleOff(t *testing.T) {
	r := &fakeRunner{outcomes: []Outcome{{Status: provision.StatusApplied}}}
	s, err := New(Config{Spec: "off"}, r, &MemoryStore{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.Info(context.Background())
	if err != nil || in.Enabled || !in.Next.IsZero() {
		t.Errorf("Info = %+v, %v; want disabled with no next run", in, err)
	}
}

// TestStopWithNothingRunning: when the grace period is already over (the
// console's requests used it up), a schedule with no run going has nothing
// to cancel and must not say it canceled one.
func TestStopWithNothingRunning(t *testing.T) {
	t.Parallel()
	for i := 0; i < 20; i++ {
		r := &fakeRunner{outcomes: []Outcome{{Status: provision.StatusApplied}}}
		s, err := New(Config{Spec: "@every 1h", Policy: DefaultPolicy(3)}, r, &MemoryStore{})
		if err != nil {
			t.Fatal(err)
		}
		s.Start(context.Background())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Stop(ctx); err != nil {
			t.Fatalf("Stop with no run going = %v; want nil", err)
		}
	}
}

// observer records what a Scheduler tells its Observer.
type observer struct {
	mu       sync.Mutex
	recorded []Outcome
	resumed  []State
}

func (o *observer) Recorded(_ context.Context, out Outcome, _, _ State) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recorded = append(o.recorded, out)
}

func (o *observer) Resumed(_ context.Context, was State) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.resumed = append(o.resumed, was)
}

// TestObserverResumed: a resume through the Scheduler tells the Observer
// how it was paused; resuming a schedule that is not paused tells nothing.
func TestObserverResumed(t *testing.T) {
	st := &MemoryStore{}
	obs := &observer{}
	s, err := New(Config{Spec: Off, Observer: obs}, nil, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	st.UpdateState(ctx, func(s *State) error {
		s.pause(ReasonAuthFailed, nil, nil, "4", time.Now())
		return nil
	})
	if was, err := s.Resume(ctx); err != nil || !was {
		t.Fatalf("Resume = %v, %v", was, err)
	}
	if len(obs.resumed) != 1 || obs.resumed[0].Reason != ReasonAuthFailed || obs.resumed[0].RunID != "4" {
		t.Errorf("resumed = %+v; want one, of the auth_failed pause by run 4", obs.resumed)
	}
}
