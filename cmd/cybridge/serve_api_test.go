package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/cybridge/cybridge/internal/msg"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
)

// uploadFixture posts the fixture CSV export folder dir to path as a
// multipart upload with the given fields, with the bearer token when api;
// only, when given, names the files of dir to upload.
func uploadFixture(t *testing.T, dir string, fields map[string]string, only ...string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fsys := fixtures.CSVExports()
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if len(only) > 0 && !slices.Contains(only, e.Name()) {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := mw.CreateFormFile("files", e.Name())
		fw.Write(b)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (st *stack) upload(dir string, fields map[string]string, only ...string) (int, string) {
	st.t.Helper()
	body, ctype := uploadFixture(st.t, dir, fields, only...)
	req, _ := http.NewRequest("POST", st.url+"/api/v1/csv", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+serveAPIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		st.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeAPI drives every API action through real HTTP against the real
// stack.
func TestServeAPI(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	var bodies []string
	keep := func(b string) string { bodies = append(bodies, b); return b }

	keep(st.mustAPI(404, "GET", "/api/v1/plan", nil, nil))

	var dry apiRun
	keep(st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true, "dry_run": true}, &dry))
	if dry.Trigger != "api" || dry.Status != "dry_run" || dry.Plan == nil || len(dry.Plan.Changes) == 0 {
		t.Fatalf("dry run = %+v", dry)
	}
	var latest apiRun
	keep(st.mustAPI(200, "GET", "/api/v1/plan", nil, &latest))
	if latest.ID != dry.ID {
		t.Errorf("latest plan is run %d; want %d", latest.ID, dry.ID)
	}
	var applied apiRun
	keep(st.mustAPI(201, "POST", "/api/v1/plan/apply", map[string]int64{"run_id": dry.ID}, &applied))
	if applied.Status != "applied" || applied.Trigger != "api" {
		t.Errorf("apply = %+v", applied)
	}
	b := keep(st.mustAPI(409, "POST", "/api/v1/plan/apply", map[string]int64{"run_id": dry.ID}, nil))
	if !strings.Contains(b, `"stale_plan"`) {
		t.Errorf("second apply of one plan = %s", b)
	}
	keep(st.mustAPI(200, "GET", fmt.Sprint("/api/v1/runs/", dry.ID), nil, &latest))
	if latest.AppliedBy != applied.ID {
		t.Errorf("run %d applied_by = %d; want %d", dry.ID, latest.AppliedBy, applied.ID)
	}
	// A sync with nothing to do is recorded (SPEC §7); the next one of the
	// same trigger folds into its row.
	var again, third apiRun
	keep(st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, &again))
	if again.Status != "no_changes" || again.ID == 0 || again.Repeats != 1 {
		t.Errorf("a sync with nothing to do = %+v", again)
	}
	keep(st.mustAPI(200, "POST", "/api/v1/runs", map[string]bool{"wait": true}, &third))
	if third.ID != again.ID || third.Repeats != 2 {
		t.Errorf("a second sync with nothing to do = %+v; want run %d folded, twice", third, again.ID)
	}
	if runs := st.runs(); len(runs) != 3 || runs[0].ID != again.ID || runs[1].ID != applied.ID {
		t.Errorf("runs = %+v; want the no-change row, the apply, then the dry run", runs)
	}
	keep(st.mustAPI(404, "GET", "/api/v1/runs/999", nil, nil))

	// Roster: the company imported.
	var roster struct {
		Departments []struct{ Code, Origin string }
		Members     []struct{ Login string }
	}
	keep(st.mustAPI(200, "GET", "/api/v1/roster", nil, &roster))
	if len(roster.Departments) == 0 || len(roster.Members) == 0 || roster.Departments[0].Origin != "directory" {
		t.Fatalf("roster = %+v", roster)
	}

	// Enrolments.
	var list struct {
		Enrolments []struct{ Login, State, Target string }
	}
	keep(st.mustAPI(200, "GET", "/api/v1/enrolments?state=syncing", nil, &list))
	if len(list.Enrolments) == 0 {
		t.Fatal("no syncing enrolments after the import")
	}
	login := list.Enrolments[0].Login
	path := "/api/v1/enrolments/" + login
	var d struct {
		Enrolment struct {
			Login     string
			Permitted bool
			Pinned    bool
			State     string
			Target    string
			CalDAVURL string `json:"caldav_url"`
			HasSecret bool   `json:"caldav_password_set"`
		}
		History []struct{ Actor, Action string }
	}
	keep(st.mustAPI(200, "GET", path, nil, &d))
	for _, step := range []struct {
		action            string
		permitted, pinned bool
	}{{"revoke", false, true}, {"permit", true, true}, {"unpin", true, false}} {
		keep(st.mustAPI(200, "POST", path+"/"+step.action, nil, &d))
		if d.Enrolment.Permitted != step.permitted || d.Enrolment.Pinned != step.pinned {
			t.Errorf("after %s: permitted %v, pinned %v", step.action, d.Enrolment.Permitted, d.Enrolment.Pinned)
		}
	}
	keep(st.mustAPI(200, "PUT", path+"/target", map[string]string{"target": "google", "calendar_id": "team@group.calendar.google.com"}, nil))
	const davPassword = "dav-Secret-never-shown"
	// Nothing listens on 127.0.0.1:1: the check below is refused at once.
	keep(st.mustAPI(200, "PUT", path+"/target", map[string]string{"target": "caldav", "url": "http://127.0.0.1:1/cal/" + login + "/", "auth_id": login, "password": davPassword}, &d))
	if d.Enrolment.Target != "caldav" || !d.Enrolment.HasSecret {
		t.Errorf("after set caldav: %+v", d)
	}
	keep(st.mustAPI(400, "PUT", path+"/target", map[string]string{"target": "caldav", "url": "ftp://x"}, nil))
	var ev struct{ State, AutoStopReason string }
	keep(st.mustAPI(200, "POST", path+"/errors", map[string]string{"kind": "forbidden"}, &ev))
	if ev.State != "stopped" {
		t.Errorf("after a Forbidden error the enrolment is %q; want stopped", ev.State)
	}
	keep(st.mustAPI(200, "GET", path, nil, &d))
	if n := len(d.History); n == 0 || d.History[n-1].Actor != "sync" && d.History[0].Actor != "sync" {
		t.Errorf("record-error not in the history as the sync engine: %+v", d.History)
	}
	keep(st.mustAPI(404, "GET", "/api/v1/enrolments/nobody-here", nil, nil))
	code, cb := st.api("POST", path+"/check", nil, nil)
	keep(cb)
	if code != 200 || !strings.Contains(cb, `"outcome": "connection_refused"`) {
		t.Errorf("check = %d %s", code, cb)
	}

	// Pause and resume.
	keep(st.mustAPI(200, "POST", "/api/v1/pause", map[string]string{"message": "maintenance window"}, nil))
	var status struct {
		Paused   bool
		Schedule struct {
			Pause struct{ Reason, Message string }
		}
	}
	keep(st.mustAPI(200, "GET", "/api/v1/status", nil, &status))
	if !status.Paused || status.Schedule.Pause.Message != "maintenance window" {
		t.Errorf("status = %+v", status)
	}
	var resumed struct{ Resumed bool }
	keep(st.mustAPI(200, "POST", "/api/v1/resume", nil, &resumed))
	if !resumed.Resumed {
		t.Error("resume did not report a pause lifted")
	}

	// /metrics and /healthz need no token.
	resp, err := http.Get(st.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`cybridge_runs{status="applied"} 1`, `cybridge_runs{status="dry_run"} 1`, "cybridge_paused 0", "cybridge_source_read_duration_seconds "} {
		if !strings.Contains(string(mb), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, mb)
		}
	}
	keep(string(mb))

	for _, b := range bodies {
		for _, s := range []string{serveAdminPassword, serveAPIToken, serveInitialPassword, serveSecretKey, davPassword, cybozutest.DefaultPassword} {
			if strings.Contains(b, s) {
				t.Errorf("an API answer shows a secret (%.4s…): %.200s", s, b)
			}
		}
	}
}

// TestServeCSVUploadAPI uploads the Shift_JIS export fixture, previews and
// applies it, and shows line errors for a broken export.
func TestServeCSVUploadAPI(t *testing.T) {
	t.Parallel()
	st := startStack(t, func(c *config.Config) { c.Source.Kind = "csv" })
	code, body := st.upload("export-sjis", map[string]string{"encoding": "shift_jis"})
	if code != 200 || !strings.Contains(body, `"trigger": "csv_upload"`) || !strings.Contains(body, `"kind": "user"`) || strings.Contains(body, `"applied"`) {
		t.Fatalf("preview = %d %.600s", code, body)
	}
	if !strings.Contains(body, "岡田 愛") {
		t.Errorf("the preview rows are not decoded from Shift_JIS: %.600s", body)
	}
	code, body = st.upload("export-sjis", map[string]string{"apply": "true"})
	if code != 200 || !strings.Contains(body, `"applied": {`) {
		t.Fatalf("upload and apply = %d %.600s", code, body)
	}
	runs := st.runs()
	if runs[0].Trigger != "csv_upload" || runs[0].Status != "applied" {
		t.Errorf("newest run = %+v; want an applied csv_upload", runs[0])
	}
	code, body = st.upload("broken-short-row", nil)
	if code != 400 || !strings.Contains(body, `"line_errors"`) || !strings.Contains(body, `"line": `) {
		t.Errorf("broken upload = %d %.600s", code, body)
	}
	// The users export alone would read every department as gone.
	code, body = st.upload("export-sjis", map[string]string{"apply": "true", "allow_deletes": "true"}, "user.csv")
	if code != 400 || !strings.Contains(body, "organization.csv and userOrganizations.csv are needed to plan departments") {
		t.Errorf("users-only upload = %d %.600s", code, body)
	}
	if runs := st.runs(); runs[0].Status != "applied" || runs[0].Trigger != "csv_upload" {
		t.Errorf("newest run after the users-only upload = %+v; want the earlier applied upload", runs[0])
	}
}

// postForm posts form to the console at u as a same-origin browser would;
// the response's body is closed.
func postForm(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestServeConsoleShowsNoSecret logs in to the real console, sets a CalDAV
// password, and reads every page in both languages looking for a secret.
func TestServeConsoleShowsNoSecret(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	post := func(path string, form url.Values) {
		t.Helper()
		postForm(t, c, st.url+path, form)
	}
	post("/login", url.Values{"password": {serveAdminPassword}})
	post("/runs", url.Values{"mode": {"sync"}})
	st.waitJobs()
	const davPassword = "dav-Console-secret-42"
	post("/calendar/a.okada/target", url.Values{"target": {"caldav"}, "url": {"http://127.0.0.1:1/a.okada/"}, "auth_id": {"a.okada"}, "password": {davPassword}})
	post("/calendar/a.okada/check", nil)
	secrets := []string{serveAdminPassword, serveAPIToken, serveInitialPassword, serveSecretKey, davPassword, cybozutest.DefaultPassword}
	pages := []string{"/", "/plan", "/runs", "/runs/1", "/runs/1/plan.json", "/upload", "/roster", "/calendar", "/calendar/a.okada", "/metrics", "/healthz", "/login", "/notifications"}
	for _, lang := range []string{"ja", "en"} {
		for _, p := range pages {
			req, _ := http.NewRequest("GET", st.url+p, nil)
			req.Header.Set("Accept-Language", lang)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET %s = %d", p, resp.StatusCode)
			}
			for _, s := range secrets {
				if strings.Contains(string(b), s) {
					t.Errorf("GET %s (%s) shows a secret (%.4s…)", p, lang, s)
				}
			}
		}
	}
	if strings.Contains(st.log.String(), davPassword) || strings.Contains(st.log.String(), serveAdminPassword) {
		t.Error("the server log shows a secret")
	}
}

// TestServeConsoleRoster adds and edits roster-only entries through the
// console's forms against the real roster.
func TestServeConsoleRoster(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil) // import the company
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) string {
		t.Helper()
		resp := postForm(t, c, st.url+path, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s = %d", path, resp.StatusCode)
		}
		// The next page shows the outcome.
		resp, err := c.Get(st.url + resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(b)
	}
	post("/login", url.Values{"password": {serveAdminPassword}})
	if page := post("/roster/departments", url.Values{"code": {"drill"}, "name": {"防災訓練班"}, "parent": {""}}); !strings.Contains(page, `class="flash ok"`) {
		t.Fatalf("add department: %s", page)
	}
	post("/roster/members", url.Values{"login": {"guard1"}, "name": {"警備 一郎"}, "email": {"guard1@example.com"}, "departments": {"drill"}})
	// An imported member into a roster-only department (and, by mistake,
	// out of the imported one).
	post("/roster/members/a.okada", url.Values{"name": {"岡田 愛"}, "email": {"a.okada@example.co.jp"}, "departments": {"drill"}})
	post("/roster/departments/drill", url.Values{"name": {"防災班"}, "parent": {""}})
	if page := post("/roster/departments", url.Values{"code": {"drill"}, "name": {"again"}}); !strings.Contains(page, "<code>already_exists</code>") {
		t.Errorf("a duplicate department is not refused with already_exists")
	}
	var roster struct {
		Departments []struct{ Code, Name, Origin string }
		Members     []struct {
			Login       string
			Departments []string
			Origin      string
		}
	}
	st.mustAPI(200, "GET", "/api/v1/roster", nil, &roster)
	got := map[string]string{}
	for _, d := range roster.Departments {
		got["dept "+d.Code] = d.Name + " " + d.Origin
	}
	for _, m := range roster.Members {
		got["member "+m.Login] = strings.Join(m.Departments, ",") + " " + m.Origin
	}
	for k, want := range map[string]string{
		"dept drill":     "防災班 local",
		"member guard1":  "drill local",
		"member a.okada": "drill directory",
		"dept sales":     "営業本部 directory",
	} {
		if got[k] != want {
			t.Errorf("%s = %q; want %q", k, got[k], want)
		}
	}
	// The next run sets the imported membership again and keeps the
	// roster-only one (SPEC §5 rule 11).
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil)
	st.mustAPI(200, "GET", "/api/v1/roster", nil, &roster)
	for _, m := range roster.Members {
		if m.Login == "a.okada" && strings.Join(m.Departments, ",") != "R&D/1,drill" {
			t.Errorf("after a run a.okada is in %v; want R&D/1 and drill", m.Departments)
		}
	}
}

// TestServeAPIRosterEdits: roster-only departments and members through
// the API, on the real roster; an imported member joins one.
func TestServeAPIRosterEdits(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil)
	st.mustAPI(201, "POST", "/api/v1/roster/departments", map[string]string{"code": "bcp", "name": "BCP team", "parent": "admin"}, nil)
	st.mustAPI(409, "POST", "/api/v1/roster/departments", map[string]string{"code": "bcp", "name": "again"}, nil)
	st.mustAPI(400, "POST", "/api/v1/roster/departments", map[string]string{"code": "", "name": "no code"}, nil)
	var d struct{ Code, Name, Parent, Origin string }
	st.mustAPI(200, "PATCH", "/api/v1/roster/departments/bcp", map[string]string{"parent": ""}, &d)
	if d != (struct{ Code, Name, Parent, Origin string }{"bcp", "BCP team", "", "local"}) {
		t.Errorf("edited department = %+v", d)
	}
	st.mustAPI(404, "PATCH", "/api/v1/roster/departments/nope", map[string]string{"name": "x"}, nil)
	st.mustAPI(201, "POST", "/api/v1/roster/members", map[string]any{"login": "guard", "name": "警備 員", "departments": []string{"bcp"}}, nil)
	var m struct {
		Login, Origin string
		Departments   []string
	}
	yamada := func() []string {
		var roster struct {
			Members []struct {
				Login       string
				Departments []string
			}
		}
		st.mustAPI(200, "GET", "/api/v1/roster", nil, &roster)
		for _, mm := range roster.Members {
			if mm.Login == "t.yamada" {
				return mm.Departments
			}
		}
		t.Fatal("t.yamada is not in the roster")
		return nil
	}
	imported := yamada()
	st.mustAPI(200, "PATCH", "/api/v1/roster/members/t.yamada", map[string]any{"departments": append(slices.Clone(imported), "bcp")}, &m)
	if m.Origin != "directory" || !slices.Contains(m.Departments, "bcp") || len(m.Departments) != len(imported)+1 {
		t.Errorf("imported member after the edit = %+v", m)
	}
	st.mustAPI(404, "PATCH", "/api/v1/roster/members/nobody", map[string]string{"name": "x"}, nil)
	// The next run has nothing to do and keeps the roster-only membership.
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil)
	if got := yamada(); !slices.Contains(got, "bcp") {
		t.Errorf("the run dropped t.yamada's roster-only department: %v", got)
	}
}

// TestServePlanDownloadAppliesWithCLI: the plan the console offers for
// download (and the API's run plan) is the plan as `cybridge plan -out`
// writes it: `cybridge apply -plan FILE` applies exactly it and marks the
// console's run applied (the console no longer offers it), and refuses it
// with stale_plan once applied.
func TestServePlanDownloadAppliesWithCLI(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	var dry apiRun
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true, "dry_run": true}, &dry)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	postForm(t, c, st.url+"/login", url.Values{"password": {serveAdminPassword}})
	resp, err := c.Get(fmt.Sprint(st.url, "/runs/", dry.ID, "/plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	download, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("download = %d %.300s", resp.StatusCode, download)
	}
	env := map[string]string{
		"CYBRIDGE_DB":                      st.cfg.DB,
		"CYBRIDGE_CYBOZU_URL":              st.cfg.Cybozu.URL,
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": serveInitialPassword,
		"CYBRIDGE_SECRET_KEY":              serveSecretKey,
	}
	apply := func(plan []byte) cliResult {
		t.Helper()
		f := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(f, plan, 0o600); err != nil {
			t.Fatal(err)
		}
		return runCLI(t, env, "apply", "-plan", f, "-format", "json")
	}
	r := apply(download)
	if r.code != msg.ExitOK || !strings.Contains(r.stdout, `"status": "applied"`) {
		t.Fatalf("apply -plan of the console's download: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	runs := st.runs()
	if runs[0].Trigger != "cli" || runs[0].Status != "applied" {
		t.Errorf("newest run = %+v; want the CLI's apply", runs[0])
	}
	var planRun apiRun
	st.mustAPI(200, "GET", fmt.Sprint("/api/v1/runs/", dry.ID), nil, &planRun)
	if planRun.AppliedBy != runs[0].ID {
		t.Errorf("the console's run %d shows applied_by %d; want the CLI's apply, run %d", dry.ID, planRun.AppliedBy, runs[0].ID)
	}
	st.mustAPI(409, "POST", "/api/v1/plan/apply", map[string]int64{"run_id": dry.ID}, nil)
	// It applied the whole plan: planning again finds nothing to do.
	var after apiRun
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true, "dry_run": true}, &after)
	if after.Status != "no_changes" {
		t.Errorf("a dry run after the apply = %+v; want no_changes", after)
	}
	runs = st.runs() // with that no-change run

	// The same plan, downloaded again through the API, after the state
	// moved on (the first apply): refused, nothing applied.
	var again struct {
		Plan json.RawMessage `json:"plan"`
	}
	st.mustAPI(200, "GET", fmt.Sprint("/api/v1/runs/", dry.ID), nil, &again)
	r = apply(again.Plan)
	if r.code != msg.ExitError || !strings.Contains(r.stdout, `"code": "stale_plan"`) {
		t.Errorf("apply -plan of a stale plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := len(st.runs()); n != len(runs) {
		t.Errorf("%d runs after the stale apply; want %d", n, len(runs))
	}
}
