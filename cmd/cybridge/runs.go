package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/provision"
)

// runsOptions are `cybridge runs`'s options.
type runsOptions struct {
	config string
	limit  int
}

func (o *runsOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.IntVar(&o.limit, "limit", 20, "cli.flag.limit")
}

func (o *runsOptions) check(*cli.Invocation) error {
	if o.limit < 1 {
		return cli.Usage("cli.usage.limit", nil)
	}
	return nil
}

// runShowOptions are `cybridge runs show ID`'s options.
type runShowOptions struct {
	config string
	id     int64 // the ID argument
}

func (o *runShowOptions) flags(fs *flag.FlagSet) { configFlag(fs, &o.config) }

func (o *runShowOptions) check(in *cli.Invocation) error {
	id, err := strconv.ParseInt(in.Args[0], 10, 64)
	if err != nil || id < 1 {
		return cli.Usage("cli.usage.run_id", msg.Params{"arg": in.Args[0]})
	}
	o.id = id
	return nil
}

// newRunsCommand is `cybridge runs` (the history, newest first) and
// `cybridge runs show ID` (one run with its plan).
func newRunsCommand(e *env, o *runsOptions, so *runShowOptions) *cli.Command {
	show := &cli.Command{Name: "show", Args: []string{"ID"}, Summary: "cli.summary.runs_show", Formats: textAndJSON,
		Flags: so.flags, Check: so.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) { return e.runShow(ctx, so) }}
	return &cli.Command{Name: "runs", Summary: "cli.summary.runs", Formats: textAndJSON, Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) { return e.runs(ctx, o) },
		Sub: []*cli.Command{show}}
}

func (e *env) runs(ctx context.Context, o *runsOptions) (cli.Result, error) {
	a, done, err := e.openApp(ctx, o.config)
	if err != nil {
		return nil, err
	}
	defer done()
	runs, err := a.ListRuns(ctx, o.limit)
	if err != nil {
		return nil, err
	}
	return &runsResult{runs: runs, targets: a.Targets(), e: e}, nil
}

// runsResult is the run history.
type runsResult struct {
	runs    []*provision.Run
	targets []provision.TargetInfo // the summaries' layout
	e       *env
}

func (r *runsResult) JSON() any { return provision.ListOf(r.runs) }

func (r *runsResult) Text(w io.Writer) error {
	e, l := r.e, r.e.lang()
	if len(r.runs) == 0 {
		_, err := fmt.Fprintln(w, e.text("cli.runs.none", nil))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, e.text("cli.runs.header", nil))
	for _, run := range r.runs {
		src := sourceName(l, run.Source)
		errText := ""
		if run.Error != nil {
			errText = termtext.Escape(run.Error.Code)
		}
		status := statusName(l, run.Status)
		if run.Repeats > 1 {
			status = e.text("cli.runs.repeats", msg.Params{"status": status, "count": run.Repeats, "last": e.time(run.FinishedAt)})
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", run.ID, e.time(run.StartedAt), triggerName(l, run.Trigger), status,
			src, provision.CompactSummary(l, run.Summary, r.targets), errText)
	}
	return tw.Flush()
}

// triggerName, statusName and sourceName are a run's trigger, status and
// source in l.
func triggerName(l msg.Lang, t provision.Trigger) string {
	return msg.TextOr(l, "trigger."+string(t), nil, string(t))
}

func statusName(l msg.Lang, s provision.Status) string {
	return msg.TextOr(l, "status."+string(s), nil, string(s))
}

func sourceName(l msg.Lang, s provision.RunSource) string {
	name := msg.TextOr(l, "source."+s.Kind, nil, s.Kind)
	if s.Domain != "" {
		name += " " + termtext.Escape(s.Domain)
	}
	return name
}

func (e *env) runShow(ctx context.Context, o *runShowOptions) (cli.Result, error) {
	a, done, err := e.openApp(ctx, o.config)
	if err != nil {
		return nil, err
	}
	defer done()
	r, err := a.GetRun(ctx, o.id)
	if err != nil {
		return nil, err
	}
	return &runResult{run: r, e: e}, nil
}

// runResult is one run with its plan.
type runResult struct {
	run *provision.Run
	e   *env
}

func (r *runResult) JSON() any { return r.run }

func (r *runResult) Text(w io.Writer) error {
	run, e, l := r.run, r.e, r.e.lang()
	head := e.text("cli.run.head", msg.Params{"id": fmt.Sprint(run.ID), "status": statusName(l, run.Status)})
	if run.DryRun && run.Status != provision.StatusDryRun {
		head += e.text("cli.run.dry_run", nil)
	}
	fmt.Fprintln(w, head)
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	row := func(key, v string) { fmt.Fprintf(tw, "  %s:\t%s\n", e.text(key, nil), v) }
	row("cli.run.trigger", triggerName(l, run.Trigger))
	row("cli.run.source", sourceName(l, run.Source))
	row("cli.run.started", e.time(run.StartedAt))
	row("cli.run.finished", e.time(run.FinishedAt)+" ("+run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond).String()+")")
	if run.Error != nil {
		row("cli.run.error", fmt.Sprintf("[%s] %s", termtext.Escape(run.Error.Code), termtext.Lines(e.redact(provision.IssueText(l, *run.Error)))))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if run.Plan == nil {
		return nil
	}
	fmt.Fprintln(w)
	return provision.RenderText(w, run.Plan, e.textOptions())
}
