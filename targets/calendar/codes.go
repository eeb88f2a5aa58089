package calendar

import (
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/calendar/scope"
)

// Codes lists every catalogue key this package's errors, plan warnings
// and CalDAV check outcomes can render: each code's situations
// (msg.Error.Key, provision.Issue.Key, caldav.Result.Key). TestCodesHaveTexts checks each has a text in
// Japanese and English, and none names a CLI flag.
func Codes() []string {
	keys := []string{
		KeyNotFound, KeyPasswordNotStored, KeyNoDefaultURL, KeyNotCalDAV, KeyCalDAVIncomplete, KeySyncErrorKind,
		KeyDefaultTarget, KeyTargetKind, KeyCalendarID, KeyCalDAVURL, KeyAuthIDRequired, KeyPasswordRequired, KeyInvalidField,
		KeyNotPermittedSwitch, KeyNotPermittedGone,
		CodeSecretKeyMissing, CodeSecretKeyInvalid, CodeSecretKeyMismatch,
		WarnDuplicateLink, CodeScopeMatchesNobody, CodeScopeMatchesNobody + ".unknown",
	}
	keys = append(keys, caldav.Keys()...)
	for _, r := range caldav.URLReasons() {
		keys = append(keys, KeyCalDAVURL+"."+r)
	}
	// Unknown reports codes and login names, never dates.
	for _, k := range []scope.Key{scope.KeyUser, scope.KeyOrganization, scope.KeyGroup, scope.KeyTitle, scope.KeyEmployeeNumber} {
		keys = append(keys, WarnScopeUnknown+"."+string(k))
	}
	for _, r := range autoStopReasons() {
		keys = append(keys, WarnAutoStopped+"."+r)
	}
	return keys
}

// Vocabulary lists the catalogue keys of the enrolment's states, targets,
// auth statuses, switch positions, pins, sync error kinds, stop reasons,
// auto-stop descriptions, history actions, actors, notes and the
// history line's layout.
func Vocabulary() []string {
	var keys []string
	for _, s := range []DisplayState{StateSyncing, StateStopped, StateDisabled} {
		keys = append(keys, s.Key())
	}
	for _, k := range []Kind{KindGoogle, KindCalDAV} {
		keys = append(keys, k.Key())
	}
	for _, a := range []AuthStatus{AuthNone, AuthAuthenticated, AuthReauthRequired} {
		keys = append(keys, a.Key())
	}
	for _, s := range []Switch{SwitchSync, SwitchStopped} {
		keys = append(keys, s.Key())
	}
	for _, p := range []Pin{PinNone, PinPermit, PinRevoke} {
		keys = append(keys, p.Key())
	}
	for _, e := range []SyncError{ErrForbidden, ErrServer} {
		keys = append(keys, e.Key())
	}
	keys = append(keys, StopReasonKey(StopUser))
	for _, r := range autoStopReasons() {
		if r != "other" {
			keys = append(keys, StopReasonKey(r))
		}
		keys = append(keys, "auto_stop."+r)
	}
	for _, a := range HistoryActions() {
		keys = append(keys, HistoryActionKey(a))
	}
	for _, a := range Actors() {
		keys = append(keys, ActorKey(a))
	}
	return append(keys, historyKeys()...)
}

// autoStopReasons are the reasons an auto-stop text exists for; "other"
// stands for a reason this version does not know.
func autoStopReasons() []string { return []string{StopForbidden, StopErrors, "other"} }

// Fields lists every field name an enrolment change can carry, from the
// planner (login, email, name, permitted, calendar_id, caldav_url,
// gone_since, user_id) and from the admin's and user's edits recorded in
// the history; the report, the console and the history name each from the
// catalogue (provision.FieldName).
func Fields() map[string][]string {
	return map[string][]string{KindEnrolment: {
		"login", "email", "name", "permitted", "calendar_id", "caldav_url", "gone_since", "user_id",
		"target", "calendar_id_default", "auth_status", "caldav_url_default", "caldav_auth_id", "caldav_password",
		"user_switch", "auto_stop_reason", "pin",
	}}
}
