package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
)

// waitJobs waits until no run is going on (runs started from the console
// or the API end in the background).
func (st *stack) waitJobs() {
	st.t.Helper()
	waitUntil(st.t, 20*time.Second, "the runs in progress to end", func() bool {
		var out struct{ Jobs []struct{ ID string } }
		st.mustAPI(200, "GET", "/api/v1/jobs", nil, &out)
		return len(out.Jobs) == 0
	})
}

// jobsClient logs in to the console with a client that does not follow
// redirects, and returns a GET and a POST that answer status, Location and
// body.
func jobsClient(t *testing.T, st *stack) (get func(path string) (int, string, string), post func(path string, form url.Values) (int, string)) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	postForm(t, c, st.url+"/login", url.Values{"password": {serveAdminPassword}})
	get = func(path string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", st.url+path, nil)
		req.Header.Set("Accept-Language", "en")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	post = func(path string, form url.Values) (int, string) {
		t.Helper()
		resp := postForm(t, c, st.url+path, form)
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return get, post
}

var jobPathRE = regexp.MustCompile(`^/jobs/[0-9a-f]{16}$`)

// TestServeSyncNowRunsInBackground: against the simulated domain with
// latency, 「今すぐ同期」 answers 303 at once to the job's page, which
// refreshes itself and names the stage while the run goes on, and sends
// to the run's page once it ended.
func TestServeSyncNowRunsInBackground(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.slow.Store(int64(150 * time.Millisecond))
	get, post := jobsClient(t, st)

	start := time.Now()
	code, loc := post("/runs", url.Values{"mode": {"sync"}})
	answered := time.Since(start)
	if code != http.StatusSeeOther || !jobPathRE.MatchString(loc) {
		t.Fatalf("sync now = %d → %q; want 303 to the job's page", code, loc)
	}
	if answered > time.Second {
		t.Errorf("sync now answered after %s; want at once", answered)
	}
	t.Logf("sync now answered 303 after %s", answered)
	code, _, page := get(loc)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d", loc, code)
	}
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, `data-state="running"`, `id="job-elapsed"`, `id="job-cancel"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the running job's page lacks %q:\n%s", want, page)
		}
	}
	if !regexp.MustCompile(`data-stage="(reading|planning|applying)"`).MatchString(page) {
		t.Errorf("the running job's page names no stage")
	}
	if len(st.runs()) != 0 {
		t.Errorf("a run was recorded already: the request did not return while the run was going on")
	}
	// The overview links to it.
	if _, _, p := get("/"); !strings.Contains(p, `href="`+loc+`"`) {
		t.Errorf("the overview does not link to the running job")
	}
	// Once read, the page shows what was read.
	waitUntil(t, 20*time.Second, "users read", func() bool {
		_, _, p := get(loc)
		return regexp.MustCompile(`[1-9][0-9]* users`).MatchString(p) || !strings.Contains(p, `data-state="running"`)
	})
	var run string
	waitUntil(t, 30*time.Second, "the job to end", func() bool {
		code, to, _ := get(loc)
		run = to
		return code == http.StatusSeeOther
	})
	if run != "/runs/1" {
		t.Fatalf("the ended job sends to %q; want /runs/1", run)
	}
	t.Logf("the run ended %s after it was started", time.Since(start).Round(time.Millisecond))
	if _, _, p := get(run); !strings.Contains(p, `st-applied`) || !strings.Contains(p, `id="flash"`) {
		t.Errorf("the run's page does not show the applied run with its message")
	}
}

// TestServeCancelRun: cancel while the directory is read ends the job
// canceled: recorded failed with code canceled, the roster untouched.
func TestServeCancelRun(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.slow.Store(int64(300 * time.Millisecond))
	get, post := jobsClient(t, st)
	_, loc := post("/runs", url.Values{"mode": {"sync"}})
	if !jobPathRE.MatchString(loc) {
		t.Fatalf("sync now → %q", loc)
	}
	waitUntil(t, 5*time.Second, "the sync to reach the domain", func() bool { return st.sim.Stats().Requests > 0 })
	if code, to := post(loc+"/cancel", nil); code != http.StatusSeeOther || to != loc {
		t.Fatalf("cancel = %d → %q", code, to)
	}
	var run string
	waitUntil(t, 20*time.Second, "the canceled job to end", func() bool {
		code, to, _ := get(loc)
		run = to
		return code == http.StatusSeeOther
	})
	_, _, page := get(run)
	if !strings.Contains(page, "<code>canceled</code>") {
		t.Errorf("the canceled run's page does not say canceled:\n%s", page)
	}
	runs := st.runs()
	if len(runs) != 1 || runs[0].Status != "failed" || runs[0].Error == nil || runs[0].Error.Code != "canceled" {
		t.Errorf("runs = %+v; want one failed with code canceled", runs)
	}
	var roster struct{ Members []struct{ Login string } }
	st.mustAPI(200, "GET", "/api/v1/roster", nil, &roster)
	if len(roster.Members) != 0 {
		t.Errorf("a canceled first import wrote %d members", len(roster.Members))
	}
}

// TestServeAPIRunInBackground: POST /api/v1/runs answers 202 with the job
// and its Location; a second start is 409 run_in_progress naming the
// running job; GET shows the stage and elapsed time, then the run.
func TestServeAPIRunInBackground(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.slow.Store(int64(100 * time.Millisecond))
	type job struct {
		ID       string `json:"id"`
		State    string `json:"state"`
		Progress struct {
			Stage string `json:"stage"`
		} `json:"progress"`
		Elapsed float64 `json:"elapsed_seconds"`
		RunID   int64   `json:"run_id"`
		Run     *apiRun `json:"run"`
	}
	var j job
	st.mustAPI(202, "POST", "/api/v1/runs", map[string]bool{"dry_run": true}, &j)
	if j.ID == "" || j.State != "running" || j.Progress.Stage != "reading" {
		t.Fatalf("started = %+v", j)
	}
	code, body := st.api("POST", "/api/v1/runs", nil, nil)
	if code != http.StatusConflict || !strings.Contains(body, `"run_in_progress"`) || !strings.Contains(body, `"job": "`+j.ID+`"`) ||
		!strings.Contains(body, "+09:00)") {
		t.Errorf("second start = %d %s; want 409 naming the running job and when it started (Asia/Tokyo)", code, body)
	}
	waitUntil(t, 30*time.Second, "the job to end", func() bool {
		st.mustAPI(200, "GET", "/api/v1/jobs/"+j.ID, nil, &j)
		return j.State != "running"
	})
	if j.State != "ended" || j.Run == nil || j.Run.Status != "dry_run" || j.RunID != j.Run.ID || j.Elapsed <= 0 {
		t.Errorf("ended = %+v", j)
	}
}

// TestServeScheduledRunIsAJob: a scheduled run in progress is listed with
// the console's and the API's runs in progress, with its page.
func TestServeScheduledRunIsAJob(t *testing.T) {
	t.Parallel()
	st := startStack(t, func(c *config.Config) { c.Schedule.Cron = "* * * * * *" })
	st.slow.Store(int64(400 * time.Millisecond))
	var id string
	waitUntil(t, 10*time.Second, "a scheduled run in progress", func() bool {
		var out struct {
			Jobs []struct {
				ID      string `json:"id"`
				Trigger string `json:"trigger"`
			}
		}
		st.mustAPI(200, "GET", "/api/v1/jobs", nil, &out)
		for _, j := range out.Jobs {
			if j.Trigger == "schedule" {
				id = j.ID
				return true
			}
		}
		return false
	})
	get, _ := jobsClient(t, st)
	if _, _, p := get("/"); !strings.Contains(p, `href="/jobs/`+id+`"`) {
		t.Errorf("the overview does not link to the scheduled run in progress")
	}
	if code, _, p := get("/jobs/" + id); code == http.StatusOK && !strings.Contains(p, "schedule") {
		t.Errorf("the scheduled run's page does not say it was the schedule's:\n%s", p)
	}
}
