package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestConsoleJobPage: 「今すぐ同期」 answers at once with the job's page,
// which refreshes itself and shows the stage while the run goes on; a
// second start goes to the running one; cancel is a POST; once ended the
// page shows how.
func TestConsoleJobPage(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.backend.hold = make(chan struct{})
	st, h, _ := e.post("/runs", url.Values{"mode": {"sync"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/jobs/job1" {
		t.Fatalf("sync = %d → %q", st, h.Get("Location"))
	}
	st, _, page := e.get("/jobs/job1", "Accept-Language", "en")
	if st != http.StatusOK {
		t.Fatalf("running job = %d", st)
	}
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, `data-stage="reading"`, `aria-current="step" class="current" data-stage="reading"`,
		"41 users", `action="/jobs/job1/cancel"`, `id="job-elapsed"`} {
		if !strings.Contains(page, want) {
			t.Errorf("running job page lacks %q:\n%s", want, page)
		}
	}
	// The overview links to it.
	if _, _, p := e.get("/"); !strings.Contains(p, `href="/jobs/job1"`) {
		t.Errorf("the overview does not link to the running job")
	}
	// A second start shows the running one.
	if st, h, _ := e.post("/runs", url.Values{"mode": {"dry_run"}}); st != http.StatusSeeOther || h.Get("Location") != "/jobs/job1" {
		t.Errorf("second start = %d → %q; want the running job", st, h.Get("Location"))
	}
	if _, _, p := e.get("/jobs/job1"); !strings.Contains(p, "run_in_progress") {
		t.Errorf("the running job's page does not say why the second start went there")
	}
	if st, h, _ := e.post("/jobs/job1/cancel", nil); st != http.StatusSeeOther || h.Get("Location") != "/jobs/job1" {
		t.Errorf("cancel = %d → %q", st, h.Get("Location"))
	}
	_, _, page = e.get("/jobs/job1", "Accept-Language", "en")
	if !strings.Contains(page, `data-state="canceling"`) || strings.Contains(page, `id="job-cancel"`) {
		t.Errorf("a canceling job still offers cancel, or does not say it is canceling")
	}
	close(e.backend.hold)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, _, page = e.get("/jobs/job1", "Accept-Language", "en")
		if strings.Contains(page, `data-state="canceled"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(page, `data-state="canceled"`) || strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, "<code>canceled</code>") {
		t.Errorf("canceled job page:\n%s", page)
	}
	if diff := cmp.Diff([]string{"cancel job1"}, e.backend.calls); diff != "" {
		t.Errorf("backend calls (-want +got):\n%s", diff)
	}
}

// TestAPIJob: POST /api/v1/runs answers 202 with the job and its
// Location at once; a second start is 409 run_in_progress naming the
// running job; GET shows the state, then the run.
func TestAPIJob(t *testing.T) {
	e := newTestEnv(t)
	e.backend.hold = make(chan struct{})
	st, h, body := e.do("POST", "/api/v1/runs", strings.NewReader(`{"dry_run":true}`), map[string]string{
		"Authorization": "Bearer " + testToken, "Content-Type": "application/json"})
	if st != http.StatusAccepted || h.Get("Location") != "/api/v1/jobs/job1" {
		t.Fatalf("start = %d %q %s", st, h.Get("Location"), body)
	}
	decode := func(body string, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
	}
	var job jobJSON
	decode(body, &job)
	if job.State != JobRunning || job.Progress.Stage != "reading" || !job.DryRun {
		t.Errorf("started job = %s", body)
	}
	st, body = e.api("POST", "/api/v1/runs", nil)
	if st != http.StatusConflict || !strings.Contains(body, `"run_in_progress"`) {
		t.Errorf("second start = %d %s", st, body)
	}
	st, body = e.api("GET", "/api/v1/jobs", nil)
	if st != 200 || !strings.Contains(body, `"id": "job1"`) {
		t.Errorf("running jobs = %d %s", st, body)
	}
	close(e.backend.hold)
	deadline := time.Now().Add(5 * time.Second)
	for job.State == JobRunning && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		_, body = e.api("GET", "/api/v1/jobs/job1", nil)
		decode(body, &job)
	}
	if job.State != JobEnded || job.Run == nil || job.Run.Status != "dry_run" || job.RunID != job.Run.ID {
		t.Errorf("ended job = %s", body)
	}
	if st, body = e.api("GET", "/api/v1/jobs/nope", nil); st != http.StatusNotFound {
		t.Errorf("unknown job = %d %s", st, body)
	}
}
