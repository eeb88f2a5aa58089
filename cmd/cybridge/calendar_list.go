package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar"
)

// calendarListOptions are calendar list's options.
type calendarListOptions struct {
	calendarOptions
	state string // only enrolments in this state
}

func (o *calendarListOptions) flags(fs *flag.FlagSet) {
	o.calendarOptions.flags(fs)
	fs.StringVar(&o.state, "state", "", "cli.flag.state")
}

func (o *calendarListOptions) check(*cli.Invocation) error {
	states := calendar.DisplayStates()
	if o.state == "" || slices.Contains(states, calendar.DisplayState(o.state)) {
		return nil
	}
	allowed := make([]string, len(states))
	for i, s := range states {
		allowed[i] = string(s)
	}
	return cli.Usage("cli.usage.value", msg.Params{"flag": "-state", "value": o.state, "allowed": strings.Join(allowed, ", ")})
}

// newCalendarListCommand is `cybridge calendar list`: every enrolment, or
// those in one state.
func newCalendarListCommand(e *env, o *calendarListOptions) *cli.Command {
	return &cli.Command{Name: "list", Summary: "cli.summary.calendar_list", Formats: textAndJSON, Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			ed, done, err := e.calendarEditor(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			ens, err := ed.List(ctx)
			if err != nil {
				return nil, err
			}
			out := []calendar.EnrolmentView{}
			for i := range ens {
				if o.state == "" || ens[i].State() == calendar.DisplayState(o.state) {
					out = append(out, ens[i].View())
				}
			}
			return &enrolmentsResult{ens: out, l: e.lang()}, nil
		}}
}

// enrolmentsResult is a list of enrolments (SPEC §8.1's JSON shape).
type enrolmentsResult struct {
	ens []calendar.EnrolmentView
	l   msg.Lang
}

func (r *enrolmentsResult) JSON() any { return calendar.ListOf(r.ens) }

func (r *enrolmentsResult) Text(w io.Writer) error {
	if len(r.ens) == 0 {
		_, err := fmt.Fprintln(w, msg.Text(r.l, "cli.calendar.none", nil))
		return err
	}
	return listEnrolments(w, r.l, r.ens)
}
