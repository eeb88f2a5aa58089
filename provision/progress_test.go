package provision_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
)

// TestRunProgress: a run tells its watcher each stage as it begins and,
// applying, the changes applied so far — members one by one — up to the
// total, which is the plan's.
func TestRunProgress(t *testing.T) {
	e := newEnv(t)
	var got []provision.Progress
	res := e.mustRun(fixtures.Company(), func(r *provision.Request) {
		r.Progress = func(p provision.Progress) { got = append(got, p) }
	})
	total := len(res.Plan.Changes)
	if len(got) < 5 {
		t.Fatalf("progress = %+v; want the stages and the applies", got)
	}
	want := []provision.Progress{{Stage: provision.StageReading}, {Stage: provision.StagePlanning}, {Stage: provision.StageApplying, Total: total}}
	if diff := cmp.Diff(want, got[:3]); diff != "" {
		t.Errorf("the stages (-want +got):\n%s", diff)
	}
	if last := got[len(got)-1]; last != (provision.Progress{Stage: provision.StageApplying, Applied: total, Total: total}) {
		t.Errorf("the last progress = %+v; want all %d applied", last, total)
	}
	for i := 3; i < len(got); i++ {
		if got[i].Applied < got[i-1].Applied || got[i].Applied > total {
			t.Errorf("progress %d went from %d to %d (total %d)", i, got[i-1].Applied, got[i].Applied, total)
		}
	}
	// The members are told one by one: more steps than the safety
	// target's kinds.
	if n := len(got) - 3; n < total/2 {
		t.Errorf("%d progress reports while applying %d changes; want them as they go", n, total)
	}
}
