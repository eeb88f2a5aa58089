package calendar

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// benchConfig scopes a part of the generated tree, so that evaluation does
// real work, and defaults every calendar id.
func benchConfig() config.Calendar {
	return config.Calendar{Enabled: true, DefaultTarget: "google", GoogleDomains: []string{"example.co.jp"},
		Scope: `organization <= "org-00001" or title in ("manager", " no title") or group in ("grp-001")`}
}

// BenchmarkPlan100k plans enrolments for 100,000 users from an empty
// state (SPEC §9: planning under 2 s, for both targets together).
func BenchmarkPlan100k(b *testing.B) {
	snap := fixtures.Generate(fixtures.GenParams{Users: 100_000})
	tg, err := New(benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		provision.MakePlan(provision.PlanRequest{Snapshot: snap, Targets: []provision.Loaded{{Target: tg, State: &Enrolments{}}}})
	}
}

// BenchmarkApply100k applies the first plan of 100,000 enrolments into a
// fresh SQLite database, then plans the same directory again (a no-change
// run).
func BenchmarkApply100k(b *testing.B) {
	snap := fixtures.Generate(fixtures.GenParams{Users: 100_000})
	tg, err := New(benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		r := &provision.Runner{Store: st, Targets: []provision.Target{tg}, Safeguards: provision.Safeguards{MaxDeletes: 1 << 30, MaxDeletePercent: 100}}
		read := func(context.Context) (*directory.Snapshot, error) { return snap, nil }
		if res, err := r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Read: read}); err != nil || res.Status != provision.StatusApplied {
			b.Fatalf("first run: %v %v", res, err)
		}
		if res, err := r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Read: read}); err != nil || res.Status != provision.StatusNoChanges {
			b.Fatalf("second run: %v %v", res.Status, err)
		}
		st.Close()
	}
}
