package app

import (
	"context"
	"github.com/cybridge/cybridge/internal/access"

	"github.com/cybridge/cybridge/provision/schedule"
)

// ResumeSchedule lifts an auto-pause (or a pause by hand) of scheduled
// runs and clears the failure counters; it returns the state as it was,
// whose Paused says whether there was anything to lift. A running
// `cybridge serve` sees it at its next trigger.
func (a *App) ResumeSchedule(ctx context.Context) (was schedule.State, err error) {
	defer func() { a.recordPause(ctx, access.ActionResume, was.Paused, err) }()
	return schedule.ResumeState(ctx, a.store)
}

// recordPause audits a pause or a resume; one that changed nothing (a
// resume of a running schedule) is not recorded.
func (a *App) recordPause(ctx context.Context, action string, changed bool, err error) {
	if err == nil && !changed {
		return
	}
	a.Record(ctx, action, "schedule", 0, err)
}
