package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// runsList is what runs -format json prints (SPEC §8.1), newest first.
type runsList struct {
	Runs []*provision.Run `json:"runs"`
}

// runRuns is `cybridge runs` (the history) and `cybridge runs show ID`.
func runRuns(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "show" {
		return runRunsShow(ctx, e, args[1:])
	}
	fs := e.commandFlags("runs", "text", "json")
	limit := fs.Int("limit", 20, "show at most `N` runs")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *limit < 1 {
		return usageErrorf("-limit must be at least 1")
	}
	a, done, err := e.openApp(ctx, *fs.config)
	if err != nil {
		return err
	}
	defer done()
	runs, err := a.ListRuns(ctx, *limit)
	if err != nil {
		return err
	}
	if *fs.format == "json" {
		return writeJSON(e.stdout, runsList{Runs: runs})
	}
	if len(runs) == 0 {
		fmt.Fprintln(e.stdout, "No runs yet. (Runs that find nothing to change are not recorded.)")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTARTED\tTRIGGER\tSTATUS\tSOURCE\tCHANGES\tERROR")
	for _, r := range runs {
		src := r.Source.Kind
		if r.Source.Domain != "" {
			src += " " + r.Source.Domain
		}
		errText := ""
		if r.Error != nil {
			errText = r.Error.Code
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.StartedAt.Format("2006-01-02 15:04:05Z07:00"), r.Trigger, r.Status, src, countChanges(r.Summary), errText)
	}
	return tw.Flush()
}

// countChanges renders a summary compactly: "+3 ~1 -0" per target.
func countChanges(s provision.Summary) string {
	if len(s) == 0 {
		return "-"
	}
	var names []string
	for t := range s {
		names = append(names, t)
	}
	sort.Strings(names)
	var parts []string
	for _, t := range names {
		var c, u, d, x int
		for _, counts := range s[t] {
			c += counts[provision.Create]
			u += counts[provision.Update]
			x += counts[provision.Disable]
			d += counts[provision.Delete]
		}
		p := fmt.Sprintf("%s +%d ~%d -%d", t, c, u, d)
		if x > 0 {
			p += fmt.Sprintf(" !%d", x)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// runRunsShow is `cybridge runs show ID`: one run with its plan.
func runRunsShow(ctx context.Context, e *env, args []string) error {
	fs := e.commandFlags("runs show", "text", "json")
	// The id may come before or after the flags.
	var idArg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		idArg, args = args[0], args[1:]
	}
	if err := fs.afterParse(fs.Parse(args)); err != nil {
		return err
	}
	if idArg == "" && fs.NArg() > 0 {
		idArg = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageErrorf("runs show: unexpected argument %q", fs.Arg(0))
	}
	id, err := strconv.ParseInt(idArg, 10, 64)
	if err != nil || id < 1 {
		return usageErrorf("usage: cybridge runs show ID (a run id from cybridge runs)")
	}
	a, done, err := e.openApp(ctx, *fs.config)
	if err != nil {
		return err
	}
	defer done()
	r, err := a.GetRun(ctx, id)
	if err != nil {
		return err
	}
	if *fs.format == "json" {
		return writeJSON(e.stdout, r)
	}
	return writeRunText(e.stdout, r, e.textOptions())
}

func writeRunText(w io.Writer, r *provision.Run, o provision.TextOptions) error {
	fmt.Fprintf(w, "Run %d: %s", r.ID, r.Status)
	if r.DryRun {
		fmt.Fprint(w, " (dry run)")
	}
	fmt.Fprintf(w, "\n  trigger:  %s\n  source:   %s %s\n  started:  %s\n  finished: %s (%s)\n",
		r.Trigger, r.Source.Kind, r.Source.Domain, r.StartedAt.Format(time.RFC3339), r.FinishedAt.Format(time.RFC3339),
		r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond))
	if r.Error != nil {
		fmt.Fprintf(w, "  error:    [%s] %s\n", r.Error.Code, r.Error.Message)
	}
	if r.Plan == nil {
		return nil
	}
	fmt.Fprintln(w)
	return provision.RenderText(w, r.Plan, o)
}
