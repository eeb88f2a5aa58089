package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// TestLatestPlanRunAfterRecovery is the review's C7: after a blocked run,
// a fix and a run with no changes, there is no plan to review (neither the
// blocked one nor an older dry run's); a failed run supersedes nothing; a
// plan that was applied stays the latest until a later run succeeds.
// NewestRun and RunsSince answer from the same history.
func TestLatestPlanRunAfterRecovery(t *testing.T) {
	ctx := context.Background()
	s, now := openTest(t)
	plan := &provision.Plan{FormatVersion: 1, Source: provision.Source{Kind: "api"}, Summary: provision.Summary{}, Changes: []provision.Change{}}
	insert := func(st provision.Status) int64 {
		t.Helper()
		*now = now.Add(time.Minute)
		r := &provision.Run{Trigger: provision.TriggerSchedule, Status: st, StartedAt: *now, FinishedAt: *now, Summary: provision.Summary{}}
		if st == provision.StatusDryRun || st == provision.StatusBlocked {
			r.Plan = plan
		}
		var id int64
		if err := s.Update(ctx, func(q provision.Querier) (err error) { id, err = s.InsertRun(ctx, q, r); return err }); err != nil {
			t.Fatal(err)
		}
		return id
	}
	latest := func(want int64, when string) {
		t.Helper()
		if got, err := s.LatestPlanRun(ctx); got != want || err != nil {
			t.Errorf("%s: LatestPlanRun = %d, %v; want %d", when, got, err, want)
		}
	}
	insert(provision.StatusDryRun)
	blocked := insert(provision.StatusBlocked)
	latest(blocked, "blocked")
	insert(provision.StatusFailed)
	latest(blocked, "blocked, then failed")
	ok := insert(provision.StatusNoChanges)
	latest(0, "blocked, then no changes")

	dry := insert(provision.StatusDryRun)
	applied := insert(provision.StatusApplied)
	if err := s.Update(ctx, func(q provision.Querier) error { return s.SetPlanApplied(ctx, q, dry, applied) }); err != nil {
		t.Fatal(err)
	}
	latest(dry, "a dry run's plan applied")
	insert(provision.StatusNoChanges)
	latest(0, "a dry run's plan applied, then no changes")

	if r, err := s.NewestRun(ctx, provision.StatusFailed, provision.StatusBlocked); err != nil || r == nil || r.ID != ok-1 {
		t.Errorf("NewestRun(failed, blocked) = %+v, %v; want run %d", r, err, ok-1)
	}
	if r, err := s.NewestRun(ctx, provision.StatusSkipped); r != nil || err != nil {
		t.Errorf("NewestRun(none) = %+v, %v", r, err)
	}
	runs, err := s.RunsSince(ctx, now.Add(-time.Minute))
	if err != nil || len(runs) != 2 || runs[0].ID != applied || runs[0].Repeats != 1 {
		t.Errorf("RunsSince = %d runs, %v; want the last two, oldest first", len(runs), err)
	}
}
