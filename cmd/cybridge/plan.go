package main

import (
	"context"
	"flag"
	"io"
	"os"
	"runtime/debug"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// runOptions are the options plan and apply share.
type runOptions struct {
	config       string
	source       app.Overrides
	switchDomain bool
}

// flags registers -config, the source flags and -switch-domain, which
// means switchDomainKey's text in this command.
func (o *runOptions) flags(fs *flag.FlagSet, switchDomainKey string) {
	configFlag(fs, &o.config)
	sourceFlags(fs, &o.source)
	fs.BoolVar(&o.switchDomain, "switch-domain", false, switchDomainKey)
}

// planOptions are plan's options.
type planOptions struct {
	runOptions
	out      string // -out: also write the plan as JSON here
	detailed bool   // -detailed-exitcode
}

func (o *planOptions) flags(fs *flag.FlagSet) {
	o.runOptions.flags(fs, "cli.flag.switch_domain_plan")
	fs.StringVar(&o.out, "out", "", "cli.flag.out")
	fs.BoolVar(&o.detailed, "detailed-exitcode", false, "cli.flag.detailed_exitcode")
}

// newPlanCommand is `cybridge plan`: read the directory, plan every
// enabled target, print the dry-run report. It changes nothing; a plan
// with changes (or errors) is recorded in the run history as a dry run.
func newPlanCommand(e *env, o *planOptions) *cli.Command {
	return &cli.Command{Name: "plan", Summary: "cli.summary.plan", Formats: textAndJSON, Flags: o.flags,
		Check: func(*cli.Invocation) error { return checkSource(o.source) },
		Run:   func(ctx context.Context, in *cli.Invocation) (cli.Result, error) { return e.plan(ctx, o) }}
}

func (e *env) plan(ctx context.Context, o *planOptions) (cli.Result, error) {
	a, done, err := e.openApp(ctx, o.config)
	if err != nil {
		return nil, err
	}
	defer done()
	res, err := a.Run(ctx, app.RunRequest{Trigger: provision.TriggerCLI, Source: a.WithOverrides(o.source), DryRun: true, SwitchDomain: o.switchDomain})
	if res == nil || res.Plan == nil {
		return nil, err
	}
	r := &planResult{plan: res.Plan, opts: e.textOptions()}
	if err != nil {
		return r, err
	}
	if o.out != "" {
		if err := writePlanFile(o.out, res.Plan); err != nil {
			return r, err
		}
	} else if res.Plan.HasChanges() {
		r.note = e.text("cli.note.plan_out", nil)
	}
	if o.detailed && res.Plan.HasChanges() {
		return r, cli.Exit(msg.ExitChanges)
	}
	return r, nil
}

// planResult is a plan: the text report or the plan's JSON.
type planResult struct {
	plan *provision.Plan
	opts provision.TextOptions
	note string
}

func (r *planResult) Text(w io.Writer) error { return provision.RenderText(w, r.plan, r.opts) }
func (r *planResult) JSON() any              { return r.plan }
func (r *planResult) Note() string           { return r.note }

// writePlanFile saves a plan for apply -plan. Plans name people (logins,
// emails), so the file is readable by its owner only.
func writePlanFile(path string, p *provision.Plan) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return &cli.Error{Code: "write_failed", Kind: msg.KindInvalid, Key: "cli.write_failed", Params: msg.Params{"file": path, "detail": err.Error()}, Err: err}
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
