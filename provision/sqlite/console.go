package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// RunStats are the run-history figures `cybridge serve` exposes on
// /metrics.
type RunStats struct {
	ByStatus map[string]int
	// LastApplied is when the last applied run finished (zero if none).
	LastApplied time.Time
	// ChangesApplied sums the changes of the applied runs in history.
	ChangesApplied int
}

// RunStats reads the figures in one read transaction.
func (s *Store) RunStats(ctx context.Context) (RunStats, error) {
	st := RunStats{ByStatus: map[string]int{}}
	err := s.View(ctx, func(q provision.Querier) error {
		rows, err := q.QueryContext(ctx, "SELECT status, count(*) FROM runs GROUP BY status")
		if err != nil {
			return err
		}
		for rows.Next() {
			var status string
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				rows.Close()
				return err
			}
			st.ByStatus[status] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var last sql.NullInt64
		if err := q.QueryRowContext(ctx, "SELECT max(finished_at) FROM runs WHERE status IN ('applied', 'partial')").Scan(&last); err != nil {
			return err
		}
		if last.Valid {
			st.LastApplied = fromMillis(last.Int64)
		}
		rows, err = q.QueryContext(ctx, "SELECT summary FROM runs WHERE status IN ('applied', 'partial')")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var raw string
			if err := rows.Scan(&raw); err != nil {
				return err
			}
			var sum provision.Summary
			if err := json.Unmarshal([]byte(raw), &sum); err != nil {
				return fmt.Errorf("run summary: %w", err)
			}
			for _, kinds := range sum {
				for _, acts := range kinds {
					for _, n := range acts {
						st.ChangesApplied += n
					}
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return RunStats{}, fmt.Errorf("read run statistics: %w", err)
	}
	return st, nil
}
