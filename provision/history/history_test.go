package history

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar"
)

func TestKeysHaveTexts(t *testing.T) {
	for _, k := range Keys() {
		if !msg.Has(k) {
			t.Errorf("%s has no text", k)
		}
	}
}

func TestEntryTexts(t *testing.T) {
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	move := FromChange(2, at, provision.TriggerSchedule, provision.Change{Target: "safety", Kind: "member", Action: provision.Update,
		Reason: provision.ReasonLink, Fields: provision.Fields{{Name: "departments", Old: []any{"sales"}, New: []any{"dev"}}}})
	gone := FromChange(3, at, provision.TriggerCLI, provision.Change{Target: "safety", Kind: "member", Action: provision.Delete,
		Reason: provision.ReasonGone})
	revoke := FromEnrolment(calendar.HistoryEntry{At: at, Actor: calendar.ActorAdmin, Action: "revoke"})
	for _, tc := range []struct {
		e                 Entry
		l                 msg.Lang
		who, what, detail string
	}{
		{move, msg.Ja, "同期 2（スケジュール）", "安否確認：変更", `所属部署：["sales"] → ["dev"]`},
		{move, msg.En, "run 2 (schedule)", "safety: update", `departments: ["sales"] → ["dev"]`},
		{gone, msg.En, "run 3 (command line)", "safety: delete", "(gone from the directory)"},
		{revoke, msg.Ja, "管理者", "カレンダー同期：" + msg.Text(msg.Ja, calendar.HistoryActionKey("revoke"), nil), ""},
	} {
		got := []string{tc.e.Who(tc.l), tc.e.What(tc.l), tc.e.Detail(tc.l)}
		if diff := cmp.Diff([]string{tc.who, tc.what, tc.detail}, got); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.e.Action, tc.l, diff)
		}
	}
}
