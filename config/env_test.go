package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// specEnv is every environment variable SPEC §8.1 lists, with the value
// it sets, read back from the configuration. The API token is separate:
// Basic authentication works with password authentication only.
var specEnv = []struct {
	name, value string
	get         func(*Config) any
	want        any // nil: value
}{
	{"CYBRIDGE_DB", "/srv/cybridge/state.db", func(c *Config) any { return c.DB }, nil},
	{"CYBRIDGE_CYBOZU_URL", "https://example.cybozu.com", func(c *Config) any { return c.Cybozu.URL }, nil},
	{"CYBRIDGE_CYBOZU_LOGIN", "sync-reader", func(c *Config) any { return c.Cybozu.Login }, nil},
	{"CYBRIDGE_CYBOZU_PASSWORD", "cybozu-pass", func(c *Config) any { return c.Cybozu.Password.Reveal() }, nil},
	{"CYBRIDGE_CYBOZU_BASIC_USER", "basic-user", func(c *Config) any { return c.Cybozu.BasicUser }, nil},
	{"CYBRIDGE_CYBOZU_BASIC_PASSWORD", "basic-pass", func(c *Config) any { return c.Cybozu.BasicPassword.Reveal() }, nil},
	{"CYBRIDGE_SAFETY_LOGIN_KEY", "email", func(c *Config) any { return c.Safety.LoginKey }, nil},
	{"CYBRIDGE_SAFETY_INITIAL_PASSWORD", "welcome-2025", func(c *Config) any { return c.Safety.InitialPassword.Reveal() }, nil},
	{"CYBRIDGE_CALENDAR_SCOPE", `organization <= "sales" and title in ("manager")`, func(c *Config) any { return c.Calendar.Scope }, nil},
	{"CYBRIDGE_CALENDAR_DEFAULT_TARGET", "caldav", func(c *Config) any { return c.Calendar.DefaultTarget }, nil},
	{"CYBRIDGE_CALENDAR_GOOGLE_DOMAINS", "example.co.jp,example.com", func(c *Config) any { return c.Calendar.GoogleDomains }, []string{"example.co.jp", "example.com"}},
	{"CYBRIDGE_CALENDAR_CALDAV_URL_TEMPLATE", "https://dav.example.co.jp/{email_local}/", func(c *Config) any { return c.Calendar.CalDAVURLTemplate }, nil},
	{"CYBRIDGE_SECRET_KEY", strings.Repeat("ab", 32), func(c *Config) any { return c.SecretKey.Reveal() }, nil},
	{"CYBRIDGE_ADMIN_PASSWORD", "admin-pass", func(c *Config) any { return c.AdminPassword.Reveal() }, nil},
}

// TestEverySPECEnvironmentVariable: with no configuration file at all,
// every variable SPEC §8.1 lists sets its key, and every secret among them
// can come from a *_FILE path instead. (That they are enough to read from
// the User API is app.Validate's test.)
func TestEverySPECEnvironmentVariable(t *testing.T) {
	noFile := filepath.Join(t.TempDir(), "cybridge.toml") // not there: the environment alone
	check := func(what string, env map[string]string) {
		t.Helper()
		cfg, err := Load(noFile, false, envMap(env))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, v := range specEnv {
			want := v.want
			if want == nil {
				want = v.value
			}
			if diff := cmp.Diff(want, v.get(cfg)); diff != "" {
				t.Errorf("%s: %s (-want +got):\n%s", what, v.name, diff)
			}
		}
	}

	env := map[string]string{}
	for _, v := range specEnv {
		env[v.name] = v.value
	}
	check("plain variables", env)

	// The same secrets from files.
	fileEnv := map[string]string{}
	for _, v := range specEnv {
		fileEnv[v.name] = v.value
	}
	for _, name := range []string{"CYBRIDGE_CYBOZU_PASSWORD", "CYBRIDGE_CYBOZU_BASIC_PASSWORD", "CYBRIDGE_SAFETY_INITIAL_PASSWORD", "CYBRIDGE_SECRET_KEY", "CYBRIDGE_ADMIN_PASSWORD"} {
		fileEnv[name+"_FILE"] = writeFile(t, name, fileEnv[name]+"\n")
		delete(fileEnv, name)
	}
	check("secrets as *_FILE", fileEnv)

	// The API token, plain and as a file, instead of the password and
	// Basic authentication.
	for what, tokenEnv := range map[string]map[string]string{
		"CYBRIDGE_CYBOZU_TOKEN":      {"CYBRIDGE_CYBOZU_TOKEN": "api-token"},
		"CYBRIDGE_CYBOZU_TOKEN_FILE": {"CYBRIDGE_CYBOZU_TOKEN_FILE": writeFile(t, "token", "api-token\n")},
	} {
		tokenEnv["CYBRIDGE_CYBOZU_URL"] = "https://example.cybozu.com"
		cfg, err := Load(noFile, false, envMap(tokenEnv))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if cfg.Cybozu.Token.Reveal() != "api-token" {
			t.Errorf("%s: token %q", what, cfg.Cybozu.Token.Reveal())
		}
	}
}
