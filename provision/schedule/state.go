package schedule

import (
	"context"

	"fmt"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"slices"
	"sync"
	"time"
)

// Pause reasons, stable codes shown by the console and the API.
const (
	ReasonConsecutiveFailures = "consecutive_failures"
	ReasonFailureRate         = "failure_rate"
	ReasonBlocked             = "blocked"
	ReasonAuthFailed          = "auth_failed"
	ReasonAdmin               = "admin"
)

// State is the persisted auto-pause state.
type State struct {
	Paused bool `json:"paused"`
	// Reason is one of the Reason* codes; Message says it for the admin.
	Reason  string    `json:"reason,omitempty"`
	Message string    `json:"message,omitempty"`
	RunID   string    `json:"run_id,omitempty"` // the run that caused the pause
	Since   time.Time `json:"since,omitzero"`
	// ConsecutiveFailures counts failed scheduled runs since the last
	// successful one (or the last resume).
	ConsecutiveFailures int `json:"consecutive_failures"`
	// Failures are the times of failed scheduled runs within the window.
	Failures []time.Time `json:"failures,omitempty"`
}

// Store persists State. UpdateState must apply fn atomically (one
// transaction), because `cybridge resume` may run in another process.
type Store interface {
	LoadState(ctx context.Context) (State, error)
	UpdateState(ctx context.Context, fn func(*State) error) error
}

// Policy is when scheduled runs pause themselves.
type Policy struct {
	// PauseAfterFailures consecutive failed runs pause (config
	// schedule.pause_after_failures, default 12).
	PauseAfterFailures int
	// FailureLimit failed runs within FailureWindow pause (120 in 24 h, as
	// the calendar-sync manual's auto-stop).
	FailureLimit  int
	FailureWindow time.Duration
	// PauseAtOnce lists error codes that pause at the first failed run:
	// retrying cannot help and does harm.
	PauseAtOnce []string
}

// credentialsRejected are the error codes of credentials cybozu.com
// rejected (directory/cybozu): every retry is one more failed login, and
// cybozu.com locks an account after a few (SPEC §3.3: authentication
// failures are never retried), so a schedule must not try again every
// few minutes until pause_after_failures is reached.
var credentialsRejected = []string{"auth_failed", "basic_auth_failed"}

// DefaultPolicy is SPEC §7.1's, and pauses at once when cybozu.com rejects
// the credentials.
func DefaultPolicy(pauseAfterFailures int) Policy {
	return Policy{PauseAfterFailures: pauseAfterFailures, FailureLimit: 120, FailureWindow: 24 * time.Hour, PauseAtOnce: credentialsRejected}
}

// Outcome is how one run ended.
type Outcome struct {
	RunID     string           `json:"run_id,omitempty"`
	Status    provision.Status `json:"status"`
	ErrorCode string           `json:"error_code,omitempty"`
	Message   string           `json:"message,omitempty"`
	// ErrorKey and ErrorParams render the error in another language
	// (notifications): the catalogue key ("" = ErrorCode) and its
	// parameters.
	ErrorKey    string     `json:"error_key,omitempty"`
	ErrorParams msg.Params `json:"error_params,omitempty"`
}

// Record folds one scheduled run's outcome into the state and reports
// whether it paused the schedule.
func (p Policy) Record(s *State, o Outcome, now time.Time) (paused bool) {
	switch o.Status {
	case provision.StatusApplied, provision.StatusNoChanges, provision.StatusDryRun:
		s.ConsecutiveFailures = 0
	case provision.StatusBlocked:
		// A safeguard blocked the run: it would block again on every
		// trigger until an admin looks, so wait for them at once.
		return s.pause(ReasonBlocked, "a safeguard blocked the run: "+o.Message, o.RunID, now)
	case provision.StatusFailed:
		s.ConsecutiveFailures++
		s.Failures = append(s.Failures, now)
		s.prune(now, p.FailureWindow)
		switch {
		case slices.Contains(p.PauseAtOnce, o.ErrorCode):
			return s.pause(ReasonAuthFailed,
				"cybozu.com rejected the credentials; scheduled runs stop so that more failed logins do not lock the account — fix them, then resume: "+o.Message, o.RunID, now)
		case p.PauseAfterFailures > 0 && s.ConsecutiveFailures >= p.PauseAfterFailures:
			return s.pause(ReasonConsecutiveFailures,
				fmt.Sprintf("%d scheduled runs failed in a row; the last said: %s", s.ConsecutiveFailures, o.Message), o.RunID, now)
		case p.FailureLimit > 0 && len(s.Failures) >= p.FailureLimit:
			return s.pause(ReasonFailureRate,
				fmt.Sprintf("%d scheduled runs failed within %s; the last said: %s", len(s.Failures), p.FailureWindow, o.Message), o.RunID, now)
		}
	}
	return false
}

func (s *State) pause(reason, msg, runID string, now time.Time) bool {
	if s.Paused {
		return false
	}
	s.Paused, s.Reason, s.Message, s.RunID, s.Since = true, reason, msg, runID, now
	return true
}

func (s *State) prune(now time.Time, window time.Duration) {
	keep := s.Failures[:0]
	for _, t := range s.Failures {
		if now.Sub(t) < window {
			keep = append(keep, t)
		}
	}
	s.Failures = keep
}

// Pause pauses scheduled runs by hand (reason "admin"). Pausing an already
// paused schedule keeps the first reason.
func Pause(ctx context.Context, st Store, message string, now time.Time) error {
	return st.UpdateState(ctx, func(s *State) error {
		s.pause(ReasonAdmin, message, "", now)
		return nil
	})
}

// Resume lifts a pause and clears the failure counters. It reports whether
// the schedule was paused.
func Resume(ctx context.Context, st Store) (wasPaused bool, err error) {
	was, err := ResumeState(ctx, st)
	return was.Paused, err
}

// ResumeState is Resume returning the state as it was (why and since when
// it was paused), in the same transaction.
func ResumeState(ctx context.Context, st Store) (was State, err error) {
	err = st.UpdateState(ctx, func(s *State) error {
		was = *s
		*s = State{}
		return nil
	})
	return was, err
}

// MemoryStore is a Store in memory, for tests and for running without a
// database.
type MemoryStore struct {
	mu sync.Mutex
	s  State
}

// LoadState returns a copy of the state.
func (m *MemoryStore) LoadState(context.Context) (State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.s
	s.Failures = append([]time.Time(nil), m.s.Failures...)
	return s, nil
}

// UpdateState applies fn to the state; an error leaves it unchanged.
func (m *MemoryStore) UpdateState(_ context.Context, fn func(*State) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.s
	s.Failures = append([]time.Time(nil), m.s.Failures...)
	if err := fn(&s); err != nil {
		return err
	}
	m.s = s
	return nil
}
