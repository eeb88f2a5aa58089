package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/safety"
)

// TestAPI runs every API action through real HTTP.
func TestAPI(t *testing.T) {
	e := newTestEnv(t)
	decode := func(body string, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
	}
	expect := func(what string, st, want int, body string) {
		t.Helper()
		if st != want {
			t.Fatalf("%s = %d; want %d: %s", what, st, want, body)
		}
	}

	st, body := e.api("GET", "/api/v1/plan", nil)
	expect("plan before any run", st, http.StatusNotFound, body)
	var apiErr struct{ Error problem }
	decode(body, &apiErr)
	if apiErr.Error.Code != "not_found" || apiErr.Error.Message == "" {
		t.Errorf("error body = %s", body)
	}

	st, body = e.api("POST", "/api/v1/runs", map[string]any{"dry_run": true, "wait": true})
	expect("dry run", st, http.StatusCreated, body)
	var dry provision.Run
	decode(body, &dry)
	if dry.Trigger != provision.TriggerAPI || dry.Status != "dry_run" || dry.Plan == nil {
		t.Errorf("dry run = %+v", dry)
	}

	st, body = e.api("GET", "/api/v1/plan", nil)
	expect("latest plan", st, 200, body)
	var latest provision.Run
	decode(body, &latest)
	if latest.ID != dry.ID || len(latest.Plan.Changes) != 4 {
		t.Errorf("latest plan = run %d with %d changes", latest.ID, len(latest.Plan.Changes))
	}

	st, body = e.api("POST", "/api/v1/plan/apply", map[string]any{"run_id": dry.ID})
	expect("apply", st, http.StatusCreated, body)
	var applied provision.Run
	decode(body, &applied)
	if applied.Status != "applied" || applied.Trigger != provision.TriggerAPI {
		t.Errorf("apply = %+v", applied)
	}
	st, body = e.api("POST", "/api/v1/plan/apply", map[string]any{"run_id": dry.ID})
	expect("apply the same plan again", st, http.StatusConflict, body)
	if !strings.Contains(body, `"stale_plan"`) {
		t.Errorf("stale apply body = %s", body)
	}
	st, body = e.api("POST", "/api/v1/plan/apply", map[string]any{})
	expect("apply without run_id", st, http.StatusBadRequest, body)

	// A sync starts in the background: 202 and its job; the job, once
	// ended, carries the recorded run.
	st, body = e.api("POST", "/api/v1/runs", nil)
	expect("sync", st, http.StatusAccepted, body)
	var job jobJSON
	decode(body, &job)
	if job.ID == "" || job.Trigger != provision.TriggerAPI {
		t.Errorf("sync job = %+v", job)
	}
	st, body = e.api("GET", "/api/v1/jobs/"+job.ID, nil)
	expect("sync job", st, http.StatusOK, body)
	decode(body, &job)
	if job.State != JobEnded || job.Run == nil || job.Run.Status != "applied" {
		t.Fatalf("ended sync job = %s", body)
	}
	sync := *job.Run

	st, body = e.api("GET", "/api/v1/runs?limit=2", nil)
	expect("runs", st, 200, body)
	var list struct{ Runs []provision.Run }
	decode(body, &list)
	var ids []int64
	for _, r := range list.Runs {
		ids = append(ids, r.ID)
		if r.Plan != nil {
			t.Errorf("run list carries plans")
		}
	}
	if diff := cmp.Diff([]int64{sync.ID, applied.ID}, ids); diff != "" {
		t.Errorf("runs, newest first (-want +got):\n%s", diff)
	}
	st, body = e.api("GET", "/api/v1/runs?limit=0", nil)
	expect("runs limit=0", st, http.StatusBadRequest, body)

	st, body = e.api("GET", fmt.Sprint("/api/v1/runs/", dry.ID), nil)
	expect("run show", st, 200, body)
	var shown provision.Run
	decode(body, &shown)
	if shown.AppliedBy != applied.ID || shown.Plan == nil {
		t.Errorf("run show = applied_by %d, plan %v", shown.AppliedBy, shown.Plan != nil)
	}
	st, body = e.api("GET", "/api/v1/runs/nope", nil)
	expect("unknown run", st, http.StatusNotFound, body)

	// status, pause, resume
	st, body = e.api("POST", "/api/v1/pause", map[string]string{"message": "maintenance"})
	expect("pause", st, 200, body)
	st, body = e.api("GET", "/api/v1/status", nil)
	expect("status", st, 200, body)
	var status struct {
		Paused   bool
		Schedule struct {
			Cron  string
			Pause struct{ Reason, Message string }
		}
		LastRun *provision.Run `json:"last_run"`
	}
	decode(body, &status)
	if !status.Paused || status.Schedule.Pause.Reason != "admin" || status.Schedule.Cron == "" || status.LastRun == nil {
		t.Errorf("status = %s", body)
	}
	st, body = e.api("POST", "/api/v1/resume", nil)
	expect("resume", st, 200, body)
	if !strings.Contains(body, `"resumed": true`) {
		t.Errorf("resume = %s", body)
	}

	// roster
	st, body = e.api("GET", "/api/v1/roster", nil)
	expect("roster", st, 200, body)
	var roster safety.Export
	decode(body, &roster)
	if len(roster.Departments) != 3 || len(roster.Members) != 2 {
		t.Errorf("roster = %s", body)
	}

	// enrolments
	st, body = e.api("GET", "/api/v1/enrolments?state=syncing", nil)
	expect("enrolments", st, 200, body)
	var ens struct{ Enrolments []calendar.EnrolmentView }
	decode(body, &ens)
	if len(ens.Enrolments) != 2 {
		t.Errorf("syncing enrolments = %d; want 2", len(ens.Enrolments))
	}
	st, body = e.api("GET", "/api/v1/enrolments/tanaka", nil)
	expect("enrolment show", st, 200, body)
	st, body = e.api("GET", "/api/v1/enrolments/nobody", nil)
	expect("unknown enrolment", st, http.StatusNotFound, body)
	for _, step := range []struct {
		action    string
		permitted bool
		pinned    bool
	}{{"permit", true, true}, {"unpin", true, false}, {"revoke", false, true}} {
		st, body = e.api("POST", "/api/v1/enrolments/tanaka/"+step.action, nil)
		expect(step.action, st, 200, body)
		var d calendar.EnrolmentDetail
		decode(body, &d)
		if d.Permitted != step.permitted || d.Pinned != step.pinned {
			t.Errorf("after %s: permitted %v pinned %v", step.action, d.Permitted, d.Pinned)
		}
	}
	st, body = e.api("PUT", "/api/v1/enrolments/sato/target", map[string]string{"target": "google", "calendar_id": "team@group.calendar.google.com"})
	expect("set target", st, 200, body)
	if !strings.Contains(body, "team@group.calendar.google.com") {
		t.Errorf("set target answer = %s", body)
	}
	st, body = e.api("PUT", "/api/v1/enrolments/sato/target", map[string]string{"target": "outlook"})
	expect("set a bad target", st, http.StatusBadRequest, body)
	st, body = e.api("PUT", "/api/v1/enrolments/sato/target", map[string]string{"target": "google", "colour": "red"})
	expect("set target with an unknown field", st, http.StatusBadRequest, body)
	st, body = e.api("POST", "/api/v1/enrolments/suzuki/check", nil)
	expect("check", st, 200, body)
	var cr caldav.Result
	decode(body, &cr)
	if cr.Outcome != "unauthorized" {
		t.Errorf("check = %+v", cr)
	}
	st, body = e.api("POST", "/api/v1/enrolments/sato/check", nil)
	expect("check a Google target", st, http.StatusBadRequest, body)
	st, body = e.api("POST", "/api/v1/enrolments/sato/errors", map[string]string{"kind": "forbidden"})
	expect("record-error", st, 200, body)
	var en calendar.EnrolmentView
	decode(body, &en)
	if en.State != "stopped" || en.AutoStopReason != "forbidden" {
		t.Errorf("after record-error forbidden: %+v", en)
	}
	st, body = e.api("POST", "/api/v1/enrolments/sato/errors", map[string]string{"kind": "teapot"})
	expect("record-error with a bad kind", st, http.StatusBadRequest, body)
	st, body = e.api("POST", "/api/v1/enrolments/sato/dance", nil)
	expect("unknown action", st, http.StatusNotFound, body)
	st, body = e.api("GET", "/api/v1/teapot", nil)
	expect("unknown endpoint", st, http.StatusNotFound, body)
}

func TestAPICSVUpload(t *testing.T) {
	e := newTestEnv(t)
	send := func(files map[string][]byte, fields map[string]string) (int, string) {
		body, ctype := multipartBody(t, files, fields)
		st, _, b := e.do("POST", "/api/v1/csv", body, map[string]string{"Content-Type": ctype, "Authorization": "Bearer " + testToken})
		return st, b
	}
	users := []byte("login,name\nsato,佐藤\n")
	st, body := send(map[string][]byte{"user.csv": users}, map[string]string{"encoding": "utf-8"})
	if st != 200 || !strings.Contains(body, `"trigger": "csv_upload"`) || strings.Contains(body, `"applied"`) {
		t.Fatalf("preview = %d %s", st, body)
	}
	st, body = send(map[string][]byte{"user.csv": users}, map[string]string{"apply": "true"})
	if st != 200 {
		t.Fatalf("upload and apply = %d %s", st, body)
	}
	var out struct {
		Applied *provision.Run
	}
	json.Unmarshal([]byte(body), &out)
	if out.Applied == nil || out.Applied.Trigger != provision.TriggerCSVUpload || out.Applied.Status != "applied" {
		t.Errorf("applied = %+v", out.Applied)
	}
	// The fields may come in the URL's query too.
	qbody, qtype := multipartBody(t, map[string][]byte{"user.csv": users}, nil)
	st, _, body = e.do("POST", "/api/v1/csv?apply=true&encoding=ebcdic", qbody, map[string]string{"Content-Type": qtype, "Authorization": "Bearer " + testToken})
	if st != http.StatusBadRequest || !strings.Contains(body, "ebcdic") {
		t.Errorf("encoding in the query = %d %s", st, body)
	}
	qbody, qtype = multipartBody(t, map[string][]byte{"user.csv": users}, nil)
	st, _, body = e.do("POST", "/api/v1/csv?apply=true", qbody, map[string]string{"Content-Type": qtype, "Authorization": "Bearer " + testToken})
	if st != 200 || !strings.Contains(body, `"applied"`) {
		t.Errorf("apply in the query = %d %s", st, body)
	}
	st, body = send(map[string][]byte{"user.csv": []byte("login,name\nsato,BAD\n")}, map[string]string{"apply": "true"})
	if st != http.StatusBadRequest || !strings.Contains(body, `"line": 2`) || strings.Contains(body, `"applied"`) {
		t.Errorf("upload with a bad line = %d %s", st, body)
	}
	st, body = send(map[string][]byte{"user.csv": users}, map[string]string{"encoding": "ebcdic"})
	if st != http.StatusBadRequest {
		t.Errorf("bad encoding = %d %s", st, body)
	}
	// Every encoding and separator the CLI and the config take is taken
	// here too (csvfile's one list).
	for _, enc := range csvfile.Encodings() {
		for _, sep := range csvfile.Separators() {
			if st, body := send(map[string][]byte{"user.csv": users}, map[string]string{"encoding": enc, "separator": sep}); st != 200 {
				t.Errorf("encoding %s, separator %s = %d %s", enc, sep, st, body)
			}
		}
	}
	st, body = send(nil, nil)
	if st != http.StatusBadRequest {
		t.Errorf("no files = %d %s", st, body)
	}
}

func TestMetrics(t *testing.T) {
	e := newTestEnv(t)
	e.api("POST", "/api/v1/runs", nil)
	e.api("POST", "/api/v1/pause", nil)
	st, h, body := e.get("/metrics")
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics = %d %s", st, h.Get("Content-Type"))
	}
	for _, want := range []string{
		`cybridge_runs{status="applied"} 1`,
		`cybridge_runs{status="failed"} 0`,
		"cybridge_changes_applied 4",
		"cybridge_source_read_duration_seconds 1.5",
		"cybridge_paused 1",
		"# TYPE cybridge_last_success_timestamp_seconds gauge",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	// Every non-comment line is "name{labels} value".
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		if f := strings.Fields(line); len(f) != 2 || !strings.HasPrefix(f[0], "cybridge_") {
			t.Errorf("bad exposition line %q", line)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"run_id":"r1"}`, `{"dry_run":true}`, `{"target":"caldav","password":"x"}`, ``, `{}{}`, `[`, `{"run_id":1}`, "{\"a\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a struct {
			RunID        string `json:"run_id"`
			AllowDeletes bool   `json:"allow_deletes"`
		}
		var tgt TargetEdit
		for _, v := range []any{&a, &tgt} {
			err := decodeJSON(strings.NewReader(string(b)), v)
			if err != nil && msg.Code(err) != "invalid" {
				t.Fatalf("decodeJSON error without the invalid code: %v", err)
			}
		}
	})
}

// TestAPIRosterEdits: the console's roster actions (add and edit
// roster-only departments and members, edit imported members) are in the
// API too (SPEC §8.2 "JSON API for the same actions").
func TestAPIRosterEdits(t *testing.T) {
	e := newTestEnv(t)
	st, body := e.api("POST", "/api/v1/roster/departments", map[string]any{"code": "local-1", "name": "Local", "parent": ""})
	if st != http.StatusCreated {
		t.Fatalf("add department = %d %s", st, body)
	}
	var d safety.ExportDepartment
	if err := json.Unmarshal([]byte(body), &d); err != nil || d != (safety.ExportDepartment{Code: "local-1", Name: "Local", Origin: "local"}) {
		t.Errorf("added department = %s (%v)", body, err)
	}
	if st, body = e.api("POST", "/api/v1/roster/departments", map[string]any{"code": "local-1", "name": "Again"}); st != http.StatusConflict {
		t.Errorf("the same code again = %d %s", st, body)
	}
	if st, body = e.api("PATCH", "/api/v1/roster/departments/local-1", map[string]any{"name": "Local One"}); st != 200 || !strings.Contains(body, `"name": "Local One"`) {
		t.Errorf("edit department = %d %s", st, body)
	}
	if st, body = e.api("PATCH", "/api/v1/roster/departments/nope", map[string]any{"name": "x"}); st != http.StatusNotFound {
		t.Errorf("edit a missing department = %d %s", st, body)
	}
	if st, body = e.api("POST", "/api/v1/roster/departments", map[string]any{"code": "x", "colour": "red"}); st != http.StatusBadRequest {
		t.Errorf("unknown field = %d %s", st, body)
	}

	st, body = e.api("POST", "/api/v1/roster/members", map[string]any{"login": "local.m", "name": "Local M", "departments": []string{"local-1"}})
	if st != http.StatusCreated {
		t.Fatalf("add member = %d %s", st, body)
	}
	var m safety.ExportMember
	json.Unmarshal([]byte(body), &m)
	if diff := cmp.Diff(safety.ExportMember{Login: "local.m", Name: "Local M", Departments: []string{"local-1"}, Origin: "local"}, m); diff != "" {
		t.Errorf("added member (-want +got):\n%s", diff)
	}
	if st, body = e.api("PATCH", "/api/v1/roster/members/local.m", map[string]any{"email": "m@example.co.jp", "departments": []string{}}); st != 200 {
		t.Fatalf("edit member = %d %s", st, body)
	}
	json.Unmarshal([]byte(body), &m)
	if m.Email != "m@example.co.jp" || len(m.Departments) != 0 || m.Name != "Local M" {
		t.Errorf("edited member = %+v", m)
	}
	if st, body = e.api("PATCH", "/api/v1/roster/members/nobody", map[string]any{"name": "x"}); st != http.StatusNotFound {
		t.Errorf("edit a missing member = %d %s", st, body)
	}
}
