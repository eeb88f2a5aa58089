package calendar

import "time"

// EnrolmentView is an enrolment as every surface shows it: `calendar list
// -format json` (SPEC §8.1; add fields freely, never rename), `calendar
// show`, the API and the console's pages. It is the one wire type of an
// enrolment: Enrolment is the stored model, whose pin, switch and
// auto-stop are richer than what a reader needs, so the contract is this
// flat view, built by Enrolment.View and declared here, next to what it
// shows, rather than in each surface. The CalDAV password is never part
// of it: only whether one is stored.
type EnrolmentView struct {
	Login          string `json:"login"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	Permitted      bool   `json:"permitted"`
	Pinned         bool   `json:"pinned"`
	State          string `json:"state"` // a DisplayState
	Target         string `json:"target"`
	CalendarID     string `json:"calendar_id"`
	CalDAVURL      string `json:"caldav_url"`
	AuthStatus     string `json:"auth_status"`
	AutoStopReason string `json:"auto_stop_reason"`
	// Added fields.
	ID                int64  `json:"id"`
	Pin               string `json:"pin"`
	UserSwitch        string `json:"user_switch"`  // a Switch
	StopReason        string `json:"stop_reason"`  // Enrolment.StopReason
	AutoStopAt        string `json:"auto_stop_at"` // RFC 3339, "" when not auto-stopped
	CalendarIDDefault bool   `json:"calendar_id_default"`
	CalDAVURLDefault  bool   `json:"caldav_url_default"`
	CalDAVAuthID      string `json:"caldav_auth_id"`
	CalDAVPasswordSet bool   `json:"caldav_password_set"`
	GoneSince         string `json:"gone_since"` // RFC 3339, "" when in the directory
}

// View is the enrolment as the surfaces show it.
func (e *Enrolment) View() EnrolmentView {
	return EnrolmentView{
		Login: e.Login, Email: e.Email, Name: e.Name, Permitted: e.Permitted, Pinned: e.Pin != PinNone,
		State: string(e.State()), Target: string(e.Target), CalendarID: e.CalendarID, CalDAVURL: e.CalDAVURL,
		AuthStatus: string(e.AuthStatus), AutoStopReason: e.AutoStop.Reason,
		ID: e.ID, Pin: string(e.Pin), UserSwitch: string(e.Switch), StopReason: e.StopReason(),
		AutoStopAt: rfc3339(e.AutoStop.At), CalendarIDDefault: e.CalendarIDDefault, CalDAVURLDefault: e.CalDAVURLDefault,
		CalDAVAuthID: e.CalDAVAuthID, CalDAVPasswordSet: e.HasPassword, GoneSince: rfc3339(e.GoneSince),
	}
}

// AutoStopTime is AutoStopAt as a time (zero when not auto-stopped).
func (v EnrolmentView) AutoStopTime() time.Time {
	t, _ := time.Parse(time.RFC3339, v.AutoStopAt)
	return t
}

// EnrolmentDetail is one enrolment with its history, oldest first, as
// `calendar show -format json`, the API and the console show it:
// {"enrolment":{…},"history":[…]}.
type EnrolmentDetail struct {
	EnrolmentView `json:"enrolment"`
	History       []HistoryEntry `json:"history"`
}

// WithHistory is the enrolment with hist (never null in JSON).
func (e *Enrolment) WithHistory(hist []HistoryEntry) EnrolmentDetail {
	if hist == nil {
		hist = []HistoryEntry{}
	}
	return EnrolmentDetail{EnrolmentView: e.View(), History: hist}
}

// EnrolmentList is a list of enrolments as `calendar list -format json`
// prints it (SPEC §8.1) and GET /api/v1/enrolments answers:
// {"enrolments":[…]}, never null.
type EnrolmentList struct {
	Enrolments []EnrolmentView `json:"enrolments"`
}

// ListOf is views as an EnrolmentList ([] for none).
func ListOf(views []EnrolmentView) EnrolmentList {
	if views == nil {
		views = []EnrolmentView{}
	}
	return EnrolmentList{Enrolments: views}
}

// rfc3339 is t in UTC, "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
