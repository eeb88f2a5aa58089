package notify_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/notify"
)

// TestCheckConfig: what the tags cannot see, by key and code.
func TestCheckConfig(t *testing.T) {
	no := false
	key := writeFile(t, "key", "k")
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o600)
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name string
		c    config.Notify
		base string
		want []string // key: code
	}{
		{"good", config.Notify{
			Email:   []config.NotifyEmail{{Host: "smtp.example.com", From: "cybridge <c@example.com>", To: []string{"a@example.com"}, Username: "u", PasswordFile: key}},
			Webhook: []config.NotifyWebhook{{URL: "https://hooks.slack.com/services/x", Kind: "slack"}, {URL: "https://example.com/hook", SecretFile: key}},
		}, "https://cybridge.example.com/", nil},
		{"addresses", config.Notify{Email: []config.NotifyEmail{{Host: "h", From: "not an address", To: []string{"a@example.com", "@@"}}}}, "",
			[]string{"notify.email[0].from: config.notify_address", "notify.email[0].to: config.notify_address"}},
		{"a password in clear text", config.Notify{Email: []config.NotifyEmail{{Host: "smtp.example.com", StartTLS: &no, Username: "u", PasswordFile: key, From: "c@example.com", To: []string{"a@example.com"}}}}, "",
			[]string{"notify.email[0].starttls: config.notify_auth_plain"}},
		{"on loopback it is allowed", config.Notify{Email: []config.NotifyEmail{{Host: "127.0.0.1", StartTLS: &no, Username: "u", PasswordFile: key, From: "c@example.com", To: []string{"a@example.com"}}}}, "", nil},
		{"user without password, unreadable files", config.Notify{Email: []config.NotifyEmail{
			{Host: "h", Username: "u", From: "c@example.com", To: []string{"a@example.com"}},
			{Host: "h", Username: "u", PasswordFile: missing, CAFile: key, From: "c@example.com", To: []string{"a@example.com"}},
		}}, "", []string{"notify.email[0].username: config.notify_password_user", "notify.email[1].password_file: config.notify_file", "notify.email[1].ca_file: config.notify_ca_file"}},
		{"webhooks", config.Notify{Webhook: []config.NotifyWebhook{
			{URL: "http://example.com/hook", Kind: "slack"},
			{URL: "https://example.com/hook"},
			{URL: "https://example.com/hook", Kind: "teams", SecretFile: key},
			{URL: "http://127.0.0.1:9/hook", SecretFile: empty},
		}}, "", []string{"notify.webhook[0].url: config.notify_webhook_url", "notify.webhook[1].secret_file: config.notify_secret_missing",
			"notify.webhook[2].secret_file: config.notify_secret_kind", "notify.webhook[3].secret_file: config.notify_file_empty"}},
		{"base url", config.Notify{}, "cybridge.example.com", []string{"console.base_url: config.notify_base_url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range notify.CheckConfig(tc.c, tc.base) {
				got = append(got, p.Key+": "+p.Code)
				if p.Env() != "" && p.Key != "console.base_url" {
					t.Errorf("%s has an environment variable %s", p.Key, p.Env())
				}
				if text := p.Text(msg.Ja); !msg.IsJapanese(text) {
					t.Errorf("%s: %q", p.Key, text)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigFile: the tables decode from a file, a misspelt key in one is
// reported with its table's nearest key, and a tag problem names the table
// by its place.
func TestConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cybridge.toml")
	os.WriteFile(path, []byte(`
[[notify.email]]
host = "smtp.example.com"
from = "c@example.com"
to = ["a@example.com"]
lang = "en"

[[notify.webhook]]
url = "https://hooks.slack.com/services/x"
kind = "slack"

[[notify.webhook]]
url = "https://example.com/hook"
kind = "discord"
secert_file = "/x"
`), 0o600)
	cfg, ps, err := config.Decode(path, true, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Notify.Email) != 1 || cfg.Notify.Email[0].Lang != "en" || len(cfg.Notify.Webhook) != 2 {
		t.Errorf("decoded %+v", cfg.Notify)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Key+": "+p.Code+" "+p.Text(msg.En))
	}
	want := []string{
		`notify.webhook.secert_file: config.unknown_key_suggest unknown key; did you mean notify.webhook.secret_file?`,
		`notify.webhook[1].kind: config.oneof "discord" is not one of: generic, slack, teams, google_chat.`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
