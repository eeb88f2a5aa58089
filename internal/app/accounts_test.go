package app

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// TestAccountsAndTokens: a stored account's password checks by bcrypt
// (a wrong name as a wrong password), a token is found by its hash until
// it is removed, and neither the password nor the token is in the
// database file.
func TestAccountsAndTokens(t *testing.T) {
	a, _ := testApp(t, nil)
	ctx := WithActor(context.Background(), Actor{Kind: access.KindCLI, Name: "taro", Addr: "cli"})
	const pw = "sato-password-123"
	if err := a.AddAccount(ctx, "sato", access.Operator, pw); err != nil {
		t.Fatal(err)
	}
	if role, err := a.CheckPassword(ctx, "sato", pw); err != nil || role != access.Operator {
		t.Errorf("CheckPassword(right) = %q, %v", role, err)
	}
	for _, tc := range [][2]string{{"sato", "wrong-password-123"}, {"nobody", pw}} {
		if _, err := a.CheckPassword(ctx, tc[0], tc[1]); msg.KindOf(err) != msg.KindUnauthorized {
			t.Errorf("CheckPassword(%q, %q) = %v; want unauthorized", tc[0], tc[1], err)
		}
	}
	tok, err := a.AddToken(ctx, "ci", access.Viewer)
	if err != nil || len(tok.Reveal()) < 40 {
		t.Fatalf("AddToken = %q, %v", tok.Reveal(), err)
	}
	if name, role, ok, err := a.CheckToken(ctx, tok.Reveal()); !ok || err != nil || name != "ci" || role != access.Viewer {
		t.Errorf("CheckToken = %q %q %v %v", name, role, ok, err)
	}
	if err := a.store.Close(); err != nil { // checkpoint the WAL into the file
		t.Fatal(err)
	}
	db, err := os.ReadFile(a.cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{pw, tok.Reveal()} {
		if bytes.Contains(db, []byte(s)) {
			t.Errorf("the database file holds %q", s)
		}
	}
	if fi, _ := os.Stat(a.cfg.DB); fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v", fi.Mode().Perm())
	}
}

// TestTokenRevokedAtOnce: a removed token is not found at the next look.
func TestTokenRevokedAtOnce(t *testing.T) {
	a, _ := testApp(t, nil)
	ctx := context.Background()
	tok, err := a.AddToken(ctx, "ci", access.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveToken(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := a.CheckToken(ctx, tok.Reveal()); ok || err != nil {
		t.Errorf("a removed token: ok %v, %v", ok, err)
	}
	if _, err := a.AddToken(ctx, BootstrapToken, access.Admin); msg.Code(err) != CodeAccountReserved {
		t.Errorf("a token named as the configured one: %v", err)
	}
}

// TestAuditRecordsActorsAndOutcomes: runs, refusals and account changes
// are audited with the actor of the context; a scheduled run that found
// nothing is not; RunActor names who made a run.
func TestAuditRecordsActorsAndOutcomes(t *testing.T) {
	a, _ := testApp(t, nil)
	sato := Actor{Kind: access.KindAccount, Name: "sato", Role: access.Operator, Addr: "192.0.2.1"}
	ctx := WithActor(context.Background(), sato)
	res, err := a.Run(ctx, RunRequest{Trigger: provision.TriggerConsole, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: res.RunID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: res.RunID}); err == nil {
		t.Fatal("a second apply of the plan was not refused")
	}
	a.RunScheduled(context.Background()) // nothing left to do: not audited
	if err := a.AddAccount(ctx, "x", access.Viewer, "short"); err == nil {
		t.Fatal("a short password was accepted")
	}
	es, total, err := a.Audit(context.Background(), access.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Action+" "+e.Actor.Name+" "+e.Actor.Addr+" "+e.Target+" "+e.Outcome+" "+e.Code)
	}
	want := []string{
		"account_add sato 192.0.2.1 account x failed password_short",
		"apply sato 192.0.2.1 plan of run 1 failed stale_plan",
		"apply sato 192.0.2.1 plan of run 1 ok ",
		"dry_run sato 192.0.2.1 run 1 ok ",
	}
	if diff := cmp.Diff(want, got); diff != "" || total != len(want) {
		t.Errorf("audit (-want +got), total %d:\n%s", total, diff)
	}
	if who, ok, err := a.RunActor(context.Background(), res.RunID); !ok || err != nil || who != sato {
		t.Errorf("RunActor = %+v %v %v", who, ok, err)
	}
	// Filters.
	if es, _, _ := a.Audit(context.Background(), access.Filter{Action: access.ActionApply}); len(es) != 2 {
		t.Errorf("filter by action: %d entries", len(es))
	}
	if es, _, _ := a.Audit(context.Background(), access.Filter{Since: time.Now().Add(time.Hour)}); len(es) != 0 {
		t.Errorf("filter by since: %d entries", len(es))
	}
}

// TestAuditKeptAtLeastAYear: entries older than the retention are pruned
// as new ones are written; a short history.days does not shorten it
// below AuditMinDays.
func TestAuditKeptAtLeastAYear(t *testing.T) {
	a, _ := testApp(t, func(c *config.Config) { c.History.Days = 7 })
	ctx := context.Background()
	now := time.Now().UTC()
	for _, age := range []time.Duration{400 * 24 * time.Hour, 300 * 24 * time.Hour} {
		if err := a.store.RecordAudit(ctx, access.Entry{At: now.Add(-age), Actor: Actor{Kind: access.KindSchedule}, Action: access.ActionRun, Outcome: access.OutcomeOK}, 0); err != nil {
			t.Fatal(err)
		}
	}
	a.Record(ctx, access.ActionResume, "schedule", 0, nil)
	_, total, err := a.Audit(ctx, access.Filter{})
	if err != nil || total != 2 {
		t.Errorf("after pruning: %d entries, %v; want the 300-day-old one and the new one", total, err)
	}
}
