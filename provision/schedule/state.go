package schedule

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
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
//
// Decision: the pause is stored as a reason code with the figures its
// text needs (Params) and the causing run's error as code + parameters
// (Cause), inside the JSON the store already keeps, so no migration is
// needed; every surface renders it in its reader's language (Text,
// CauseText). Message keeps the English text for logs and for readers of
// older versions; a row written before Params existed renders the
// reason's general text, which needs no figures.
type State struct {
	Paused bool `json:"paused"`
	// Reason is one of the Reason* codes.
	Reason string `json:"reason,omitempty"`
	// Params are the figures of the reason's text (count, hours).
	Params msg.Params `json:"params,omitempty"`
	// Cause is the error of the run that caused the pause (none for a
	// safeguard block, whose reasons are in the run, or a pause by hand).
	Cause *provision.Issue `json:"cause,omitempty"`
	// Message is the reason in English; for a pause by hand (ReasonAdmin)
	// it is the admin's own words, shown as they are.
	Message string    `json:"message,omitempty"`
	RunID   string    `json:"run_id,omitempty"` // the run that caused the pause
	Since   time.Time `json:"since,omitzero"`
	// ConsecutiveFailures counts failed scheduled runs since the last
	// successful one (or the last resume).
	ConsecutiveFailures int `json:"consecutive_failures"`
	// Failures are the times of failed scheduled runs within the window.
	Failures []time.Time `json:"failures,omitempty"`
	// By is who paused by hand (ReasonAdmin), when the surface said so.
	By *access.Actor `json:"by,omitempty"`
	// Resumed is who last lifted a pause, and when (kept while running,
	// dropped by the next pause).
	Resumed *Stamp `json:"resumed,omitempty"`
}

// Stamp is who did something, and when.
type Stamp struct {
	By access.Actor `json:"by"`
	At time.Time    `json:"at"`
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
	// Error is the run's error as its history records it (code, params,
	// texts), for the pause's cause; nil keeps ErrorCode and Message.
	Error *provision.Issue `json:"error,omitempty"`
}

// issue is o's error as an issue, nil when o has none.
func (o Outcome) issue() *provision.Issue {
	switch {
	case o.Error != nil:
		return o.Error
	case o.ErrorCode == "":
		return nil
	}
	return &provision.Issue{Code: o.ErrorCode, Message: o.Message}
}

// Catalogue keys of the pause texts: pause.reason.<reason> says it in
// general, pause.detail.<reason> with the figures (Params) when the
// reason has them.
const (
	keyReason = "pause.reason."
	keyDetail = "pause.detail."
)

// Text is why the schedule is paused, in l: the reason with its figures,
// or its general text for a state stored without them. "" when not
// paused. A pause by hand is "paused by an admin"; their words are Note.
func (s State) Text(l msg.Lang) string {
	if !s.Paused {
		return ""
	}
	general := msg.TextOr(l, keyReason+s.Reason, nil, s.Message)
	if s.Params == nil {
		return general
	}
	return msg.TextOr(l, keyDetail+s.Reason, s.Params, general)
}

// CauseText is the causing run's error in l, "" when there is none.
func (s State) CauseText(l msg.Lang) string {
	if s.Cause == nil {
		return ""
	}
	return provision.IssueText(l, *s.Cause)
}

// Note is the admin's own words of a pause by hand, "" otherwise.
func (s State) Note() string {
	if s.Reason != ReasonAdmin {
		return ""
	}
	return s.Message
}

// Keys are the catalogue keys of the pause texts, for the test that every
// one has a text in both languages.
func Keys() []string {
	var keys []string
	for _, r := range []string{ReasonConsecutiveFailures, ReasonFailureRate, ReasonBlocked, ReasonAuthFailed, ReasonAdmin} {
		keys = append(keys, keyReason+r)
	}
	return append(keys, keyDetail+ReasonConsecutiveFailures, keyDetail+ReasonFailureRate)
}

// Record folds one scheduled run's outcome into the state and reports
// whether it paused the schedule.
func (p Policy) Record(s *State, o Outcome, now time.Time) (paused bool) {
	switch o.Status {
	case provision.StatusApplied, provision.StatusNoChanges, provision.StatusDryRun:
		s.ConsecutiveFailures = 0
	case provision.StatusBlocked:
		// A safeguard blocked the run: it would block again on every
		// trigger until an admin looks, so wait for them at once. The
		// reasons are the run's; the pause does not repeat them.
		return s.pause(ReasonBlocked, nil, nil, o.RunID, now)
	case provision.StatusFailed, provision.StatusPartial:
		// A partial run counts as a failure toward the auto-pause.
		s.ConsecutiveFailures++
		s.Failures = append(s.Failures, now)
		s.prune(now, p.FailureWindow)
		switch {
		case slices.Contains(p.PauseAtOnce, o.ErrorCode):
			return s.pause(ReasonAuthFailed, nil, o.issue(), o.RunID, now)
		case p.PauseAfterFailures > 0 && s.ConsecutiveFailures >= p.PauseAfterFailures:
			return s.pause(ReasonConsecutiveFailures, msg.Params{"count": s.ConsecutiveFailures}, o.issue(), o.RunID, now)
		case p.FailureLimit > 0 && len(s.Failures) >= p.FailureLimit:
			return s.pause(ReasonFailureRate, msg.Params{"count": len(s.Failures), "hours": int(p.FailureWindow.Hours())}, o.issue(), o.RunID, now)
		}
	}
	return false
}

// pause pauses for reason with the figures of its text and the causing
// error; a paused state keeps its first reason.
func (s *State) pause(reason string, p msg.Params, cause *provision.Issue, runID string, now time.Time) bool {
	if s.Paused {
		return false
	}
	s.Paused, s.Reason, s.Params, s.Cause, s.RunID, s.Since, s.Resumed = true, reason, p, cause, runID, now, nil
	s.Message = s.Text(msg.En)
	if cause != nil {
		s.Message += " " + cause.Message
	}
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

// Pause pauses scheduled runs by hand (reason "admin"), by the actor ctx
// carries (access.WithActor). Pausing an already paused schedule keeps
// the first reason.
func Pause(ctx context.Context, st Store, message string, now time.Time) error {
	return st.UpdateState(ctx, func(s *State) error {
		if s.pause(ReasonAdmin, nil, nil, "", now) {
			s.Message = message
			if a, ok := access.ActorOf(ctx); ok {
				s.By = &a
			}
		}
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
// it was paused), in the same transaction. A pause lifted keeps who lifted
// it (the actor ctx carries) and when, in Resumed.
func ResumeState(ctx context.Context, st Store) (was State, err error) {
	err = st.UpdateState(ctx, func(s *State) error {
		was = *s
		*s = State{Resumed: s.Resumed}
		if a, ok := access.ActorOf(ctx); ok && was.Paused {
			s.Resumed = &Stamp{By: a, At: time.Now().UTC()}
		}
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
