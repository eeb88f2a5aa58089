package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSCIMInstances(t *testing.T) {
	dir := t.TempDir()
	tokenFile := writeFile(t, "slack_token", "xoxp-file\n")
	path := filepath.Join(dir, "cybridge.toml")
	content := `
[[scim]]
name = "slack"
url = "https://api.slack.com/scim/v2"
token_file = "` + filepath.ToSlash(tokenFile) + `"
user_name = "email"
user_filter = 'organization <= "sales"'
groups = ["organizations"]
leavers = "delete"
concurrency = 8
[scim.attributes]
cost_center = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"

[[scim]]
name = "zoom"
url = "https://api.zoom.us/scim2"
`
	writeFileAt(t, path, content)
	cfg, err := Load(path, true, envMap(map[string]string{"CYBRIDGE_SCIM_ZOOM_TOKEN": "zoom-env"}))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{len(cfg.SCIM), cfg.SCIM[0].Token.Reveal(), cfg.SCIM[0].UserName, cfg.SCIM[0].Groups, cfg.SCIM[0].Leavers,
		cfg.SCIM[0].Concurrency, cfg.SCIM[0].Attributes["cost_center"], cfg.SCIM[1].Token.Reveal(), len(cfg.Secrets())}
	want := []any{2, "xoxp-file", "email", []string{"organizations"}, "delete", 8,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", "zoom-env", 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ps := UnknownEnv([]string{"CYBRIDGE_SCIM_ZOOM_TOKEN=x", "CYBRIDGE_SCIM_SLACK_TOKEN_FILE=/x"}); len(ps) != 0 {
		t.Errorf("token variables reported unknown: %+v", ps)
	}
}

func TestSCIMProblemsAreLocated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cybridge.toml")
	writeFileAt(t, path, `
[[scim]]
name = "slack"
url = "https://api.slack.com/scim/v2"
token_file = "/nonexistent/token"
leavers = "remove"
concurency = 8
`)
	_, ps, err := Decode(path, true, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range ps {
		got[p.Key] = p.Code
	}
	want := map[string]string{
		"scim[0].token_file": "config.secret_file_missing",
		"scim[0].leavers":    "config.oneof",
		"scim.concurency":    "config.unknown_key_suggest",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func writeFileAt(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestREADMESCIMExampleLoads: the README's [[scim]] example loads as it
// stands and with its commented keys set.
func TestREADMESCIMExampleLoads(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## Provisioning a SCIM app")
	if !ok {
		t.Fatal("README.md has no SCIM section")
	}
	_, rest, _ = strings.Cut(rest, "```toml\n")
	example, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no toml block in the SCIM section")
	}
	dir := t.TempDir()
	writeFileAt(t, filepath.Join(dir, "slack_scim_token"), "xoxp-readme\n")
	example = strings.ReplaceAll(example, "/etc/cybridge/", filepath.ToSlash(dir)+"/")
	for _, content := range []string{example, uncomment(strings.ReplaceAll(example, "# [scim.attributes]", "[scim.attributes]"))} {
		path := filepath.Join(dir, "cybridge.toml")
		writeFileAt(t, path, content)
		cfg, err := Load(path, true, envMap(nil))
		if err != nil {
			t.Fatalf("%v\n%s", err, content)
		}
		if len(cfg.SCIM) != 1 || cfg.SCIM[0].Name != "slack" || cfg.SCIM[0].Token.Reveal() != "xoxp-readme" {
			t.Errorf("loaded %+v", cfg.SCIM)
		}
	}
}
