package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav/caldavtest"
)

const testSecretKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// calendarEnv is an environment with a database of enrolments made from
// the fixture company by a real run.
func calendarEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{
		"CYBRIDGE_DB":                           filepath.Join(t.TempDir(), "cybridge.db"),
		"CYBRIDGE_CALENDAR_SCOPE":               `organization <= "sales"`,
		"CYBRIDGE_CALENDAR_GOOGLE_DOMAINS":      "example.co.jp",
		"CYBRIDGE_CALENDAR_CALDAV_URL_TEMPLATE": "https://dav.example.co.jp/{email_local}/calendar/",
		"CYBRIDGE_SECRET_KEY":                   testSecretKey,
	}
	cfg, err := config.Load("", false, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	tg, err := calendar.New(cfg.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := &provision.Runner{Store: st, Targets: []provision.Target{tg}, Safeguards: provision.Safeguards{MaxDeletes: 100, MaxDeletePercent: 100}}
	snap := fixtures.Company()
	if _, err := r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }}); err != nil {
		t.Fatal(err)
	}
	return env
}

// runCLIWithInput is runCLI with standard input.
func runCLIWithInput(t *testing.T, env map[string]string, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, environ(env), strings.NewReader(stdin), &out, &errb)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func TestCalendarListJSONShape(t *testing.T) {
	env := calendarEnv(t)
	r := runCLI(t, env, "calendar", "list", "-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Enrolments []map[string]any `json:"enrolments"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Enrolments) != 41 {
		t.Fatalf("%d enrolments, want 41 (every user but Administrator)", len(got.Enrolments))
	}
	// The SPEC §8.1 keys are all there.
	for _, k := range []string{"login", "email", "name", "permitted", "pinned", "state", "target", "calendar_id", "caldav_url", "auth_status", "auto_stop_reason"} {
		if _, ok := got.Enrolments[0][k]; !ok {
			t.Errorf("key %q missing from %v", k, got.Enrolments[0])
		}
	}
	byLogin := map[string]map[string]any{}
	for _, e := range got.Enrolments {
		byLogin[e["login"].(string)] = e
	}
	want := map[string]any{
		"login": "t.yamada", "email": "t.yamada@example.co.jp", "name": "山田 太郎", "permitted": true, "pinned": false,
		"state": "syncing", "target": "google", "calendar_id": "t.yamada@example.co.jp", "caldav_url": "",
		"auth_status": "none", "auto_stop_reason": "",
	}
	got0 := map[string]any{}
	for k := range want {
		got0[k] = byLogin["t.yamada"][k]
	}
	if diff := cmp.Diff(want, got0); diff != "" {
		t.Errorf("t.yamada (-want +got):\n%s", diff)
	}
	for login, state := range map[string]string{"h.sato": "disabled", "r.ikeda": "disabled", "s.ito": "syncing"} {
		if byLogin[login]["state"] != state {
			t.Errorf("%s: state %v, want %s", login, byLogin[login]["state"], state)
		}
	}
	// -state filters.
	r = runCLI(t, env, "calendar", "list", "-state", "syncing")
	if r.code != 0 || strings.Contains(r.stdout, "h.sato") || !strings.Contains(r.stdout, "t.yamada") {
		t.Errorf("list -state syncing:\n%s%s", r.stdout, r.stderr)
	}
}

func TestCalendarCommands(t *testing.T) {
	env := calendarEnv(t)
	steps := []struct {
		args   []string
		stdin  string
		code   int
		stdout string // a substring
		stderr string
	}{
		{[]string{"calendar", "stop", "t.yamada"}, "", 0, "t.yamada: stopped (user), permitted yes", ""},
		{[]string{"calendar", "resume", "t.yamada"}, "", 0, "t.yamada: syncing", ""},
		{[]string{"calendar", "stop", "h.sato"}, "", 1, "", "[not_permitted]"},
		{[]string{"calendar", "permit", "h.sato"}, "", 0, "h.sato: syncing, permitted yes (pinned)", ""},
		{[]string{"calendar", "revoke", "t.yamada"}, "", 0, "t.yamada: disabled, permitted no (pinned)", ""},
		{[]string{"calendar", "unpin", "t.yamada"}, "", 0, "the scope decides from the next run", ""},
		{[]string{"calendar", "set", "s.ito", "-target", "google", "-calendar-id", "sales-team@group.calendar.google.com"}, "", 0, "target google sales-team@group.calendar.google.com", ""},
		{[]string{"calendar", "set", "s.ito", "-target", "google", "-calendar-id", "not an id"}, "", 1, "", "[invalid_input]"},
		{[]string{"calendar", "set", "-target", "caldav", "-auth-id", "ito", "s.ito"}, "CalDAV-pass-99\n", 0, "target caldav https://dav.example.co.jp/s.ito/calendar/", ""},
		{[]string{"calendar", "set", "s.ito", "-target", "caldav", "-url", "http://dav.example.co.jp/x/", "-auth-id", "ito"}, "pw-xyz\n", 1, "", "loopback"},
		{[]string{"calendar", "set", "s.ito", "-target", "caldav", "-auth-id", "ito"}, "", 0, "target caldav", ""}, // keeps the stored password
		{[]string{"calendar", "set", "s.ito", "-target", "caldav", "-auth-id", "other"}, "", 1, "", "needs a password"},
		{[]string{"calendar", "set", "s.ito", "-target", "caldav", "-auth-id", "ito", "-password", "x"}, "", 1, "", "flag provided but not defined: -password"},
		{[]string{"calendar", "record-error", "s.ito", "-kind", "forbidden"}, "", 0, "auto-stopped: the calendar server answered Forbidden", ""},
		{[]string{"calendar", "record-error", "s.ito", "-kind", "oops"}, "", 1, "", "unknown sync error kind"},
		{[]string{"calendar", "show", "s.ito"}, "", 0, "caldav password: set (stored encrypted)", ""},
		{[]string{"calendar", "show", "nobody"}, "", 1, "", "[not_found]"},
		{[]string{"calendar", "check", "t.yamada"}, "", 1, "", "only CalDAV targets can be checked"},
		{[]string{"calendar", "frobnicate"}, "", 1, "", `unknown command "frobnicate"`},
		{[]string{"calendar", "show"}, "", 1, "", "give LOGIN"},
	}
	for _, s := range steps {
		r := runCLIWithInput(t, env, s.stdin, s.args...)
		if r.code != s.code || !strings.Contains(r.stdout, s.stdout) || !strings.Contains(r.stderr, s.stderr) {
			t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ∋ %q, stderr ∋ %q", s.args, r.code, s.code, r.stdout, r.stderr, s.stdout, s.stderr)
		}
		for _, secret := range []string{"CalDAV-pass-99", "pw-xyz", testSecretKey} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("%v printed a secret", s.args)
			}
		}
	}
	// show has the history, newest last, and never the password.
	r := runCLI(t, env, "calendar", "show", "s.ito", "-format", "json")
	var shown struct {
		Enrolment map[string]any          `json:"enrolment"`
		History   []calendar.HistoryEntry `json:"history"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	var actions []string
	for _, h := range shown.History {
		actions = append(actions, h.Actor+" "+h.Action)
	}
	if diff := cmp.Diff([]string{"bridge create", "admin set", "admin set", "sync error"}, actions); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if shown.Enrolment["state"] != "stopped" || shown.Enrolment["auto_stop_reason"] != "forbidden" || shown.Enrolment["caldav_password_set"] != true {
		t.Errorf("enrolment = %v", shown.Enrolment)
	}
	// JSON errors.
	r = runCLI(t, env, "calendar", "show", "nobody", "-format", "json")
	if r.code != 1 || !strings.Contains(r.stdout, `"code": "not_found"`) {
		t.Errorf("JSON error: %d %s", r.code, r.stdout)
	}
}

func TestCalendarSetCalDAVWithoutKey(t *testing.T) {
	env := calendarEnv(t)
	delete(env, "CYBRIDGE_SECRET_KEY")
	r := runCLIWithInput(t, env, "pw-123\n", "calendar", "set", "s.ito", "-target", "caldav", "-auth-id", "ito")
	if r.code != 1 || !strings.Contains(r.stderr, "[secret_key_missing]") {
		t.Errorf("exit %d, stderr %s; want secret_key_missing", r.code, r.stderr)
	}
	env["CYBRIDGE_SECRET_KEY"] = "too-short"
	r = runCLIWithInput(t, env, "pw-123\n", "calendar", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "[secret_key_invalid]") {
		t.Errorf("bad key: exit %d, stderr %s; want secret_key_invalid", r.code, r.stderr)
	}
}

func TestCalendarCheckCLI(t *testing.T) {
	srv := caldavtest.Start(t)
	env := calendarEnv(t)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(caldavtest.Users["alice"]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, env, "calendar", "set", "s.ito", "-target", "caldav", "-url", srv.URL("/alice/calendar/"), "-auth-id", "alice", "-password-file", pwFile)
	if r.code != 0 {
		t.Fatalf("set: %s", r.stderr)
	}
	r = runCLI(t, env, "calendar", "check", "s.ito")
	if r.code != 0 || !strings.Contains(r.stdout, `s.ito: reachable`) || !strings.Contains(r.stdout, `(calendar "Work")`) {
		t.Errorf("check: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLIWithInput(t, env, "wrong-password\n", "calendar", "set", "s.ito", "-target", "caldav", "-url", srv.URL("/alice/calendar/"), "-auth-id", "alice")
	if r.code != 0 {
		t.Fatalf("set: %s", r.stderr)
	}
	r = runCLI(t, env, "calendar", "check", "s.ito", "-format", "json")
	if r.code != 1 || !strings.Contains(r.stdout, `"code": "caldav_unauthorized"`) || strings.Contains(r.stdout+r.stderr, "wrong-password") {
		t.Errorf("check with a wrong password: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
