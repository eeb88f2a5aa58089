package calendar

import (
	"context"
	"fmt"
	"strings"

	"github.com/cybridge/cybridge/provision"
)

// The console's enrolment list at 100,000 users: one page read with
// LIMIT/OFFSET and the counts per state from one GROUP BY, instead of every
// enrolment read and filtered for each page (1.4 s at 100,000).

// PageQuery selects a page of enrolments: by displayed state ("" for any)
// and by text (login, name or email address containing it, ASCII letters
// in any case), at most Limit from the Offset-th (0-based), by login.
type PageQuery struct {
	State         DisplayState
	Text          string
	Offset, Limit int
}

// Page is one page of enrolments with the counts the list shows.
type Page struct {
	Enrolments []Enrolment
	// Matched is how many the query selects, All how many there are,
	// Counts how many are in each state.
	Matched, All int
	Counts       map[DisplayState]int
}

// stateSQL is Enrolment.State as SQL over a calendar_enrolments row.
var stateSQL = fmt.Sprintf(`CASE WHEN permitted = 0 THEN '%s' WHEN user_switch = '%s' OR auto_stop_reason <> '' THEN '%s' ELSE '%s' END`,
	StateDisabled, SwitchStopped, StateStopped, StateSyncing)

// ListPage returns the page of enrolments q selects.
func (ed *Editor) ListPage(ctx context.Context, q PageQuery) (Page, error) {
	p := Page{Counts: map[DisplayState]int{}}
	var where []string
	var args []any
	if q.State != "" {
		where, args = append(where, stateSQL+" = ?"), append(args, string(q.State))
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		pat := provision.LikeContains(t)
		where, args = append(where, `(login LIKE ? ESCAPE '\' OR name LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\')`), append(args, pat, pat, pat)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	err := ed.DB.View(ctx, func(qr provision.Querier) error {
		rows, err := qr.QueryContext(ctx, "SELECT "+stateSQL+", count(*) FROM calendar_enrolments GROUP BY 1")
		if err != nil {
			return err
		}
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				rows.Close()
				return err
			}
			p.Counts[DisplayState(st)] = n
			p.All += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if cond == "" {
			p.Matched = p.All
		} else if err := qr.QueryRowContext(ctx, "SELECT count(*) FROM calendar_enrolments"+cond, args...).Scan(&p.Matched); err != nil {
			return err
		}
		rows, err = qr.QueryContext(ctx, "SELECT "+enrolmentColumns+" FROM calendar_enrolments"+cond+" ORDER BY login, id LIMIT ? OFFSET ?",
			append(args, q.Limit, q.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEnrolment(rows)
			if err != nil {
				return err
			}
			p.Enrolments = append(p.Enrolments, e)
		}
		return rows.Err()
	})
	if err != nil {
		return Page{}, fmt.Errorf("list enrolments: %w", err)
	}
	return p, nil
}
