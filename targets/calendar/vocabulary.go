package calendar

import "github.com/cybridge/cybridge/provision"

// History actions: what a history row records. A run's rows carry its
// change's action instead (create, update, disable, delete).
const (
	HistorySet    = "set"    // an admin or the user set the target
	HistoryStop   = "stop"   // the user's switch to 停止
	HistoryResume = "resume" // the user's switch back to 同期
	HistoryPermit = string(PinPermit)
	HistoryRevoke = string(PinRevoke)
	HistoryUnpin  = "unpin"
	HistoryError  = "error" // the sync engine reported an error
	HistoryCheck  = "check" // a CalDAV check
)

// HistoryActions lists every action a history row can have.
func HistoryActions() []string {
	return []string{HistorySet, HistoryStop, HistoryResume, HistoryPermit, HistoryRevoke, HistoryUnpin, HistoryError, HistoryCheck,
		string(provision.Create), string(provision.Update), string(provision.Disable), string(provision.Delete)}
}

// Actors lists everyone a history row can name.
func Actors() []string { return []string{ActorBridge, ActorAdmin, ActorUser, ActorSync} }

// The catalogue keys of the enrolment's vocabulary: a surface shows each
// value in the admin's language with msg.Text(lang, v.Key(), nil), in the
// product's own terms (有効（同期中）, 認証済, 停止).

// Key is the state's catalogue key, state.<state>.
func (s DisplayState) Key() string { return "state." + string(s) }

// Key is the target's catalogue key, cal_target.<kind>.
func (k Kind) Key() string { return "cal_target." + string(k) }

// Key is the auth status's catalogue key, auth.<status>.
func (a AuthStatus) Key() string { return "auth." + string(a) }

// Key is the switch position's catalogue key, switch.<position>.
func (s Switch) Key() string { return "switch." + string(s) }

// Key is the pin's catalogue key: pin.permit, pin.revoke, or pin.none.
func (p Pin) Key() string {
	if p == PinNone {
		return "pin.none"
	}
	return "pin." + string(p)
}

// Key is the sync error kind's catalogue key, sync_error.<kind>.
func (k SyncError) Key() string { return "sync_error." + string(k) }

// StopReasonKey is the catalogue key of Enrolment.StopReason's value:
// stop_reason.user, stop_reason.forbidden, stop_reason.error_limit.
func StopReasonKey(reason string) string { return "stop_reason." + reason }

// HistoryActionKey is a history action's catalogue key, history.<action>.
func HistoryActionKey(action string) string { return "history." + action }

// ActorKey is a history actor's catalogue key, actor.<actor>.
func ActorKey(actor string) string { return "actor." + actor }
