package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// Tables of `cybridge serve` (migration 0200_console.sql; numbers
// 0200–0299 belong to serve and the console).

var _ schedule.Store = (*Store)(nil)

// LoadState reads the scheduler's auto-pause state (zero when none).
func (s *Store) LoadState(ctx context.Context) (schedule.State, error) {
	var st schedule.State
	err := s.View(ctx, func(q provision.Querier) error {
		var err error
		st, err = loadState(ctx, q)
		return err
	})
	return st, err
}

func loadState(ctx context.Context, q provision.Querier) (schedule.State, error) {
	var st schedule.State
	var raw string
	err := q.QueryRowContext(ctx, "SELECT state FROM schedule_state WHERE id = 1").Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read the schedule state: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return st, fmt.Errorf("decode the schedule state: %w", err)
	}
	return st, nil
}

// UpdateState applies fn to the state in one write transaction. When fn
// leaves the state as it was nothing is written, so that a scheduled run
// that changes nothing writes nothing (SPEC §9).
func (s *Store) UpdateState(ctx context.Context, fn func(*schedule.State) error) error {
	return s.Update(ctx, func(q provision.Querier) error {
		st, err := loadState(ctx, q)
		if err != nil {
			return err
		}
		before, _ := json.Marshal(st)
		if err := fn(&st); err != nil {
			return err
		}
		after, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("encode the schedule state: %w", err)
		}
		if string(before) == string(after) {
			return nil
		}
		_, err = q.ExecContext(ctx, "INSERT INTO schedule_state (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state", string(after))
		if err != nil {
			return fmt.Errorf("save the schedule state: %w", err)
		}
		return nil
	})
}

// SetPlanApplied records, inside q (the apply's write transaction), that
// run applied applied the plan of run plan. A plan already marked applied
// is refused with stale_plan: the mark is written once, by the apply that
// applied the plan, and never moves to another run.
func (s *Store) SetPlanApplied(ctx context.Context, q provision.Querier, plan, applied int64) error {
	var by int64
	err := q.QueryRowContext(ctx, "SELECT applied_run_id FROM plan_applied WHERE plan_run_id = ?", plan).Scan(&by)
	switch {
	case err == nil:
		return provision.PlanAppliedError(plan, by)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("read the applied plan: %w", err)
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO plan_applied (plan_run_id, applied_run_id) VALUES (?, ?)", plan, applied); err != nil {
		return fmt.Errorf("record the applied plan: %w", err)
	}
	return nil
}

// PlanAppliedBy returns the run that applied run plan's plan (0 if none).
func (s *Store) PlanAppliedBy(ctx context.Context, plan int64) (int64, error) {
	var id int64
	err := s.ro.QueryRowContext(ctx, "SELECT applied_run_id FROM plan_applied WHERE plan_run_id = ?", plan).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the applied plan: %w", err)
	}
	return id, nil
}
