package main

import (
	"context"
	"flag"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar"
)

// newCalendarEditCommand is `cybridge calendar stop|resume|permit|revoke|unpin
// LOGIN`: the user's switch, and the admin's pins.
func newCalendarEditCommand(e *env, verb string, o *calendarOptions) *cli.Command {
	return &cli.Command{Name: verb, Args: []string{"LOGIN"}, Summary: "cli.summary.calendar_" + verb, Formats: textAndJSON, Flags: o.flags,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			ops := map[string]func(*calendar.Editor, context.Context, string) (*calendar.Enrolment, error){
				"stop": (*calendar.Editor).Stop, "resume": (*calendar.Editor).Resume, "permit": (*calendar.Editor).Permit,
				"revoke": (*calendar.Editor).Revoke, "unpin": (*calendar.Editor).Unpin,
			}
			en, err := e.editEnrolment(ctx, o.config, login(in), verb, func(ed *calendar.Editor) (*calendar.Enrolment, error) {
				return ops[verb](ed, ctx, login(in))
			})
			if err != nil {
				return nil, err
			}
			note := ""
			if verb == "unpin" {
				note = e.text("cli.calendar.unpinned", nil)
			}
			return &enrolmentResult{en: en, note: note, e: e}, nil
		}}
}

// calendarRecordErrorOptions are calendar record-error's options.
type calendarRecordErrorOptions struct {
	calendarOptions
	kind string // forbidden or server
}

func (o *calendarRecordErrorOptions) flags(fs *flag.FlagSet) {
	o.calendarOptions.flags(fs)
	fs.StringVar(&o.kind, "kind", "", "cli.flag.error_kind")
}

func (o *calendarRecordErrorOptions) check(*cli.Invocation) error {
	if o.kind == "" {
		return cli.Usage("cli.usage.error_kind", nil)
	}
	return nil
}

// newCalendarRecordErrorCommand is `cybridge calendar record-error LOGIN
// -kind forbidden|server`: the sync engine reports an error (Forbidden
// stops at once; 120 errors within 24 hours stop).
func newCalendarRecordErrorCommand(e *env, o *calendarRecordErrorOptions) *cli.Command {
	return &cli.Command{Name: "record-error", Args: []string{"LOGIN"}, Summary: "cli.summary.calendar_record_error", Formats: textAndJSON,
		Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			kind, err := calendar.ParseSyncError(o.kind)
			if err != nil {
				return nil, err
			}
			ed, done, err := e.calendarEditor(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			ed.Actor = calendar.ActorSync
			en, stopped, err := ed.RecordError(ctx, login(in), kind)
			if err != nil {
				return nil, err
			}
			l := e.lang()
			note := e.text("cli.calendar.error_recorded", msg.Params{"kind": msg.TextOr(l, "sync_error."+string(kind), nil, string(kind)), "count": len(en.AutoStop.Errors)})
			if stopped {
				note += msg.Text(l, "cli.sep", nil) + localized(l, en.AutoStop, en.AutoStop.Describe())
			}
			return &enrolmentResult{en: en, note: note, e: e}, nil
		}}
}
