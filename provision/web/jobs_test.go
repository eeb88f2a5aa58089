package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
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

// untranslated finds a catalogue key shown as itself (a missing text).
var untranslated = regexp.MustCompile(`[>\s]((?:job|notifications|nav|trigger|runs)\.[a-z_.]+)[<\s]`)

// TestJobAndNotificationPagesInBothLanguages: the running job's page and
// the notifications page (every state) have every text in Japanese and
// English; the list pages on with before.
func TestJobAndNotificationPagesInBothLanguages(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	for i, st := range []string{NotificationSent, NotificationRetrying, NotificationFailed, NotificationPending} {
		e.backend.deliveries = append(e.backend.deliveries, Notification{ID: int64(i + 1), Channel: "notify.email[0]", Where: "SMTP 127.0.0.1:25",
			Kind: []string{"failed", "recovered", "token_expiring", "paused"}[i], Status: st, Attempts: i, LastError: "answered 500",
			NextAt: at.Add(time.Minute), CreatedAt: at, UpdatedAt: at})
	}
	e.backend.hold = make(chan struct{})
	defer close(e.backend.hold)
	e.post("/runs", url.Values{"mode": {"sync"}})
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"ja", []string{"送信済み", "再送待ち", "送信失敗", "送信待ち", "API トークンの有効期限", "次の再送", "ユーザー情報の読み込み", "経過時間", "中止する"}},
		{"en", []string{"delivered", "retrying", "failed", "pending", "API token expiring", "Next attempt", "Reading the directory", "Elapsed", "Cancel"}},
	} {
		_, _, notes := e.get("/notifications", "Accept-Language", tc.lang)
		_, _, job := e.get("/jobs/job1", "Accept-Language", tc.lang)
		for _, want := range tc.want {
			if !strings.Contains(notes+job, want) {
				t.Errorf("%s: the pages lack %q", tc.lang, want)
			}
		}
		for name, body := range map[string]string{"notifications": notes, "job": job} {
			if m := untranslated.FindStringSubmatch(body); m != nil {
				t.Errorf("%s (%s): untranslated key %s", name, tc.lang, m[1])
			}
		}
	}
	st, body := e.api("GET", "/api/v1/notifications?limit=3", nil)
	if st != 200 || !strings.Contains(body, `"next_before": 2`) || strings.Contains(body, `"id": 1,`) {
		t.Errorf("first page = %d %s", st, body)
	}
	if _, body = e.api("GET", "/api/v1/notifications?before=2", nil); !strings.Contains(body, `"id": 1,`) || strings.Contains(body, "next_before") {
		t.Errorf("last page = %s", body)
	}
	if st, _ := e.api("GET", "/api/v1/notifications?limit=501", nil); st != http.StatusBadRequest {
		t.Errorf("limit=501 = %d", st)
	}
}

// TestCancelNeedsSessionAndSameSite: cancel is refused cross-site, and
// without a session (the console) or the token (the API).
func TestCancelNeedsSessionAndSameSite(t *testing.T) {
	e := newTestEnv(t)
	e.backend.hold = make(chan struct{})
	defer close(e.backend.hold)
	if st, _ := e.api("POST", "/api/v1/runs", nil); st != http.StatusAccepted {
		t.Fatalf("start = %d", st)
	}
	if st, _, _ := e.do("POST", "/api/v1/jobs/job1/cancel", nil, nil); st != http.StatusUnauthorized {
		t.Errorf("API cancel without the token = %d; want 401", st)
	}
	if st, h, _ := e.do("POST", "/jobs/job1/cancel", nil, nil); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Errorf("console cancel without a session = %d → %q; want the login page", st, h.Get("Location"))
	}
	e.login()
	st, _, _ := e.do("POST", "/jobs/job1/cancel", strings.NewReader(""), map[string]string{
		"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"})
	if st != http.StatusForbidden {
		t.Errorf("cross-site cancel = %d; want 403", st)
	}
	for _, c := range e.backend.calls {
		if strings.HasPrefix(c, "cancel") {
			t.Errorf("the job was canceled by a refused request: %q", e.backend.calls)
		}
	}
}
