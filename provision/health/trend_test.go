package health_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
)

// TestTrend: a day per column, failed runs and applied changes counted, a
// folded no-change row's repeats spread over its days, runs before the
// chart left out.
func TestTrend(t *testing.T) {
	now := time.Date(2024, 12, 5, 12, 0, 0, 0, jst)
	day := func(d, h int) time.Time { return time.Date(2024, 12, d, h, 0, 0, 0, jst) }
	applied := run(1, provision.StatusApplied, day(3, 9))
	applied.Users, applied.Summary = 100, provision.Summary{"safety": {"members": {"create": 4}}}
	failed := run(2, provision.StatusFailed, day(3, 10))
	folded := run(3, provision.StatusNoChanges, day(5, 1))
	folded.StartedAt, folded.Repeats, folded.Users = day(3, 11), 7, 101
	old := run(0, provision.StatusFailed, day(1, 9))
	got := health.Trend([]*provision.Run{old, applied, failed, folded}, now, 3, jst)
	want := []health.Day{
		{Date: day(3, 0), Runs: 2 + 2, Failed: 1, Changes: 4, Users: 101, Read: true},
		{Date: day(4, 0), Runs: 2, Users: 101, Read: true},
		{Date: day(5, 0), Runs: 2 + 1, Users: 101, Read: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Trend (-want +got):\n%s", diff)
	}
}
