package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cybridge/cybridge/provision"
)

// applyResult is what apply -format json prints on success.
type applyResult struct {
	Status provision.Status `json:"status"`
	RunID  int64            `json:"run_id"` // 0 for no_changes (nothing is recorded)
	Plan   *provision.Plan  `json:"plan"`
}

// runApply is `cybridge apply`: plan afresh (or take -plan FILE) and apply
// it in one transaction, unless a safeguard blocks it (exit 3) or the plan
// has errors (exit 1, nothing applied).
func runApply(ctx context.Context, e *env, args []string) error {
	fs := e.runFlags("apply", "link the roster to the cybozu.com domain read now instead of the one it follows")
	planFile := fs.String("plan", "", "apply exactly the plan saved in `FILE` by plan -out (refused if the roster changed since)")
	allowDeletes := fs.Bool("allow-deletes", false, "apply even when a safeguard (max_deletes, max_delete_percent, min_source_ratio) would block")
	cfg, store, err := fs.start(ctx, args)
	if err != nil {
		return err
	}
	defer store.Close()
	req := provision.Request{Trigger: provision.TriggerCLI, AllowDeletes: *allowDeletes, SwitchDomain: *fs.switchDomain}
	if *planFile != "" {
		f, err := os.Open(*planFile)
		if err != nil {
			return &cliError{code: "plan_format", msg: fmt.Sprintf("cannot read the plan file: %v", err)}
		}
		req.Plan, err = provision.ReadPlan(f)
		f.Close()
		if err != nil {
			return err
		}
	} else {
		req.Source, req.Read = fs.source(cfg)
	}
	r, err := e.newRunner(cfg, store)
	if err != nil {
		return err
	}
	res, err := r.Run(ctx, req)
	if *fs.format == "json" {
		if err != nil {
			return err
		}
		return writeJSON(e.stdout, applyResult{Status: res.Status, RunID: res.RunID, Plan: res.Plan})
	}
	if res != nil && res.Plan != nil {
		if werr := provision.RenderText(e.stdout, res.Plan, e.textOptions()); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	switch res.Status {
	case provision.StatusApplied:
		fmt.Fprintf(e.stdout, "\nApplied: run %d.\n", res.RunID)
	case provision.StatusNoChanges:
		fmt.Fprintln(e.stdout, "\nNothing to apply.")
	}
	return nil
}
