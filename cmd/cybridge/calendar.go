package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/targets/calendar"
)

// calendarCommand is `cybridge calendar ...`: one file per subcommand
// (calendar_list.go, calendar_show.go, calendar_set.go, calendar_edit.go,
// calendar_check.go); this file holds what they share.
func (e *env) calendarCommand() *cli.Command {
	return &cli.Command{Name: "calendar", Summary: "cli.summary.calendar", Note: "cli.note.calendar", Sub: []*cli.Command{
		newCalendarListCommand(e, &calendarListOptions{}),
		newCalendarShowCommand(e, &calendarOptions{}),
		newCalendarSetCommand(e, &calendarSetOptions{}),
		newCalendarEditCommand(e, "stop", &calendarOptions{}),
		newCalendarEditCommand(e, "resume", &calendarOptions{}),
		newCalendarEditCommand(e, "permit", &calendarOptions{}),
		newCalendarEditCommand(e, "revoke", &calendarOptions{}),
		newCalendarEditCommand(e, "unpin", &calendarOptions{}),
		newCalendarCheckCommand(e, &calendarOptions{}),
		newCalendarRecordErrorCommand(e, &calendarRecordErrorOptions{}),
	}}
}

// calendarOptions are the options every calendar command has; a command
// on one enrolment names it by its LOGIN argument.
type calendarOptions struct {
	config string
}

func (o *calendarOptions) flags(fs *flag.FlagSet) { configFlag(fs, &o.config) }

// login is the LOGIN argument.
func login(in *cli.Invocation) string { return in.Args[0] }

// calendarEditor loads the configuration, opens the database and returns
// the enrolment editor (calendar_disabled while the target is disabled).
func (e *env) calendarEditor(ctx context.Context, cfgPath string) (*calendar.Editor, func(), error) {
	a, done, err := e.openApp(ctx, cfgPath)
	if err != nil {
		return nil, nil, err
	}
	ed, err := a.Calendar()
	if err != nil {
		done()
		return nil, nil, err
	}
	return ed, done, nil
}

// editEnrolment opens the application and runs one audited edit of
// login's enrolment (app.EditEnrolment).
func (e *env) editEnrolment(ctx context.Context, cfgPath, login, action string, fn func(ed *calendar.Editor) (*calendar.Enrolment, error)) (*calendar.Enrolment, error) {
	a, done, err := e.openApp(ctx, cfgPath)
	if err != nil {
		return nil, err
	}
	defer done()
	return a.EditEnrolment(ctx, login, action, fn)
}

// enrolmentResult is an enrolment after an edit: one line for a person,
// {"enrolment":{…}} as JSON.
type enrolmentResult struct {
	en   *calendar.Enrolment
	note string
	e    *env
}

func (r *enrolmentResult) JSON() any { return map[string]any{"enrolment": r.en.View()} }

func (r *enrolmentResult) Text(w io.Writer) error {
	l := r.e.lang()
	j := r.en.View()
	line := r.e.text("cli.calendar.edited", msg.Params{"login": j.Login, "state": stateText(l, j), "permitted": permitText(l, j)})
	if r.note != "" {
		line += msg.Text(l, "cli.sep", nil) + r.note
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// stateText is an enrolment's state in l, with why it is stopped or that
// its user is gone.
func stateText(l msg.Lang, j calendar.EnrolmentView) string {
	s := msg.TextOr(l, "state."+j.State, nil, j.State)
	if j.State == string(calendar.StateStopped) {
		return s + " (" + msg.TextOr(l, "stop_reason."+j.StopReason, nil, j.StopReason) + ")"
	}
	if j.GoneSince != "" {
		return s + " (" + msg.Text(l, "cli.calendar.gone", nil) + ")"
	}
	return s
}

// permitText says whether the enrolment is permitted, and pinned.
func permitText(l msg.Lang, j calendar.EnrolmentView) string {
	s := msg.Text(l, "cli.no", nil)
	if j.Permitted {
		s = msg.Text(l, "cli.yes", nil)
	}
	if j.Pinned {
		s += " (" + msg.Text(l, "cli.calendar.pinned", nil) + ")"
	}
	return s
}

// calendarText is the calendar id (Google) or URL (CalDAV).
func calendarText(l msg.Lang, j calendar.EnrolmentView) string {
	v := j.CalendarID
	if j.Target == string(calendar.KindCalDAV) {
		v = j.CalDAVURL
	}
	if v == "" {
		return msg.Text(l, "cli.calendar.not_set", nil)
	}
	return v
}

// listEnrolments writes enrolments as a table.
func listEnrolments(w io.Writer, l msg.Lang, ens []calendar.EnrolmentView) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// The name is last: tabwriter counts characters, and a Japanese name is
	// twice as wide on screen as its count, which would skew every column
	// after it.
	fmt.Fprintln(tw, msg.Text(l, "cli.calendar.header", nil))
	for _, j := range ens {
		fmt.Fprintln(tw, strings.Join([]string{termtext.Escape(j.Login), stateText(l, j), permitText(l, j), termtext.Escape(j.Target),
			termtext.Escape(calendarText(l, j)), termtext.Escape(j.Name)}, "\t"))
	}
	return tw.Flush()
}
