package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

// scimApp is an App with only a [[scim]] target, over scimtest.
func scimApp(t *testing.T) (*App, *scimtest.Server) {
	t.Helper()
	srv := scimtest.New(scimtest.Options{Token: "app-test-token", ETags: true})
	t.Cleanup(srv.Close)
	a, _ := testApp(t, func(c *config.Config) {
		c.Safety.Enabled = false
		c.SCIM = []config.SCIM{{Name: "app", URL: srv.URL, Token: "app-test-token"}}
	})
	return a, srv
}

// The console's flow for a SCIM target: a dry run, its plan applied (the
// stored-plan check re-reads the app), a scheduled run with a failure that
// ends partial (told like a failure, a warning in the health), and the
// check of the endpoint.
func TestSCIMTarget(t *testing.T) {
	ctx := context.Background()
	a, srv := scimApp(t)
	if ts := a.Targets(); len(ts) != 1 || ts[0].Name != "scim.app" || ts[0].Kinds[0].Plural != "users" {
		t.Fatalf("targets: %+v", ts)
	}
	plan := dryRun(t, a)
	res, err := a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: plan})
	if err != nil || res.Status != provision.StatusApplied {
		t.Fatalf("apply = %+v, %v", res, err)
	}
	if n := len(srv.Users()); n != 38 {
		t.Errorf("%d users in the app", n)
	}

	// Two users changed in the app: cybridge sets them back, and the app
	// fails the write to one.
	for _, u := range srv.Users() {
		if u["userName"] == "h.sato" || u["userName"] == "k.suzuki" {
			if err := srv.EditUser(u["id"].(string), func(m map[string]any) { m["displayName"] = "changed in the app" }); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv.FailUser("h.sato", http.StatusInternalServerError)
	o := a.RunScheduled(ctx)
	if o.Status != provision.StatusPartial || o.ErrorCode != provision.CodePartial || !strings.Contains(o.Error.Texts[msg.Ja], "h.sato") {
		t.Fatalf("scheduled: %+v", o)
	}
	h, err := a.Health(ctx, schedule.Info{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if h.Level != health.LevelWarning || !hasCause(h.Health, health.CauseRunPartial) {
		t.Errorf("health: %+v", h.Health)
	}
	srv.FailUser("h.sato", 0)
	if o := a.RunScheduled(ctx); o.Status != provision.StatusApplied {
		t.Errorf("next run: %+v", o)
	}

	src, err := NewSource(a.cfg, Overrides{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(ctx, src)
	if err != nil || len(r.SCIM) != 1 || !r.SCIM[0].OK || !r.SCIM[0].Patch || !r.SCIM[0].ETag || len(r.SCIM[0].Schemas) == 0 {
		t.Errorf("check: %+v, %v", r.SCIM, err)
	}
	// A token the app refuses fails check, naming the target.
	a.cfg.SCIM[0].Token = "wrong"
	r, err = Check(ctx, src)
	if msg.Code(err) != CodeSCIMUnusable || r.SCIM[0].OK || !strings.Contains(msg.Localize(msg.Ja, err), "scim.app") {
		t.Errorf("check with a wrong token: %+v, %v", r.SCIM, err)
	}
}

func hasCause(h health.Health, code string) bool {
	for _, r := range append([]health.Reason{h.Reason}, h.Others...) {
		if r.Code == code {
			return true
		}
	}
	return false
}
