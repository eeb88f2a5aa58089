package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cybridge/cybridge/internal/app"
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
// has errors (exit 1, nothing applied). A plan file made by a recorded run
// (plan -out, or a run's plan downloaded from the console) marks that run
// applied, as the console's "apply this plan" does.
func runApply(ctx context.Context, e *env, args []string) error {
	fs := e.runFlags("apply", "link the roster to the cybozu.com domain read now instead of the one it follows")
	planFile := fs.String("plan", "", "apply exactly the plan saved in `FILE` by plan -out (refused if the roster changed since)")
	allowDeletes := fs.Bool("allow-deletes", false, "apply even when a safeguard (max_deletes, max_delete_percent, min_source_ratio) would block")
	a, done, err := fs.start(ctx, args)
	if err != nil {
		return err
	}
	defer done()
	var res *provision.Result
	if *planFile != "" {
		f, oerr := os.Open(*planFile)
		if oerr != nil {
			return &cliError{code: "plan_format", msg: fmt.Sprintf("cannot read the plan file: %v", oerr)}
		}
		plan, rerr := provision.ReadPlan(f)
		f.Close()
		if rerr != nil {
			return rerr
		}
		res, err = a.ApplyPlan(ctx, app.ApplyRequest{Trigger: provision.TriggerCLI, Plan: plan, AllowDeletes: *allowDeletes})
	} else {
		res, err = a.Run(ctx, app.RunRequest{Trigger: provision.TriggerCLI, Source: a.WithOverrides(fs.src.o),
			AllowDeletes: *allowDeletes, SwitchDomain: *fs.switchDomain})
	}
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
