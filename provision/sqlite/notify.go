package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/provision"
)

// Tables of notifications (migration 0300_notify.sql; numbers 0300–0399
// belong to package notify).

var _ notify.Store = (*Store)(nil)

// UpdateNotify applies fn to the notification state and queues its
// events to every channel, in one write transaction. A state fn leaves as
// it was is not written.
func (s *Store) UpdateNotify(ctx context.Context, channels []string, fn func(*notify.State) ([]notify.Event, error)) error {
	return s.Update(ctx, func(q provision.Querier) error {
		var st notify.State
		var raw string
		err := q.QueryRowContext(ctx, "SELECT state FROM notify_state WHERE id = 1").Scan(&raw)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			raw = "{}"
		case err != nil:
			return fmt.Errorf("read the notification state: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return fmt.Errorf("decode the notification state: %w", err)
		}
		events, err := fn(&st)
		if err != nil {
			return err
		}
		after, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("encode the notification state: %w", err)
		}
		if string(after) != raw {
			if _, err := q.ExecContext(ctx, "INSERT INTO notify_state (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state", string(after)); err != nil {
				return fmt.Errorf("save the notification state: %w", err)
			}
		}
		now := s.Now().UnixMilli()
		for _, e := range events {
			b, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("encode a notification: %w", err)
			}
			for _, c := range channels {
				if _, err := q.ExecContext(ctx, `INSERT INTO notifications (channel, kind, run_id, event, status, next_at, created_at, updated_at)
VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`, c, string(e.Kind), e.RunID, string(b), now, now, now); err != nil {
					return fmt.Errorf("queue a notification: %w", err)
				}
			}
		}
		return nil
	})
}

const notificationColumns = "id, channel, event, status, attempts, next_at, last_error, created_at, updated_at"

func scanDeliveries(rows *sql.Rows) ([]notify.Delivery, error) {
	defer rows.Close()
	var out []notify.Delivery
	for rows.Next() {
		var d notify.Delivery
		var event string
		var next, created, updated int64
		if err := rows.Scan(&d.ID, &d.Channel, &event, &d.Status, &d.Attempts, &next, &d.LastError, &created, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(event), &d.Event); err != nil {
			return nil, fmt.Errorf("decode notification %d: %w", d.ID, err)
		}
		d.NextAt, d.CreatedAt, d.UpdatedAt = time.UnixMilli(next).UTC(), time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// DueDeliveries lists pending deliveries due at now, oldest first.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]notify.Delivery, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT "+notificationColumns+" FROM notifications WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?", now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("read the notification queue: %w", err)
	}
	return scanDeliveries(rows)
}

// NextDue is when the next pending delivery is due.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := s.ro.QueryRowContext(ctx, "SELECT min(next_at) FROM notifications WHERE status = 'pending'").Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("read the notification queue: %w", err)
	}
	return time.UnixMilli(at.Int64).UTC(), at.Valid, nil
}

// SaveDelivery records one attempt.
func (s *Store) SaveDelivery(ctx context.Context, d notify.Delivery) error {
	return s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "UPDATE notifications SET status = ?, attempts = ?, next_at = ?, last_error = ?, updated_at = ? WHERE id = ?",
			string(d.Status), d.Attempts, d.NextAt.UnixMilli(), d.LastError, d.UpdatedAt.UnixMilli(), d.ID)
		if err != nil {
			return fmt.Errorf("record a notification attempt: %w", err)
		}
		return nil
	})
}

// ListDeliveries lists deliveries, newest first.
func (s *Store) ListDeliveries(ctx context.Context, limit int) ([]notify.Delivery, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT "+notificationColumns+" FROM notifications ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return scanDeliveries(rows)
}

// ListDeliveriesBefore lists up to limit deliveries older than the one
// with id before (0: from the newest), newest first: the pages of the
// console's and the API's list of notifications.
func (s *Store) ListDeliveriesBefore(ctx context.Context, before int64, limit int) ([]notify.Delivery, error) {
	if before <= 0 {
		return s.ListDeliveries(ctx, limit)
	}
	rows, err := s.ro.QueryContext(ctx, "SELECT "+notificationColumns+" FROM notifications WHERE id < ? ORDER BY id DESC LIMIT ?", before, limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return scanDeliveries(rows)
}
