package app

import (
	"context"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/safety"
)

// calendarApp is an App with the calendar target enabled and the fixture
// company's enrolments made by a real run.
func calendarApp(t *testing.T) *App {
	t.Helper()
	a, _ := testApp(t, func(c *config.Config) {
		c.Safety.Enabled = false
		c.Calendar.Enabled = true
		c.Calendar.Scope = `organization <= "sales"`
		c.Calendar.GoogleDomains = []string{"example.co.jp"}
		c.Calendar.CalDAVURLTemplate = "https://dav.example.co.jp/{email_local}/calendar/"
		c.SecretKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	})
	if _, err := a.Run(context.Background(), RunRequest{Trigger: provision.TriggerCLI}); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestConsoleCalendar: the console's enrolment edits go to the editor, an
// unknown login is not_found (HTTP 404), and a password never shows.
func TestConsoleCalendar(t *testing.T) {
	ctx := context.Background()
	c := NewConsole(calendarApp(t), nil)
	ens, err := c.Enrolments(ctx)
	if err != nil || len(ens) != 41 {
		t.Fatalf("Enrolments: %d, %v", len(ens), err)
	}
	// The calendar's own code, as the CLI reports it; the kind gives the
	// API its 404.
	if _, err := c.Enrolment(ctx, "nobody"); msg.Code(err) != msg.CodeNotFound || msg.KindOf(err) != msg.KindNotFound {
		t.Errorf("unknown login: %v (%s), want %s, not found", err, msg.KindOf(err), msg.CodeNotFound)
	}
	edit := web.TargetEdit{Target: "caldav", URL: "https://dav.example.co.jp/ito/", AuthID: "ito", Password: secret.Secret("pw-console-1")}
	if err := c.SetTarget(ctx, "s.ito", edit); err != nil {
		t.Fatal(err)
	}
	d, err := c.Enrolment(ctx, "s.ito")
	if err != nil || !d.CalDAVPasswordSet || d.Target != "caldav" || d.CalDAVAuthID != "ito" || len(d.History) != 2 {
		t.Errorf("detail = %+v, %v", d, err)
	}
	for _, h := range d.History {
		for _, l := range []msg.Lang{msg.Ja, msg.En} {
			if s := h.Summary(l); strings.Contains(s, "pw-console-1") {
				t.Errorf("history shows the password: %s", s)
			}
		}
	}
	if _, err := c.CheckCalDAV(ctx, "t.yamada"); err == nil {
		t.Error("check of a Google target succeeded")
	}
	e, err := c.RecordError(ctx, "t.yamada", "forbidden")
	if err != nil || e.State != "stopped" || e.AutoStopReason != "forbidden" {
		t.Errorf("RecordError: %+v, %v", e, err)
	}
	if err := c.Revoke(ctx, "t.yamada"); err != nil {
		t.Fatal(err)
	}
	if err := c.Unpin(ctx, "t.yamada"); err != nil {
		t.Fatal(err)
	}
	if err := c.Permit(ctx, "nobody"); msg.Code(err) != msg.CodeNotFound || msg.KindOf(err) != msg.KindNotFound {
		t.Errorf("permit unknown: %v", err)
	}
}

// TestDisabledTargetGuards: the roster and enrolment use cases of a
// disabled target are refused with their codes, on every surface.
func TestDisabledTargetGuards(t *testing.T) {
	ctx := context.Background()
	a, _ := testApp(t, func(c *config.Config) { c.Safety.Enabled = false; c.Calendar.Enabled = false })
	c := NewConsole(a, nil)
	for name, err := range map[string]error{
		"roster":     func() error { _, err := c.Roster(ctx); return err }(),
		"add member": c.AddMember(ctx, safety.ExportMember{Login: "x"}),
		"enrolments": func() error { _, err := c.Enrolments(ctx); return err }(),
		"permit":     c.Permit(ctx, "x"),
		"run":        func() error { _, err := a.Run(ctx, RunRequest{}); return err }(),
		"apply plan": func() error { _, err := a.ApplyPlan(ctx, ApplyRequest{RunID: 1}); return err }(),
	} {
		want := map[string]string{"roster": CodeSafetyDisabled, "add member": CodeSafetyDisabled,
			"enrolments": CodeCalendarDisabled, "permit": CodeCalendarDisabled, "run": CodeNoTargets, "apply plan": CodeNoTargets}[name]
		if got := msg.Code(err); got != want {
			t.Errorf("%s: %v (code %s), want %s", name, err, got, want)
		}
	}
}

// TestSyncCutOffAfterCommitIsApplied: an API sync whose request is
// canceled once its run has committed (the client left, serve is shutting
// down) answers the applied run, not "canceled" (security review F13).
func TestSyncCutOffAfterCommitIsApplied(t *testing.T) {
	a, _ := testApp(t, nil)
	res, err := a.Run(context.Background(), RunRequest{Trigger: provision.TriggerAPI})
	if err != nil || res.Status != provision.StatusApplied {
		t.Fatalf("run: %+v, %v", res, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // after the commit
	c := NewConsole(a, nil)
	run, err := c.outcome(ctx, res, ctx.Err())
	if err != nil {
		t.Fatalf("outcome after commit: %v (%s); want the applied run", err, msg.Code(err))
	}
	if run.ID != res.RunID || run.Status != provision.StatusApplied {
		t.Errorf("run = #%d %s; want #%d applied", run.ID, run.Status, res.RunID)
	}
}
