package main

import (
	"context"
	"fmt"

	"github.com/cybridge/cybridge/provision/schedule"
)

// runResume is `cybridge resume`: lift an auto-pause of scheduled runs. A
// running `cybridge serve` sees it at its next trigger.
func runResume(ctx context.Context, e *env, args []string) error {
	fs := e.commandFlags("resume", "text", "json")
	_, store, err := fs.start(ctx, args)
	if err != nil {
		return err
	}
	defer store.Close()
	before, err := store.LoadState(ctx)
	if err != nil {
		return err
	}
	if _, err := schedule.Resume(ctx, store); err != nil {
		return err
	}
	if *fs.format == "json" {
		out := struct {
			Resumed bool            `json:"resumed"`
			Was     *schedule.State `json:"was,omitempty"`
		}{Resumed: before.Paused}
		if before.Paused {
			out.Was = &before
		}
		return writeJSON(e.stdout, out)
	}
	if !before.Paused {
		fmt.Fprintln(e.stdout, "scheduled runs were not paused; nothing to do")
		return nil
	}
	fmt.Fprintf(e.stdout, "scheduled runs resumed (paused since %s: %s — %s)\n",
		before.Since.Local().Format("2006-01-02 15:04:05"), before.Reason, before.Message)
	return nil
}
