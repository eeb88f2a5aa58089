package calendar

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// Enrolments is the calendar target's loaded state, sorted by id.
type Enrolments struct {
	List []Enrolment
}

// Digest covers what the planner reads, so that a stored plan is refused
// (stale_plan) once any of it changed. The sync engine's error count is
// left out on purpose: it changes every few minutes and plays no part in
// planning; an auto-stop (which the report lists) is in.
func (s *Enrolments) Digest() string {
	h := sha256.New()
	for _, e := range s.List {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%t\x00%s\x00%s\x00%s\x00%s\x00%t\x00%s\x00%t\x00%s\x00%s\x00%s\n",
			e.ID, e.Login, e.Email, e.Name, e.Permitted, e.Pin, e.Switch, e.Target,
			e.CalendarID, e.CalendarIDDefault, e.CalDAVURL, e.CalDAVURLDefault, e.AutoStop.Reason,
			formatTime(e.AutoStop.At), formatTime(e.GoneSince))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// formatTime renders a time for storage and digests: RFC 3339 in UTC with
// nanoseconds, "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// enrolmentColumns are read by Load and the edit commands, in scan order.
// The sealed password is not among them: only whether there is one.
const enrolmentColumns = `id, login, email, name, permitted, pin, user_switch, target, calendar_id,
calendar_id_default, auth_status, caldav_url, caldav_url_default, caldav_auth_id,
caldav_password IS NOT NULL, auto_stop_reason, auto_stop_at, sync_errors, gone_since, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanEnrolment(s scanner) (Enrolment, error) {
	var e Enrolment
	var stopAt, gone sql.NullInt64
	var created, updated int64
	var errorsJSON string
	err := s.Scan(&e.ID, &e.Login, &e.Email, &e.Name, &e.Permitted, &e.Pin, &e.Switch, &e.Target, &e.CalendarID,
		&e.CalendarIDDefault, &e.AuthStatus, &e.CalDAVURL, &e.CalDAVURLDefault, &e.CalDAVAuthID,
		&e.HasPassword, &e.AutoStop.Reason, &stopAt, &errorsJSON, &gone, &created, &updated)
	if err != nil {
		return e, err
	}
	if stopAt.Valid {
		e.AutoStop.At = fromMillis(stopAt.Int64)
	}
	if gone.Valid {
		e.GoneSince = fromMillis(gone.Int64)
	}
	var ms []int64
	if err := json.Unmarshal([]byte(errorsJSON), &ms); err != nil {
		return e, fmt.Errorf("enrolment %d: sync_errors: %w", e.ID, err)
	}
	for _, m := range ms {
		e.AutoStop.Errors = append(e.AutoStop.Errors, fromMillis(m))
	}
	e.CreatedAt, e.UpdatedAt = fromMillis(created), fromMillis(updated)
	return e, nil
}

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nullMillis is a nullable time column value.
func nullMillis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func loadAll(ctx context.Context, q provision.Querier) (*Enrolments, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+enrolmentColumns+" FROM calendar_enrolments ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read enrolments: %w", err)
	}
	defer rows.Close()
	st := &Enrolments{}
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, fmt.Errorf("read enrolments: %w", err)
		}
		st.List = append(st.List, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read enrolments: %w", err)
	}
	return st, nil
}
