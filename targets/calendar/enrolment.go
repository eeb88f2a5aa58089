package calendar

import (
	"strconv"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
)

// Pin is an admin override of the scope policy (SPEC §6 rule 3).
type Pin string

// The pins.
const (
	PinNone   Pin = ""       // the policy decides
	PinPermit Pin = "permit" // permitted whatever the scope says
	PinRevoke Pin = "revoke" // not permitted whatever the scope says
)

// Switch is the user's own 同期状態 switch.
type Switch string

// The switch positions.
const (
	SwitchSync    Switch = "sync"    // 同期
	SwitchStopped Switch = "stopped" // 停止
)

// Kind is where the enrolment syncs to (同期対象).
type Kind string

// The targets.
const (
	KindGoogle Kind = "google"
	KindCalDAV Kind = "caldav"
)

// ParseKind reads a target's name: google or caldav.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindGoogle, KindCalDAV:
		return k, nil
	}
	return "", invalid(KeyTargetKind, msg.Params{"value": s})
}

// AuthStatus is the Google OAuth consent status (Google認証).
type AuthStatus string

// The auth statuses.
const (
	AuthNone           AuthStatus = "none"            // not authenticated yet
	AuthAuthenticated  AuthStatus = "authenticated"   // 認証済
	AuthReauthRequired AuthStatus = "reauth_required" // 認証済(再認証が必要です)
)

// DisplayState is what the admin's user list shows.
type DisplayState string

// The displayed states, in precedence order: disabled › stopped › syncing.
const (
	StateDisabled DisplayState = "disabled" // 無効 / 管理者により無効とされています
	StateStopped  DisplayState = "stopped"  // 有効(停止中): switched off, or auto-stopped
	StateSyncing  DisplayState = "syncing"  // 有効(同期中)
)

// DisplayStates are the displayed states in the order a filter lists
// them: syncing, stopped, disabled.
func DisplayStates() []DisplayState {
	return []DisplayState{StateSyncing, StateStopped, StateDisabled}
}

// Enrolment is one user's calendar-sync enrolment as stored. The CalDAV
// password is not part of it: it stays sealed in the database and is read
// only by the CalDAV check (Store.Check).
type Enrolment struct {
	ID    int64
	Login string // identity fields, owned by the bridge
	Email string
	Name  string

	Permitted bool // 利用許可, owned by the bridge unless pinned
	Pin       Pin
	Switch    Switch

	Target            Kind
	CalendarID        string // Google calendar id
	CalendarIDDefault bool   // the bridge set CalendarID and keeps it in step
	AuthStatus        AuthStatus
	CalDAVURL         string
	CalDAVURLDefault  bool // the bridge set CalDAVURL and keeps it in step
	CalDAVAuthID      string
	HasPassword       bool // a sealed CalDAV password is stored

	AutoStop AutoStop
	// GoneSince is when the bridge first found the user gone from the
	// directory (zero while present).
	GoneSince time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// State is the displayed state: disabled when not permitted, else stopped
// when the user switched off or it was auto-stopped, else syncing.
func (e *Enrolment) State() DisplayState {
	switch {
	case !e.Permitted:
		return StateDisabled
	case e.Switch == SwitchStopped || e.AutoStop.Stopped():
		return StateStopped
	}
	return StateSyncing
}

// StopReason says why a stopped enrolment is stopped: "user" (switched
// off) or the auto-stop reason; "" when not stopped.
func (e *Enrolment) StopReason() string {
	switch {
	case e.AutoStop.Stopped():
		return e.AutoStop.Reason
	case e.Switch == SwitchStopped:
		return StopUser
	}
	return ""
}

// Gone reports whether the user is gone from the directory.
func (e *Enrolment) Gone() bool { return !e.GoneSince.IsZero() }

func (e *Enrolment) objectID() string { return strconv.FormatInt(e.ID, 10) }
