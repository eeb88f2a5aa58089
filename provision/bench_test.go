package provision_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// The benchmarks of SPEC §9 for plan and apply: the generated directory of
// 100,000 users (5,000 organizations 5 levels deep, 1.3 memberships per
// user), both targets (roster and calendar enrolments), as `cybridge apply`
// runs them. Figures are recorded in BENCHMARKS.md ("Plan and apply"):
//
//	go test ./provision -run '^$' -bench '100k' -benchtime 3x

const benchUsers = 100_000

// cliMemoryLimit is the soft heap limit cybridge's plan and apply set
// (cmd/cybridge: memoryLimit); the benchmarks run under it too.
const cliMemoryLimit = 384 << 20

func benchSnapshot(b *testing.B) *directory.Snapshot {
	b.Helper()
	s := fixtures.Generate(fixtures.GenParams{Users: benchUsers})
	s.Source = directory.Source{Kind: directory.SourceAPI, Domain: "bench.cybozu.com"}
	if err := s.Validate(); err != nil {
		b.Fatal(err)
	}
	return s
}

func benchRunner(b *testing.B, path string) (*provision.Runner, *sqlite.Store) {
	b.Helper()
	c := config.Default()
	c.Safety.InitialPassword = "bench-initial-password"
	c.Calendar.GoogleDomains = []string{"example.co.jp"}
	cal, err := calendar.New(c.Calendar)
	if err != nil {
		b.Fatal(err)
	}
	store, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	return &provision.Runner{Store: store, Targets: []provision.Target{safety.FromConfig(&c), cal},
		Safeguards: provision.Safeguards{MaxDeletes: 50, MaxDeletePercent: 20, MinSourceRatio: 70}}, store
}

func benchRun(b *testing.B, r *provision.Runner, snap *directory.Snapshot) *provision.Result {
	b.Helper()
	res, err := r.Run(context.Background(), provision.Request{Trigger: provision.TriggerCLI,
		Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// mustPlanRequest loads the states and links snap is planned against.
func mustPlanRequest(b *testing.B, r *provision.Runner, snap *directory.Snapshot) provision.PlanRequest {
	b.Helper()
	req, err := r.PlanRequest(context.Background(), snap, false)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// peakRSS is the process's peak resident memory (VmHWM) in MB, 0 where
// /proc is missing.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkPlan100k times the pure planner: "first" against empty
// targets (100,000 members, 5,000 departments, 100,000 enrolments to
// create), "no-change" against the applied state (everything matched).
func BenchmarkPlan100k(b *testing.B) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(cliMemoryLimit))
	snap := benchSnapshot(b)
	r, store := benchRunner(b, filepath.Join(b.TempDir(), "bench.db"))
	defer store.Close()
	b.Run("first", func(b *testing.B) {
		req := mustPlanRequest(b, r, snap)
		var p *provision.Plan
		for b.Loop() {
			p = provision.MakePlan(req)
		}
		b.ReportMetric(float64(len(p.Changes)), "changes")
	})
	benchRun(b, r, snap)
	b.Run("no-change", func(b *testing.B) {
		req := mustPlanRequest(b, r, snap)
		var p *provision.Plan
		for b.Loop() {
			p = provision.MakePlan(req)
		}
		if p.HasChanges() {
			b.Fatalf("%d changes after apply", len(p.Changes))
		}
		b.ReportMetric(peakRSS(), "peak-RSS-MB")
	})
}

// BenchmarkApply100k times a whole first run into an empty database —
// validate, load, plan, safeguards, apply in one transaction, commit — and
// then the no-change run, reporting the rows it wrote (SPEC §9: none).
func BenchmarkApply100k(b *testing.B) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(cliMemoryLimit))
	snap := benchSnapshot(b)
	dir := b.TempDir()
	var r *provision.Runner
	var store *sqlite.Store
	i := 0
	for b.Loop() {
		b.StopTimer()
		if store != nil {
			store.Close()
		}
		i++
		r, store = benchRunner(b, filepath.Join(dir, "bench"+strconv.Itoa(i)+".db"))
		b.StartTimer()
		if res := benchRun(b, r, snap); res.Status != provision.StatusApplied {
			b.Fatalf("status %s", res.Status)
		}
	}
	defer store.Close()
	before, _ := store.Changes(context.Background())
	start := time.Now()
	if res := benchRun(b, r, snap); res.Status != provision.StatusNoChanges {
		b.Fatalf("second run: %s", res.Status)
	}
	b.ReportMetric(time.Since(start).Seconds(), "no-change-run-s")
	after, _ := store.Changes(context.Background())
	b.ReportMetric(float64(after-before), "no-change-rows-written")
	if fi, err := os.Stat(store.Path()); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "db-MB")
	}
	b.ReportMetric(peakRSS(), "peak-RSS-MB")
}

// BenchmarkHistory100k reads the per-person change index after a first
// apply of 100,000 users (205,000 changes): "search" finds a person by
// part of a login, name or address; "person" reads one person's history
// (as the member page shows it); "feed-page"
// one read of 1,000 changes of the applied-changes feed from the middle
// of the run.
//
//	go test ./provision -run '^$' -bench 'History100k' -benchtime 20x
func BenchmarkHistory100k(b *testing.B) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(cliMemoryLimit))
	snap := benchSnapshot(b)
	r, store := benchRunner(b, filepath.Join(b.TempDir(), "bench.db"))
	defer store.Close()
	res := benchRun(b, r, snap)
	ctx := context.Background()
	kinds := []string{safety.KindMember, calendar.KindEnrolment}
	b.Run("search", func(b *testing.B) {
		for b.Loop() {
			people, _, err := store.People(ctx, kinds, "u054321", 10)
			if err != nil || len(people) != 1 {
				b.Fatalf("People: %v, %v", people, err)
			}
		}
	})
	b.Run("person", func(b *testing.B) {
		for b.Loop() {
			recs, err := store.PersonChanges(ctx, kinds, "u054321", 50)
			if err != nil || len(recs) != 2 {
				b.Fatalf("PersonChanges: %d, %v", len(recs), err)
			}
		}
	})
	b.Run("feed-page", func(b *testing.B) {
		for b.Loop() {
			recs, _, err := store.ChangesAfter(ctx, sqlite.FeedCursor{Run: res.RunID, Seq: 100_000}, 1000)
			if err != nil || len(recs) != 1000 {
				b.Fatalf("ChangesAfter: %d, %v", len(recs), err)
			}
		}
	})
}
