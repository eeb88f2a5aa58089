package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
)

// newCalendarCheckCommand is `cybridge calendar check LOGIN`: check a
// CalDAV target against its server; a failed check is an error.
func newCalendarCheckCommand(e *env, o *calendarOptions) *cli.Command {
	return &cli.Command{Name: "check", Args: []string{"LOGIN"}, Summary: "cli.summary.calendar_check", Formats: textAndJSON, Flags: o.flags,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			ed, done, err := e.calendarEditor(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			res, err := ed.Check(ctx, login(in))
			if err != nil {
				return nil, err
			}
			if !res.OK() {
				return nil, res.Err()
			}
			return &caldavCheckResult{login: login(in), res: res, l: e.lang()}, nil
		}}
}

// caldavCheckResult is a CalDAV check that passed.
type caldavCheckResult struct {
	login string
	res   caldav.Result
	l     msg.Lang
}

func (r *caldavCheckResult) JSON() any { return map[string]caldav.Result{"check": r.res} }

func (r *caldavCheckResult) Text(w io.Writer) error {
	line := fmt.Sprintf("%s: %s — %s", r.login, r.res.Outcome, localized(r.l, r.res, r.res.Message))
	if r.res.Calendar != "" {
		line += " " + msg.Text(r.l, "cli.calendar.checked_calendar", msg.Params{"calendar": r.res.Calendar})
	}
	_, err := fmt.Fprintln(w, line)
	return err
}
