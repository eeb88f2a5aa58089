package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/provision/web"
)

// The console figures: the console's pages rendered at the benchmark
// directory's size after a first import, through the real HTTP handler
// (provision/web over internal/app and SQLite, as `cybridge serve` builds
// it) with a logged-in session, in a child process whose peak resident
// set size is the serving figure. The parent prepares the database — a
// dry run of the whole directory (the first import's plan, 205,000
// changes at 100,000 users) and its apply — so that neither the generator
// nor the simulator is counted.

// consoleChildFlag, as the first argument, makes the binary the console
// child: it serves -db and prints a consoleResult as JSON.
const consoleChildFlag = "-console-child"

// targetPageMS is the console target: a page renders in under 500 ms
// (p95 of 20 requests) at 100,000 users.
const targetPageMS = 500

// benchAdminPassword is the console child's admin password.
const benchAdminPassword = "bench-console-admin-password-0123"

// benchSecretKey lets the calendar editor encrypt CalDAV passwords, as a
// configured serve does.
const benchSecretKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// consolePage is one page the child requests.
type consolePage struct {
	Name string `json:"name"` // figure key
	Path string `json:"path"`
	// Want is a text the page must hold (the page is what it claims).
	Want string `json:"want"`
}

// consoleResult is what the child reports.
type consoleResult struct {
	Pages   []pageResult `json:"pages"`
	OpenHWM int64        `json:"open_vmhwm_kb"` // after opening, before serving
	VmHWMKB int64        `json:"vmhwm_kb"`
}

// pageResult is one page's timings: the first request (a plan's index
// is built then) and the next ones.
type pageResult struct {
	consolePage
	ColdMS float64   `json:"cold_ms"`
	MS     []float64 `json:"ms"`
	Bytes  int       `json:"bytes"`
}

// consoleDB prepares a database at path as after a first import: the
// dry run of snap, then its plan applied as the console applies it.
// It returns the two runs.
func consoleDB(ctx context.Context, snap *directory.Snapshot, path string) (planRun, applyRun int64, changes int, err error) {
	r, store, err := newRunner(ctx, path)
	if err != nil {
		return 0, 0, 0, err
	}
	res, err := r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, DryRun: true,
		Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }})
	store.Close()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("dry run: %w", err)
	}
	a, store, err := openApp(ctx, path)
	if err != nil {
		return 0, 0, 0, err
	}
	defer store.Close()
	applied, err := a.ApplyPlan(ctx, app.ApplyRequest{Trigger: provision.TriggerConsole, RunID: res.RunID})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("apply the dry run's plan: %w", err)
	}
	if applied.Status != provision.StatusApplied {
		return 0, 0, 0, fmt.Errorf("apply the dry run's plan: status %s", applied.Status)
	}
	return res.RunID, applied.RunID, len(res.Plan.Changes), nil
}

// openApp opens the application over the database at path with the
// bench's configuration.
func openApp(ctx context.Context, path string) (*app.App, *sqlite.Store, error) {
	cfg := benchConfig()
	cfg.DB = path
	cfg.SecretKey = secret.Secret(benchSecretKey)
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(&cfg, store, app.Options{})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return a, store, nil
}

// consolePages are the pages measured: the overview, the roster, the
// calendar, the first import's plan page (the dry run: /plan) and its
// page 50, a filtered page, and the applied run's page and its page 50
// (the last page when a smaller directory's plan has fewer).
func consolePages(applyRun int64, changes int) []consolePage {
	run := "/runs/" + strconv.FormatInt(applyRun, 10)
	n := strconv.Itoa(min(50, max(1, (changes+web.PageSize-1)/web.PageSize)))
	return []consolePage{
		{"overview", "/", `id="health"`},
		{"roster", "/roster", `id="dept-tree"`},
		{"calendar", "/calendar", `id="enrolments"`},
		{"plan", "/plan", `id="plan-filter"`},
		{"plan_page50", "/plan?page=" + n, `aria-current="page">` + n + `<`},
		{"plan_filtered", "/plan?target=safety&kind=member&action=create&q=u001", `id="plan-matched"`},
		{"run", run, `id="plan-filter"`},
		{"run_page50", run + "?page=" + n, `aria-current="page">` + n + `<`},
	}
}

// runConsoleChild serves the database at -db and requests each page
// -requests times after a first (cold) request.
func runConsoleChild(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet(consoleChildFlag, flag.ContinueOnError)
	db := fs.String("db", "", "SQLite database to serve")
	requests := fs.Int("requests", 20, "requests per page after the first")
	limitMB := fs.Int("memory-limit", productMemoryLimitMB, "Go soft memory limit in MB, as cybridge serve sets it; 0 = none")
	pages := fs.String("pages", "", "the pages, as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *limitMB > 0 {
		debug.SetMemoryLimit(int64(*limitMB) << 20)
	}
	var list []consolePage
	if err := json.Unmarshal([]byte(*pages), &list); err != nil {
		return fmt.Errorf("-pages: %w", err)
	}
	a, store, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	sched, err := schedule.New(schedule.Config{Spec: "off", Policy: schedule.DefaultPolicy(3)}, a.Scheduled(), store)
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(secret.Secret(benchAdminPassword))
	if err != nil {
		return err
	}
	srv, err := web.New(web.Options{Backend: app.NewConsole(a, sched), PasswordHash: hash, Location: time.UTC,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "bench"})
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if err := consoleLogin(client, ts.URL); err != nil {
		return err
	}
	var res consoleResult
	if res.OpenHWM, err = vmHWM(); err != nil {
		return err
	}
	for _, pg := range list {
		pr := pageResult{consolePage: pg}
		for i := range *requests + 1 {
			ms, size, err := consoleGet(client, ts.URL+pg.Path, pg.Want)
			if err != nil {
				return fmt.Errorf("%s: %w", pg.Path, err)
			}
			if i == 0 {
				pr.ColdMS, pr.Bytes = ms, size
				continue
			}
			pr.MS = append(pr.MS, ms)
		}
		res.Pages = append(res.Pages, pr)
	}
	if res.VmHWMKB, err = vmHWM(); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// consoleLogin logs client in as a browser does.
func consoleLogin(client *http.Client, base string) error {
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"password": {benchAdminPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		return fmt.Errorf("login: %s", resp.Status)
	}
	return nil
}

// consoleGet requests one page: its time in ms (until the whole body is
// read) and size; the page must be 200 and hold want.
func consoleGet(client *http.Client, u, want string) (float64, int, error) {
	start := time.Now()
	resp, err := client.Get(u)
	if err != nil {
		return 0, 0, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	ms := float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("status %s: %s", resp.Status, b)
	}
	if !bytes.Contains(b, []byte(want)) {
		return 0, 0, fmt.Errorf("the page does not hold %q", want)
	}
	return ms, len(b), nil
}

// p95 is the 95th percentile of xs (nearest rank).
func p95(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := (95*len(s) + 99) / 100
	return s[max(0, rank-1)]
}

// benchConsole prepares the database and runs the console child p.Runs
// times.
func benchConsole(ctx context.Context, p Params, full *directory.Snapshot, logf func(string, ...any)) ([]Figure, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cybridge-bench-console-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "console.db")
	start := time.Now()
	planRun, applyRun, changes, err := consoleDB(ctx, full, db)
	if err != nil {
		return nil, err
	}
	logf("console: first import's dry run (run %d, %d changes) applied by run %d in %.1f s", planRun, changes, applyRun, time.Since(start).Seconds())
	pages := consolePages(applyRun, changes)
	pj, _ := json.Marshal(pages)
	byPage := map[string][]float64{} // p95 per child run
	cold := map[string][]float64{}
	size := map[string]float64{}
	var hwm, openHWM []float64
	for i := range p.Runs {
		cmd := exec.CommandContext(ctx, exe, consoleChildFlag, "-db", db, "-requests", "20", "-pages", string(pj))
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("console child: %w: %s", err, strings.TrimSpace(errb.String()))
		}
		var res consoleResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			return nil, fmt.Errorf("console child: %w: %q", err, out.String())
		}
		for _, pr := range res.Pages {
			byPage[pr.Name] = append(byPage[pr.Name], p95(pr.MS))
			cold[pr.Name] = append(cold[pr.Name], pr.ColdMS)
			size[pr.Name] = float64(pr.Bytes) / 1000
			logf("console run %d: %-14s p95 %6.0f ms (median %4.0f, first %6.0f), %5.0f KB", i+1, pr.Path, p95(pr.MS), median(pr.MS), pr.ColdMS, float64(pr.Bytes)/1000)
		}
		hwm, openHWM = append(hwm, float64(res.VmHWMKB)/1024), append(openHWM, float64(res.OpenHWM)/1024)
		logf("console run %d: serving peak %.0f MB (%.0f MB before the first page)", i+1, float64(res.VmHWMKB)/1024, float64(res.OpenHWM)/1024)
	}
	n := thousands(int64(p.Users))
	var figs []Figure
	for _, pg := range pages {
		runs := byPage[pg.Name]
		f := atMost("console."+pg.Name+"_p95_ms", fmt.Sprintf("console: %s at %s users, p95 of 20", pg.Path, n), median(runs), "ms", runs, targetPageMS, "< 500 ms")
		f.Note = fmt.Sprintf("%.0f KB; the first request took %.0f ms", size[pg.Name], median(cold[pg.Name]))
		figs = append(figs, f)
	}
	peak := atMost("console.serve_peak_mb", "console: peak RSS serving these pages", median(hwm), "MB", hwm, targetMemoryMB, "< 512 MB")
	peak.Note = fmt.Sprintf("VmHWM of a child process serving the database through the real handler (internal/app + provision/web over SQLite) with the %d MB soft heap limit serve sets; %.0f MB before the first page", productMemoryLimitMB, median(openHWM))
	return append(figs, peak), nil
}
