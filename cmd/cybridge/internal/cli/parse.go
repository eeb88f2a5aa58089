package cli

import (
	"errors"
	"flag"
	"io"
	"regexp"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
)

// Parse finds the command args name from root and parses its flags and
// positional arguments; it runs nothing. The Invocation is returned also
// with an error (as far as it got: the command, and -format once parsed),
// so that the error is printed as that command's. flag.ErrHelp means help
// was asked for.
func Parse(root *Command, args []string) (*Invocation, error) {
	in := &Invocation{Command: root, Format: "text"}
	cmd := root
	for len(cmd.Sub) > 0 && len(args) > 0 && !isFlag(args[0]) {
		if args[0] == "help" {
			return in, flag.ErrHelp
		}
		sub := cmd.find(args[0])
		if sub == nil {
			if cmd.Run != nil {
				break
			}
			return in, &UsageError{Key: "cli.usage.unknown_command", Params: msg.Params{"command": args[0]}, Help: true}
		}
		cmd, args = sub, args[1:]
		in.Command, in.Path = cmd, append(in.Path, cmd.Name)
	}
	if cmd.Run == nil {
		if len(args) == 0 {
			return in, &UsageError{Key: "cli.usage.no_command", Help: true}
		}
		if isHelp(args[0]) {
			return in, flag.ErrHelp
		}
		return in, &UsageError{Key: "cli.usage.unknown_command", Params: msg.Params{"command": args[0]}, Help: true}
	}

	fs := flag.NewFlagSet(strings.Join(in.Path, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	format := new(string)
	if len(cmd.Formats) > 0 {
		fs.StringVar(format, "format", cmd.Formats[0], "cli.flag.format")
	}
	if cmd.Flags != nil {
		cmd.Flags(fs)
	}
	in.Flags = fs
	// Positional arguments may come first: cybridge calendar show LOGIN -format json.
	var pos []string
	for len(args) > 0 && !isFlag(args[0]) && len(pos) < len(cmd.Args) {
		pos, args = append(pos, args[0]), args[1:]
	}
	err := fs.Parse(args)
	if *format != "" {
		in.Format = *format
	}
	if errors.Is(err, flag.ErrHelp) {
		return in, err
	}
	if err != nil {
		return in, flagError(err)
	}
	if len(cmd.Formats) > 0 && !contains(cmd.Formats, *format) {
		return in, &UsageError{Key: "cli.usage.value", Params: msg.Params{"flag": "-format", "value": *format, "allowed": strings.Join(cmd.Formats, ", ")}}
	}
	pos = append(pos, fs.Args()...)
	switch {
	case len(pos) < len(cmd.Args):
		return in, &UsageError{Key: "cli.usage.missing_args", Params: msg.Params{"args": strings.Join(cmd.Args[len(pos):], " ")}}
	case len(pos) > len(cmd.Args):
		return in, &UsageError{Key: "cli.usage.unexpected_arg", Params: msg.Params{"arg": pos[len(cmd.Args)]}}
	}
	in.Args = pos
	in.Set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { in.Set[f.Name] = true })
	if cmd.Check != nil {
		if err := cmd.Check(in); err != nil {
			return in, err
		}
	}
	return in, nil
}

func isFlag(arg string) bool { return strings.HasPrefix(arg, "-") && arg != "-" }

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// The flag package's errors, to say them in the admin's language.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: (-\S+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: (-\S+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?(-[^:\s]+): `)
)

// flagError is a usage error for an error of flag.FlagSet.Parse.
func flagError(err error) error {
	s := err.Error()
	if m := flagUndefined.FindStringSubmatch(s); m != nil {
		return &UsageError{Key: "cli.usage.unknown_flag", Params: msg.Params{"flag": m[1]}}
	}
	if m := flagNoValue.FindStringSubmatch(s); m != nil {
		return &UsageError{Key: "cli.usage.flag_needs_value", Params: msg.Params{"flag": m[1]}}
	}
	if m := flagBadValue.FindStringSubmatch(s); m != nil {
		return &UsageError{Key: "cli.usage.flag_bad_value", Params: msg.Params{"flag": m[2], "value": m[1]}}
	}
	return &UsageError{Key: "cli.usage.flag", Params: msg.Params{"detail": s}}
}
