package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
)

// envMap is a lookup over a fixed environment.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// problemKeys returns the keys of a *Error, or fails.
func problemKeys(t *testing.T, err error) []string {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *config.Error", err)
	}
	if ce.ErrorCode() != "config_invalid" {
		t.Errorf("code %q", ce.ErrorCode())
	}
	var keys []string
	for _, p := range ce.Problems {
		keys = append(keys, p.Key)
	}
	return keys
}

func TestDefaultsWithoutFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.toml")
	cfg, err := Load(missing, false, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.NoFile = missing
	if diff := cmp.Diff(want, *cfg); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml"), true, envMap(nil)); err == nil {
		t.Error("a missing file given explicitly is not an error")
	}
}

// TestEnvOverridesFile: the file sets values, the environment wins, and
// every variable SPEC §8.1 names works.
func TestEnvOverridesFile(t *testing.T) {
	path := writeFile(t, "cybridge.toml", `
db = "file.db"
[cybozu]
url = "https://file.cybozu.com"
login = "file-user"
password = "file-pass"
concurrency = 2
timeout = "10s"
[calendar]
scope = "org:dev"
`)
	env := map[string]string{
		"CYBRIDGE_DB":                           "env.db",
		"CYBRIDGE_CYBOZU_URL":                   "https://env.cybozu.com",
		"CYBRIDGE_CYBOZU_PASSWORD":              "env-pass",
		"CYBRIDGE_CYBOZU_CONCURRENCY":           "6",
		"CYBRIDGE_CYBOZU_TIMEOUT":               "45s",
		"CYBRIDGE_SAFETY_LOGIN_KEY":             "email",
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD":      "initial-1",
		"CYBRIDGE_CALENDAR_SCOPE":               `organization <= "sales"`,
		"CYBRIDGE_CALENDAR_DEFAULT_TARGET":      "caldav",
		"CYBRIDGE_CALENDAR_GOOGLE_DOMAINS":      "example.co.jp, example.com",
		"CYBRIDGE_CALENDAR_CALDAV_URL_TEMPLATE": "https://dav.example.com/{login}/",
		"CYBRIDGE_SECRET_KEY":                   "k",
		"CYBRIDGE_ADMIN_PASSWORD":               "admin-pw",
	}
	cfg, err := Load(path, true, envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cfg.DB, cfg.Cybozu.URL, cfg.Cybozu.Login, cfg.Cybozu.Password.Reveal(), cfg.Cybozu.Concurrency,
		cfg.Cybozu.Timeout.Duration, cfg.Safety.LoginKey, cfg.Safety.InitialPassword.Reveal(), cfg.Calendar.Scope,
		cfg.Calendar.DefaultTarget, cfg.Calendar.GoogleDomains, cfg.Calendar.CalDAVURLTemplate,
		cfg.SecretKey.Reveal(), cfg.AdminPassword.Reveal()}
	want := []any{"env.db", "https://env.cybozu.com", "file-user", "env-pass", 6,
		45 * time.Second, "email", "initial-1", `organization <= "sales"`,
		"caldav", []string{"example.co.jp", "example.com"}, "https://dav.example.com/{login}/",
		"k", "admin-pw"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSecretFiles: secrets from *_FILE, in the environment and in the file,
// with one trailing newline removed; the _FILE variable wins over the plain
// one.
func TestSecretFiles(t *testing.T) {
	pw := writeFile(t, "pw", "from-env-file\n")
	tok := writeFile(t, "tok", "token-from-file\r\n")
	basic := writeFile(t, "basic", "basic-from-file")
	path := writeFile(t, "cybridge.toml", fmt.Sprintf("[cybozu]\ntoken_file = %q\n", tok))
	cfg, err := Load(path, true, envMap(map[string]string{
		"CYBRIDGE_CYBOZU_LOGIN":         "u",
		"CYBRIDGE_CYBOZU_PASSWORD":      "plain",
		"CYBRIDGE_CYBOZU_PASSWORD_FILE": pw,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{cfg.Cybozu.Password.Reveal(), cfg.Cybozu.Token.Reveal()}; !cmp.Equal(got, []string{"from-env-file", "token-from-file"}) {
		t.Errorf("secrets = %q", got)
	}

	path = writeFile(t, "cybridge.toml", fmt.Sprintf("[cybozu]\nlogin = \"u\"\npassword = \"p\"\nbasic_user = \"b\"\nbasic_password_file = %q\n", basic))
	cfg, err = Load(path, true, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Cybozu.BasicPassword.Reveal(); got != "basic-from-file" {
		t.Errorf("basic password = %q", got)
	}
}

func TestSecretFileProblems(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	path := writeFile(t, "cybridge.toml", fmt.Sprintf("db_file = %q\n[cybozu]\npassword_file = %q\n", missing, missing))
	_, err := Load(path, true, envMap(map[string]string{"CYBRIDGE_ADMIN_PASSWORD_FILE": missing}))
	keys := problemKeys(t, err)
	if diff := cmp.Diff([]string{"admin_password", "cybozu.password_file", "db_file"}, keys); diff != "" {
		t.Errorf("problem keys (-want +got):\n%s\n%v", diff, err)
	}
	if !strings.Contains(err.Error(), "only secrets can be read from a file") {
		t.Errorf("db_file message: %v", err)
	}
}

// TestEveryBadKeyAtOnce: one load reports every problem, by key, with its
// environment variable name. (The cybozu.com credential rules, basic_user
// without basic_password here, are directory/cybozu's: app.Validate.)
func TestEveryBadKeyAtOnce(t *testing.T) {
	path := writeFile(t, "cybridge.toml", `
colour = "blue"
[cybozu]
url = "http://example.cybozu.com"
concurrency = 11
basic_user = "b"
[source]
kind = "ftp"
[safeguards]
max_delete_percent = 150
[console]
listen = "not a listen address"
`)
	_, err := Load(path, true, envMap(map[string]string{
		"CYBRIDGE_HISTORY_DAYS":               "0",
		"CYBRIDGE_SCHEDULE_TIME_ZONE":         "",
		"CYBRIDGE_SAFETY_LOGIN_KEY":           "phone",
		"CYBRIDGE_CALENDAR_DELETE_AFTER_DAYS": "soon",
		"CYBRIDGE_CYBOZU_PASSWORD":            "pw",
	}))
	want := []string{
		"calendar.delete_after_days", "colour", "console.listen", "cybozu.concurrency",
		"cybozu.url", "history.days", "safeguards.max_delete_percent", "safety.login_key",
		"schedule.time_zone", "source.kind",
	}
	if diff := cmp.Diff(want, problemKeys(t, err)); diff != "" {
		t.Errorf("problem keys (-want +got):\n%s\n%v", diff, err)
	}
	for _, s := range []string{
		"colour (CYBRIDGE_COLOUR): unknown key",
		"cybozu.concurrency (CYBRIDGE_CYBOZU_CONCURRENCY): must be at most 10",
		"accepted only for loopback addresses",
		`"ftp" is not one of: api, csv`,
		"CYBRIDGE_CALENDAR_DELETE_AFTER_DAYS: not a whole number",
	} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
}

func TestTOMLSyntaxError(t *testing.T) {
	path := writeFile(t, "cybridge.toml", "db = \"x\"\n[cybozu\n")
	_, err := Load(path, true, envMap(nil))
	if err == nil || !strings.Contains(err.Error(), path+": line 3, column 8: not valid TOML (expected '.' or ']' to end table name") {
		t.Errorf("err = %v, want the file, line and column", err)
	}
	if ja := msg.Localize(msg.Ja, err); !strings.Contains(ja, path+": 3 行目 8 文字目で TOML の書き方に誤りがあります（expected '.' or ']' to end table name") {
		t.Errorf("Japanese = %s, want the place in a Japanese sentence and the parser's words in parentheses", ja)
	}
	if strings.Contains(err.Error(), "CYBRIDGE_/") {
		t.Errorf("err names an environment variable for the file itself: %v", err)
	}
}

func TestEmptyEnvIsUnsetForNonStrings(t *testing.T) {
	cfg, err := Load("", false, envMap(map[string]string{
		"CYBRIDGE_CYBOZU_INCLUDE_ADMINISTRATOR": "",
		"CYBRIDGE_CYBOZU_CONCURRENCY":           "",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cybozu.IncludeAdministrator || cfg.Cybozu.Concurrency != 4 {
		t.Errorf("empty variables changed settings: %+v", cfg.Cybozu)
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url  string
		want string // "" = accepted
	}{
		{"https://example.cybozu.com", ""},
		{"https://example.cybozu.com/", ""},
		{"https://example.s.cybozu.com", ""},
		{"https://example.kintone.com", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://localhost:8080", ""},
		{"http://[::1]:8080", ""},
		{"http://127.0.0.2", ""},
		{"http://example.cybozu.com", "accepted only for loopback"},
		{"http://10.0.0.1", "accepted only for loopback"},
		{"http://localhost.example.com", "accepted only for loopback"},
		{"ftp://example.cybozu.com", "must start with https://"},
		{"example.cybozu.com", "is not a URL"},
		{"https://example.cybozu.com/k/v1/", "has a path"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := CheckURL(tt.url)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestSecretRedaction: no secret of a Config prints its value, whatever
// the format or encoder (package secret tests a Secret alone).
func TestSecretRedaction(t *testing.T) {
	const v = "s3cr3t-value"
	cfg := Default()
	cfg.Cybozu.Password, cfg.Cybozu.Token, cfg.Cybozu.BasicPassword = v, v, v
	cfg.SecretKey, cfg.AdminPassword, cfg.Console.APIToken, cfg.Safety.InitialPassword = v, v, v, v

	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(f, cfg), fmt.Sprintf(f, &cfg))
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(j))
	var tb strings.Builder
	if err := toml.NewEncoder(&tb).Encode(cfg); err != nil {
		t.Fatal(err)
	}
	out = append(out, tb.String())
	for _, o := range out {
		if strings.Contains(o, v) || strings.Contains(o, fmt.Sprintf("%x", v)) {
			t.Errorf("secret printed: %s", o)
		}
	}
	if !strings.Contains(string(j), `"[redacted]"`) {
		t.Errorf("JSON does not show the redaction: %s", j)
	}
}

func TestEnvName(t *testing.T) {
	for key, want := range map[string]string{
		"db":                      "CYBRIDGE_DB",
		"cybozu.basic_password":   "CYBRIDGE_CYBOZU_BASIC_PASSWORD",
		"calendar.google_domains": "CYBRIDGE_CALENDAR_GOOGLE_DOMAINS",
		"secret_key":              "CYBRIDGE_SECRET_KEY",
	} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestUnknownEnv(t *testing.T) {
	got := UnknownEnv([]string{
		"CYBRIDGE_CYBOZU_PASWORD=x",        // typo
		"CYBRIDGE_CYBOZU_PASSWORD=x",       // known
		"CYBRIDGE_CYBOZU_PASSWORD_FILE=/p", // secret file form
		"CYBRIDGE_DB=/x.db",
		"CYBRIDGE_DB_FILE=/x", // not a secret: no _FILE form
		"HOME=/root",
		"CYBRIDGE_SECRET_KEY_FILE=/k",
		"CYBRIDGE_EMPTY_TYPO=", // empty is unset
	})
	var names []string
	for _, p := range got {
		names = append(names, p.Key)
	}
	if diff := cmp.Diff([]string{"CYBRIDGE_CYBOZU_PASWORD", "CYBRIDGE_DB_FILE"}, names); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
}
