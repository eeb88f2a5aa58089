package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/cybridge/cybridge/internal/msg"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// Exit codes (SPEC §8.1).
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2 // plan has changes, only with -detailed-exitcode
	exitBlocked = 3 // blocked by a safeguard
)

// env is one invocation's world: arguments, streams and environment. Every
// subcommand gets it instead of touching os.* so that tests run the real
// command in-process.
type env struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	lookup  func(string) (string, bool)
	environ []string // NAME=value, as os.Environ

	// jsonErrors makes the final error print as {"error":{...}} on stdout;
	// a command sets it once it has parsed -format json.
	jsonErrors bool
	// redactor scrubs configured secrets (and those read at run time) from
	// anything printed, as a last line of defence.
	redactor secret.Redactor
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return e.finish(c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(stderr, "cybridge: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: cybridge <command> [flags]\n\ncommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cybridge <command> -h' for a command's flags.")
}

// exitCoder lets an error choose the exit code (e.g. 3 for a safeguard).
type exitCoder interface {
	ExitCode() int
}

// cliError is an error raised by the command line itself.
type cliError struct {
	code string
	msg  string
	exit int
}

func (e *cliError) Error() string     { return e.msg }
func (e *cliError) ErrorCode() string { return e.code }
func (e *cliError) ExitCode() int {
	if e.exit == 0 {
		return exitError
	}
	return e.exit
}

func usageErrorf(format string, args ...any) error {
	return &cliError{code: "usage", msg: fmt.Sprintf(format, args...)}
}

// errChanges is returned by plan -detailed-exitcode when the plan has
// changes; it is not printed.
var errChanges = &cliError{code: "changes", exit: exitChanges}

func (e *env) finish(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitError
	var xc exitCoder
	if errors.As(err, &xc) {
		code = xc.ExitCode()
	}
	if err == errChanges {
		return code
	}
	ec, text := msg.Code(err), e.redact(msg.Localize(e.lang(), err))
	if e.jsonErrors {
		body := map[string]any{"code": ec, "message": text}
		if p := msg.ParamsOf(err); len(p) > 0 {
			body["params"] = p
		}
		out := map[string]any{"error": body}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	}
	if ec == "usage" {
		fmt.Fprintf(e.stderr, "cybridge: %s\n", text)
		return code
	}
	fmt.Fprintf(e.stderr, "cybridge: %s [%s]: %s\n", msg.Text(e.lang(), "cli.error", nil), ec, text)
	return code
}

// redact scrubs configured secrets from s.
func (e *env) redact(s string) string { return e.redactor.Redact(s) }

// isTerminal reports whether stream (stdin, stdout or stderr) is a
// terminal: progress is shown, and a password prompted for, only then.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// flagSet makes a FlagSet that reports errors instead of exiting.
func (e *env) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("cybridge "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parse parses flags and rejects stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErrorf("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q (values are given with flags)", fs.Name(), fs.Arg(0))
	}
	return nil
}

// configFlag registers -config on fs.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration file (default cybridge.toml in the working directory, optional)")
}

// formatFlag registers -format with the allowed values; the first is the default.
func formatFlag(fs *flag.FlagSet, allowed ...string) *string {
	return fs.String("format", allowed[0], "output format: "+strings.Join(allowed, " or "))
}

// checkFormat validates a -format value and turns on JSON errors for json.
func (e *env) checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if a == format {
			e.jsonErrors = format == "json"
			return nil
		}
	}
	return usageErrorf("-format %q: use %s", format, strings.Join(allowed, " or "))
}

// commandFlags is the flag set of a command that reads the configuration,
// with -config and -format registered on it.
type commandFlags struct {
	*flag.FlagSet
	e       *env
	config  *string // -config
	format  *string // -format
	formats []string
}

// commandFlags makes the flag set of the command name with -config and
// -format; formats are the values -format allows, the first the default.
func (e *env) commandFlags(name string, formats ...string) *commandFlags {
	fs := e.flagSet(name)
	return &commandFlags{FlagSet: fs, e: e, config: configFlag(fs), format: formatFlag(fs, formats...), formats: formats}
}

// parse parses args, rejecting positional arguments (see parse), and
// checks -format.
func (c *commandFlags) parse(args []string) error {
	return c.afterParse(parse(c.FlagSet, args))
}

// afterParse checks -format once the flags are parsed, whether or not
// parsing failed (err, returned as a usage error): with -format json, a
// mistake on the rest of the command line is reported as JSON too.
func (c *commandFlags) afterParse(err error) error {
	ferr := c.checkFormat()
	switch {
	case err == nil:
		return ferr
	case errors.Is(err, flag.ErrHelp), msg.Code(err) == "usage":
		return err
	}
	return usageErrorf("%v", err)
}

// checkFormat checks -format (see env.checkFormat).
func (c *commandFlags) checkFormat() error {
	return c.e.checkFormat(*c.format, c.formats...)
}

// start parses args (see parse), loads the configuration and opens the
// database it names.
func (c *commandFlags) start(ctx context.Context, args []string) (*config.Config, *sqlite.Store, error) {
	if err := c.parse(args); err != nil {
		return nil, nil, err
	}
	return c.e.openStore(ctx, *c.config)
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

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
