package web

import (
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// A run of a remote target (SCIM) that ended partially applied: the run
// list, its page and the API show the status and every failure, in the
// reader's language.
func TestPartialRunShown(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	perr := &provision.PartialError{Applied: 2, Failures: []provision.Issue{{
		Code: "scim_unavailable", Target: "scim.slack",
		Params: msg.Params{"target": "scim.slack", "kind": "user", "key": "h.sato", "action": "update", "status": 500, "detail": "boom"},
		Texts:  map[msg.Lang]string{msg.Ja: "同期先が応答しませんでした", msg.En: "the app did not answer"},
	}}}
	issue := provision.ErrorIssue(perr)
	b := e.backend
	b.mu.Lock()
	b.runs = append(b.runs, &provision.Run{ID: 1, Trigger: provision.TriggerSchedule, Status: provision.StatusPartial, StartedAt: b.now, FinishedAt: b.now,
		Summary: provision.Summary{"scim.slack": {"users": {provision.Create: 2}}}, Error: issue, Repeats: 1})
	b.mu.Unlock()
	for lang, want := range map[string][]string{
		"ja": {"一部失敗", "h.sato", "同期先が応答しませんでした", "partially_applied"},
		"en": {"partially applied", "h.sato", "the app did not answer", "scim.slack", "What succeeded is applied"},
	} {
		_, _, page := e.get("/runs/1", "Accept-Language", lang)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("run page (%s) lacks %q", lang, w)
			}
		}
		_, _, list := e.get("/runs", "Accept-Language", lang)
		if !strings.Contains(list, want[0]) || !strings.Contains(list, "st-partial") {
			t.Errorf("run list (%s) lacks the partial status", lang)
		}
	}
	st, body := e.api("GET", "/api/v1/runs/1", nil)
	if st != 200 || !strings.Contains(body, `"status":"partial"`) && !strings.Contains(body, `"status": "partial"`) || !strings.Contains(body, "h.sato") {
		t.Errorf("API run = %d %s", st, body)
	}
}
