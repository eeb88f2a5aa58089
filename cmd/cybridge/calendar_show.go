package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/targets/calendar"
)

// newCalendarShowCommand is `cybridge calendar show LOGIN`: one enrolment
// and its history.
func newCalendarShowCommand(e *env, o *calendarOptions) *cli.Command {
	return &cli.Command{Name: "show", Args: []string{"LOGIN"}, Summary: "cli.summary.calendar_show", Formats: textAndJSON, Flags: o.flags,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			ed, done, err := e.calendarEditor(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			en, hist, err := ed.Show(ctx, login(in))
			if err != nil {
				return nil, err
			}
			return &enrolmentDetail{en: en, hist: hist, e: e}, nil
		}}
}

// enrolmentDetail is one enrolment and its history.
type enrolmentDetail struct {
	en   *calendar.Enrolment
	hist []calendar.HistoryEntry
	e    *env
}

func (r *enrolmentDetail) JSON() any { return r.en.WithHistory(r.hist) }

func (r *enrolmentDetail) Text(w io.Writer) error {
	e, l, en := r.e, r.e.lang(), r.en
	j := en.View()
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	// Every value may come from the directory or an admin: escaped
	// (termtext), one line each.
	row := func(key, v string) {
		fmt.Fprintf(tw, "%s:\t%s\n", e.text("cli.calendar."+key, nil), termtext.Escape(v))
	}
	row("login", j.Login)
	row("name", j.Name)
	row("email", j.Email)
	row("state", stateText(l, j))
	row("permitted", permitText(l, j))
	row("user_switch", msg.TextOr(l, "switch."+j.UserSwitch, nil, j.UserSwitch))
	if j.AutoStopReason != "" {
		row("auto_stop", e.text("cli.calendar.auto_stop_since", msg.Params{"reason": localized(l, en.AutoStop, en.AutoStop.Describe()),
			"since": e.time(en.AutoStop.At)}))
	}
	row("target", msg.TextOr(l, "cal_target."+j.Target, nil, j.Target))
	switch en.Target {
	case calendar.KindGoogle:
		row("calendar_id", calendarText(l, j)+defaultedText(l, j.CalendarIDDefault))
		row("google_auth", msg.TextOr(l, "auth."+j.AuthStatus, nil, j.AuthStatus))
	case calendar.KindCalDAV:
		row("caldav_url", calendarText(l, j)+defaultedText(l, j.CalDAVURLDefault))
		row("caldav_auth_id", j.CalDAVAuthID)
		pw := e.text("cli.calendar.password_not_set", nil)
		if j.CalDAVPasswordSet {
			pw = e.text("cli.calendar.password_set", nil)
		}
		row("caldav_password", pw)
	}
	if !en.GoneSince.IsZero() {
		row("gone_since", e.time(en.GoneSince))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", e.text("cli.calendar.history", nil))
	for _, h := range r.hist {
		if _, err := fmt.Fprintln(w, "  "+e.time(h.At)+"  "+termtext.Escape(e.redact(h.Summary(l)))); err != nil {
			return err
		}
	}
	return nil
}

func defaultedText(l msg.Lang, def bool) string {
	if def {
		return " (" + msg.Text(l, "cli.calendar.default", nil) + ")"
	}
	return " (" + msg.Text(l, "cli.calendar.by_hand", nil) + ")"
}
