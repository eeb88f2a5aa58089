package provision_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// summaryTargets are two targets described as safety and calendar
// describe themselves: report order safety, calendar.
var summaryTargets = []provision.TargetInfo{
	{Name: "safety", Kinds: []provision.KindInfo{
		{Kind: "department", Plural: "departments", Actions: []provision.Action{provision.Create, provision.Update, provision.Delete}},
		{Kind: "member", Plural: "members", Actions: []provision.Action{provision.Create, provision.Update, provision.Delete}},
	}},
	{Name: "calendar", Kinds: []provision.KindInfo{
		{Kind: "enrolment", Plural: "enrolments", Actions: []provision.Action{provision.Create, provision.Update, provision.Disable, provision.Delete}},
	}},
}

// TestSummaryLayout: targets and kinds in the targets' report order (not
// by name), zero counts left out, a target the metadata does not name
// after the named ones, and the compact line of the runs table.
func TestSummaryLayout(t *testing.T) {
	s := provision.Summary{
		"calendar": {"enrolments": {provision.Disable: 2, provision.Create: 1}},
		"safety":   {"members": {provision.Update: 3, provision.Delete: 0}, "departments": {provision.Create: 1}},
		"archive":  {"boxes": {provision.Delete: 4}},
	}
	want := []provision.TargetCounts{
		{Target: "safety", Kinds: []provision.KindCounts{
			{Kind: "departments", Acts: []provision.ActionCount{{Action: provision.Create, N: 1}}},
			{Kind: "members", Acts: []provision.ActionCount{{Action: provision.Update, N: 3}}},
		}},
		{Target: "calendar", Kinds: []provision.KindCounts{
			{Kind: "enrolments", Acts: []provision.ActionCount{{Action: provision.Create, N: 1}, {Action: provision.Disable, N: 2}}},
		}},
		{Target: "archive", Kinds: []provision.KindCounts{
			{Kind: "boxes", Acts: []provision.ActionCount{{Action: provision.Delete, N: 4}}},
		}},
	}
	if diff := cmp.Diff(want, s.Layout(summaryTargets)); diff != "" {
		t.Errorf("Layout (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		name string
		s    provision.Summary
		lang msg.Lang
		want string
	}{
		{"empty", provision.Summary{}, msg.En, "-"},
		{"nothing to do", provision.Summary{"safety": {}}, msg.En, "safety +0 ~0 -0"},
		{"every target", s, msg.En, "safety +1 ~3 -0, calendar +1 ~0 -0 !2, archive +0 ~0 -4"},
		{"in Japanese", provision.Summary{"safety": {"members": {provision.Create: 5}}}, msg.Ja, provision.TargetName(msg.Ja, "safety") + " +5 ~0 -0"},
	} {
		if got := provision.CompactSummary(tt.lang, tt.s, summaryTargets); got != tt.want {
			t.Errorf("%s: CompactSummary = %q, want %q", tt.name, got, tt.want)
		}
	}
}
