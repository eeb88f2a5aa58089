package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/safety"
)

// runPlan is `cybridge plan`: read the directory, plan every enabled
// target, print the dry-run report. It changes nothing; a plan with
// changes (or errors) is recorded in the run history as a dry run.
func runPlan(ctx context.Context, e *env, args []string) error {
	fs := e.runFlags("plan", "plan for a cybozu.com domain other than the one the roster is linked to")
	out := fs.String("out", "", "also write the plan as JSON to `FILE`, to apply exactly it later with apply -plan FILE")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the plan has changes (0: no changes, 1: error)")
	cfg, store, err := fs.start(ctx, args)
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := e.newRunner(cfg, store)
	if err != nil {
		return err
	}
	req := provision.Request{Trigger: provision.TriggerCLI, DryRun: true, SwitchDomain: *fs.switchDomain}
	req.Source, req.Read = fs.source(cfg)
	res, err := r.Run(ctx, req)
	if res == nil || res.Plan == nil {
		return err
	}
	if werr := e.writePlan(res.Plan, *fs.format); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writePlanFile(*out, res.Plan); err != nil {
			return err
		}
	} else if *fs.format == "text" && res.Plan.HasChanges() {
		fmt.Fprintln(e.stderr, "\nNote: to apply exactly this plan, save it with -out FILE and run cybridge apply -plan FILE; cybridge apply alone plans again.")
	}
	if *detailed && res.Plan.HasChanges() {
		return errChanges
	}
	return nil
}

// writePlan prints a plan as the text report or as JSON. After a JSON plan
// is printed, a plan error goes to stderr only, so that stdout stays one
// JSON document.
func (e *env) writePlan(p *provision.Plan, format string) error {
	if format == "json" {
		e.jsonErrors = false
		return p.WriteJSON(e.stdout)
	}
	return provision.RenderText(e.stdout, p, e.textOptions())
}

// writePlanFile saves a plan for apply -plan. Plans name people (logins,
// emails), so the file is readable by its owner only.
func writePlanFile(path string, p *provision.Plan) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return &cliError{code: "write_failed", msg: fmt.Sprintf("cannot write the plan: %v", err)}
	}
	if err := p.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// memoryLimit is the Go heap's soft limit for plan and apply (unless
// GOMEMLIMIT says otherwise). A run of a 100,000-user directory needs
// about 250 MB live; without a limit the collector lets the heap grow to
// twice that, and SPEC §9 wants the whole process under 512 MB.
const memoryLimit = 384 << 20

// newRunner builds the runner over store with every enabled target, in
// report order (safety, then calendar), and the configured safeguards.
func (e *env) newRunner(cfg *config.Config, store *sqlite.Store) (*provision.Runner, error) {
	if _, set := e.lookup("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
	var targets []provision.Target
	if cfg.Safety.Enabled {
		targets = append(targets, safety.FromConfig(cfg))
	}
	cal, err := calendarTarget(cfg)
	if err != nil {
		return nil, err
	}
	if cal != nil {
		targets = append(targets, cal)
	}
	if len(targets) == 0 {
		return nil, &cliError{code: "no_targets", msg: "no target is enabled: set safety.enabled or calendar.enabled (CYBRIDGE_SAFETY_ENABLED, CYBRIDGE_CALENDAR_ENABLED)"}
	}
	r := &provision.Runner{
		Store:   store,
		Targets: targets,
		Safeguards: provision.Safeguards{MaxDeletes: cfg.Safeguards.MaxDeletes,
			MaxDeletePercent: cfg.Safeguards.MaxDeletePercent, MinSourceRatio: cfg.Safeguards.MinSourceRatio},
		HistoryDays: cfg.History.Days,
	}
	if isTerminal(e.stderr) {
		r.Progress = func(stage string) { fmt.Fprintf(e.stderr, "cybridge: %s…\n", stage) }
	}
	return r, nil
}

// runSource describes the chosen source before it is read, for the
// history of a run whose read fails.
func runSource(cfg *config.Config, s *sourceFlags) provision.RunSource {
	return provision.RunSource{Kind: s.resolvedKind(cfg), Domain: domainOf(cfg.Cybozu.URL)}
}

// runFlags are the flags plan and apply share: -config, -format text|json,
// the source flags and -switch-domain.
type runFlags struct {
	*commandFlags
	src          *sourceFlags
	switchDomain *bool
}

// runFlags makes the flag set of plan or apply; switchDomainUsage is what
// -switch-domain does in that command.
func (e *env) runFlags(name, switchDomainUsage string) *runFlags {
	c := e.commandFlags(name, "text", "json")
	return &runFlags{commandFlags: c, src: addSourceFlags(c.FlagSet), switchDomain: c.Bool("switch-domain", false, switchDomainUsage)}
}

// start parses args, refuses a bad -source before anything is recorded,
// loads the configuration and opens the database.
func (f *runFlags) start(ctx context.Context, args []string) (*config.Config, *sqlite.Store, error) {
	if err := f.parse(args); err != nil {
		return nil, nil, err
	}
	if err := f.src.check(); err != nil {
		return nil, nil, err
	}
	return f.e.openStore(ctx, *f.config)
}

// source is a run's source from the flags and cfg: described before it is
// read (runSource), and read by readSource.
func (f *runFlags) source(cfg *config.Config) (provision.RunSource, func(context.Context) (*directory.Snapshot, error)) {
	return runSource(cfg, f.src), func(ctx context.Context) (*directory.Snapshot, error) { return f.e.readSource(ctx, cfg, f.src) }
}
