package calendar

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
)

// TestCheckConfig: a scope with a syntax error points at its column (and
// line), a template's unknown placeholder is named, a template that makes
// no usable URL says why; good settings have no problem.
func TestCheckConfig(t *testing.T) {
	type problem struct {
		Key, Code string
		Params    msg.Params
	}
	for _, tc := range []struct {
		name string
		c    config.Calendar
		want []problem
	}{
		{"good", config.Calendar{Scope: `(organization in ("sales") or user in ("sato")) and title in “manager”`, CalDAVURLTemplate: "https://dav.example.com/{login}/calendar/"}, nil},
		{"scope", config.Calendar{Scope: `organization <= "sales" and title inn ("manager")`}, []problem{
			{"calendar.scope", "scope.expected_operator.at", msg.Params{"column": 35, "found": "inn"}}}},
		{"scope on two lines", config.Calendar{Scope: "organization <= \"sales\"\nand title inn (\"manager\")"}, []problem{
			{"calendar.scope", "scope.expected_operator.at_line", msg.Params{"line": 2, "column": 11, "found": "inn"}}}},
		{"placeholder", config.Calendar{CalDAVURLTemplate: "https://dav.example.com/{user}/"}, []problem{
			{"calendar.caldav_url_template", "config.calendar_template_placeholder", msg.Params{"placeholder": "{user}"}}}},
		{"not https", config.Calendar{CalDAVURLTemplate: "http://dav.example.com/{login}/"}, []problem{
			{"calendar.caldav_url_template", "config.calendar_template_url", msg.Params{"detail": "http:// is accepted only for loopback addresses; use https://"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []problem
			for _, p := range CheckConfig(tc.c) {
				got = append(got, problem{p.Key, p.Code, p.Params})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestScopeProblemInJapanese: the scope's problem reads in Japanese, its
// place and what is wrong, with no English detail inside.
func TestScopeProblemInJapanese(t *testing.T) {
	ps := CheckConfig(config.Calendar{Scope: `organization <= "sales" and title inn ("manager")`})
	if len(ps) != 1 {
		t.Fatalf("problems = %v", ps)
	}
	want := "calendar.scope（CYBRIDGE_CALENDAR_SCOPE）: 対象範囲の式の 35 文字目に誤りがあります。ここには演算子（in, not in, =, !=, <, <=, >, >=）を書いてください（「inn」と書かれています）。"
	if got := ps[0].Line(msg.Ja); got != want {
		t.Errorf("Line(ja) =\n%s\nwant\n%s", got, want)
	}
}
