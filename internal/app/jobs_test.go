package app

import (
	"testing"

	"github.com/cybridge/cybridge/provision"
)

// TestJobCanceled: a job is canceled when a cancel was asked and the run
// did not record its work; a run past its commit stays applied.
func TestJobCanceled(t *testing.T) {
	for _, tc := range []struct {
		name string
		job  Job
		want bool
	}{
		{"running", Job{CancelAsked: true}, false},
		{"not asked", Job{Done: true, Status: provision.StatusFailed, RunID: 3}, false},
		{"cut off while reading: recorded failed", Job{Done: true, CancelAsked: true, Status: provision.StatusFailed, RunID: 3}, true},
		{"cut off after the commit: applied", Job{Done: true, CancelAsked: true, Status: provision.StatusApplied, RunID: 3}, false},
		{"a dry run whose record was cut off", Job{Done: true, CancelAsked: true, Status: provision.StatusDryRun}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.job.Canceled(); got != tc.want {
				t.Errorf("Canceled() = %v, want %v", got, tc.want)
			}
		})
	}
}
