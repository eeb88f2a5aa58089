package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/notify"
)

// notificationsOptions are `cybridge notifications`'s options.
type notificationsOptions struct {
	config string
	limit  int
	before int64
}

func (o *notificationsOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.IntVar(&o.limit, "limit", 20, "cli.flag.notifications_limit")
	fs.Int64Var(&o.before, "before", 0, "cli.flag.notifications_before")
}

func (o *notificationsOptions) check(*cli.Invocation) error {
	if o.limit < 1 {
		return cli.Usage("cli.usage.limit", nil)
	}
	return nil
}

// newNotificationsCommand is `cybridge notifications`: the notifications
// queued to each channel and how their delivery went, newest first, as
// the console's 通知 page lists them.
func newNotificationsCommand(e *env, o *notificationsOptions) *cli.Command {
	return &cli.Command{Name: "notifications", Summary: "cli.summary.notifications", Formats: textAndJSON, Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			a, done, err := e.openApp(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			ds, err := a.Notifications(ctx, o.before, o.limit)
			if err != nil {
				return nil, err
			}
			return &notificationsResult{ds: ds, e: e}, nil
		}}
}

// notificationsResult is a page of notifications.
type notificationsResult struct {
	ds []notify.Delivery
	e  *env
}

// notificationJSON is a delivery with its state as the API says it
// (retrying: pending after a failed attempt).
type notificationJSON struct {
	notify.Delivery
	State string `json:"state"`
}

func (r *notificationsResult) JSON() any {
	out := make([]notificationJSON, len(r.ds))
	for i, d := range r.ds {
		out[i] = notificationJSON{Delivery: d, State: app.DeliveryState(d)}
	}
	return map[string]any{"notifications": out}
}

func (r *notificationsResult) Text(w io.Writer) error {
	e, l := r.e, r.e.lang()
	if len(r.ds) == 0 {
		_, err := fmt.Fprintln(w, e.text("cli.notifications.none", nil))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, e.text("cli.notifications.header", nil))
	for _, d := range r.ds {
		run := ""
		if d.Event.RunID != "" {
			run = "#" + termtext.Escape(d.Event.RunID)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, e.time(d.CreatedAt),
			msg.TextOr(l, "notifications.kind."+string(d.Event.Kind), nil, string(d.Event.Kind)), run, termtext.Escape(d.Channel),
			msg.Text(l, "notifications.status."+app.DeliveryState(d), nil), d.Attempts, termtext.Escape(d.LastError))
	}
	return tw.Flush()
}
