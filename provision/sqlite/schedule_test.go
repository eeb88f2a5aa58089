package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

func TestScheduleStateSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := s.LoadState(ctx); err != nil || st.Paused {
		t.Fatalf("fresh state = %+v, %v", st, err)
	}
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	err = s.UpdateState(ctx, func(st *schedule.State) error {
		schedule.DefaultPolicy(1).Record(st, schedule.Outcome{RunID: "7", Status: provision.StatusFailed, Message: "down"}, now)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.LoadState(ctx)
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.LoadState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Paused || got.RunID != "7" {
		t.Errorf("state after reopen = %+v; want paused by run 7", got)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state after reopen (-want +got):\n%s", diff)
	}
	if was, err := schedule.Resume(ctx, s); err != nil || !was {
		t.Fatalf("Resume = %v, %v", was, err)
	}
	if st, _ := s.LoadState(ctx); st.Paused {
		t.Error("still paused after Resume")
	}
}

func TestUnchangedScheduleStateWritesNothing(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ok := func(st *schedule.State) error {
		schedule.DefaultPolicy(3).Record(st, schedule.Outcome{Status: provision.StatusNoChanges}, time.Now())
		return nil
	}
	before, _ := s.Changes(ctx)
	for i := 0; i < 3; i++ {
		if err := s.UpdateState(ctx, ok); err != nil {
			t.Fatal(err)
		}
	}
	if after, _ := s.Changes(ctx); after != before {
		t.Errorf("successful runs with nothing to record wrote %d rows", after-before)
	}
}

func TestPlanApplied(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []int64
	for _, st := range []provision.Status{provision.StatusDryRun, provision.StatusApplied} {
		err := s.Update(ctx, func(q provision.Querier) error {
			id, err := s.InsertRun(ctx, q, &provision.Run{Trigger: provision.TriggerConsole, Status: st, StartedAt: time.Now()})
			ids = append(ids, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if by, err := s.PlanAppliedBy(ctx, ids[0]); err != nil || by != 0 {
		t.Fatalf("PlanAppliedBy before = %d, %v", by, err)
	}
	mark := func() error {
		return s.Update(ctx, func(q provision.Querier) error { return s.SetPlanApplied(ctx, q, ids[0], ids[1]) })
	}
	if err := mark(); err != nil {
		t.Fatal(err)
	}
	// The mark is written once: a second apply of the same plan is refused.
	var pe *provision.Error
	if err := mark(); !errors.As(err, &pe) || pe.Code != provision.CodeStalePlan {
		t.Errorf("second mark = %v; want stale_plan", err)
	}
	if by, err := s.PlanAppliedBy(ctx, ids[0]); err != nil || by != ids[1] {
		t.Errorf("PlanAppliedBy = %d, %v; want %d", by, err, ids[1])
	}
	// Pruning the plan's run drops the row with it.
	if err := s.Update(ctx, func(q provision.Querier) error {
		return s.PruneRuns(ctx, q, time.Now().Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	if by, _ := s.PlanAppliedBy(ctx, ids[0]); by != 0 {
		t.Errorf("PlanAppliedBy after pruning = %d", by)
	}
}

func TestRunStats(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	for i, st := range []provision.Status{provision.StatusApplied, provision.StatusFailed, provision.StatusApplied, provision.StatusDryRun} {
		run := &provision.Run{Trigger: provision.TriggerSchedule, Status: st, StartedAt: t0, FinishedAt: t0.Add(time.Duration(i) * time.Minute),
			Summary: provision.Summary{"safety": {"members": {provision.Create: 2, provision.Delete: 1}}}}
		if err := s.Update(ctx, func(q provision.Querier) error { _, err := s.InsertRun(ctx, q, run); return err }); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.RunStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := RunStats{ByStatus: map[string]int{"applied": 2, "failed": 1, "dry_run": 1}, LastApplied: t0.Add(2 * time.Minute), ChangesApplied: 6}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RunStats (-want +got):\n%s", diff)
	}
}
