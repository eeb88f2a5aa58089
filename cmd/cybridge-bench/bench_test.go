package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
)

// TestMain lets the test binary act as the memory child, as the bench
// binary does: the smoke test re-executes it.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == childFlag || os.Args[1] == consoleChildFlag || os.Args[1] == rssChildFlag) {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 2 && os.Args[1] == allocChildFlag {
		allocChild(os.Args[2])
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestPages(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 99: 1, 100: 2, 101: 2, 199: 2, 200: 3, 100_000: 1001} {
		if got := cybozutest.Pages(n); got != want {
			t.Errorf("cybozutest.Pages(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestMinimumRequests counts a hand-made directory: 250 users (3 pages),
// 2 organizations (1), 2 groups plus everyone (1); org a has 100 members
// (2), org b 150 (2); group g 0 members (1), everyone skipped.
func TestMinimumRequests(t *testing.T) {
	s := &directory.Snapshot{
		Organizations: []directory.Organization{{Code: "a"}, {Code: "b"}},
		Groups:        []directory.Group{{Code: "g"}, {Code: directory.EveryoneGroup, Members: []string{"x"}}},
	}
	for i := range 250 {
		u := directory.User{Login: "u" + string(rune('0'+i%10))}
		switch {
		case i < 100:
			u.Memberships = []directory.Membership{{OrgCode: "a"}, {OrgCode: "b"}}
		case i < 150:
			u.Memberships = []directory.Membership{{OrgCode: "b"}}
		}
		s.Users = append(s.Users, u)
	}
	if got, want := cybozutest.MinimumRequests(s), 3+1+1+2+2+1; got != want {
		t.Errorf("minimumRequests = %d, want %d", got, want)
	}
	if got, want := naiveRequests(s), 3+1+1+250+1; got != want {
		t.Errorf("naiveRequests = %d, want %d", got, want)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestReadRequestCount is the regression guard of SPEC §9's request
// count: reading a generated 2,350-user directory (118 organizations, 200
// groups) with the bench's pool of 10 against a domain that accepts 10 at
// once takes exactly the minimum — floor(n/100)+1 per list, counted from
// the served snapshot — with no 429 and never more than 10 in flight; the
// naive strategy takes exactly its own count. Not timed.
func TestReadRequestCount(t *testing.T) {
	snap := fixtures.Generate(fixtures.GenParams{Users: 2350, Seed: 1})
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: snap, Latency: time.Millisecond, MaxConcurrent: 10})
	ctx := context.Background()

	got, err := readSmart(ctx, sim, snap, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := readResult{Requests: cybozutest.MinimumRequests(snap), PeakInFlight: min(got.PeakInFlight, 10), Wall: got.Wall}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("smart read (-want +got):\n%s", diff)
	}
	if st := sim.Stats(); st.ByPath["/v1/user/organizations.json"] != 0 {
		t.Errorf("the smart read asked for %d users' organizations one by one", st.ByPath["/v1/user/organizations.json"])
	}

	got, err = readNaive(ctx, sim, snap, 10)
	if err != nil {
		t.Fatal(err)
	}
	want = readResult{Requests: naiveRequests(snap), PeakInFlight: min(got.PeakInFlight, 10), Wall: got.Wall}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("naive read (-want +got):\n%s", diff)
	}
}

// TestSmoke runs the whole bench — every part but cli (which builds the
// cybridge binary; TestRSSWrapper checks its measure), the memory and
// console children included — on a tiny directory with one run, and
// checks that every figure is in the JSON file with a plausible value. It
// checks no timing.
func TestSmoke(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench", "latest.json")
	md := filepath.Join(t.TempDir(), "bench.md")
	var stdout, stderr bytes.Buffer
	parts := slices.DeleteFunc(slices.Clone(allParts), func(p string) bool { return p == "cli" })
	args := []string{"-users", "500", "-naive-users", "300", "-scim-users", "250", "-runs", "1", "-latency", "1ms", "-json", out, "-markdown", md, "-q", "-only", strings.Join(parts, ",")}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	table, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Figure{}
	for _, f := range rep.Figures {
		byName[f.Name] = f
		if !strings.Contains(stdout.String(), f.Label) {
			t.Errorf("the table has no line %q", f.Label)
		}
		if !strings.Contains(string(table), "| "+f.Label+" |") {
			t.Errorf("the Markdown table has no row %q", f.Label)
		}
	}
	// Each figure and whether it must be positive (else at least zero).
	wantFigures := map[string]bool{
		"read.requests": true, "read.minimum": true, "read.requests_ratio": true, "read.peak_in_flight": true,
		"read.too_many": false, "read.wall_s": true, "read.bound_s": true, "read.wall_ratio": true,
		"naive.smart_requests": true, "naive.requests": true, "naive.requests_ratio": true,
		"naive.smart_wall_s": true, "naive.wall_s": true, "naive.wall_ratio": true,
		"naive.full_requests": true, "naive.full_bound_s": true,
		"plan.first_s": true, "plan.rerun_s": true, "plan.rerun_load_s": true,
		"apply.first_s": true, "apply.first_cpu_s": false, "apply.first_rows": true, "apply.rerun_s": true, "apply.rerun_rows": false,
		"csv.parse_s":        true,
		"scim.push_requests": true, "scim.push_wall_s": true, "scim.push_bound_s": true, "scim.push_wall_ratio": true,
		"scim.push_peak_in_flight": true, "scim.read_requests": true, "scim.read_wall_s": true,
		"memory.peak_mb": true, "memory.peak_nolimit_mb": true, "memory.maxrss_mb": true, "memory.read_peak_mb": true, "memory.plan_peak_mb": true, "memory.read_s": true, "memory.plan_s": true, "memory.apply_s": true,
		"console.overview_p95_ms": true, "console.roster_p95_ms": true, "console.calendar_p95_ms": true, "console.plan_p95_ms": true,
		"console.plan_page50_p95_ms": true, "console.plan_filtered_p95_ms": true, "console.run_p95_ms": true, "console.run_page50_p95_ms": true,
		"console.serve_peak_mb": true,
	}
	for name, positive := range wantFigures {
		f, ok := byName[name]
		switch {
		case !ok:
			t.Errorf("figure %s missing", name)
		case positive && f.Value <= 0, f.Value < 0:
			t.Errorf("figure %s = %v", name, f.Value)
		}
	}
	for name := range byName {
		if _, ok := wantFigures[name]; !ok {
			t.Errorf("figure %s is not checked by this test", name)
		}
	}
	if f := byName["read.requests"]; f.Value != byName["read.minimum"].Value {
		t.Errorf("read %v requests, minimum %v", f.Value, byName["read.minimum"].Value)
	}
	if f := byName["apply.rerun_rows"]; f.Result != "PASS" || f.Value != 1 {
		t.Errorf("the no-change run wrote %v rows; want 1, its history row", f.Value)
	}
	// 250 users: one POST each; the read is ProviderConfig, 3 pages of
	// users, 1 of groups.
	if a, b := byName["scim.push_requests"], byName["scim.read_requests"]; a.Value != 250 || b.Value != 5 || b.Result != "PASS" {
		t.Errorf("SCIM: push %v requests, read %v (%s)", a.Value, b.Value, b.Result)
	}
	if rep.Params.Users != 500 || rep.Params.Orgs != 25 || rep.Params.Groups != 200 || rep.Machine.CPUs < 1 {
		t.Errorf("params %+v, machine %+v", rep.Params, rep.Machine)
	}
}

// TestUsage: -h is not an error; bad flags exit 2 before anything runs.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"-h"}, 0},
		{[]string{"-runs", "0"}, 2},
		{[]string{"-pool", "11"}, 2},
		{[]string{"-only", "read,nope"}, 2},
		{[]string{"extra"}, 2},
	} {
		var stdout, stderr bytes.Buffer
		if got := run(context.Background(), tc.args, &stdout, &stderr); got != tc.want || stdout.Len() != 0 {
			t.Errorf("%v: exit %d, want %d; stdout %q", tc.args, got, tc.want, &stdout)
		}
	}
}

// allocChildFlag makes the test binary hold N MB of touched memory for a
// moment: the command TestRSSWrapper measures.
const allocChildFlag = "-alloc-child"

func allocChild(mb string) {
	n, _ := strconv.Atoi(mb)
	b := make([]byte, n<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	time.Sleep(50 * time.Millisecond)
	runtime.KeepAlive(b)
}

// TestRSSWrapper: the cli figures' wrapper reports the command's own peak,
// not the bench's: a command that touches 96 MB shows about that, while
// this test process first grows past 300 MB.
func TestRSSWrapper(t *testing.T) {
	big := make([]byte, 300<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = 1
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, rssChildFlag, "--", exe, allocChildFlag, "96").Output()
	runtime.KeepAlive(big)
	if err != nil {
		t.Fatal(err)
	}
	var res rssResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if mb := res.MaxRSSKB / 1024; res.Exit != 0 || mb < 96 || mb > 200 {
		t.Errorf("wrapper: exit %d, peak %d MB; want the child's ~96 MB", res.Exit, mb)
	}
}
