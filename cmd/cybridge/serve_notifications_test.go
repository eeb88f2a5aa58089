package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/notify/notifytest"
)

// TestServeNotificationList: after a forced failure of the schedule, the
// notifications it sent are listed newest first by the API and the
// console: the e-mail (to the real test SMTP server) delivered, the
// webhook whose receiver answers 500 retrying, with its attempts and the
// last error; the list pages with before.
func TestServeNotificationList(t *testing.T) {
	t.Parallel()
	smtp := notifytest.NewSMTP(t, "notifier", "smtp-Pa55-list")
	hook := notifytest.NewHook(t)
	hook.SetStatus(http.StatusInternalServerError)
	pw := filepath.Join(t.TempDir(), "smtp")
	if err := os.WriteFile(pw, []byte("smtp-Pa55-list\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := startStack(t, func(c *config.Config) {
		c.Schedule.Cron = "* * * * * *"
		c.Schedule.PauseAfterFailures = 1000
		c.Notify.Email = []config.NotifyEmail{{Host: smtp.Host, Port: smtp.Port, Username: "notifier", PasswordFile: pw, CAFile: smtp.CAFile,
			From: "cybridge <cybridge@example.com>", To: []string{"safety-admin@example.com"}, Lang: "ja"}}
		c.Notify.Webhook = []config.NotifyWebhook{{URL: hook.URL + "/slack", Kind: "slack", Lang: "en"}}
	})
	waitUntil(t, 10*time.Second, "a scheduled run with no changes", func() bool {
		in := st.info()
		return in.Last != nil && in.Last.Status == "no_changes"
	})
	st.fail.Store(true)
	waitUntil(t, 20*time.Second, "the failure sent by mail and tried by webhook", func() bool {
		return len(smtp.Mails()) >= 1 && len(hook.Requests("/slack")) >= 1
	})

	type item struct {
		ID        int64     `json:"id"`
		Channel   string    `json:"channel"`
		Where     string    `json:"where"`
		Kind      string    `json:"kind"`
		Code      string    `json:"code"`
		RunID     string    `json:"run_id"`
		Status    string    `json:"status"`
		Attempts  int       `json:"attempts"`
		LastError string    `json:"last_error"`
		NextAt    time.Time `json:"next_at"`
	}
	var list struct {
		Notifications []item `json:"notifications"`
		Next          int64  `json:"next_before"`
	}
	var byChannel map[string]item
	waitUntil(t, 10*time.Second, "both attempts recorded", func() bool {
		st.mustAPI(200, "GET", "/api/v1/notifications", nil, &list)
		byChannel = map[string]item{}
		for _, n := range list.Notifications {
			byChannel[n.Channel] = n
		}
		return byChannel["notify.email[0]"].Status == "sent" && byChannel["notify.webhook[0]"].Status == "retrying"
	})
	if len(list.Notifications) != 2 || list.Notifications[0].ID < list.Notifications[1].ID || list.Next != 0 {
		t.Fatalf("notifications = %+v; want two, newest first, one page", list)
	}
	mail, hk := byChannel["notify.email[0]"], byChannel["notify.webhook[0]"]
	if mail.Kind != "failed" || mail.Attempts != 1 || mail.RunID == "" || mail.LastError != "" || !strings.Contains(mail.Where, smtp.Host) {
		t.Errorf("the e-mail = %+v", mail)
	}
	if hk.Kind != "failed" || hk.Attempts != 1 || !strings.Contains(hk.LastError, "500") || hk.NextAt.IsZero() || strings.Contains(hk.Where, "/slack") {
		t.Errorf("the webhook = %+v; want retrying after one attempt with the receiver's 500, and no URL path (its key)", hk)
	}

	// Paging: one at a time.
	st.mustAPI(200, "GET", "/api/v1/notifications?limit=1", nil, &list)
	if len(list.Notifications) != 1 || list.Next != list.Notifications[0].ID {
		t.Fatalf("first page = %+v", list)
	}
	first := list.Notifications[0].ID
	st.mustAPI(200, "GET", fmt.Sprintf("/api/v1/notifications?limit=1&before=%d", list.Next), nil, &list)
	if len(list.Notifications) != 1 || list.Notifications[0].ID >= first {
		t.Errorf("second page = %+v", list)
	}
	if code, body := st.api("GET", "/api/v1/notifications?before=x", nil, nil); code != http.StatusBadRequest {
		t.Errorf("before=x = %d %s", code, body)
	}

	// The CLI lists the same, in Japanese, and as JSON.
	r := notificationsCLI(t, st)
	for _, want := range []string{"送信済み", "再送待ち", "同期の失敗", "notify.webhook[0]", "500"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("cybridge notifications lacks %q:\n%s", want, r.stdout)
		}
	}
	r = notificationsCLI(t, st, "-format", "json", "-limit", "1")
	if !strings.Contains(r.stdout, fmt.Sprintf(`"id": %d`, first)) || strings.Count(r.stdout, `"state"`) != 1 {
		t.Errorf("cybridge notifications -format json -limit 1:\n%s", r.stdout)
	}

	// The console's page.
	get, _ := jobsClient(t, st)
	_, _, page := get("/")
	if !strings.Contains(page, `href="/notifications"`) {
		t.Errorf("the console does not link to the notifications")
	}
	_, _, page = get("/notifications")
	for _, want := range []string{fmt.Sprintf(`id="notification-%d" data-status="sent"`, mail.ID), fmt.Sprintf(`id="notification-%d" data-status="retrying"`, hk.ID),
		"delivered", "retrying", "500", "sync failed"} {
		if !strings.Contains(page, want) {
			t.Errorf("the notifications page lacks %q", want)
		}
	}
}

// notificationsCLI runs `cybridge notifications` on st's database.
func notificationsCLI(t *testing.T, st *stack, args ...string) cliResult {
	t.Helper()
	env := map[string]string{
		"CYBRIDGE_DB":                      st.cfg.DB,
		"CYBRIDGE_CYBOZU_URL":              st.cfg.Cybozu.URL,
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": serveInitialPassword,
		"CYBRIDGE_SECRET_KEY":              serveSecretKey,
		"LANG":                             "ja_JP.UTF-8",
	}
	r := runCLI(t, env, append([]string{"notifications"}, args...)...)
	if r.code != msg.ExitOK {
		t.Fatalf("notifications %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}
