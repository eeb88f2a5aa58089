package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// problems is key → code of err's problems; it fails unless err is a
// *config.Error.
func problemCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	if msg.Code(err) != "config_invalid" {
		t.Fatalf("err = %v, want config_invalid", err)
	}
	out := map[string]string{}
	for _, p := range config.Problems(err) {
		out[p.Key] = p.Code
	}
	return out
}

// TestEveryProblemAtOnce: one load reports the problems of the keys
// (max_delete_percent), of each component (cron, time zone, scope, URL
// template, credentials) and of the environment's names together.
func TestEveryProblemAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cybridge.toml")
	if err := os.WriteFile(path, []byte(`
[saftey]
enabled = true
login_key = "email"
[safeguards]
max_delete_percent = 150
[schedule]
cron = "every ten minutes"
time_zone = "Mars/Olympus"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path, true, envMap(map[string]string{
		"CYBRIDGE_CALENDAR_SCOPE":               `organization <= "sales" and title inn ("manager")`,
		"CYBRIDGE_CALENDAR_CALDAV_URL_TEMPLATE": "https://dav.example.com/{user}/",
		"CYBRIDGE_CYBOZU_TOKEN":                 "tok-123",
		"CYBRIDGE_CYBOZU_BASIC_USER":            "gate",
		"CYBRIDGE_CYBOZU_BASIC_PASSWORD":        "open-sesame",
	}), []string{"CYBRIDGE_SCHEDULE_CORN=x"}, Use{})
	want := map[string]string{
		"[saftey]":                      "config.unknown_section_suggest",
		"safeguards.max_delete_percent": "config.max",
		"schedule.cron":                 "config.schedule_cron_fields",
		"schedule.time_zone":            "config.schedule_time_zone",
		"calendar.scope":                "scope.expected_operator.at",
		"calendar.caldav_url_template":  "config.calendar_template_placeholder",
		"cybozu.token":                  "config.cybozu_token_with_basic",
		"CYBRIDGE_SCHEDULE_CORN":        "config.unknown_env_suggest",
	}
	if diff := cmp.Diff(want, problemCodes(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s\n%v", diff, err)
	}
	for _, s := range []string{
		"calendar.scope (CYBRIDGE_CALENDAR_SCOPE): calendar scope, column 35: expected an operator",
		`schedule.time_zone (CYBRIDGE_SCHEDULE_TIME_ZONE): unknown time zone "Mars/Olympus"`,
		"[saftey]: there is no section [saftey]; did you mean [safety]?",
		"CYBRIDGE_SCHEDULE_CORN: unknown environment variable: no configuration key has this name; did you mean CYBRIDGE_SCHEDULE_CRON?",
	} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
	ja := msg.Localize(msg.Ja, err)
	for _, s := range []string{
		"設定に 8 件の問題があります。",
		"schedule.time_zone（CYBRIDGE_SCHEDULE_TIME_ZONE）: 「Mars/Olympus」というタイムゾーンはありません。",
		"[saftey]: [saftey] というセクションはありません。[safety] の誤りではありませんか？",
		"calendar.scope（CYBRIDGE_CALENDAR_SCOPE）: 対象範囲の式の 35 文字目に誤りがあります",
	} {
		if !strings.Contains(ja, s) {
			t.Errorf("Japanese lacks %q:\n%s", s, ja)
		}
	}
}

// TestUse: the cybozu.com URL and a credential are needed only to read
// from the API, the admin password only to serve; without a configuration
// file the error says where it was looked for.
func TestUse(t *testing.T) {
	noFile := filepath.Join(t.TempDir(), "cybridge.toml")
	for _, tc := range []struct {
		name string
		env  map[string]string
		use  Use
		want map[string]string
	}{
		{"roster only", nil, Use{}, nil},
		{"API, nothing set", nil, Use{API: true}, map[string]string{
			"cybozu.url": "config.cybozu_url_required", "cybozu.password": "config.cybozu_credentials_required"}},
		{"API, password", map[string]string{"CYBRIDGE_CYBOZU_URL": "https://example.cybozu.com", "CYBRIDGE_CYBOZU_LOGIN": "sync-reader", "CYBRIDGE_CYBOZU_PASSWORD": "pw-123"}, Use{API: true}, nil},
		{"API, token", map[string]string{"CYBRIDGE_CYBOZU_URL": "https://example.cybozu.com", "CYBRIDGE_CYBOZU_TOKEN": "tok-123"}, Use{API: true}, nil},
		{"serve", nil, Use{Serve: true}, map[string]string{"admin_password": "config.admin_password_missing"}},
		{"serve, password", map[string]string{"CYBRIDGE_ADMIN_PASSWORD": "admin-pw-long-enough"}, Use{Serve: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(noFile, false, envMap(tc.env), nil, tc.use)
			if tc.want == nil {
				if err != nil || cfg == nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if diff := cmp.Diff(tc.want, problemCodes(t, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), "no configuration file was found at "+noFile) {
				t.Errorf("the error does not say no file was found:\n%v", err)
			}
			if cfg != nil {
				t.Error("a configuration with problems was returned")
			}
		})
	}
}

// TestValidateAlone: Validate checks a configuration already loaded, as
// the API source does before reading.
func TestValidateAlone(t *testing.T) {
	cfg := config.Default()
	if err := Validate(&cfg, Use{}); err != nil {
		t.Errorf("defaults: %v", err)
	}
	cfg.Schedule.TimeZone = "Nowhere/Special"
	if diff := cmp.Diff(map[string]string{"schedule.time_zone": "config.schedule_time_zone"}, problemCodes(t, Validate(&cfg, Use{}))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestEveryComponentCodeHasText: every code the components give has a
// Japanese and an English text (TestCatalogue checks the texts).
func TestEveryComponentCodeHasText(t *testing.T) {
	for _, code := range []string{
		"config.cybozu_url_required", "config.cybozu_credentials_required", "config.cybozu_password_needs_login",
		"config.cybozu_token_with_basic", "config.cybozu_basic_pair", "config.cybozu_client_pair", "config.cybozu_client_cert",
		"scope.expected_operator.at", "scope.expected_operator.at_line", "config.calendar_template_placeholder",
		"config.calendar_template_url", "config.schedule_cron", "config.schedule_cron_fields", "config.schedule_cron_minute", "config.schedule_time_zone", "config.admin_password_missing",
		"config.admin_password_short", "config.admin_password_long", "config.admin_password_space", "config.console_api_token_short",
		"config.console_api_token_space", "config.console_trusted_proxy", "config.console_allowed_host",
	} {
		if !msg.Has(code) {
			t.Errorf("%s has no text", code)
		}
	}
}

// TestTokenExpiresValidated: cybozu.token_expires must be a date; the
// error names the key (and its environment variable) and the value.
func TestTokenExpiresValidated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cybridge.toml")
	if err := os.WriteFile(path, []byte("[cybozu]\ntoken_expires = \"2027/03/31\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path, true, envMap(nil), nil, Use{})
	if diff := cmp.Diff(map[string]string{"cybozu.token_expires": "config.cybozu_token_expires"}, problemCodes(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	for _, lang := range []msg.Lang{msg.Ja, msg.En} {
		if text := msg.Localize(lang, err); !strings.Contains(text, "cybozu.token_expires") || !strings.Contains(text, "2027/03/31") {
			t.Errorf("%s: %s", lang, text)
		}
	}
	if _, err := LoadConfig(path, true, envMap(map[string]string{"CYBRIDGE_CYBOZU_TOKEN_EXPIRES": "2027-03-31"}), nil, Use{}); err != nil {
		t.Errorf("a date from the environment: %v", err)
	}
}
