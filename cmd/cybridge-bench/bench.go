package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
)

// SPEC §9 targets.
const (
	targetRequestsRatio = 1.02 // requests ≤ 1.02 × minimum
	targetWallRatio     = 1.25 // wall ≤ 1.25 × requests × latency ÷ pool
	targetPlan          = 2.0  // seconds, 100,000 users
	targetFirstApply    = 15.0 // seconds, 100,000 members + enrolments
	targetCSV           = 3.0  // seconds, 100,000-user Shift_JIS export
	targetMemoryMB      = 512  // read + plan + apply, whole process
)

// parts the bench can run (-only).
var allParts = []string{"read", "naive", "apply", "csv", "memory", "scim", "console", "cli"}

// Params are the bench's settings.
type Params struct {
	Users         int           `json:"users"`
	NaiveUsers    int           `json:"naive_users"`
	SCIMUsers     int           `json:"scim_users"`
	Runs          int           `json:"runs"`
	Latency       time.Duration `json:"latency_ns"`
	MaxConcurrent int           `json:"max_concurrent"`
	Pool          int           `json:"pool"`
	Seed          uint64        `json:"seed"`
	Only          []string      `json:"parts"`
	JSON          string        `json:"-"`
	Markdown      string        `json:"-"`
	Strict        bool          `json:"-"`
	Quiet         bool          `json:"-"`
	Cybridge      string        `json:"-"`

	// Filled in from the generated directory.
	Orgs               int     `json:"orgs"`
	Groups             int     `json:"groups"`
	MembershipsPerUser float64 `json:"memberships_per_user"`
}

func parseParams(args []string, stderr io.Writer) (Params, error) {
	fs := flag.NewFlagSet("cybridge-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	p := Params{}
	fs.IntVar(&p.Users, "users", 100_000, "users in the generated directory (SPEC §9: 100000)")
	fs.IntVar(&p.NaiveUsers, "naive-users", 10_000, "users in the scaled-down directory the naive read is compared on (0 = same as -users)")
	fs.IntVar(&p.SCIMUsers, "scim-users", 10_000, "users pushed to the SCIM test server (issue 13: 10000)")
	fs.IntVar(&p.Runs, "runs", 3, "runs per figure; each figure is the median")
	fs.DurationVar(&p.Latency, "latency", 20*time.Millisecond, "simulated latency per request")
	fs.IntVar(&p.MaxConcurrent, "max-concurrent", cybozutest.DefaultMaxConcurrent, "requests the simulated domain accepts at once before 429")
	fs.IntVar(&p.Pool, "pool", 10, "the client's request pool (cybozu.concurrency; at most 10)")
	fs.Uint64Var(&p.Seed, "seed", 1, "generator seed")
	only := fs.String("only", strings.Join(allParts, ","), "parts to run: "+strings.Join(allParts, ","))
	fs.StringVar(&p.JSON, "json", "bench-results/latest.json", "write the figures as JSON to this file (\"\" = don't)")
	fs.StringVar(&p.Markdown, "markdown", "", "also write the figures as a Markdown table to this file (for BENCHMARKS.md)")
	fs.BoolVar(&p.Strict, "strict", false, "exit 1 when a target is missed")
	fs.BoolVar(&p.Quiet, "q", false, "no progress lines on stderr")
	cliFlags(fs, &p)
	if err := fs.Parse(args); err != nil {
		return p, err
	}
	bad := func(msg string) (Params, error) {
		fmt.Fprintln(stderr, "cybridge-bench:", msg)
		return p, errors.New(msg)
	}
	if fs.NArg() > 0 {
		return bad("unexpected arguments: " + strings.Join(fs.Args(), " "))
	}
	if p.Users < 1 || p.Runs < 1 || p.NaiveUsers < 0 || p.SCIMUsers < 1 || p.Pool < 1 || p.Pool > 10 || p.Latency < 0 {
		return bad("-users, -scim-users and -runs must be at least 1, -naive-users at least 0, -pool 1..10, -latency not negative")
	}
	if p.NaiveUsers == 0 {
		p.NaiveUsers = p.Users
	}
	for _, part := range strings.Split(*only, ",") {
		part = strings.TrimSpace(part)
		if !slices.Contains(allParts, part) {
			return bad(fmt.Sprintf("-only: unknown part %q (parts: %s)", part, strings.Join(allParts, ",")))
		}
		p.Only = append(p.Only, part)
	}
	return p, nil
}

func (p Params) runs(part string) bool { return slices.Contains(p.Only, part) }

// bench runs the selected parts and collects the report.
func bench(ctx context.Context, p Params, stderr io.Writer) (*Report, error) {
	began := time.Now()
	logf := func(format string, args ...any) {
		if !p.Quiet {
			fmt.Fprintf(stderr, "[%5.1fs] %s\n", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
		}
	}
	// The full directory is generated only for the parts that read it
	// (-only scim generates its own, of -scim-users).
	var full *directory.Snapshot
	if slices.ContainsFunc(p.Only, func(part string) bool { return part != "scim" }) {
		full = fixtures.Generate(fixtures.GenParams{Users: p.Users, Seed: p.Seed})
		p.Orgs = len(full.Organizations)
		p.Groups = len(full.Groups) - 1 // everyone is extra
		p.MembershipsPerUser = float64(memberships(full)) / float64(len(full.Users))
		logf("generated %d users, %d organizations, %d groups", p.Users, p.Orgs, p.Groups)
	}
	rep := &Report{Date: began.UTC().Truncate(time.Second), Machine: machine(), Command: command(), Params: p}

	var sim *cybozutest.Server
	if p.runs("read") || p.runs("memory") || p.runs("cli") {
		sim = cybozutest.NewServer(nil, cybozutest.Options{Snapshot: full, Latency: p.Latency, MaxConcurrent: p.MaxConcurrent})
		defer sim.Close()
	}
	if p.runs("read") {
		fs, err := benchRead(ctx, p, sim, full, logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	if p.runs("naive") {
		fs, err := benchNaive(ctx, p, full, logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	if p.runs("apply") {
		fs, err := benchApply(ctx, p, full, logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	if p.runs("csv") {
		dir, err := os.MkdirTemp("", "cybridge-bench-csv-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		logf("CSV: writing and parsing the Shift_JIS export, %d runs", p.Runs)
		res, err := measureCSV(ctx, full, dir, p.Runs)
		if err != nil {
			return nil, err
		}
		runs := durations(res.Parse)
		f := atMost("csv.parse_s", fmt.Sprintf("CSV: parse %s-user Shift_JIS export", thousands(int64(p.Users))), median(runs), "s", runs, targetCSV, "< 3 s")
		f.Note = fmt.Sprintf("all six export files (%.1f MB, user.csv %.1f MB), encoding and separator auto-detected", float64(res.Bytes)/1e6, float64(res.Users)/1e6)
		rep.add(f)
	}
	if p.runs("memory") {
		logf("memory: read + plan + apply in a child process")
		fs, err := benchMemory(ctx, p, sim.URL(), full, logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	if p.runs("cli") {
		logf("cli: the cybridge binary's peak memory, each command in a fresh wrapper process")
		fs, err := benchCLI(ctx, p, sim.URL(), logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	if p.runs("console") {
		logf("console: the first import's pages served by a child process")
		fs, err := benchConsole(ctx, p, full, logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	if p.runs("scim") {
		logf("scim: pushing %d users to the SCIM test server, %d runs", p.SCIMUsers, p.Runs)
		fs, err := benchSCIM(ctx, p, pushSCIMClient, logf)
		if err != nil {
			return nil, err
		}
		rep.add(fs...)
	}
	rep.WallSeconds = time.Since(began).Seconds()
	return rep, nil
}

func durations(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// benchRead measures the smart read of the full directory.
func benchRead(ctx context.Context, p Params, sim *cybozutest.Server, full *directory.Snapshot, logf func(string, ...any)) ([]Figure, error) {
	min := cybozutest.MinimumRequests(full)
	var reqs, ratios, peaks, walls, bounds, tooMany []float64
	for i := range p.Runs {
		r, err := readSmart(ctx, sim, full, p.Pool)
		if err != nil {
			return nil, err
		}
		bound := time.Duration(r.Requests) * p.Latency / time.Duration(p.Pool)
		logf("read run %d: %d requests (minimum %d), peak %d in flight, %d answered 429, %.2f s (bound %.2f s)",
			i+1, r.Requests, min, r.PeakInFlight, r.TooMany, r.Wall.Seconds(), bound.Seconds())
		reqs = append(reqs, float64(r.Requests))
		ratios = append(ratios, float64(r.Requests)/float64(min))
		peaks = append(peaks, float64(r.PeakInFlight))
		tooMany = append(tooMany, float64(r.TooMany))
		walls = append(walls, r.Wall.Seconds())
		bounds = append(bounds, bound.Seconds())
	}
	wallRatios := make([]float64, len(walls))
	for i := range walls {
		wallRatios[i] = walls[i] / bounds[i]
	}
	n := thousands(int64(p.Users))
	return []Figure{
		info("read.requests", "read "+n+": requests", median(reqs), "requests", reqs),
		info("read.minimum", "read "+n+": minimum requests (SPEC §9)", float64(min), "requests", nil),
		atMost("read.requests_ratio", "read "+n+": requests ÷ minimum", median(ratios), "x", ratios, targetRequestsRatio, "≤ 1.02 ×"),
		atMost("read.peak_in_flight", "read "+n+": peak requests in flight", median(peaks), "count", peaks, float64(min2(p.Pool, p.MaxConcurrent)), fmt.Sprintf("≤ %d (pool)", min2(p.Pool, p.MaxConcurrent))),
		atMost("read.too_many", "read "+n+": 429 answers", median(tooMany), "count", tooMany, 0, "0"),
		info("read.wall_s", "read "+n+": wall time", median(walls), "s", walls),
		info("read.bound_s", fmt.Sprintf("read %s: bound requests × %s ÷ %d", n, p.Latency, p.Pool), median(bounds), "s", bounds),
		atMost("read.wall_ratio", "read "+n+": wall ÷ bound", median(wallRatios), "x", wallRatios, targetWallRatio, "≤ 1.25 ×"),
	}, nil
}

func min2(a, b int) int {
	if b > 0 && b < a {
		return b
	}
	return a
}

// benchNaive compares the naive read with the smart one on a directory
// scaled down to p.NaiveUsers (same shape: organizations = users ÷ 20,
// 200 groups), both in every run.
func benchNaive(ctx context.Context, p Params, full *directory.Snapshot, logf func(string, ...any)) ([]Figure, error) {
	small := full
	if p.NaiveUsers != p.Users {
		small = fixtures.Generate(fixtures.GenParams{Users: p.NaiveUsers, Seed: p.Seed})
	}
	sim := cybozutest.NewServer(nil, cybozutest.Options{Snapshot: small, Latency: p.Latency, MaxConcurrent: p.MaxConcurrent})
	defer sim.Close()
	var sReq, sWall, nReq, nWall, rReq, rWall []float64
	for i := range p.Runs {
		s, err := readSmart(ctx, sim, small, p.Pool)
		if err != nil {
			return nil, err
		}
		nv, err := readNaive(ctx, sim, small, p.Pool)
		if err != nil {
			return nil, err
		}
		logf("naive run %d (%d users): smart %d requests %.2f s, naive %d requests %.2f s (peak %d, %d answered 429)",
			i+1, p.NaiveUsers, s.Requests, s.Wall.Seconds(), nv.Requests, nv.Wall.Seconds(), nv.PeakInFlight, nv.TooMany)
		sReq, sWall = append(sReq, float64(s.Requests)), append(sWall, s.Wall.Seconds())
		nReq, nWall = append(nReq, float64(nv.Requests)), append(nWall, nv.Wall.Seconds())
		rReq, rWall = append(rReq, float64(nv.Requests)/float64(s.Requests)), append(rWall, nv.Wall.Seconds()/s.Wall.Seconds())
	}
	n := thousands(int64(p.NaiveUsers))
	scaled := ""
	if p.NaiveUsers != p.Users {
		scaled = fmt.Sprintf("scaled down from %s users to %s (%d organizations, %d groups) so the naive run takes seconds, not minutes",
			thousands(int64(p.Users)), n, len(small.Organizations), len(small.Groups)-1)
	}
	fullNaive := naiveRequests(full)
	fullBound := time.Duration(fullNaive) * p.Latency / time.Duration(p.Pool)
	figs := []Figure{
		info("naive.smart_requests", "smart read "+n+": requests", median(sReq), "requests", sReq),
		info("naive.requests", "naive read "+n+": requests", median(nReq), "requests", nReq),
		info("naive.requests_ratio", "naive ÷ smart: requests", median(rReq), "x", rReq),
		info("naive.smart_wall_s", "smart read "+n+": wall time", median(sWall), "s", sWall),
		info("naive.wall_s", "naive read "+n+": wall time", median(nWall), "s", nWall),
		info("naive.wall_ratio", "naive ÷ smart: wall time", median(rWall), "x", rWall),
		info("naive.full_requests", "naive read "+thousands(int64(p.Users))+": requests (computed, not run)", float64(fullNaive), "requests", nil),
		info("naive.full_bound_s", "naive read "+thousands(int64(p.Users))+": bound requests × latency ÷ pool (computed)", fullBound.Seconds(), "s", nil),
	}
	figs[0].Note = scaled
	return figs, nil
}

// machine describes this machine.
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OSArc: runtime.GOOS + "/" + runtime.GOARCH, CPU: "unknown"}
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			m.CPU = strings.TrimSpace(v)
			break
		}
	}
	return m
}

// command is how the bench was started, for the record.
func command() string {
	cmd := "go run ./cmd/cybridge-bench"
	if len(os.Args) > 1 {
		cmd += " " + strings.Join(os.Args[1:], " ")
	}
	if os.Getenv("MAKELEVEL") != "" {
		cmd = "make bench (" + cmd + ")"
	}
	return cmd
}
