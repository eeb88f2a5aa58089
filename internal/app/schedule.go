package app

import (
	"context"

	"github.com/cybridge/cybridge/provision/schedule"
)

// ResumeSchedule lifts an auto-pause (or a pause by hand) of scheduled
// runs and clears the failure counters; it returns the state as it was,
// whose Paused says whether there was anything to lift. A running
// `cybridge serve` sees it at its next trigger.
func (a *App) ResumeSchedule(ctx context.Context) (schedule.State, error) {
	return schedule.ResumeState(ctx, a.store)
}
