package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/safety"
)

// parse parses args against cmd alone (no command runs) and returns the
// error's code ("" for none).
func parse(t *testing.T, cmd *cli.Command, args ...string) (*cli.Invocation, string) {
	t.Helper()
	in, err := cli.Parse(cmd, args)
	return in, msg.Code(err)
}

var cmpOpts = cmp.AllowUnexported(planOptions{}, applyOptions{}, runOptions{}, runShowOptions{}, runsOptions{},
	calendarSetOptions{}, calendarOptions{}, memberOptions{}, deptOptions{}, exportOptions{}, calendarListOptions{})

func TestPlanOptions(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want planOptions
		code string
	}{
		{nil, planOptions{}, ""},
		{[]string{"-config", "c.toml", "-out", "p.json", "-detailed-exitcode", "-switch-domain"},
			planOptions{runOptions: runOptions{config: "c.toml", switchDomain: true}, out: "p.json", detailed: true}, ""},
		{[]string{"-source", "csv", "-csv-dir", "export", "-csv-encoding", "shift_jis"},
			planOptions{runOptions: runOptions{source: app.Overrides{Kind: "csv", CSVDir: "export", Encoding: "shift_jis"}}}, ""},
		{[]string{"-source", "ftp"}, planOptions{runOptions: runOptions{source: app.Overrides{Kind: "ftp"}}}, "usage"},
		{[]string{"-csv-separator", "pipe"}, planOptions{runOptions: runOptions{source: app.Overrides{Separator: "pipe"}}}, "usage"},
		{[]string{"extra"}, planOptions{}, "usage"},
		{[]string{"-allow-deletes"}, planOptions{}, "usage"},
	} {
		var o planOptions
		in, code := parse(t, newPlanCommand(nil, &o), tt.args...)
		if code != tt.code {
			t.Errorf("%q: code %q, want %q", tt.args, code, tt.code)
		}
		if diff := cmp.Diff(tt.want, o, cmpOpts); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
		if tt.code == "" && in.Format != "text" {
			t.Errorf("%q: format %q, want text", tt.args, in.Format)
		}
	}
}

func TestApplyOptions(t *testing.T) {
	var o applyOptions
	in, code := parse(t, newApplyCommand(nil, &o), "-plan", "p.json", "-allow-deletes", "-format", "json")
	if code != "" || in.Format != "json" {
		t.Fatalf("code %q, format %q", code, in.Format)
	}
	if diff := cmp.Diff(applyOptions{planFile: "p.json", allowDeletes: true}, o, cmpOpts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRunsOptions(t *testing.T) {
	for _, tt := range []struct {
		args []string
		path []string
		runs runsOptions
		show runShowOptions
		code string
	}{
		{nil, nil, runsOptions{limit: 20}, runShowOptions{}, ""},
		{[]string{"-limit", "5"}, nil, runsOptions{limit: 5}, runShowOptions{}, ""},
		{[]string{"-limit", "0"}, nil, runsOptions{limit: 0}, runShowOptions{}, "usage"},
		{[]string{"show", "7"}, []string{"show"}, runsOptions{}, runShowOptions{id: 7}, ""},
		{[]string{"show", "-config", "c.toml", "7"}, []string{"show"}, runsOptions{}, runShowOptions{config: "c.toml", id: 7}, ""},
		{[]string{"show", "7", "-format", "json"}, []string{"show"}, runsOptions{}, runShowOptions{id: 7}, ""},
		{[]string{"show"}, []string{"show"}, runsOptions{}, runShowOptions{}, "usage"},
		{[]string{"show", "0"}, []string{"show"}, runsOptions{}, runShowOptions{}, "usage"},
		{[]string{"show", "x"}, []string{"show"}, runsOptions{}, runShowOptions{}, "usage"},
		{[]string{"show", "1", "2"}, []string{"show"}, runsOptions{}, runShowOptions{}, "usage"},
	} {
		var o runsOptions
		var so runShowOptions
		in, code := parse(t, newRunsCommand(nil, &o, &so), tt.args...)
		if code != tt.code {
			t.Errorf("%q: code %q, want %q", tt.args, code, tt.code)
		}
		if diff := cmp.Diff(tt.path, in.Path); diff != "" {
			t.Errorf("%q: path (-want +got):\n%s", tt.args, diff)
		}
		if diff := cmp.Diff(tt.runs, o, cmpOpts); diff != "" {
			t.Errorf("%q: runs (-want +got):\n%s", tt.args, diff)
		}
		if diff := cmp.Diff(tt.show, so, cmpOpts); diff != "" {
			t.Errorf("%q: show (-want +got):\n%s", tt.args, diff)
		}
	}
}

func TestCalendarSetOptions(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		want  calendarSetOptions
		login string
		code  string
	}{
		{[]string{"s.ito", "-target", "google"}, calendarSetOptions{target: "google"}, "s.ito", ""},
		{[]string{"-target", "google", "-calendar-id", "team@group.calendar.google.com", "s.ito"},
			calendarSetOptions{target: "google", calendarID: "team@group.calendar.google.com"}, "s.ito", ""},
		{[]string{"s.ito", "-target", "caldav", "-auth-id", "ito", "-password-file", "pw"},
			calendarSetOptions{target: "caldav", authID: "ito", pwFile: "pw"}, "s.ito", ""},
		{[]string{"s.ito", "-target", "google", "-url", "https://dav"}, calendarSetOptions{target: "google", url: "https://dav"}, "", "usage"},
		{[]string{"s.ito", "-target", "caldav", "-calendar-id", "x"}, calendarSetOptions{target: "caldav", calendarID: "x"}, "", "usage"},
		{[]string{"s.ito"}, calendarSetOptions{}, "", "usage"},
		{[]string{"-target", "google"}, calendarSetOptions{target: "google"}, "", "usage"},
		{[]string{"s.ito", "-password", "x"}, calendarSetOptions{}, "", "usage"},
	} {
		var o calendarSetOptions
		in, code := parse(t, newCalendarSetCommand(nil, &o), tt.args...)
		if code != tt.code {
			t.Errorf("%q: code %q, want %q", tt.args, code, tt.code)
		}
		if diff := cmp.Diff(tt.want, o, cmpOpts); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
		if code == "" && login(in) != tt.login {
			t.Errorf("%q: login %q, want %q", tt.args, login(in), tt.login)
		}
	}
}

func TestCalendarListOptions(t *testing.T) {
	for state, code := range map[string]string{"": "", "syncing": "", "stopped": "", "disabled": "", "bogus": "usage"} {
		var o calendarListOptions
		if _, got := parse(t, newCalendarListCommand(nil, &o), "-state", state); got != code {
			t.Errorf("-state %q: code %q, want %q", state, got, code)
		}
	}
}

// TestMemberEditPatch: member edit changes only the flags given; an empty
// -departments empties the list.
func TestMemberEditPatch(t *testing.T) {
	str := func(s string) *string { return &s }
	list := func(s ...string) *[]string { return &s }
	for _, tt := range []struct {
		args []string
		want safety.MemberPatch
	}{
		{[]string{"-login", "guard"}, safety.MemberPatch{Login: "guard"}},
		{[]string{"-login", "guard", "-name", "警備 太郎", "-email", ""},
			safety.MemberPatch{Login: "guard", Name: str("警備 太郎"), Email: str("")}},
		{[]string{"-login", "guard", "-departments", "bcp, bcp-1"}, safety.MemberPatch{Login: "guard", Departments: list("bcp", "bcp-1")}},
		{[]string{"-login", "guard", "-departments", ""}, safety.MemberPatch{Login: "guard", Departments: list()}},
	} {
		var o memberOptions
		in, code := parse(t, newMemberCommand(nil, "edit", &o), tt.args...)
		if code != "" {
			t.Fatalf("%q: code %q", tt.args, code)
		}
		if diff := cmp.Diff(tt.want, o.patch(in.Set)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
	// rm takes -login only.
	var o memberOptions
	if _, code := parse(t, newMemberCommand(nil, "rm", &o), "-login", "guard", "-name", "x"); code != "usage" {
		t.Errorf("member rm -name: code %q, want usage", code)
	}
}

func TestExportOptions(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		format string
		kind   string
		code   string
	}{
		{nil, "json", "members", ""},
		{[]string{"-format", "csv", "-kind", "departments"}, "csv", "departments", ""},
		{[]string{"-format", "text"}, "text", "members", "usage"},
		{[]string{"-kind", "people"}, "json", "people", "usage"},
	} {
		var o exportOptions
		in, code := parse(t, newRosterExportCommand(nil, &o), tt.args...)
		if code != tt.code || in.Format != tt.format || o.kind != tt.kind {
			t.Errorf("%q: code %q format %q kind %q, want %q %q %q", tt.args, code, in.Format, o.kind, tt.code, tt.format, tt.kind)
		}
	}
}
