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
	"github.com/cybridge/cybridge/provision/history"
)

// historyOptions are `cybridge history QUERY`'s options.
type historyOptions struct {
	config string
	limit  int
	query  string // the QUERY argument
}

func (o *historyOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.IntVar(&o.limit, "limit", history.DefaultLimit, "cli.flag.history_limit")
}

func (o *historyOptions) check(in *cli.Invocation) error {
	if o.limit < 1 {
		return cli.Usage("cli.usage.limit", nil)
	}
	o.query = strings.TrimSpace(in.Args[0])
	return nil
}

// newHistoryCommand is `cybridge history QUERY`: what happened to a
// person, and when (package history).
func newHistoryCommand(e *env, o *historyOptions) *cli.Command {
	return &cli.Command{Name: "history", Args: []string{"QUERY"}, Summary: "cli.summary.history", Formats: textAndJSON,
		Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) { return e.history(ctx, o) }}
}

func (e *env) history(ctx context.Context, o *historyOptions) (cli.Result, error) {
	a, done, err := e.openApp(ctx, o.config)
	if err != nil {
		return nil, err
	}
	defer done()
	rep, err := a.PersonHistory(ctx, o.query, o.limit)
	if err != nil {
		return nil, err
	}
	return &historyResult{rep: rep, limit: o.limit, e: e}, nil
}

// historyResult is a person-history search.
type historyResult struct {
	rep   history.Report
	limit int
	e     *env
}

func (r *historyResult) JSON() any { return r.rep }

func (r *historyResult) Text(w io.Writer) error {
	e, l, rep := r.e, r.e.lang(), r.rep
	if len(rep.People) == 0 {
		_, err := fmt.Fprintln(w, e.text("person_history.none", msg.Params{"query": termtext.Escape(rep.Query)}))
		return err
	}
	if rep.Narrow {
		fmt.Fprintln(w, e.text("person_history.narrow", msg.Params{"query": termtext.Escape(rep.Query), "count": rep.Matched, "shown": len(rep.People)}))
		for _, p := range rep.People {
			fmt.Fprintf(w, "  %s  %s\n", termtext.Escape(p.Text(l)), e.text("person_history.changes", msg.Params{"count": p.Changes}))
		}
		return nil
	}
	for i, p := range rep.People {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, termtext.Escape(p.Text(l)))
		if len(p.History) == 0 {
			fmt.Fprintln(w, "  "+e.text("person_history.empty", nil))
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  "+e.text("person_history.header", nil))
		for _, h := range p.History {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", e.time(h.At), termtext.Escape(h.Who(l)), termtext.Escape(h.What(l)),
				termtext.Escape(e.redact(h.Detail(l))))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if p.More {
			fmt.Fprintln(w, "  "+e.text("person_history.more", msg.Params{"limit": r.limit}))
		}
	}
	return nil
}
