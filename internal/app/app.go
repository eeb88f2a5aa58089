package app

import (
	"fmt"
	"io"
	"sync/atomic"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// App is the application: the configuration, the store and what is built
// from them once (the runner over the enabled targets, the enrolment
// editor) and the runs going on (Job). It is safe for concurrent use: the console serves several
// requests at once, and the runner's lease keeps applies one at a time.
type App struct {
	cfg      *config.Config
	store    *sqlite.Store
	progress io.Writer

	// runner is nil when no target is enabled (see CheckTargets).
	runner *provision.Runner
	// editor edits calendar enrolments; nil while the calendar target is
	// disabled, or when it cannot be built (editorErr: a policy or key
	// problem concerns the enrolment use cases only, not plan and apply).
	editor    *calendar.Editor
	editorErr error

	// jobs are the runs going on, and those that ended lately (jobs.go).
	jobs jobs

	lastRead atomic.Int64 // nanoseconds the last source read took
	lastOK   atomic.Int64 // Unix ms of the last run that found nothing to do (not in history)
}

// Options are how an App reports as it works.
type Options struct {
	// Progress, when set, is shown what a run is doing: its stages, and a
	// status line rewritten while the User API is read. The CLI gives its
	// stderr when that is a terminal; the daemon none (several runs may be
	// at once, and its stderr is the log).
	Progress io.Writer
}

// The use cases' errors are *msg.Error: a stable code, its kind
// (errorKinds), the catalogue key of the situation and its parameters.
// Their texts name config keys, never a CLI flag or a console button:
// each surface adds its own advice (the CLI by Key: KeyCSVFiles).
func newError(code, key string, p msg.Params) *msg.Error {
	return &msg.Error{Code: code, Kind: errorKinds[code], Key: key, Params: p}
}

// errorKinds are the kinds of the use cases' codes.
var errorKinds = map[string]msg.Kind{
	CodeNoTargets:        msg.KindInvalid,
	CodeSafetyDisabled:   msg.KindForbidden,
	CodeCalendarDisabled: msg.KindForbidden,
	CodeNoPlan:           msg.KindInvalid,
	msg.CodeNotFound:     msg.KindNotFound,
	msg.CodeUsage:        msg.KindInvalid,
}

// Error codes of the use cases.
const (
	CodeNoTargets        = "no_targets"
	CodeSafetyDisabled   = "safety_disabled"
	CodeCalendarDisabled = "calendar_disabled"
	CodeNoPlan           = "no_plan"
)

// Catalogue keys of the situations of the codes above.
const (
	// KeyCSVFiles: the CSV source has no users file (CodeUsage).
	KeyCSVFiles = "usage.csv_files"
	// KeyNoPlanYet: no run has made a plan to apply yet (CodeNotFound).
	KeyNoPlanYet = "not_found.plan"
)

// Codes lists every catalogue key the use cases' errors and check's
// warnings render, for the test that each has a text in both languages.
func Codes() []string {
	return []string{CodeNoTargets, CodeSafetyDisabled, CodeCalendarDisabled, CodeNoPlan, KeyCSVFiles, KeyNoPlanYet,
		WarnPartialVisibility, WarnAdminUnknown, keyAdminUnknownDetail, KeyJobRunning, KeyNoJob, WarnTokenExpiring, WarnTokenExpired, CodeSCIMUnusable}
}

var (
	errNoTargets = newError(CodeNoTargets, "", nil)
	// errCalendarDisabled is the error of every enrolment use case, on
	// every surface, while the calendar target is disabled.
	errCalendarDisabled = newError(CodeCalendarDisabled, "", nil)
	errSafetyDisabled   = newError(CodeSafetyDisabled, "", nil)
)

// New builds the application over cfg and store: every enabled target, in
// report order (safety, calendar, then each [[scim]] instance), with the
// configured safeguards,
// and the enrolment editor when the calendar target is enabled.
func New(cfg *config.Config, store *sqlite.Store, o Options) (*App, error) {
	a := &App{cfg: cfg, store: store, progress: o.Progress}
	var targets []provision.Target
	if cfg.Safety.Enabled {
		targets = append(targets, safety.FromConfig(cfg))
	}
	if cfg.Calendar.Enabled {
		cal, err := calendar.New(cfg.Calendar)
		if err != nil {
			return nil, err
		}
		targets = append(targets, cal)
		a.editor, a.editorErr = newEditor(cfg, store)
	}
	remote, err := scimTargets(cfg.SCIM)
	if err != nil {
		return nil, err
	}
	targets = append(targets, remote...)
	if len(targets) > 0 {
		a.runner = &provision.Runner{
			Store:   store,
			Targets: targets,
			Safeguards: provision.Safeguards{MaxDeletes: cfg.Safeguards.MaxDeletes,
				MaxDeletePercent: cfg.Safeguards.MaxDeletePercent, MinSourceRatio: cfg.Safeguards.MinSourceRatio},
			HistoryDays: cfg.History.Days,
			RunTimeout:  cfg.Schedule.RunTimeout.Duration,
		}
		if a.progress != nil {
			a.runner.Progress = func(stage string) { fmt.Fprintf(a.progress, "cybridge: %s…\n", stage) }
		}
	}
	return a, nil
}

// CheckTargets returns no_targets when no target is enabled, so nothing
// can run.
func (a *App) CheckTargets() error {
	if a.runner == nil {
		return errNoTargets
	}
	return nil
}
