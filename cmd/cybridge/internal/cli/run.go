package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
)

// Runner runs a command line and prints its outcome.
type Runner struct {
	Program        string // "cybridge"
	Stdout, Stderr io.Writer
	Lang           msg.Lang
	// Redact scrubs secrets from every error text printed; nil prints
	// them as they are.
	Redact func(string) string
	// Params fill the flag descriptions ({sources}, {encodings}, …).
	Params msg.Params
	// Advise, when set, adds the program's advice to an error a command
	// returned (WithAdvice): domain errors name no flag, so the program
	// says which of its flags fixes one, by the error's code or key.
	Advise func(error) error
}

// Run parses args against root, runs the command and prints its result
// or error; it returns the exit code.
func (r *Runner) Run(ctx context.Context, root *Command, args []string) int {
	in, err := Parse(root, args)
	if err != nil {
		return r.finish(in, nil, err)
	}
	res, err := in.Command.Run(ctx, in)
	return r.finish(in, res, err)
}

// finish prints res and err the one way every command does (see the
// package doc) and returns the exit code.
func (r *Runner) finish(in *Invocation, res Result, err error) int {
	asJSON := in.Format == "json"
	printedJSON := false
	if res != nil {
		var werr error
		if asJSON {
			if v := res.JSON(); v != nil {
				werr, printedJSON = WriteJSON(r.Stdout, v), true
			}
		} else {
			werr = writeText(r.Stdout, res)
			var x Exit
			if n, ok := res.(Noter); ok && (err == nil || errors.As(err, &x)) && werr == nil && n.Note() != "" {
				fmt.Fprintf(r.Stderr, "\n%s\n", termtext.Lines(n.Note()))
			}
		}
		if err == nil {
			err = werr
		}
	}
	if err == nil {
		return msg.ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		r.help(in)
		return msg.ExitOK
	}
	var x Exit
	if errors.As(err, &x) {
		return int(x)
	}
	if r.Advise != nil && adviceOf(r.Lang, err) == "" {
		err = r.Advise(err)
	}
	code, text := termtext.Escape(msg.Code(err)), termtext.Lines(r.redact(msg.Localize(r.Lang, err)))
	advice := termtext.Lines(r.redact(adviceOf(r.Lang, err)))
	if asJSON && !printedJSON {
		body := map[string]any{"code": code, "message": joinAdvice(text, advice)}
		if p := msg.ParamsOf(err); len(p) > 0 {
			body["params"] = p
		}
		_ = WriteJSON(r.Stdout, map[string]any{"error": body})
	}
	var ue *UsageError
	if errors.As(err, &ue) || code == msg.CodeUsage {
		if ue != nil && ue.Help {
			r.help(in)
			fmt.Fprintln(r.Stderr)
		}
		fmt.Fprintf(r.Stderr, "%s: %s\n", r.Program, text)
		if advice != "" {
			fmt.Fprintln(r.Stderr, advice)
		}
		if ue == nil || !ue.Help {
			fmt.Fprintln(r.Stderr, msg.Text(r.Lang, "cli.help.hint", msg.Params{"command": r.commandLine(in)}))
		}
		return exitCode(err)
	}
	fmt.Fprintf(r.Stderr, "%s: %s [%s]: %s\n", r.Program, msg.Text(r.Lang, "cli.error", nil), code, text)
	if advice != "" {
		fmt.Fprintln(r.Stderr, advice)
	}
	return exitCode(err)
}

// writeText writes res's text to w. Unless res is Raw, the text goes
// through termtext.Lines as a last line of defence: whatever a command
// forgot to escape, no control character (ESC, CR, C1) or bidi override
// reaches the admin's terminal; the text's own line feeds and tabs stay.
// Each result escapes its untrusted values itself (termtext.Escape), so
// that a line break in a name cannot forge a line either.
func writeText(w io.Writer, res Result) error {
	if _, raw := res.(Raw); raw {
		return res.Text(w)
	}
	var b bytes.Buffer
	if err := res.Text(&b); err != nil {
		return err
	}
	_, err := io.WriteString(w, termtext.Lines(b.String()))
	return err
}

func joinAdvice(text, advice string) string {
	if advice == "" {
		return text
	}
	return text + "\n" + advice
}

func (r *Runner) redact(s string) string {
	if r.Redact == nil {
		return s
	}
	return r.Redact(s)
}

// commandLine is "cybridge calendar show".
func (r *Runner) commandLine(in *Invocation) string {
	return strings.Join(append([]string{r.Program}, in.Path...), " ")
}

// help prints the help of in's command on stderr: its synopsis, summary,
// subcommands and flags, in the admin's language.
func (r *Runner) help(in *Invocation) {
	c, w, l := in.Command, r.Stderr, r.Lang
	synopsis := r.commandLine(in)
	if len(c.Sub) > 0 {
		synopsis += " <command>"
	}
	for _, a := range c.Args {
		synopsis += " " + a
	}
	synopsis += " [flags]"
	fmt.Fprintf(w, "%s: %s\n", msg.Text(l, "cli.help.usage", nil), synopsis)
	if c.Summary != "" {
		fmt.Fprintf(w, "\n%s\n", msg.Text(l, c.Summary, r.Params))
	}
	if len(c.Sub) > 0 {
		fmt.Fprintf(w, "\n%s\n", msg.Text(l, "cli.help.commands", nil))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, s := range c.Sub {
			args := ""
			for _, a := range s.Args {
				args += " " + a
			}
			fmt.Fprintf(tw, "  %s%s\t%s\n", s.Name, args, msg.Text(l, s.Summary, r.Params))
		}
		tw.Flush()
	}
	if c.Run != nil {
		fs := flag.NewFlagSet("", flag.ContinueOnError)
		if len(c.Formats) > 0 {
			fs.String("format", c.Formats[0], "cli.flag.format")
		}
		if c.Flags != nil {
			c.Flags(fs)
		}
		params := msg.Params{"formats": strings.Join(c.Formats, ", ")}
		for k, v := range r.Params {
			params[k] = v
		}
		first := true
		fs.VisitAll(func(f *flag.Flag) {
			if first {
				fmt.Fprintf(w, "\n%s\n", msg.Text(l, "cli.help.flags", nil))
				first = false
			}
			local := *f
			local.Usage = msg.Text(l, f.Usage, params)
			name, usage := flag.UnquoteUsage(&local)
			if name == "string" {
				name = msg.Text(l, "cli.help.value", nil)
			}
			line := "  -" + f.Name
			if name != "" {
				line += " " + name
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				usage += " " + msg.Text(l, "cli.help.default", msg.Params{"value": f.DefValue})
			}
			fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		})
	}
	if c.Note != "" {
		fmt.Fprintf(w, "\n%s\n", msg.Text(l, c.Note, r.Params))
	}
	if len(c.Sub) > 0 {
		fmt.Fprintf(w, "\n%s\n", msg.Text(l, "cli.help.more", msg.Params{"command": r.commandLine(in)}))
	}
}

// WriteJSON writes v as indented JSON, without escaping HTML characters.
// A value that writes itself so (a plan, which streams its changes rather
// than build a whole directory's JSON in memory) does.
func WriteJSON(w io.Writer, v any) error {
	if s, ok := v.(interface{ WriteJSON(io.Writer) error }); ok {
		return s.WriteJSON(w)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
