package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/notify/notifytest"
)

var links = notify.Links{BaseURL: "https://cybridge.example.com/", Location: time.FixedZone("JST", 9*3600)}

// authFailed is the delivery of a failed run (cybozu.com rejected the
// credentials).
func authFailed() notify.Delivery {
	return notify.Delivery{ID: 41, Event: notify.Event{Kind: notify.Failed, Code: "auth_failed", RunID: "12",
		Message: "cybozu.com rejected the login name or password", At: time.Date(2025, 4, 1, 0, 30, 0, 0, time.UTC)}}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func channels(t *testing.T, c config.Notify) []notify.Channel {
	t.Helper()
	chs, err := notify.Channels(c)
	if err != nil {
		t.Fatalf("Channels: %v", msg.Localize(msg.En, err))
	}
	return chs
}

// TestEmailSTARTTLSAndAuth: a mail is received by an SMTP server on
// loopback over STARTTLS after PLAIN authentication, with the Japanese
// subject and body and the run's link.
func TestEmailSTARTTLSAndAuth(t *testing.T) {
	srv := notifytest.NewSMTP(t, "notifier", "smtp-Pa55")
	ch := channels(t, config.Notify{Email: []config.NotifyEmail{{Host: srv.Host, Port: srv.Port, Username: "notifier",
		PasswordFile: writeFile(t, "smtp", "smtp-Pa55"), CAFile: srv.CAFile, From: "cybridge <cybridge@example.com>",
		To: []string{"admin@example.com", "安否担当 <safety@example.com>"}, Lang: "ja"}}})[0]
	d := authFailed()
	if err := ch.Send(context.Background(), d, notify.Render(ch.Lang(), d.Event, links)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("received %d mails; want 1", len(mails))
	}
	m := mails[0]
	if !m.TLS || m.User != "notifier" {
		t.Errorf("TLS %v, authenticated as %q; want STARTTLS and user notifier", m.TLS, m.User)
	}
	if diff := cmp.Diff([]string{"admin@example.com", "safety@example.com"}, m.To); diff != "" {
		t.Errorf("recipients (-want +got):\n%s", diff)
	}
	if want := "[cybridge] 同期に失敗しました（認証エラー）"; m.Subject != want {
		t.Errorf("subject = %q; want %q", m.Subject, want)
	}
	for _, want := range []string{
		"スケジュール実行による同期に失敗しました",
		"エラー（auth_failed）: cybozu.com がログイン名またはパスワードを拒否したか、アカウントが停止中です。",
		"日時: 2025-04-01 09:30:00 +09:00",
		"同期 #12: https://cybridge.example.com/runs/12",
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	if m.Header.Get("X-Cybridge-Event") != "failed" || m.Header.Get("X-Cybridge-Run") != "12" {
		t.Errorf("headers %v", m.Header)
	}
}

// TestEmailRefusedWithoutAuth: the server wants authentication; a
// channel without it is refused, and the error is returned (to retry).
// The password never appears in the error.
func TestEmailWrongPassword(t *testing.T) {
	srv := notifytest.NewSMTP(t, "notifier", "smtp-Pa55")
	ch := channels(t, config.Notify{Email: []config.NotifyEmail{{Host: srv.Host, Port: srv.Port, Username: "notifier",
		PasswordFile: writeFile(t, "smtp", "wrong-Pa55"), CAFile: srv.CAFile, From: "cybridge@example.com", To: []string{"a@example.com"}}}})[0]
	d := authFailed()
	err := ch.Send(context.Background(), d, notify.Render(ch.Lang(), d.Event, links))
	if err == nil {
		t.Fatal("sent with a wrong password")
	}
	if strings.Contains(err.Error(), "wrong-Pa55") {
		t.Errorf("the error shows the password: %v", err)
	}
	if len(srv.Mails()) != 0 {
		t.Error("a mail was received")
	}
}

// TestEmailUntrustedCertificate: STARTTLS checks the server's
// certificate; without the CA file the test server's is refused.
func TestEmailUntrustedCertificate(t *testing.T) {
	srv := notifytest.NewSMTP(t, "", "")
	ch := channels(t, config.Notify{Email: []config.NotifyEmail{{Host: srv.Host, Port: srv.Port, From: "cybridge@example.com", To: []string{"a@example.com"}}}})[0]
	d := authFailed()
	if err := ch.Send(context.Background(), d, notify.Render(ch.Lang(), d.Event, links)); err == nil {
		t.Fatal("sent to a server with an untrusted certificate")
	}
}

// TestWebhookFormats: each kind's body, in the channel's language; the
// generic one is signed and its signature verifies.
func TestWebhookFormats(t *testing.T) {
	hook := notifytest.NewHook(t)
	const key = "whsec-0123456789"
	chs := channels(t, config.Notify{Webhook: []config.NotifyWebhook{
		{URL: hook.URL + "/generic", SecretFile: writeFile(t, "key", key), Lang: "en"},
		{URL: hook.URL + "/slack", Kind: "slack"},
		{URL: hook.URL + "/teams", Kind: "teams", Lang: "en"},
		{URL: hook.URL + "/chat", Kind: "google_chat"},
	}})
	d := authFailed()
	for _, ch := range chs {
		if err := ch.Send(context.Background(), d, notify.Render(ch.Lang(), d.Event, links)); err != nil {
			t.Fatalf("%s: %v", ch.Describe(), err)
		}
	}

	g := hook.Requests("/generic")
	if len(g) != 1 {
		t.Fatalf("generic: %d requests", len(g))
	}
	req := &http.Request{Header: g[0].Header}
	if err := notify.Verify([]byte(key), req, g[0].Body, time.Now(), 5*time.Minute); err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	if err := notify.Verify([]byte("another key"), req, g[0].Body, time.Now(), 5*time.Minute); err == nil {
		t.Error("a signature with another key verifies")
	}
	tampered := append([]byte(nil), g[0].Body...)
	tampered[len(tampered)-2] = ' '
	if err := notify.Verify([]byte(key), req, tampered, time.Now(), 5*time.Minute); err == nil {
		t.Error("a tampered body verifies")
	}
	if err := notify.Verify([]byte(key), req, g[0].Body, time.Now().Add(time.Hour), 5*time.Minute); err == nil {
		t.Error("an old request verifies (replay)")
	}
	var body notify.GenericBody
	if err := json.Unmarshal(g[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.ID != 41 || body.Event != notify.Failed || body.Code != "auth_failed" || body.RunID != "12" ||
		body.RunURL != "https://cybridge.example.com/runs/12" || body.Lang != msg.En ||
		body.Subject != "[cybridge] Sync failed (authentication error)" || !strings.Contains(body.Text, "Run #12: https://cybridge.example.com/runs/12") {
		t.Errorf("generic body = %+v", body)
	}
	if g[0].Header.Get(notify.HeaderEvent) != "failed" || g[0].Header.Get(notify.HeaderDelivery) != "41" {
		t.Errorf("generic headers = %v", g[0].Header)
	}

	var slack struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type     string `json:"type"`
			Text     *struct{ Type, Text string }
			Elements []struct {
				Type string `json:"type"`
				URL  string `json:"url"`
				Text struct{ Text string }
			}
		} `json:"blocks"`
	}
	decode(t, hook.Requests("/slack"), &slack)
	if slack.Text != "[cybridge] 同期に失敗しました（認証エラー）" || len(slack.Blocks) != 4 || slack.Blocks[0].Type != "header" ||
		slack.Blocks[1].Text.Type != "mrkdwn" || slack.Blocks[3].Elements[0].URL != "https://cybridge.example.com/runs/12" ||
		slack.Blocks[3].Elements[0].Text.Text != "同期 #12 を開く" {
		t.Errorf("slack body = %+v", slack)
	}

	var teams struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Type    string `json:"type"`
				Version string `json:"version"`
				Body    []struct{ Type, Text string }
				Actions []struct{ Type, Title, URL string }
			} `json:"content"`
		} `json:"attachments"`
	}
	decode(t, hook.Requests("/teams"), &teams)
	if teams.Type != "message" || len(teams.Attachments) != 1 || teams.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("teams body = %+v", teams)
	}
	card := teams.Attachments[0].Content
	if card.Type != "AdaptiveCard" || card.Body[0].Text != "[cybridge] Sync failed (authentication error)" ||
		len(card.Actions) != 1 || card.Actions[0].Type != "Action.OpenUrl" || card.Actions[0].URL != "https://cybridge.example.com/runs/12" {
		t.Errorf("teams card = %+v", card)
	}

	var chat struct {
		Text string `json:"text"`
	}
	decode(t, hook.Requests("/chat"), &chat)
	if !strings.HasPrefix(chat.Text, "*[cybridge] 同期に失敗しました（認証エラー）*\n") ||
		!strings.HasSuffix(chat.Text, "<https://cybridge.example.com/runs/12|同期 #12 を開く>") {
		t.Errorf("google chat text = %q", chat.Text)
	}
	for _, path := range []string{"/slack", "/teams", "/chat"} {
		if s := hook.Requests(path)[0].Header.Get(notify.HeaderSignature); s != "" {
			t.Errorf("%s is signed (%q): only generic webhooks are", path, s)
		}
	}
}

func decode(t *testing.T, reqs []notifytest.Request, v any) {
	t.Helper()
	if len(reqs) != 1 {
		t.Fatalf("%d requests; want 1", len(reqs))
	}
	if err := json.Unmarshal(reqs[0].Body, v); err != nil {
		t.Fatalf("%s: %v", reqs[0].Body, err)
	}
}

// TestWebhookErrorHidesURL: a webhook URL carries its key; an error names
// the host only.
func TestWebhookErrorHidesURL(t *testing.T) {
	hook := notifytest.NewHook(t)
	hook.SetStatus(http.StatusForbidden)
	ch := channels(t, config.Notify{Webhook: []config.NotifyWebhook{{URL: hook.URL + "/services/T000/B000/XXXXsecretXXXX", Kind: "slack"}}})[0]
	d := authFailed()
	err := ch.Send(context.Background(), d, notify.Render(ch.Lang(), d.Event, links))
	if err == nil || !strings.Contains(err.Error(), "403") || strings.Contains(err.Error(), "XXXXsecretXXXX") {
		t.Errorf("error = %v; want the 403 without the URL's path", err)
	}
	if strings.Contains(ch.Describe(), "XXXXsecretXXXX") {
		t.Errorf("Describe = %q", ch.Describe())
	}
}

// TestRenderErrorParams: an error with parameters (a safeguard's) renders
// in the channel's language from its key and parameters.
func TestRenderErrorParams(t *testing.T) {
	e := notify.Event{Kind: notify.Blocked, Code: "max_deletes", RunID: "9", Message: "safety: this run would delete ...",
		ErrorParams: msg.Params{"target": "safety", "count": 60, "limit": 50}, At: time.Now()}
	m := notify.Render(msg.Ja, e, links)
	if want := "エラー（max_deletes）: safety: この同期では 60 件を削除・無効化・リセットします。"; !strings.Contains(m.Text(), want) {
		t.Errorf("text lacks %q:\n%s", want, m.Text())
	}
	if m.Subject != "[cybridge] 安全装置が働いたため同期を止めました" {
		t.Errorf("subject = %q", m.Subject)
	}
}
