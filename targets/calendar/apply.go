package calendar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/cybridge/cybridge/provision"
)

// applyStmts are prepared once per apply (a first run may create every
// enrolment of a large directory).
type applyStmts struct {
	insert, update, del, history *sql.Stmt
}

func prepare(ctx context.Context, q provision.Querier) (*applyStmts, error) {
	var s applyStmts
	var err error
	for _, p := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&s.insert, `INSERT INTO calendar_enrolments (login, email, name, permitted, target, calendar_id, caldav_url, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.update, `UPDATE calendar_enrolments SET login = ?, email = ?, name = ?, permitted = ?,
calendar_id = coalesce(?, calendar_id), caldav_url = coalesce(?, caldav_url),
gone_since = CASE WHEN ? IS NULL THEN gone_since WHEN ? = 0 THEN NULL ELSE ? END, updated_at = ?
WHERE id = ?`},
		{&s.del, `DELETE FROM calendar_enrolments WHERE id = ?`},
		{&s.history, `INSERT INTO calendar_history (enrolment_id, at, actor, run_id, action, detail) VALUES (?, ?, ?, ?, ?, ?)`},
	} {
		if *p.st, err = q.PrepareContext(ctx, p.sql); err != nil {
			s.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	return &s, nil
}

func (s *applyStmts) close() {
	for _, st := range []*sql.Stmt{s.insert, s.update, s.del, s.history} {
		if st != nil {
			st.Close()
		}
	}
}

// Apply executes the enrolment changes of one plan inside the run's
// transaction: rows, links and one history row per change.
func (t *Target) Apply(ctx context.Context, tx provision.ApplyTx, changes []provision.Change) error {
	st, err := prepare(ctx, tx)
	if err != nil {
		return err
	}
	defer st.close()
	now := tx.Now.UnixMilli()
	for i := range changes {
		c := &changes[i]
		if err := applyOne(ctx, tx, st, c, now); err != nil {
			return fmt.Errorf("enrolment %s (%s): %w", c.Key, c.Action, err)
		}
		tx.Applied(1)
	}
	return nil
}

func applyOne(ctx context.Context, tx provision.ApplyTx, st *applyStmts, c *provision.Change, now int64) error {
	var d changeData
	if c.Action != provision.Delete {
		if err := json.Unmarshal(c.Data, &d); err != nil {
			return fmt.Errorf("change data: %w", err)
		}
	}
	var id int64
	switch c.Action {
	case provision.Create:
		res, err := st.insert.ExecContext(ctx, d.Login, d.Email, d.Name, d.Permitted, string(d.Target),
			deref(d.CalendarID), deref(d.CalDAVURL), now, now)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
	case provision.Update, provision.Disable:
		var err error
		if id, err = strconv.ParseInt(c.ObjectID, 10, 64); err != nil {
			return fmt.Errorf("object id %q: %w", c.ObjectID, err)
		}
		var gone any
		if d.GoneSince != nil {
			gone = *d.GoneSince
		}
		res, err := st.update.ExecContext(ctx, d.Login, d.Email, d.Name, d.Permitted,
			ptr(d.CalendarID), ptr(d.CalDAVURL), gone, gone, gone, now, id)
		if err != nil {
			return err
		}
		if err := one(res); err != nil {
			return err
		}
	case provision.Delete:
		var err error
		if id, err = strconv.ParseInt(c.ObjectID, 10, 64); err != nil {
			return fmt.Errorf("object id %q: %w", c.ObjectID, err)
		}
		res, err := st.del.ExecContext(ctx, id)
		if err != nil {
			return err
		}
		if err := one(res); err != nil {
			return err
		}
		return tx.Links.Delete(ctx, KindEnrolment, c.ObjectID)
	default:
		return fmt.Errorf("unknown action %q", c.Action)
	}
	if c.Link != nil {
		if err := tx.Links.Set(ctx, KindEnrolment, strconv.FormatInt(id, 10), *c.Link); err != nil {
			return err
		}
	}
	// A creation's values are the enrolment's first state (and in the run's
	// plan); its history row says who and when, and leaves the fields out —
	// a first run writes one per directory user.
	detail := ""
	if c.Action != provision.Create {
		detail = string(mustJSON(historyDetail{Fields: c.Fields, Flags: c.Flags}))
	}
	_, err := st.history.ExecContext(ctx, id, now, ActorBridge, runID(tx.RunID), string(c.Action), detail)
	return err
}

func one(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errors.New("the enrolment is no longer there (the plan is stale)")
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func runID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
