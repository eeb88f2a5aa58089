package notify

import (
	"strconv"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// Kind is what happened, a stable code (the generic webhook's "event").
type Kind string

// The events.
const (
	// Failed: a scheduled run failed, and the previous one did not fail
	// the same way.
	Failed Kind = "failed"
	// Blocked: a safeguard stopped a scheduled run (the schedule waits for
	// an admin).
	Blocked Kind = "blocked"
	// Paused: a failed run paused the schedule (the failure is in it:
	// one notification, not two).
	Paused Kind = "paused"
	// Resumed: an auto-pause (or a safeguard's) was lifted.
	Resumed Kind = "resumed"
	// Recovered: the first successful scheduled run after a failure, a
	// block or a pause.
	Recovered Kind = "recovered"
	// CertExpiring and TokenExpiring are sent by whoever watches the
	// Secure Access certificate and the API token (Notifier.Notify).
	CertExpiring  Kind = "cert_expiring"
	TokenExpiring Kind = "token_expiring"
	// Test is a test notification (Notifier.Notify), never deduplicated.
	Test Kind = "test"
)

// Event is one notification to send to every channel.
type Event struct {
	Kind Kind `json:"event"`
	// Code is the run's error code (failed, blocked, paused), or "" .
	Code string `json:"code,omitempty"`
	// Message is the error's English text, shown when the catalogue
	// cannot render Code in the channel's language; ErrorKey (""= Code)
	// and ErrorParams render it.
	Message     string     `json:"message,omitempty"`
	ErrorKey    string     `json:"error_key,omitempty"`
	ErrorParams msg.Params `json:"error_params,omitempty"`
	// ErrorTexts is the error as the run's history recorded it, by
	// language (a list of problems that is not one catalogue text).
	ErrorTexts map[msg.Lang]string `json:"error_texts,omitempty"`
	// Params are what the texts need: the pause reason and count
	// (paused), since (recovered), name, expires and days (expiring).
	Params msg.Params `json:"params,omitempty"`
	// RunID is the run it is about ("" when none).
	RunID string    `json:"run_id,omitempty"`
	At    time.Time `json:"at"`
	// Key deduplicates expiring events: one with the same Kind and Key as
	// the last one sent is dropped (e.g. the certificate's serial and the
	// threshold crossed, "3f2a/30d").
	Key string `json:"key,omitempty"`
}

// Condition is the schedule's health as notifications last told it.
type Condition string

// The conditions.
const (
	CondOK      Condition = ""
	CondFailed  Condition = "failed"
	CondBlocked Condition = "blocked"
	CondPaused  Condition = "paused"
	// CondResumed: resumed after an auto-pause; the next success
	// is a recovery, the next failure is told again.
	CondResumed Condition = "resumed"
)

// State is what was last notified, persisted so that a restart does not
// tell a continuing failure again.
type State struct {
	Condition Condition `json:"condition,omitempty"`
	// Code is the error code of the failure (failed, paused, blocked).
	Code string `json:"code,omitempty"`
	// Since is when the schedule left OK.
	Since time.Time `json:"since,omitzero"`
	// Paused is whether the last scheduled run left the schedule paused.
	Paused bool `json:"paused,omitempty"`
	// Expiry is the Key of the last expiring event sent, by kind.
	Expiry map[Kind]string `json:"expiry,omitempty"`
}

// Decide is the events one scheduled run's outcome makes, given what was
// last notified (prev) and the pause state before and after the policy
// folded the outcome in, and the state to remember. It is pure.
//
// Decisions:
//   - One notification per state change: a failure with the same code as
//     the one already told sends nothing; a different code is a new
//     failure.
//   - A failure that pauses the schedule is one "paused" notification with
//     the failure in it; a block (which always pauses) is "blocked".
//   - A pause lifted in another process (the resume command) is seen here,
//     at the next scheduled run, and told by that run's own event:
//     "recovered" when it succeeds, "failed" (told again, even with the
//     same code) or "blocked" when not.
//   - A success after anything but OK is "recovered", once.
func Decide(prev State, o schedule.Outcome, before, after schedule.State, now time.Time) ([]Event, State) {
	var events []Event
	next := prev
	if prev.Paused && !before.Paused {
		// Resumed elsewhere: this run's own event tells how it went.
		next.Condition, next.Paused = CondResumed, false
	}
	base := Event{Code: o.ErrorCode, Message: o.Message, RunID: o.RunID, At: now}
	if o.Error != nil {
		base.ErrorKey, base.ErrorParams, base.ErrorTexts = o.Error.Key, o.Error.Params, o.Error.Texts
	}
	justPaused := !before.Paused && after.Paused
	switch o.Status {
	case provision.StatusApplied, provision.StatusNoChanges, provision.StatusDryRun:
		if next.Condition != CondOK {
			e := base
			e.Kind, e.Code, e.Message, e.ErrorKey, e.ErrorParams, e.ErrorTexts = Recovered, "", "", "", nil, nil
			e.Params = msg.Params{"since": prev.Since, "code": prev.Code}
			events = append(events, e)
		}
		next = State{Expiry: prev.Expiry}
	case provision.StatusBlocked:
		// A block pauses the schedule: each is told.
		e := base
		e.Kind = Blocked
		events = append(events, e)
		next = leave(next, CondBlocked, o.ErrorCode, now)
	case provision.StatusFailed, provision.StatusPartial:
		// A partial run (some remote changes failed) is told as a failure.
		switch {
		case justPaused:
			e := base
			e.Kind = Paused
			e.Params = pauseParams(after)
			events = append(events, e)
			next = leave(next, CondPaused, o.ErrorCode, now)
		case next.Condition == CondFailed && next.Code == o.ErrorCode:
			// Told already.
		default:
			e := base
			e.Kind = Failed
			events = append(events, e)
			next = leave(next, CondFailed, o.ErrorCode, now)
		}
	}
	next.Paused = after.Paused
	return events, next
}

// leave is s moved to condition c with code: Since stays when s was
// already failing.
func leave(s State, c Condition, code string, now time.Time) State {
	if s.Condition == CondOK || s.Since.IsZero() {
		s.Since = now
	}
	s.Condition, s.Code = c, code
	return s
}

// pauseParams are a pause's reason and count for its texts.
func pauseParams(st schedule.State) msg.Params {
	count := st.ConsecutiveFailures
	if st.Reason == schedule.ReasonFailureRate {
		count = len(st.Failures)
	}
	return msg.Params{"reason": st.Reason, "count": count}
}

// DecideResume is the events of a pause lifted through the scheduler
// (console, API) and the state to remember. A pause an admin made by hand
// (reason admin) is lifted silently: the admin did both.
func DecideResume(prev State, was schedule.State, now time.Time) ([]Event, State) {
	if was.Reason == schedule.ReasonAdmin || !was.Paused {
		return nil, prev
	}
	next := prev
	if next.Condition == CondOK {
		next.Since = now
	}
	next.Condition, next.Paused = CondResumed, false
	return []Event{{Kind: Resumed, RunID: was.RunID, At: now, Params: msg.Params{"reason": was.Reason}}}, next
}

// DecideExternal is whether an event from outside the schedule (expiry,
// test) is sent, and the state to remember: an expiring event repeats
// only with a new Key.
func DecideExternal(prev State, e Event) (send bool, next State) {
	if e.Kind == Test || e.Key == "" {
		return true, prev
	}
	if prev.Expiry[e.Kind] == e.Key {
		return false, prev
	}
	next = prev
	next.Expiry = map[Kind]string{}
	for k, v := range prev.Expiry {
		next.Expiry[k] = v
	}
	next.Expiry[e.Kind] = e.Key
	return true, next
}

// expiryThresholds are the days before an expiry at which it is told
// again: 30, 14, 7, 3 and 1 days left.
var expiryThresholds = []int{1, 3, 7, 14, 30}

// ExpiryEvent is the warning (CertExpiring or TokenExpiring) about name
// expiring at notAfter, when it is within 30 days at now; its Key is the
// expiry and the threshold crossed, so that it is sent once per threshold
// (DecideExternal) and again for a replaced certificate. Once expired,
// there is no warning: runs fail, and that is told.
func ExpiryEvent(kind Kind, name string, notAfter, now time.Time) (Event, bool) {
	if !now.Before(notAfter) {
		return Event{}, false
	}
	days := int(notAfter.Sub(now).Hours() / 24)
	for _, th := range expiryThresholds {
		if days < th {
			return Event{Kind: kind, At: now, Key: notAfter.UTC().Format(time.RFC3339) + "/" + strconv.Itoa(th) + "d",
				Params: msg.Params{"name": name, "expires": notAfter, "days": days}}, true
		}
	}
	return Event{}, false
}
