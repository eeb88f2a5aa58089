package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/provision/schedule"
)

// resumeOptions are resume's options.
type resumeOptions struct{ config string }

func (o *resumeOptions) flags(fs *flag.FlagSet) { configFlag(fs, &o.config) }

// newResumeCommand is `cybridge resume`: lift an auto-pause of scheduled
// runs. A running `cybridge serve` sees it at its next trigger.
func newResumeCommand(e *env, o *resumeOptions) *cli.Command {
	return &cli.Command{Name: "resume", Summary: "cli.summary.resume", Formats: textAndJSON, Flags: o.flags,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			a, done, err := e.openApp(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			was, err := a.ResumeSchedule(ctx)
			if err != nil {
				return nil, err
			}
			return &resumeResult{was: was, e: e}, nil
		}}
}

// resumeResult says whether scheduled runs were paused, and why.
type resumeResult struct {
	was schedule.State
	e   *env
}

func (r *resumeResult) JSON() any {
	out := struct {
		Resumed bool            `json:"resumed"`
		Was     *schedule.State `json:"was,omitempty"`
	}{Resumed: r.was.Paused}
	if r.was.Paused {
		out.Was = &r.was
	}
	return out
}

func (r *resumeResult) Text(w io.Writer) error {
	if !r.was.Paused {
		_, err := fmt.Fprintln(w, r.e.text("cli.resume.not_paused", nil))
		return err
	}
	l := r.e.lang()
	lines := []string{r.e.text("cli.resume.resumed", msg.Params{"since": r.e.time(r.was.Since), "reason": termtext.Escape(r.was.Text(l))})}
	if note := r.was.Note(); note != "" {
		lines = append(lines, "  "+r.e.text("pause.note", nil)+": "+termtext.Escape(note))
	}
	if cause := r.was.CauseText(l); cause != "" {
		lines = append(lines, "  "+r.e.text("pause.cause", nil)+": "+termtext.Lines(r.e.redact(cause)))
	}
	_, err := fmt.Fprintln(w, strings.Join(lines, "\n"))
	return err
}
