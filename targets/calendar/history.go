package calendar

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Actors in the history.
const (
	ActorBridge = "bridge" // a run (plan/apply)
	ActorAdmin  = "admin"  // the CLI, console or API acting for the admin
	ActorUser   = "user"   // the user's own settings screen
	ActorSync   = "sync"   // the sync engine reporting errors
)

// historyDetail is a history row's detail (calendar_history.detail, JSON):
// field changes, flags, or a note. Never a password.
//
// A note is a catalogue key and its parameters (Key, Params), rendered in
// the admin's language by HistoryEntry.Text; Message is its English text,
// written alongside for readers of older versions. Rows written before
// notes had keys carry Message alone.
type historyDetail struct {
	Fields  provision.Fields `json:"fields,omitempty"`
	Flags   []string         `json:"flags,omitempty"`
	Key     string           `json:"key,omitempty"`
	Params  msg.Params       `json:"params,omitempty"`
	Message string           `json:"message,omitempty"`
}

// note is a history detail whose note is key with p.
func note(key string, p msg.Params) historyDetail {
	return historyDetail{Key: key, Params: p, Message: HistoryEntry{Key: key, Params: p}.Text(msg.En)}
}

// HistoryEntry is one line of an enrolment's history. Key and Params are
// its note (empty for a row without one, or written by an older version:
// then Message is the note, in English); Text renders it and Summary the
// whole line, in the admin's language.
type HistoryEntry struct {
	At      time.Time        `json:"at"`
	Actor   string           `json:"actor"`
	RunID   int64            `json:"run_id,omitempty"`
	Action  string           `json:"action"`
	Fields  provision.Fields `json:"fields,omitempty"`
	Flags   []string         `json:"flags,omitempty"`
	Key     string           `json:"key,omitempty"`
	Params  msg.Params       `json:"params,omitempty"`
	Message string           `json:"message,omitempty"`
}

// history reads an enrolment's history, oldest first.
func history(ctx context.Context, q provision.Querier, id int64) ([]HistoryEntry, error) {
	rows, err := q.QueryContext(ctx, "SELECT at, actor, run_id, action, detail FROM calendar_history WHERE enrolment_id = ? ORDER BY id", id)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at int64
		var run sql.NullInt64
		var detail string
		if err := rows.Scan(&at, &h.Actor, &run, &h.Action, &detail); err != nil {
			return nil, err
		}
		h.At, h.RunID = fromMillis(at), run.Int64
		var d historyDetail
		if detail != "" {
			if err := json.Unmarshal([]byte(detail), &d); err != nil {
				return nil, fmt.Errorf("history detail: %w", err)
			}
		}
		h.Fields, h.Flags, h.Key, h.Params, h.Message = d.Fields, d.Flags, d.Key, d.Params, d.Message
		out = append(out, h)
	}
	return out, rows.Err()
}

// addHistory writes one history row of an edit.
func addHistory(ctx context.Context, q provision.Querier, id int64, now time.Time, actor, action string, d historyDetail) error {
	_, err := q.ExecContext(ctx, "INSERT INTO calendar_history (enrolment_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
		id, now.UnixMilli(), actor, action, string(mustJSON(d)))
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}
