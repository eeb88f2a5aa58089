// Package history is the per-person change history (変更履歴): what
// happened to one person, and when, across runs — the wire type that
// `cybridge history -format json` prints and GET /api/v1/history
// answers, declared once here, and its texts in the admin's language,
// which the CLI and the console both show.
//
// A person is a login: the key of a roster member and of a calendar
// enrolment. Their history is every change an applied run made to them
// (the store's change log, sqlite.Store.PersonChanges) merged with the
// calendar enrolment's own history rows that no run wrote (an admin's
// edits, the user's switch, the sync engine's errors and auto-stops),
// newest first. The enrolment's rows that a run wrote are the run's
// changes, which the change log already holds, so they are not repeated.
//
// Decisions where the specification is silent:
//   - A query matches a login, a display name or an e-mail address that
//     the change log recorded (then or now: a person is found by a former
//     name too), as a substring, case-insensitive for ASCII letters.
//   - A query that is exactly a person's login shows that person alone.
//     Otherwise up to MaxPeople matching people are shown, each with their
//     history; when more match, the report says so (Narrow) and lists
//     only the first MaxPeople, without histories, so that the admin
//     narrows the search rather than reads a flood.
//   - Runs pruned by history.days take their changes with them: the
//     history reaches as far back as the run history does.
package history

import (
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar"
)

// MaxPeople is how many matching people a report shows.
const MaxPeople = 10

// DefaultLimit is how many entries a person's history shows by default.
const DefaultLimit = 50

// Report is a person-history search as every surface shows it:
// {"query":…,"matched":n,"narrow":false,"people":[…]}, people never null.
type Report struct {
	Query string `json:"query"`
	// Matched is how many people matched (more than len(People) when
	// Narrow).
	Matched int `json:"matched"`
	// Narrow says too many people matched: People lists the first
	// MaxPeople without their histories.
	Narrow bool     `json:"narrow"`
	People []Person `json:"people"`
}

// Person is one person and their history, newest first.
type Person struct {
	Login string `json:"login"`
	Name  string `json:"name"`  // the newest display name recorded
	Email string `json:"email"` // the newest e-mail address recorded, "" if none
	// Changes is how many changes the runs made to them.
	Changes int     `json:"changes"`
	History []Entry `json:"history"`
	// More says older entries were left out (the limit).
	More bool `json:"more"`
}

// Entry is one thing that happened to a person: a change an applied run
// made (RunID set, Actor bridge), or an edit of their calendar
// enrolment outside runs (Actor admin, user or sync).
type Entry struct {
	At      time.Time         `json:"at"`
	Actor   string            `json:"actor"` // calendar.ActorBridge, ActorAdmin, ActorUser, ActorSync
	RunID   int64             `json:"run_id,omitempty"`
	Trigger provision.Trigger `json:"trigger,omitempty"`
	Target  string            `json:"target"` // safety, calendar
	Kind    string            `json:"kind"`   // member, enrolment
	// Action is a run's change action (create, update, disable, delete)
	// or an enrolment edit's (set, stop, permit, …: calendar's history).
	Action string           `json:"action"`
	Label  string           `json:"label,omitempty"` // the display name then
	Reason string           `json:"reason,omitempty"`
	Flags  []string         `json:"flags,omitempty"`
	Fields provision.Fields `json:"fields,omitempty"`
	// Note, NoteParams and Message are an enrolment edit's note (see
	// calendar.HistoryEntry's Key, Params and Message).
	Note       string     `json:"note,omitempty"`
	NoteParams msg.Params `json:"note_params,omitempty"`
	Message    string     `json:"message,omitempty"`
}

// FromChange is a change an applied run made.
func FromChange(runID int64, at time.Time, trig provision.Trigger, c provision.Change) Entry {
	return Entry{At: at, Actor: calendar.ActorBridge, RunID: runID, Trigger: trig, Target: c.Target, Kind: c.Kind,
		Action: string(c.Action), Label: c.Label, Reason: c.Reason, Flags: c.Flags, Fields: c.Fields}
}

// FromEnrolment is a row of a calendar enrolment's own history.
func FromEnrolment(h calendar.HistoryEntry) Entry {
	return Entry{At: h.At, Actor: h.Actor, RunID: h.RunID, Target: "calendar", Kind: calendar.KindEnrolment,
		Action: h.Action, Fields: h.Fields, Flags: h.Flags, Note: h.Key, NoteParams: h.Params, Message: h.Message}
}

// fromRun reports whether a run made the entry.
func (e Entry) fromRun() bool { return e.Trigger != "" }

// enrolment is the entry as a calendar history row, for its texts.
func (e Entry) enrolment() calendar.HistoryEntry {
	return calendar.HistoryEntry{At: e.At, Actor: e.Actor, RunID: e.RunID, Action: e.Action, Fields: e.Fields, Flags: e.Flags,
		Key: e.Note, Params: e.NoteParams, Message: e.Message}
}

// Who is who made the entry in l: "同期 12（スケジュール）", "管理者".
func (e Entry) Who(l msg.Lang) string {
	if !e.fromRun() {
		return e.enrolment().ActorText(l)
	}
	return msg.Text(l, "person_history.by_run", msg.Params{"run": strconv.FormatInt(e.RunID, 10),
		"trigger": msg.TextOr(l, "trigger."+string(e.Trigger), nil, string(e.Trigger))})
}

// What is what happened in l, with the app it happened in:
// "安否確認：変更", "カレンダー連携：同期対象を設定".
func (e Entry) What(l msg.Lang) string {
	action := provision.ActionName(l, provision.Action(e.Action))
	if !e.fromRun() {
		action = e.enrolment().ActionText(l)
	}
	return msg.Text(l, "person_history.what", msg.Params{"target": provision.TargetName(l, e.Target), "action": action})
}

// Detail is the entry's field changes (old → new), flags, note and the
// run's reason in l; "" when it has none. An enrolment's fields read as
// its own history shows them (calendar.HistoryEntry.Detail).
func (e Entry) Detail(l msg.Lang) string {
	var d string
	if e.Kind == calendar.KindEnrolment {
		d = e.enrolment().Detail(l)
	} else {
		d = fieldsText(l, e.Kind, e.Fields, e.Flags)
	}
	if e.fromRun() && e.Reason != "" && e.Action != string(provision.Update) {
		// How the object was matched says little on an update; a create
		// is new, a delete gone — worth saying.
		r := msg.Text(l, "person_history.reason", msg.Params{"reason": provision.ReasonText(l, e.Reason)})
		if d == "" {
			return r
		}
		d += " " + r
	}
	return d
}

// fieldsText is a change's fields and flags in l, as an enrolment's
// history writes them: "所属部署：["sales"] → ["dev"]、表示名：… ［停止中］".
func fieldsText(l msg.Lang, kind string, fs provision.Fields, flags []string) string {
	none := msg.Text(l, "report.none", nil)
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = msg.Text(l, "history_text.field", msg.Params{"field": provision.FieldName(l, kind, f.Name),
			"old": provision.Value(l, f.Old, none), "new": provision.Value(l, f.New, none)})
	}
	s := strings.Join(parts, msg.Text(l, "history_text.sep", nil))
	for _, f := range flags {
		if s != "" {
			s += " "
		}
		s += msg.Text(l, "history_text.flag", msg.Params{"flag": provision.FlagText(l, f)})
	}
	return s
}

// PersonText names a person in l: "山田 太郎（yamada、yamada@example.com）".
func (p Person) Text(l msg.Lang) string {
	key := "person_history.person"
	if p.Email == "" {
		key = "person_history.person_no_email"
	}
	name := p.Name
	if name == "" {
		name = p.Login
	}
	return msg.Text(l, key, msg.Params{"name": name, "login": p.Login, "email": p.Email})
}

// Keys lists the catalogue keys this package renders, for the test that
// each has a text in both languages.
func Keys() []string {
	return []string{"person_history.by_run", "person_history.what", "person_history.reason", "person_history.person",
		"person_history.person_no_email", "history_text.field", "history_text.sep", "history_text.flag", "report.none"}
}
