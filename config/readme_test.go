package config

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readmeTOML returns the README's cybridge.toml example with its
// /etc/cybridge/ secret files made in dir.
func readmeTOML(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```toml\n")
	if !ok {
		t.Fatal("README.md has no ```toml block")
	}
	example, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README.md's toml block is not closed")
	}
	secrets := map[string]string{
		"cybozu_password":  "cybozu-pass",
		"initial_password": "welcome-2025",
		"basic_password":   "basic-pass",
		"admin_password":   "admin-pass",
		"secret_key":       strings.Repeat("0123456789abcdef", 4),
	}
	for _, m := range regexp.MustCompile(`"/etc/cybridge/([a-z_]+)"`).FindAllStringSubmatch(example, -1) {
		v, ok := secrets[m[1]]
		if !ok {
			t.Fatalf("the README names a secret file this test does not know: %s", m[0])
		}
		if err := os.WriteFile(filepath.Join(dir, m[1]), []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return strings.ReplaceAll(example, "/etc/cybridge/", filepath.ToSlash(dir)+"/")
}

// uncomment turns "# key = value" lines of the example into settings,
// except those of the keys in keep.
func uncomment(example string, keep ...string) string {
	key := regexp.MustCompile(`^#\s*([a-z_]+)\s*=`)
	lines := strings.Split(example, "\n")
	for i, l := range lines {
		if m := key.FindStringSubmatch(l); m != nil && !slices.Contains(keep, m[1]) {
			lines[i] = strings.TrimSpace(strings.TrimPrefix(l, "#"))
		}
	}
	return strings.Join(lines, "\n")
}

// TestREADMEExampleLoads: the README's commented cybridge.toml loads as
// it stands, and with its commented keys set, and means what its comments
// say.
func TestREADMEExampleLoads(t *testing.T) {
	dir := t.TempDir()
	example := readmeTOML(t, dir)
	load := func(what, content string) *Config {
		t.Helper()
		path := filepath.Join(dir, "cybridge.toml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path, true, envMap(nil))
		if err != nil {
			t.Fatalf("%s: %v\n%s", what, err, content)
		}
		return cfg
	}

	cfg := load("the example as it stands", example)
	got := []any{cfg.DB, cfg.Cybozu.URL, cfg.Cybozu.Login, cfg.Cybozu.Password.Reveal(), cfg.Cybozu.Concurrency,
		cfg.Safety.LoginKey, cfg.Safety.InitialPassword.Reveal(), cfg.Calendar.Scope, cfg.Calendar.DefaultTarget,
		cfg.Calendar.GoogleDomains, cfg.Safeguards, cfg.Schedule.Cron, cfg.Schedule.TimeZone, cfg.Cybozu.Token.IsSet()}
	want := []any{"/var/lib/cybridge/cybridge.db", "https://example.cybozu.com", "sync-reader", "cybozu-pass", 4,
		"login", "welcome-2025", `organization <= "sales" and title not in ("アルバイト")`, "google",
		[]string{"example.co.jp"}, Safeguards{MaxDeletes: 50, MaxDeletePercent: 20, MinSourceRatio: 70}, "*/10 * * * *", "Asia/Tokyo", false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the example as it stands (-want +got):\n%s", diff)
	}

	// Every commented key but the API token (an alternative to the
	// password, which Basic authentication does not work with).
	cfg = load("the example with its commented keys set", uncomment(example, "token"))
	if got := []string{cfg.SecretKey.Reveal(), cfg.AdminPassword.Reveal(), cfg.Cybozu.BasicUser, cfg.Cybozu.BasicPassword.Reveal()}; !cmp.Equal(got,
		[]string{strings.Repeat("0123456789abcdef", 4), "admin-pass", "basic-user", "basic-pass"}) {
		t.Errorf("commented keys set = %q", got)
	}
	cfg = load("the example with the API token", uncomment(example, "basic_user", "basic_password_file"))
	if cfg.Cybozu.Token.Reveal() != "..." {
		t.Errorf("token = %q", cfg.Cybozu.Token.Reveal())
	}
}
