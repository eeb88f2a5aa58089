package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cybridge/cybridge/provision"
)

// List returns every enrolment, by login (then id).
func (ed *Editor) List(ctx context.Context) ([]Enrolment, error) {
	var out []Enrolment
	err := ed.DB.View(ctx, func(q provision.Querier) error {
		rows, err := q.QueryContext(ctx, "SELECT "+enrolmentColumns+" FROM calendar_enrolments ORDER BY login, id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEnrolment(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list enrolments: %w", err)
	}
	return out, nil
}

// Show returns one enrolment and its history, oldest first.
func (ed *Editor) Show(ctx context.Context, login string) (*Enrolment, []HistoryEntry, error) {
	var e *Enrolment
	var hist []HistoryEntry
	err := ed.DB.View(ctx, func(q provision.Querier) error {
		var err error
		if e, err = find(ctx, q, login); err != nil {
			return err
		}
		hist, err = history(ctx, q, e.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return e, hist, nil
}

// find returns the enrolment of login: the one of a present user when a
// gone user's disabled enrolment has the same login.
func find(ctx context.Context, q provision.Querier, login string) (*Enrolment, error) {
	row := q.QueryRowContext(ctx, "SELECT "+enrolmentColumns+" FROM calendar_enrolments WHERE login = ? ORDER BY gone_since IS NOT NULL, id LIMIT 1", login)
	e, err := scanEnrolment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(login)
	}
	if err != nil {
		return nil, fmt.Errorf("read enrolment %s: %w", login, err)
	}
	return &e, nil
}

// History returns the history of every enrolment of login (a gone user's
// disabled one and a later one alike), oldest first; none when login has
// no enrolment.
func (ed *Editor) History(ctx context.Context, login string) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := ed.DB.View(ctx, func(q provision.Querier) error {
		ids, err := provision.QueryIDs(ctx, q, "SELECT id FROM calendar_enrolments WHERE login = ? ORDER BY id", login)
		if err != nil {
			return err
		}
		for _, id := range ids {
			hist, err := history(ctx, q, id)
			if err != nil {
				return err
			}
			out = append(out, hist...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the history of %s: %w", login, err)
	}
	return out, nil
}
