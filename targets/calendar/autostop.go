package calendar

import (
	"time"

	"github.com/cybridge/cybridge/internal/msg"
)

// The auto-stop rules of the sync engine (the admin manual's
// 「エラーによる自動停止」 and the user manual's Forbidden case): a Forbidden
// answer stops the enrolment at once; ErrorLimit errors within ErrorWindow
// stop it too. Only the user's own resume (switching back to 同期) clears
// it; the bridge never does (SPEC §6 rule 7).
const (
	ErrorLimit  = 120
	ErrorWindow = 24 * time.Hour
)

// SyncError is the kind of error the sync engine reports.
type SyncError string

// The kinds of sync errors.
const (
	ErrForbidden SyncError = "forbidden" // the calendar server answered Forbidden (no write access)
	ErrServer    SyncError = "server"    // any other server error (Google Server Error …)
)

// ParseSyncError reads "forbidden" or "server".
func ParseSyncError(s string) (SyncError, error) {
	switch SyncError(s) {
	case ErrForbidden, ErrServer:
		return SyncError(s), nil
	}
	return "", invalid(KeySyncErrorKind, msg.Params{"value": s})
}

// Auto-stop reasons, as stored and shown.
const (
	StopForbidden = "forbidden"   // stopped at once after a Forbidden answer
	StopErrors    = "error_limit" // stopped after ErrorLimit errors within ErrorWindow
)

// StopUser is Enrolment.StopReason of an enrolment the user switched off.
const StopUser = "user"

// AutoStop is one enrolment's error record and auto-stop state. It is a
// value: Record and Resume return the next state, with the time injected.
type AutoStop struct {
	Reason string    `json:"reason,omitempty"` // "" when not auto-stopped
	At     time.Time `json:"at,omitempty"`     // when it stopped
	// Errors are the times of the errors within the window before the
	// latest one, oldest first (at most ErrorLimit).
	Errors []time.Time `json:"errors,omitempty"`
}

// Stopped reports whether the enrolment is auto-stopped.
func (a AutoStop) Stopped() bool { return a.Reason != "" }

// Record adds one sync error at now and reports whether this error stopped
// the enrolment. An already stopped enrolment stays as it is (the engine
// does not sync it, so further reports change nothing).
func (a AutoStop) Record(kind SyncError, now time.Time) (AutoStop, bool) {
	if a.Stopped() {
		return a, false
	}
	cutoff := now.Add(-ErrorWindow)
	recent := make([]time.Time, 0, len(a.Errors)+1)
	for _, t := range a.Errors {
		if t.After(cutoff) {
			recent = append(recent, t)
		}
	}
	recent = append(recent, now)
	if len(recent) > ErrorLimit {
		recent = recent[len(recent)-ErrorLimit:]
	}
	next := AutoStop{Errors: recent}
	switch {
	case kind == ErrForbidden:
		next.Reason, next.At = StopForbidden, now
	case len(recent) >= ErrorLimit:
		next.Reason, next.At = StopErrors, now
	}
	return next, next.Stopped()
}

// Resume is the user switching back to 同期: the stop and the error count
// are cleared, so the next error starts a new count.
func (a AutoStop) Resume() AutoStop { return AutoStop{} }

// Describe says in English why the enrolment stopped, for logs and the
// text of older surfaces; Localize says it in the admin's language.
func (a AutoStop) Describe() string { return a.Localize(msg.En) }

// Localize says why the enrolment stopped in l: "" when it is not
// auto-stopped.
func (a AutoStop) Localize(l msg.Lang) string {
	if !a.Stopped() {
		return ""
	}
	return msg.Text(l, a.Key(), a.Params())
}

// Key is the catalogue key of the auto-stop's description:
// auto_stop.<reason>, or auto_stop.other for a reason this version does
// not know (a newer sync engine's).
func (a AutoStop) Key() string {
	switch a.Reason {
	case StopForbidden, StopErrors:
		return "auto_stop." + a.Reason
	}
	return "auto_stop.other"
}

// Params are what the auto-stop's texts need: the reason, and the limit
// and window of the error count.
func (a AutoStop) Params() msg.Params {
	return msg.Params{"reason": a.Reason, "limit": ErrorLimit, "hours": int(ErrorWindow / time.Hour)}
}
