package calendar

import (
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Catalogue keys of history notes (HistoryEntry.Key). A CalDAV check's
// row has the check's own key (caldav.Result.Key) and parameters.
const (
	KeyHistoryUnpin            = "history_note.unpin"                      // the scope decides from the next run
	KeyHistorySyncError        = "history_note.sync_error"                 // error, count, hours
	KeyHistorySyncErrorAlready = "history_note.sync_error.already_stopped" // … and it was auto-stopped before
	KeyHistorySyncErrorStopped = "history_note.sync_error.auto_stopped"    // … and auto_stop: the reason it stopped
)

// Catalogue keys of the history line's layout (Summary, Detail).
const (
	keyHistoryLine            = "history_text.line"     // action, detail
	keyHistoryByRun           = "history_text.by_run"   // actor, run
	keyHistoryField           = "history_text.field"    // field, old, new
	keyHistoryFlag            = "history_text.flag"     // flag
	keyHistorySep             = "history_text.sep"      // between fields
	keyHistoryNoteSep         = "history_text.note_sep" // before the note
	keyHistoryPasswordSet     = "history_text.password_set"
	keyHistoryPasswordChanged = "history_text.password_changed"
	keyNone                   = "report.none" // the plan report's "(none)"
)

// historyKeys lists the catalogue keys of history notes, the line's
// layout, and the names of the fields only the Editor writes (the runs'
// fields are the plan's), field.enrolment.<name>.
func historyKeys() []string {
	keys := []string{KeyHistoryUnpin, KeyHistorySyncError, KeyHistorySyncErrorAlready, KeyHistorySyncErrorStopped,
		keyHistoryLine, keyHistoryByRun, keyHistoryField, keyHistoryFlag, keyHistorySep, keyHistoryNoteSep, keyHistoryPasswordSet, keyHistoryPasswordChanged}
	for _, f := range []string{"calendar_id_default", "caldav_url_default", "caldav_auth_id", "auth_status", "user_switch", "pin", "auto_stop_reason"} {
		keys = append(keys, "field."+KindEnrolment+"."+f)
	}
	return keys
}

// Text is the entry's note in l: its key rendered with its parameters,
// or Message for a row written before notes had keys (or a key this
// version does not know). "" when the entry has no note.
//
// Parameters that name a value of the enrolment's vocabulary are stored
// as the value's code (error: the sync error kind, auto_stop: the stop
// reason) and rendered here through its own text, so that the stored
// row stays language-free and an API client gets the codes.
func (h HistoryEntry) Text(l msg.Lang) string {
	if h.Key == "" {
		return h.Message
	}
	p := h.Params
	if p["error"] != nil || p["auto_stop"] != nil {
		p = make(msg.Params, len(h.Params))
		for k, v := range h.Params {
			p[k] = v
		}
		if v, ok := p["error"].(string); ok {
			p["error"] = msg.TextOr(l, SyncError(v).Key(), nil, v)
		}
		if v, ok := p["auto_stop"].(string); ok {
			p["auto_stop"] = AutoStop{Reason: v}.Localize(l)
		}
	}
	return msg.TextOr(l, h.Key, p, h.Message)
}

// ActorText is who made the entry in l, with the run when a run did:
// "cybridge（同期）（実行 12）", "admin".
func (h HistoryEntry) ActorText(l msg.Lang) string {
	actor := msg.TextOr(l, ActorKey(h.Actor), nil, h.Actor)
	if h.RunID == 0 {
		return actor
	}
	return msg.Text(l, keyHistoryByRun, msg.Params{"actor": actor, "run": strconv.FormatInt(h.RunID, 10)})
}

// ActionText is what the entry records in l: "同期対象を設定", "set".
func (h HistoryEntry) ActionText(l msg.Lang) string {
	return msg.TextOr(l, HistoryActionKey(h.Action), nil, h.Action)
}

// Detail is the entry's field changes, flags and note in l, "" when it
// has none:
//
//	同期先：Google カレンダー → CalDAV、CalDAV の URL：（なし） → "https://…" ［同期状態をリセット］
//	target: Google Calendar → CalDAV; CalDAV URL: (none) → "https://…" [resets_sync]
//
// Field names are the plan report's (provision.FieldName); values of the
// enrolment's vocabulary (target, auth status, switch, pin, stop reason)
// are their texts, other values as the plan report shows them
// (provision.Value). A password is never in the history, only whether
// one was set or changed.
func (h HistoryEntry) Detail(l msg.Lang) string {
	var parts []string // the fields and flags, the note
	if len(h.Fields) > 0 {
		fields := make([]string, len(h.Fields))
		for i, f := range h.Fields {
			fields[i] = msg.Text(l, keyHistoryField, msg.Params{
				"field": provision.FieldName(l, KindEnrolment, f.Name),
				"old":   historyValue(l, f.Name, f.Old),
				"new":   historyValue(l, f.Name, f.New),
			})
		}
		parts = append(parts, strings.Join(fields, msg.Text(l, keyHistorySep, nil)))
	}
	if len(h.Flags) > 0 {
		flags := make([]string, len(h.Flags))
		for i, f := range h.Flags {
			flags[i] = msg.Text(l, keyHistoryFlag, msg.Params{"flag": provision.FlagText(l, f)})
		}
		s := strings.Join(flags, " ")
		if len(parts) > 0 {
			parts[0] += " " + s
		} else {
			parts = append(parts, s)
		}
	}
	if t := h.Text(l); t != "" {
		parts = append(parts, t)
	}
	return strings.Join(parts, msg.Text(l, keyHistoryNoteSep, nil))
}

// Summary is the whole entry as one line in l, without its time (the
// surface shows that in its time zone): who, what, and the detail.
//
//	管理者  同期対象を設定：同期先：Google カレンダー → CalDAV
//	admin  set: target: Google Calendar → CalDAV
func (h HistoryEntry) Summary(l msg.Lang) string {
	line := h.ActionText(l)
	if d := h.Detail(l); d != "" {
		line = msg.Text(l, keyHistoryLine, msg.Params{"action": line, "detail": d})
	}
	return h.ActorText(l) + "  " + line
}

// historyValue shows one field value of a history row in l.
func historyValue(l msg.Lang, field string, v any) string {
	none := msg.Text(l, keyNone, nil)
	s, isString := v.(string)
	if !isString {
		return provision.Value(l, v, none)
	}
	vocab := func(key string) string {
		if s == "" {
			return none
		}
		return msg.TextOr(l, key, nil, s)
	}
	switch field {
	case "target":
		return vocab(Kind(s).Key())
	case "auth_status":
		return vocab(AuthStatus(s).Key())
	case "user_switch":
		return vocab(Switch(s).Key())
	case "pin":
		return msg.TextOr(l, Pin(s).Key(), nil, s) // "" is the scope's decision, pin.none
	case "auto_stop_reason":
		return vocab(StopReasonKey(s))
	case "caldav_password":
		switch s {
		case passwordState(true):
			return msg.Text(l, keyHistoryPasswordSet, nil)
		case passwordChanged:
			return msg.Text(l, keyHistoryPasswordChanged, nil)
		}
		return none
	}
	return provision.Value(l, v, none)
}
