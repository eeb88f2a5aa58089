package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// applyOptions are apply's options.
type applyOptions struct {
	runOptions
	planFile     string // -plan: apply exactly this saved plan
	allowDeletes bool   // -allow-deletes
}

func (o *applyOptions) flags(fs *flag.FlagSet) {
	o.runOptions.flags(fs, "cli.flag.switch_domain_apply")
	fs.StringVar(&o.planFile, "plan", "", "cli.flag.plan")
	fs.BoolVar(&o.allowDeletes, "allow-deletes", false, "cli.flag.allow_deletes")
}

// newApplyCommand is `cybridge apply`: plan afresh (or take -plan FILE)
// and apply it in one transaction, unless a safeguard blocks it (exit 3)
// or the plan has errors (exit 1, nothing applied). A plan file made by a
// recorded run (plan -out, or a run's plan downloaded from the console)
// marks that run applied, as the console's "apply this plan" does.
func newApplyCommand(e *env, o *applyOptions) *cli.Command {
	return &cli.Command{Name: "apply", Summary: "cli.summary.apply", Formats: textAndJSON, Flags: o.flags,
		Check: func(*cli.Invocation) error { return checkSource(o.source) },
		Run:   func(ctx context.Context, in *cli.Invocation) (cli.Result, error) { return e.apply(ctx, o) }}
}

func (e *env) apply(ctx context.Context, o *applyOptions) (cli.Result, error) {
	a, done, err := e.openApp(ctx, o.config)
	if err != nil {
		return nil, err
	}
	defer done()
	var res *provision.Result
	if o.planFile != "" {
		f, oerr := os.Open(o.planFile)
		if oerr != nil {
			return nil, &cli.Error{Code: provision.CodePlanFormat, Kind: msg.KindInvalid, Key: "cli.plan_file_unreadable",
				Params: msg.Params{"file": o.planFile, "detail": oerr.Error()}, Err: oerr}
		}
		plan, rerr := provision.ReadPlan(f)
		f.Close()
		if rerr != nil {
			return nil, rerr
		}
		res, err = a.ApplyPlan(ctx, app.ApplyRequest{Trigger: provision.TriggerCLI, Plan: plan, AllowDeletes: o.allowDeletes})
	} else {
		res, err = a.Run(ctx, app.RunRequest{Trigger: provision.TriggerCLI, Source: a.WithOverrides(o.source),
			AllowDeletes: o.allowDeletes, SwitchDomain: o.switchDomain})
	}
	if msg.Code(err) == provision.CodeBlocked {
		err = cli.WithAdvice(err, "cli.advice.blocked", nil)
	}
	if res == nil {
		return nil, err
	}
	return &applyResult{res: res, failed: err != nil, e: e}, err
}

// applyResult is an apply's outcome: the plan's report and what was done,
// or as JSON its status, run and plan (nothing when it failed: the error
// is the answer).
type applyResult struct {
	res    *provision.Result
	failed bool
	e      *env
}

// applyJSON is what apply -format json prints on success.
type applyJSON struct {
	Status provision.Status `json:"status"`
	RunID  int64            `json:"run_id"` // 0 for no_changes (nothing is recorded)
	Plan   *provision.Plan  `json:"plan"`
}

func (r *applyResult) JSON() any {
	if r.failed {
		return nil
	}
	return applyJSON{Status: r.res.Status, RunID: r.res.RunID, Plan: r.res.Plan}
}

func (r *applyResult) Text(w io.Writer) error {
	if r.res.Plan != nil {
		if err := provision.RenderText(w, r.res.Plan, r.e.textOptions()); err != nil {
			return err
		}
	}
	if r.failed {
		return nil
	}
	switch r.res.Status {
	case provision.StatusApplied:
		_, err := fmt.Fprintf(w, "\n%s\n", r.e.text("cli.applied", msg.Params{"run": fmt.Sprint(r.res.RunID)}))
		return err
	case provision.StatusNoChanges:
		_, err := fmt.Fprintf(w, "\n%s\n", r.e.text("cli.nothing_to_apply", nil))
		return err
	}
	return nil
}
