package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// runPlan is `cybridge plan`: read the directory, plan every enabled
// target, print the dry-run report. It changes nothing; a plan with
// changes (or errors) is recorded in the run history as a dry run.
func runPlan(ctx context.Context, e *env, args []string) error {
	fs := e.runFlags("plan", "plan for a cybozu.com domain other than the one the roster is linked to")
	out := fs.String("out", "", "also write the plan as JSON to `FILE`, to apply exactly it later with apply -plan FILE")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the plan has changes (0: no changes, 1: error)")
	a, done, err := fs.start(ctx, args)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.Run(ctx, app.RunRequest{Trigger: provision.TriggerCLI, Source: a.WithOverrides(fs.src.o), DryRun: true, SwitchDomain: *fs.switchDomain})
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

// newApp builds the application over cfg and store, showing progress on
// stderr when it is a terminal. The process-wide memory limit is set here,
// by the process, not by the application layer.
func (e *env) newApp(cfg *config.Config, store *sqlite.Store) (*app.App, error) {
	e.limitMemory()
	return app.New(cfg, store, e.appOptions())
}

// limitMemory sets the Go heap's soft limit (memoryLimit) unless
// GOMEMLIMIT is set.
func (e *env) limitMemory() {
	if _, set := e.lookup("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// appOptions show progress on stderr when it is a terminal.
func (e *env) appOptions() app.Options {
	var o app.Options
	if isTerminal(e.stderr) {
		o.Progress = e.stderr
	}
	return o
}

// openApp loads the configuration, opens the database it names and builds
// the application; done closes the database.
func (e *env) openApp(ctx context.Context, cfgPath string) (*app.App, func(), error) {
	cfg, store, err := e.openStore(ctx, cfgPath)
	if err != nil {
		return nil, nil, err
	}
	a, err := e.newApp(cfg, store)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return a, func() { store.Close() }, nil
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
// loads the configuration, opens the database and builds the application.
func (f *runFlags) start(ctx context.Context, args []string) (*app.App, func(), error) {
	if err := f.parse(args); err != nil {
		return nil, nil, err
	}
	if err := f.src.check(); err != nil {
		return nil, nil, err
	}
	return f.e.openApp(ctx, *f.config)
}
