// Package cli is cybridge's command tree: one dispatcher that parses every
// command the same way, and one function that prints what a command
// returns, as text or JSON.
//
// Decisions:
//   - -h, -help, --help (and "help" at a command group) print the help on
//     stderr and exit 0, at every level. A group given no command prints
//     its help and is a usage error; an unknown command or flag is a usage
//     error (code "usage", exit 1).
//   - Positional arguments are named by Command.Args, each required, and
//     may come before or after the flags; values are otherwise flags.
//   - A command returns a Result and an error. The Result is printed as
//     text or, with -format json, as its JSON value. When a JSON value was
//     printed, an error goes to stderr only: stdout stays one JSON document
//     (a plan with errors carries them). Otherwise, with -format json, the
//     error is {"error":{"code","message"}} on stdout (SPEC §8.1).
//   - Text output is for a terminal: no control character or bidi
//     override reaches it (termtext.Lines over each text result and error,
//     unless the result is Raw); each result escapes the untrusted values
//     it prints (termtext.Escape), so a line break in a name forges no line.
//   - Every word is from the catalogue (keys "cli.*"), in the admin's
//     language; flag descriptions are catalogue keys rendered when the
//     help is printed.
package cli

import (
	"context"
	"flag"
	"io"
)

// Command is one node of the command tree: a command that runs, a group of
// commands, or both (runs lists, runs show shows one).
type Command struct {
	Name string
	// Args name the positional arguments ("LOGIN"); each is required.
	Args []string
	// Summary is the catalogue key of the one-line description; Note, if
	// set, the key of a paragraph shown under the help.
	Summary, Note string
	// Formats are the values -format takes, the default first; none means
	// the command has no -format flag (it prints text).
	Formats []string
	// Flags registers the command's flags (its options); the usage of
	// each flag is a catalogue key.
	Flags func(fs *flag.FlagSet)
	// Check validates the parsed options and arguments; its error is a
	// usage error. Nothing has been opened or read yet.
	Check func(in *Invocation) error
	Run   func(ctx context.Context, in *Invocation) (Result, error)
	Sub   []*Command
}

// Invocation is one parsed command line.
type Invocation struct {
	Command *Command
	Path    []string // the command's names from the root ("calendar", "show")
	Args    []string // the positional arguments, as Command.Args names them
	Format  string   // -format's value, "text" for a command without one
	// Set holds the flags given on the command line (an edit changes only
	// those).
	Set map[string]bool
	// Flags are the parsed flags, to name the flag that gave a value.
	Flags *flag.FlagSet
}

// Result is what a command prints.
type Result interface {
	// Text writes the result for a person.
	Text(w io.Writer) error
	// JSON is the value -format json prints, or nil when there is none
	// (a failed apply: the error is the answer).
	JSON() any
}

// Raw is a Result whose text is a data format (CSV) printed byte for
// byte: the terminal guard (termtext) does not rewrite it, and the result
// makes its cells safe for where they go itself.
type Raw interface {
	Raw()
}

// Noter is a Result with a note for a person, printed on stderr after its
// text when the command succeeded (never with -format json).
type Noter interface {
	Note() string
}

// find returns the command args name and the rest of args.
func (c *Command) find(name string) *Command {
	for _, s := range c.Sub {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// FlagValue is the value of the flag name as given on the command line.
func (in *Invocation) FlagValue(name string) string {
	if f := in.Flags.Lookup(name); f != nil && in.Set[name] {
		return f.Value.String()
	}
	return ""
}
