package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// Secrets of the test stack: none may ever appear in a page or API answer.
const (
	serveAdminPassword   = "admin-Pa55word-for-tests"
	serveAPIToken        = "token-0123456789abcdef-serve"
	serveInitialPassword = "initial-Pw-7788"
	serveSecretKey       = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
)

// stack is a running `cybridge serve` against a simulated cybozu.com
// domain, in this process: the real runner, targets and SQLite store.
type stack struct {
	t   *testing.T
	url string
	cfg *config.Config
	srv *server
	sim *cybozutest.Sim
	// fail makes the domain answer 503 to every API request; slow delays
	// every answer.
	fail atomic.Bool
	slow atomic.Int64 // nanoseconds
	// wrongPassword sends the domain a wrong password, as after the
	// account's password was changed in cybozu.com: auth_failed.
	wrongPassword atomic.Bool
	// hostile, when set, answers instead of sim (a cybozutest.Sim with
	// EndlessUsers); hang makes users.json never answer.
	hostile atomic.Pointer[cybozutest.Sim]
	hang    atomic.Bool
	log     *syncBuffer
	stop    func() error
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startStack starts the stack; mod adjusts the configuration first (the
// schedule is off unless mod sets one).
func startStack(t *testing.T, mod func(*config.Config)) *stack {
	t.Helper()
	st := &stack{t: t, log: &syncBuffer{}}
	st.sim = cybozutest.New(cybozutest.Options{Snapshot: fixtures.Company()})
	domain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := time.Duration(st.slow.Load()); d > 0 {
			time.Sleep(d)
		}
		if st.fail.Load() {
			http.Error(w, "<html>maintenance</html>", http.StatusServiceUnavailable)
			return
		}
		if st.wrongPassword.Load() && r.Header.Get("X-Cybozu-Authorization") != "" {
			r.Header.Set("X-Cybozu-Authorization", base64.StdEncoding.EncodeToString([]byte(cybozutest.DefaultLogin+":changed")))
		}
		if st.hang.Load() && r.URL.Path == "/v1/users.json" {
			<-r.Context().Done()
			return
		}
		if h := st.hostile.Load(); h != nil {
			h.ServeHTTP(w, r)
			return
		}
		st.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(domain.Close)

	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "cybridge.db")
	cfg.Cybozu.URL = domain.URL
	cfg.Cybozu.Login = cybozutest.DefaultLogin
	cfg.Cybozu.Password = cybozutest.DefaultPassword
	cfg.AdminPassword = serveAdminPassword
	cfg.Console.APIToken = serveAPIToken
	cfg.Console.Listen = "127.0.0.1:0"
	cfg.Safety.InitialPassword = serveInitialPassword
	cfg.SecretKey = serveSecretKey
	cfg.Schedule.Cron = "off"
	if mod != nil {
		mod(&cfg)
	}
	st.cfg = &cfg
	e := &env{stdout: io.Discard, stderr: st.log, lookup: func(string) (string, bool) { return "", false }}
	e.redactor = secret.NewRedactor(cfg.Secrets()...)
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := startServe(ctx, e, &cfg, true)
	if err != nil {
		cancel()
		t.Fatalf("startServe: %v\n%s", err, st.log)
	}
	st.srv, st.url = srv, "http://"+srv.addr
	var once sync.Once
	var stopErr error
	st.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = srv.shutdown(10 * time.Second)
		})
		return stopErr
	}
	t.Cleanup(func() { st.stop() })
	return st
}

// api calls the JSON API with the token and decodes the answer into out
// (when not nil); it returns the status and the raw body.
func (st *stack) api(method, path string, body any, out any) (int, string) {
	st.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, st.url+path, r)
	if err != nil {
		st.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+serveAPIToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		st.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			st.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, string(b)
}

// mustAPI is api that fails the test unless the status is want.
func (st *stack) mustAPI(want int, method, path string, body any, out any) string {
	st.t.Helper()
	got, b := st.api(method, path, body, out)
	if got != want {
		st.t.Fatalf("%s %s = %d; want %d: %s", method, path, got, want, b)
	}
	return b
}

// info is the scheduler's view.
func (st *stack) info() schedule.Info {
	st.t.Helper()
	in, err := st.srv.sched.Info(context.Background())
	if err != nil {
		st.t.Fatal(err)
	}
	return in
}

type apiRun struct {
	ID      int64  `json:"id"`
	Trigger string `json:"trigger"`
	Status  string `json:"status"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	AppliedBy int64 `json:"applied_by"`
	Repeats   int   `json:"repeats"`
	Plan      *struct {
		Changes []struct {
			Target, Kind, Action, Key string
		} `json:"changes"`
	} `json:"plan"`
}

// runs lists the recorded runs, newest first.
func (st *stack) runs() []apiRun {
	st.t.Helper()
	var out struct{ Runs []apiRun }
	st.mustAPI(200, "GET", "/api/v1/runs?limit=1000", nil, &out)
	return out.Runs
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestServeSchedule runs the schedule every second against the simulated
// domain: runs are recorded with trigger schedule, an overlapping trigger
// is skipped, failures pause the schedule (and the pause survives
// nothing but a resume), and `cybridge resume` lifts it.
func TestServeSchedule(t *testing.T) {
	t.Parallel()
	st := startStack(t, func(c *config.Config) {
		c.Schedule.Cron = "* * * * * *"
		c.Schedule.PauseAfterFailures = 2
	})

	// The first scheduled run imports the company.
	waitUntil(t, 30*time.Second, "a scheduled run recorded", func() bool { return len(st.runs()) > 0 })
	first := st.runs()[0]
	if first.Trigger != "schedule" || first.Status != "applied" {
		t.Fatalf("first run = %+v; want an applied run with trigger schedule", first)
	}
	// Then nothing changes: later triggers record nothing.
	waitUntil(t, 30*time.Second, "a scheduled run with no changes", func() bool {
		in := st.info()
		return in.Last != nil && in.Last.Status == "no_changes"
	})

	// A slow domain makes a run outlast the next trigger: it is skipped.
	skipped := st.info().Skipped
	st.slow.Store(int64(400 * time.Millisecond))
	waitUntil(t, 30*time.Second, "an overlapping trigger skipped", func() bool { return st.info().Skipped > skipped })
	st.slow.Store(0)

	// The domain fails: two failed runs in a row pause the schedule.
	st.fail.Store(true)
	waitUntil(t, 30*time.Second, "the auto-pause", func() bool { return st.info().Pause.Paused })
	in := st.info()
	if in.Pause.Reason != schedule.ReasonConsecutiveFailures {
		t.Errorf("pause reason = %q; want %s", in.Pause.Reason, schedule.ReasonConsecutiveFailures)
	}
	var failed []apiRun
	for _, r := range st.runs() {
		if r.Status == "failed" {
			failed = append(failed, r)
		}
	}
	if len(failed) != 2 || failed[0].Trigger != "schedule" || failed[0].Error == nil {
		t.Fatalf("failed runs = %+v; want 2 scheduled runs with errors", failed)
	}
	if in.Pause.RunID != fmt.Sprint(failed[0].ID) {
		t.Errorf("pause caused by run %s; want %d", in.Pause.RunID, failed[0].ID)
	}
	// Paused: no more runs even once the domain is back.
	st.fail.Store(false)
	n := len(st.runs())
	waitUntil(t, 30*time.Second, "a trigger skipped while paused", func() bool { return st.info().SkippedPause >= 2 })
	if got := len(st.runs()); got != n {
		t.Errorf("runs recorded while paused: %d → %d", n, got)
	}
	var status struct{ Paused bool }
	st.mustAPI(200, "GET", "/api/v1/status", nil, &status)
	if !status.Paused {
		t.Error("the API status does not say paused")
	}

	// `cybridge resume`, as an admin would run it next to the daemon.
	var out bytes.Buffer
	code := Main(context.Background(), []string{"resume"}, []string{"CYBRIDGE_DB=" + st.cfg.DB}, nil, &out, io.Discard)
	if code != 0 || !strings.Contains(out.String(), "resumed") {
		t.Fatalf("cybridge resume = %d: %s", code, out.String())
	}
	waitUntil(t, 30*time.Second, "a scheduled run after resume", func() bool {
		in := st.info()
		return !in.Pause.Paused && in.Last != nil && in.Last.Status == "no_changes"
	})
}

// TestServeShutdownLetsRunFinish: SIGTERM while a console sync is running
// lets it finish and answer.
func TestServeShutdownLetsRunFinish(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.slow.Store(int64(50 * time.Millisecond))
	done := make(chan int, 1)
	go func() {
		code, _ := st.api("POST", "/api/v1/runs", map[string]bool{"wait": true, "dry_run": false}, nil)
		done <- code
	}()
	waitUntil(t, 30*time.Second, "the sync to reach the domain", func() bool { return st.sim.Stats().Requests > 0 })
	if err := st.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case code := <-done:
		if code != http.StatusCreated {
			t.Errorf("the sync running at shutdown answered %d; want 201", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the sync never answered")
	}
	if _, err := http.Get(st.url + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
}

// TestServeShutdownRecordsCanceledRun: a console or API sync still going
// when the grace period ends is canceled, and recorded as such in run
// history before the database closes (it went unrecorded: "database is
// closed").
func TestServeShutdownRecordsCanceledRun(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.slow.Store(int64(200 * time.Millisecond))
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest("POST", st.url+"/api/v1/runs", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+serveAPIToken)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitUntil(t, 30*time.Second, "the sync to reach the domain", func() bool { return st.sim.Stats().Requests > 0 })
	st.srv.shutdown(50 * time.Millisecond)
	st.stop = func() error { return nil } // shut down already
	<-done
	store, err := sqlite.Open(context.Background(), st.cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.ListRuns(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Status != provision.StatusFailed || runs[0].Error == nil || runs[0].Error.Code != "canceled" {
		t.Fatalf("runs after shutdown = %+v; want the canceled sync recorded as failed (canceled)\n%s", runs, st.log)
	}
}

// TestServeScheduleBlockedPauses: a scheduled run that a safeguard blocks
// pauses the schedule at once, with reason blocked.
func TestServeScheduleBlockedPauses(t *testing.T) {
	t.Parallel()
	st := startStack(t, func(c *config.Config) { c.Safeguards.MaxDeletes = 0 })
	var run apiRun
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, &run) // import the company by hand
	st.sim.SetSnapshot(fixtures.Leave(fixtures.Company(), "a.okada"))

	// Now a schedule: its first run would delete a member.
	st.srv.sched.Stop(context.Background())
	sched, err := schedule.New(schedule.Config{Spec: "* * * * * *", Location: time.UTC, Policy: schedule.DefaultPolicy(12)},
		st.srv.app.Scheduled(), st.srv.store)
	if err != nil {
		t.Fatal(err)
	}
	sched.Start(context.Background())
	t.Cleanup(func() { sched.Stop(context.Background()) })
	waitUntil(t, 30*time.Second, "the pause", func() bool {
		in, _ := sched.Info(context.Background())
		return in.Pause.Paused
	})
	in, _ := sched.Info(context.Background())
	runs := st.runs()
	if in.Pause.Reason != schedule.ReasonBlocked || runs[0].Status != "blocked" || runs[0].Trigger != "schedule" ||
		in.Pause.RunID != fmt.Sprint(runs[0].ID) {
		t.Errorf("pause %+v after run %+v; want reason blocked, caused by the blocked scheduled run", in.Pause, runs[0])
	}
}

// TestServeRecordsPanicAsFailedRun: the scheduler's record of a recovered
// panic is a failed scheduled run in history.
func TestServeRecordsPanicAsFailedRun(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	id, err := st.srv.app.Scheduled().RecordFailure(context.Background(), "internal", "internal error (panic: boom)")
	if err != nil {
		t.Fatal(err)
	}
	var run apiRun
	st.mustAPI(200, "GET", "/api/v1/runs/"+id, nil, &run)
	if run.Trigger != "schedule" || run.Status != "failed" || run.Error == nil || run.Error.Code != "internal" {
		t.Errorf("recorded panic = %+v", run)
	}
}

// A cybozu.com that never ends the read — a users.json that hangs, or
// that pages the same full page forever — fails each scheduled run within
// the run timeout (run_timeout, or unexpected_response from the paging
// guard), and two such runs pause the schedule (F5): nothing is skipped
// forever.
func TestServeEndlessReadFailsAndPauses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, code string
		hostile    func(st *stack)
	}{
		{"hanging reply", provision.CodeRunTimeout, func(st *stack) { st.hang.Store(true) }},
		{"same page forever", "unexpected_response", func(st *stack) {
			st.hostile.Store(cybozutest.New(cybozutest.Options{Snapshot: fixtures.Company(), EndlessUsers: cybozutest.EndlessRepeat}))
		}},
		{"new users forever", provision.CodeRunTimeout, func(st *stack) {
			st.hostile.Store(cybozutest.New(cybozutest.Options{Snapshot: fixtures.Company(), EndlessUsers: cybozutest.EndlessFresh}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const timeout = 2 * time.Second
			st := startStack(t, func(c *config.Config) { c.Schedule.RunTimeout = config.Duration{Duration: timeout} })
			tc.hostile(st)
			st.srv.sched.Stop(context.Background())
			sched, err := schedule.New(schedule.Config{Spec: "* * * * * *", Location: time.UTC, Policy: schedule.DefaultPolicy(2)},
				st.srv.app.Scheduled(), st.srv.store)
			if err != nil {
				t.Fatal(err)
			}
			sched.Start(context.Background())
			t.Cleanup(func() { sched.Stop(context.Background()) })
			waitUntil(t, 20*time.Second, "the pause", func() bool {
				in, _ := sched.Info(context.Background())
				return in.Pause.Paused
			})
			runs := st.runs()
			if len(runs) < 2 {
				t.Fatalf("runs: %+v", runs)
			}
			for _, r := range runs[:2] {
				if r.Trigger != "schedule" || r.Status != "failed" || r.Error == nil || r.Error.Code != tc.code {
					t.Errorf("run %+v; want a failed scheduled run, %s", r, tc.code)
				}
			}
		})
	}
}
