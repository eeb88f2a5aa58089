package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// env is one invocation's world: streams and environment. Every command
// gets it instead of touching os.* so that tests run the real command
// in-process.
type env struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	lookup  func(string) (string, bool)
	environ []string // NAME=value, as os.Environ

	// redactor scrubs configured secrets (and those read at run time) from
	// anything printed, as a last line of defence.
	redactor secret.Redactor
	// loc is the configured time zone (schedule.time_zone) once the
	// configuration is loaded: every time is shown in it, with its offset.
	loc *time.Location
}

// Main runs cybridge with args (without the program name) in the
// environment environ (NAME=value, as os.Environ) and returns the exit code.
func Main(ctx context.Context, args []string, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, lookup: lookup, environ: environ}
	r := &cli.Runner{Program: "cybridge", Stdout: stdout, Stderr: stderr, Lang: e.lang(), Redact: e.redact,
		Params: msg.Params{"sources": strings.Join(app.SourceKinds(), ", "), "encodings": strings.Join(csvfile.Encodings(), ", "),
			"separators": strings.Join(csvfile.Separators(), ", ")}, Advise: advise}
	// Everything the command line does is audited as "cli" with the OS
	// user; serve's console and scheduler name their own actors.
	return r.Run(access.WithActor(ctx, e.cliActor()), e.commands(), args)
}

// advise adds the command line's advice to the use cases' errors whose
// texts name no flag: which flags give what is missing.
func advise(err error) error {
	var me *msg.Error
	if errors.As(err, &me) && me.Key == app.KeyCSVFiles {
		return cli.WithAdvice(err, "cli.advice.csv_files", nil)
	}
	return err
}

// redact scrubs configured secrets from s.
func (e *env) redact(s string) string { return e.redactor.Redact(s) }

// isTerminal reports whether stream (stdin, stdout or stderr) is a
// terminal: progress is shown, and a password prompted for, only then.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// configFlag registers -config on fs.
func configFlag(fs *flag.FlagSet, path *string) {
	fs.StringVar(path, "config", "", "cli.flag.config")
}

// loadConfig loads the configuration from path (or the optional default
// cybridge.toml) and the environment, reports every problem at once (see
// app.LoadConfig), and remembers its secrets for redaction.
func (e *env) loadConfig(path string) (*config.Config, error) {
	return e.loadConfigFor(path, app.Use{})
}

// loadConfigFor is loadConfig with the settings use needs checked too.
func (e *env) loadConfigFor(path string, use app.Use) (*config.Config, error) {
	required := path != ""
	if path == "" {
		path = "cybridge.toml"
	}
	cfg, err := app.LoadConfig(path, required, e.lookup, e.environ, use)
	if err != nil {
		return nil, err
	}
	e.redactor = e.redactor.With(cfg.Secrets()...)
	// The zone was checked with the rest of the configuration.
	if loc, err := time.LoadLocation(cfg.Schedule.TimeZone); err == nil {
		e.loc = loc
	}
	return cfg, nil
}

// openStore loads the configuration and opens the database it names.
func (e *env) openStore(ctx context.Context, cfgPath string) (*config.Config, *sqlite.Store, error) {
	cfg, err := e.loadConfig(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	store, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		return nil, nil, err
	}
	return cfg, store, nil
}
