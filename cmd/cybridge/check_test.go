package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/cybridge/cybridge/internal/msg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/golden"
)

// cliResult is one in-process run of cybridge.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs cybridge with args and exactly the environment env.
func runCLI(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, environ(env), strings.NewReader(""), &out, &errb)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// environ turns a map into an os.Environ-style list.
func environ(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

// simEnv is the environment pointing cybridge at sim with its default
// account.
func simEnvFor(sim *cybozutest.Server) map[string]string {
	return map[string]string{
		"CYBRIDGE_CYBOZU_URL":      sim.URL(),
		"CYBRIDGE_CYBOZU_LOGIN":    cybozutest.DefaultLogin,
		"CYBRIDGE_CYBOZU_PASSWORD": cybozutest.DefaultPassword,
	}
}

// TestCheckGolden: the text and JSON summaries of the fixture company.
func TestCheckGolden(t *testing.T) {
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: fixtures.Company()})
	host := strings.TrimPrefix(sim.URL(), "http://")
	for _, tt := range []struct{ format, golden string }{
		{"text", "check-company.txt"},
		{"json", "check-company.json"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			r := runCLI(t, simEnvFor(sim), "check", "-format", tt.format)
			if r.code != msg.ExitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			// The simulator's port changes every run.
			golden.Check(t, filepath.Join("testdata", "golden", tt.golden), []byte(strings.ReplaceAll(r.stdout, host, "127.0.0.1:PORT")))
		})
	}
}

// TestCheckInvalidDirectory: problems are printed, and check exits 1 with
// invalid_directory — in JSON as one document carrying the error.
func TestCheckInvalidDirectory(t *testing.T) {
	snap := fixtures.Company()
	snap.Organizations = append(snap.Organizations,
		directory.Organization{ID: "90", Code: "orphan", Name: "孤立部", ParentCode: "no-such-parent"},
		directory.Organization{ID: "91", Code: "dev", Name: "開発本部（重複）"},
	)
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: snap})

	r := runCLI(t, simEnvFor(sim), "check")
	if r.code != msg.ExitError {
		t.Errorf("exit %d, want 1", r.code)
	}
	for _, want := range []string{
		"problems:      2\n",
		`[unknown_parent] organizations.json id 90: organization "orphan" names parent "no-such-parent", which does not exist`,
		`[duplicate_org_code] organizations.json id 91: organization code "dev" is used twice`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "error [invalid_directory]: the directory has 2 problem(s)") {
		t.Errorf("stderr:\n%s", r.stderr)
	}

	r = runCLI(t, simEnvFor(sim), "check", "-format", "json")
	if r.code != msg.ExitError {
		t.Errorf("json: exit %d, want 1", r.code)
	}
	var rep app.CheckReport
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if dec.More() {
		t.Errorf("stdout holds more than one JSON document:\n%s", r.stdout)
	}
	var codes []string
	for _, p := range rep.Problems {
		codes = append(codes, p.Code)
	}
	if diff := cmp.Diff([]string{"duplicate_org_code", "unknown_parent"}, codes); rep.Valid || diff != "" || rep.Error == nil || rep.Error.Code != "invalid_directory" {
		t.Errorf("report: valid=%v error=%+v problems (-want +got):\n%s", rep.Valid, rep.Error, diff)
	}
}

// TestCheckNotAdministrator warns about partial visibility but succeeds.
func TestCheckNotAdministrator(t *testing.T) {
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: fixtures.Company(), NonAdmin: true})
	r := runCLI(t, simEnvFor(sim), "check")
	if r.code != msg.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"administrator: no\n", "warning [partial_visibility]: the account is not a cybozu.com administrator"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, simEnvFor(sim), "check", "-format", "json")
	var rep app.CheckReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Administrator == nil || *rep.Administrator || len(rep.Warnings) != 1 || rep.Warnings[0].Code != app.WarnPartialVisibility {
		t.Errorf("report: administrator=%v warnings=%+v", rep.Administrator, rep.Warnings)
	}
}

// TestCheckErrorsJSON: a failed read prints {"error":{"code","message"}}
// with -format json, and the code on stderr.
func TestCheckErrorsJSON(t *testing.T) {
	tests := []struct {
		name string
		opts cybozutest.Options
		env  map[string]string
		code string
	}{
		{"wrong password", cybozutest.Options{Password: "other"}, nil, "auth_failed"},
		{"IP restricted", cybozutest.Options{IPRestricted: true}, nil, "ip_restricted"},
		{"Basic required", cybozutest.Options{IPRestricted: true, BasicUser: "bu", BasicPassword: "bp"}, nil, "basic_auth_required"},
		{"unknown domain", cybozutest.Options{UnknownDomain: true}, nil, "domain_not_found"},
		{"no URL", cybozutest.Options{}, map[string]string{"CYBRIDGE_CYBOZU_URL": ""}, "config_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simEnvFor(cybozutest.NewServer(t, tt.opts))
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCLI(t, env, "check", "-format", "json")
			var got struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
			}
			if r.code != msg.ExitError || got.Error.Code != tt.code || got.Error.Message == "" {
				t.Errorf("exit %d, error %+v; want 1 and %s", r.code, got.Error, tt.code)
			}
			if !strings.Contains(r.stderr, "error ["+tt.code+"]") {
				t.Errorf("stderr:\n%s", r.stderr)
			}
		})
	}
}

// TestCheckNeverPrintsSecrets sets distinctive secrets and searches
// everything cybridge prints, in every failure mode and in success, for
// them and for the header values built from them.
func TestCheckNeverPrintsSecrets(t *testing.T) {
	const (
		password = "Pw-7fQz-password"
		token    = "Tk-9xLm-token"
		basic    = "Bs-3kWp-basic"
		pfxPass  = "Px-5tNv-pfxpass"  // the Secure Access .pfx's password
		pfxWrong = "Px-8yQa-pfxwrong" // a wrong one, configured by mistake
	)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	forbidden := []string{password, token, basic,
		b64(cybozutest.DefaultLogin + ":" + password), b64("bu:" + basic), "Bearer " + token, pfxPass, pfxWrong}

	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, err := cybozutest.NewCertAuthority()
	if err != nil {
		t.Fatal(err)
	}
	pfx := func(name string, notAfter time.Time) string {
		b, err := ca.IssuePFX("sync-bot", notAfter, pfxPass)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	soon, expired := pfx("soon.pfx", time.Now().Add(5*24*time.Hour)), pfx("expired.pfx", time.Now().Add(-time.Hour))
	pfxPassFile, pfxWrongFile := filepath.Join(dir, "pfx-pass"), filepath.Join(dir, "pfx-wrong")
	if err := errors.Join(os.WriteFile(pfxPassFile, []byte(pfxPass+"\n"), 0o600), os.WriteFile(pfxWrongFile, []byte(pfxWrong+"\n"), 0o600)); err != nil {
		t.Fatal(err)
	}
	cert := func(file, passFile string) map[string]string {
		return map[string]string{"CYBRIDGE_CYBOZU_CLIENT_CERTIFICATE_FILE": file, "CYBRIDGE_CYBOZU_CLIENT_CERTIFICATE_PASSWORD_FILE": passFile}
	}
	cfgFile := filepath.Join(dir, "cybridge.toml")
	if err := os.WriteFile(cfgFile, []byte("[cybozu]\npassword = \""+password+"\"\nbogus = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		opts cybozutest.Options
		env  map[string]string
		args []string
	}{
		{"success", cybozutest.Options{Snapshot: fixtures.Company(), Password: password}, nil, nil},
		{"wrong password", cybozutest.Options{}, nil, nil},
		{"password from a file", cybozutest.Options{}, map[string]string{"CYBRIDGE_CYBOZU_PASSWORD": "", "CYBRIDGE_CYBOZU_PASSWORD_FILE": pwFile}, nil},
		{"wrong token", cybozutest.Options{Token: "other"}, map[string]string{"CYBRIDGE_CYBOZU_TOKEN": token}, nil},
		{"token and Basic", cybozutest.Options{}, map[string]string{"CYBRIDGE_CYBOZU_TOKEN": token, "CYBRIDGE_CYBOZU_BASIC_USER": "bu", "CYBRIDGE_CYBOZU_BASIC_PASSWORD": basic}, nil},
		{"wrong Basic", cybozutest.Options{IPRestricted: true, BasicUser: "bu", BasicPassword: "right"},
			map[string]string{"CYBRIDGE_CYBOZU_BASIC_USER": "bu", "CYBRIDGE_CYBOZU_BASIC_PASSWORD": basic}, nil},
		{"IP restricted", cybozutest.Options{IPRestricted: true}, map[string]string{"CYBRIDGE_CYBOZU_BASIC_USER": "bu", "CYBRIDGE_CYBOZU_BASIC_PASSWORD": basic}, nil},
		{"two-factor", cybozutest.Options{TwoFactor: true, Password: password}, nil, nil},
		{"not an administrator", cybozutest.Options{NonAdmin: true, Password: password}, nil, nil},
		{"unknown domain", cybozutest.Options{UnknownDomain: true}, nil, nil},
		{"bad config file", cybozutest.Options{}, nil, []string{"-config", cfgFile}},
		{"http to a remote host", cybozutest.Options{}, map[string]string{"CYBRIDGE_CYBOZU_URL": "http://example.cybozu.com"}, nil},
		{"bad concurrency", cybozutest.Options{}, map[string]string{"CYBRIDGE_CYBOZU_CONCURRENCY": "99"}, nil},
		{"client certificate expiring", cybozutest.Options{Snapshot: fixtures.Company(), Password: password}, cert(soon, pfxPassFile), nil},
		{"client certificate expired", cybozutest.Options{Password: password}, cert(expired, pfxPassFile), nil},
		{"wrong .pfx password", cybozutest.Options{Password: password}, cert(soon, pfxWrongFile), nil},
		{"wrong .pfx password given inline", cybozutest.Options{Password: password},
			map[string]string{"CYBRIDGE_CYBOZU_CLIENT_CERTIFICATE_FILE": soon, "CYBRIDGE_CYBOZU_CLIENT_CERTIFICATE_PASSWORD": pfxWrong}, nil},
		{"probe", cybozutest.Options{Snapshot: fixtures.Company(), Password: password}, cert(soon, pfxPassFile), []string{"-probe"}},
		{"probe, wrong password", cybozutest.Options{}, nil, []string{"-probe"}},
	}
	succeeds := map[string]bool{"success": true, "not an administrator": true, "client certificate expiring": true, "probe": true,
		"probe, wrong password": true} // the probe reports the answers, it does not fail on them
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simEnvFor(cybozutest.NewServer(t, tt.opts))
			env["CYBRIDGE_CYBOZU_PASSWORD"] = password
			for k, v := range tt.env {
				env[k] = v
			}
			for _, format := range []string{"text", "json"} {
				r := runCLI(t, env, append([]string{"check", "-format", format}, tt.args...)...)
				all := r.stdout + r.stderr
				for _, s := range forbidden {
					if strings.Contains(all, s) {
						t.Errorf("-format %s printed the secret %q:\n%s", format, s, all)
					}
				}
				if (r.code == msg.ExitOK) != succeeds[tt.name] {
					t.Errorf("-format %s: exit %d:\n%s", format, r.code, all)
				}
				if tt.name == "client certificate expiring" && !strings.Contains(r.stdout, "client_certificate_expiring") {
					t.Errorf("-format %s: no expiry warning:\n%s", format, all)
				}
			}
		})
	}
}
