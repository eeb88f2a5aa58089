package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/notify/notifytest"
)

// TestServeNotifies is issue 12's scenario: with the schedule running
// against the simulated domain, a forced failure sends exactly one e-mail
// (received over STARTTLS with authentication: subject, Japanese body,
// the run's link) and one webhook per channel (the generic one with a
// valid signature); more failures of the same kind send nothing; recovery
// sends one "recovered" to each. Every delivery is recorded as sent.
func TestServeNotifies(t *testing.T) {
	t.Parallel()
	smtp := notifytest.NewSMTP(t, "notifier", "smtp-Pa55-serve")
	hook := notifytest.NewHook(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const key = "whsec-serve-0123456789"
	st := startStack(t, func(c *config.Config) {
		c.Schedule.Cron = "* * * * * *"
		c.Schedule.PauseAfterFailures = 1000 // failures notify; no pause here
		c.Notify.Email = []config.NotifyEmail{{Host: smtp.Host, Port: smtp.Port, Username: "notifier",
			PasswordFile: write("smtp", "smtp-Pa55-serve"), CAFile: smtp.CAFile,
			From: "cybridge <cybridge@example.com>", To: []string{"safety-admin@example.com"}, Lang: "ja"}}
		c.Notify.Webhook = []config.NotifyWebhook{
			{URL: hook.URL + "/generic", SecretFile: write("hook", key), Lang: "en"},
			{URL: hook.URL + "/slack", Kind: "slack", Lang: "ja"},
		}
	})
	counts := func() (mails, generic, slack int) {
		return len(smtp.Mails()), len(hook.Requests("/generic")), len(hook.Requests("/slack"))
	}
	failedRuns := func() []apiRun {
		var out []apiRun
		for _, r := range st.runs() {
			if r.Status == "failed" {
				out = append(out, r)
			}
		}
		return out
	}

	// Healthy: the first import and no-change runs notify nothing.
	waitUntil(t, 30*time.Second, "a scheduled run with no changes", func() bool {
		in := st.info()
		return in.Last != nil && in.Last.Status == "no_changes"
	})
	if m, g, s := counts(); m+g+s != 0 {
		t.Fatalf("notifications while healthy: %d mails, %d generic, %d slack", m, g, s)
	}

	// The domain fails: one notification per channel.
	st.fail.Store(true)
	waitUntil(t, 20*time.Second, "the failure notified on every channel", func() bool {
		m, g, s := counts()
		return m >= 1 && g >= 1 && s >= 1
	})
	first := failedRuns()[len(failedRuns())-1]
	// More failures of the same kind: nothing more.
	waitUntil(t, 20*time.Second, "two more failed runs", func() bool { return len(failedRuns()) >= 3 })
	if m, g, s := counts(); m != 1 || g != 1 || s != 1 {
		t.Fatalf("after %d failed runs: %d mails, %d generic, %d slack; want one each", len(failedRuns()), m, g, s)
	}

	mail := smtp.Mails()[0]
	runURL := fmt.Sprintf("http://%s/runs/%d", st.srv.addr, first.ID)
	if !mail.TLS || mail.User != "notifier" {
		t.Errorf("mail over TLS %v, authenticated as %q; want STARTTLS and AUTH", mail.TLS, mail.User)
	}
	if !strings.HasPrefix(mail.Subject, "[cybridge] 同期に失敗しました（") {
		t.Errorf("subject = %q", mail.Subject)
	}
	for _, want := range []string{"スケジュール実行による同期に失敗しました", fmt.Sprintf("同期 #%d: %s", first.ID, runURL)} {
		if !strings.Contains(mail.Body, want) {
			t.Errorf("the mail's body lacks %q:\n%s", want, mail.Body)
		}
	}
	generic := hook.Requests("/generic")[0]
	if err := notify.Verify([]byte(key), &http.Request{Header: generic.Header}, generic.Body, time.Now(), time.Minute); err != nil {
		t.Errorf("the generic webhook's signature: %v", err)
	}
	var body notify.GenericBody
	if err := json.Unmarshal(generic.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Event != notify.Failed || body.RunID != fmt.Sprint(first.ID) || body.RunURL != runURL || !strings.HasPrefix(body.Subject, "[cybridge] Sync failed (") {
		t.Errorf("generic body = %+v", body)
	}

	// The domain is back: one "recovered" each.
	st.fail.Store(false)
	waitUntil(t, 20*time.Second, "the recovery notified on every channel", func() bool {
		m, g, s := counts()
		return m >= 2 && g >= 2 && s >= 2
	})
	waitUntil(t, 30*time.Second, "a later run with no changes", func() bool {
		in := st.info()
		return in.Last != nil && in.Last.Status == "no_changes"
	})
	time.Sleep(1500 * time.Millisecond) // another trigger or two
	if m, g, s := counts(); m != 2 || g != 2 || s != 2 {
		t.Errorf("after recovery: %d mails, %d generic, %d slack; want two each", m, g, s)
	}
	if got := smtp.Mails()[1].Subject; got != "[cybridge] 同期が復旧しました" {
		t.Errorf("recovery subject = %q", got)
	}
	recovered := hook.Requests("/generic")[1]
	if err := notify.Verify([]byte(key), &http.Request{Header: recovered.Header}, recovered.Body, time.Now(), time.Minute); err != nil {
		t.Errorf("the recovery's signature: %v", err)
	}

	// Every delivery is recorded, sent at the first attempt.
	ds, err := st.srv.store.ListDeliveries(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 6 {
		t.Fatalf("%d deliveries recorded; want 6: %+v", len(ds), ds)
	}
	for _, d := range ds {
		if d.Status != notify.DeliverySent || d.Attempts != 1 {
			t.Errorf("delivery %+v; want sent at the first attempt", d)
		}
	}
	if strings.Contains(st.log.String(), "smtp-Pa55-serve") || strings.Contains(st.log.String(), key) {
		t.Error("the log shows a notification secret")
	}
}
