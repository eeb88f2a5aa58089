package main

import (
	"encoding/json"
	"regexp"
	"testing"
)

// cliCode is the error code the CLI reported: from the JSON error on
// stdout, else from "error [code]" on stderr.
func cliCode(r cliResult) string {
	var j struct {
		Error struct{ Code string } `json:"error"`
	}
	if json.Unmarshal([]byte(r.stdout), &j) == nil && j.Error.Code != "" {
		return j.Error.Code
	}
	if m := regexp.MustCompile(`error \[([a-z_.]+)\]`).FindStringSubmatch(r.stderr); m != nil {
		return m[1]
	}
	return ""
}

// TestSameFailureSameCode: the roster's and the enrolments' not-found,
// conflict and invalid cases give the same code on the CLI (in process,
// against the database the server uses) and on the API, and the API's
// status follows the failure's kind.
func TestSameFailureSameCode(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil)
	env := map[string]string{
		"CYBRIDGE_DB":                      st.cfg.DB,
		"CYBRIDGE_CYBOZU_URL":              st.cfg.Cybozu.URL,
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": serveInitialPassword,
		"CYBRIDGE_SECRET_KEY":              serveSecretKey,
	}
	// A department both will try to add again.
	if r := runCLI(t, env, "roster", "dept", "add", "-code", "bcp", "-name", "BCP"); r.code != 0 {
		t.Fatalf("roster dept add: %d %s", r.code, r.stderr)
	}
	for _, tc := range []struct {
		name   string
		cli    []string
		method string
		path   string
		body   any
		status int
	}{
		{"department not found", []string{"roster", "dept", "edit", "-code", "nope", "-name", "x"},
			"PATCH", "/api/v1/roster/departments/nope", map[string]string{"name": "x"}, 404},
		{"member not found", []string{"roster", "member", "edit", "-login", "nobody", "-name", "x"},
			"PATCH", "/api/v1/roster/members/nobody", map[string]string{"name": "x"}, 404},
		{"department exists", []string{"roster", "dept", "add", "-code", "bcp", "-name", "again"},
			"POST", "/api/v1/roster/departments", map[string]string{"code": "bcp", "name": "again"}, 409},
		{"member email invalid", []string{"roster", "member", "add", "-login", "zz", "-name", "Z", "-email", "not-an-email"},
			"POST", "/api/v1/roster/members", map[string]any{"login": "zz", "name": "Z", "email": "not-an-email"}, 400},
		{"enrolment not found", []string{"calendar", "show", "nobody"},
			"GET", "/api/v1/enrolments/nobody", nil, 404},
		{"enrolment permit not found", []string{"calendar", "permit", "nobody"},
			"POST", "/api/v1/enrolments/nobody/permit", nil, 404},
		{"enrolment invalid", []string{"calendar", "set", "s.ito", "-target", "google", "-calendar-id", "not an id"},
			"PUT", "/api/v1/enrolments/s.ito/target", map[string]string{"target": "google", "calendar_id": "not an id"}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, env, tc.cli...)
			cli := cliCode(r)
			var out struct {
				Error struct{ Code string } `json:"error"`
			}
			status, body := st.api(tc.method, tc.path, tc.body, nil)
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatalf("API answer: %v: %s", err, body)
			}
			if cli == "" || cli != out.Error.Code {
				t.Errorf("CLI code %q (exit %d, %s), API code %q (%s): want the same", cli, r.code, r.stderr, out.Error.Code, body)
			}
			if status != tc.status {
				t.Errorf("API status = %d, want %d: %s", status, tc.status, body)
			}
		})
	}
}
