package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
)

type textResult struct {
	text string
	json any
	note string
}

func (r textResult) Text(w io.Writer) error { _, err := io.WriteString(w, r.text); return err }
func (r textResult) JSON() any              { return r.json }
func (r textResult) Note() string           { return r.note }

// tree is a small command tree: a group, a command with an argument and a
// command that is a group too.
func tree(res Result, err error) *Command {
	run := func(context.Context, *Invocation) (Result, error) { return res, err }
	var n int
	return &Command{Summary: "root", Sub: []*Command{
		{Name: "grp", Summary: "group", Sub: []*Command{
			{Name: "show", Args: []string{"LOGIN"}, Formats: []string{"text", "json"}, Run: run},
		}},
		{Name: "list", Formats: []string{"text", "json"}, Flags: func(fs *flag.FlagSet) { fs.IntVar(&n, "n", 1, "count") }, Run: run,
			Sub: []*Command{{Name: "one", Run: run}}},
	}}
}

type outcome struct {
	Code           int
	Stdout, Stderr string
}

func run(root *Command, args ...string) outcome {
	var out, errb bytes.Buffer
	r := &Runner{Program: "cy", Stdout: &out, Stderr: &errb, Lang: msg.En}
	code := r.Run(context.Background(), root, args)
	return outcome{code, out.String(), errb.String()}
}

func TestHelpAtEveryLevel(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"--help"}, {"grp", "-h"}, {"grp", "help"}, {"grp", "show", "-h"},
		{"grp", "show", "x", "-help"}, {"list", "-h"}, {"list", "one", "-h"}} {
		got := run(tree(textResult{text: "ran"}, nil), args...)
		if got.Code != 0 || got.Stdout != "" || !strings.HasPrefix(got.Stderr, "usage: cy") {
			t.Errorf("%q: %+v, want exit 0, help on stderr", args, got)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		line string // a line of stderr
	}{
		{nil, "cy: give a command"},
		{[]string{"grp"}, "cy: give a command"},
		{[]string{"nope"}, `cy: unknown command "nope"`},
		{[]string{"grp", "nope"}, `cy: unknown command "nope"`},
		{[]string{"grp", "-x"}, `cy: unknown command "-x"`},
		{[]string{"grp", "show"}, "cy: give LOGIN"},
		{[]string{"grp", "show", "a", "b"}, `cy: unexpected argument "b" (values are given with flags)`},
		{[]string{"grp", "show", "a", "-x"}, "Run 'cy grp show -h' for its usage."},
		{[]string{"list", "-n"}, "Run 'cy list -h' for its usage."},
		{[]string{"list", "stray"}, "Run 'cy list -h' for its usage."},
	} {
		got := run(tree(textResult{text: "ran"}, nil), tt.args...)
		lines := strings.Split(got.Stderr, "\n")
		if got.Code != 1 || got.Stdout != "" || !slices.Contains(lines, tt.line) {
			t.Errorf("%q: %+v, want exit 1 and the line %q", tt.args, got, tt.line)
		}
	}
}

func TestParseArguments(t *testing.T) {
	for _, args := range [][]string{{"grp", "show", "s.ito", "-format", "json"}, {"grp", "show", "-format", "json", "s.ito"}} {
		in, err := Parse(tree(nil, nil), args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if diff := cmp.Diff(outcome{Stdout: "s.ito", Stderr: "json"}, outcome{Stdout: strings.Join(in.Args, ","), Stderr: in.Format}); diff != "" {
			t.Errorf("%q (-want +got):\n%s", args, diff)
		}
	}
}

// TestFinish: one way of printing, whatever the command.
func TestFinish(t *testing.T) {
	failed := &Error{Code: "boom", Kind: msg.KindUnavailable, Key: "cli.no_such_key", Params: msg.Params{"x": 1}}
	for _, tt := range []struct {
		name string
		res  Result
		err  error
		args []string
		want outcome
	}{
		{"text", textResult{text: "ok\n", note: "a note"}, nil, []string{"list"}, outcome{0, "ok\n", "\na note\n"}},
		{"json", textResult{text: "ok\n", json: map[string]int{"n": 1}, note: "a note"}, nil, []string{"list", "-format", "json"},
			outcome{0, "{\n  \"n\": 1\n}\n", ""}},
		{"error as JSON", nil, failed, []string{"list", "-format", "json"},
			outcome{1, "{\n  \"error\": {\n    \"code\": \"boom\",\n    \"message\": \"cli.no_such_key\",\n    \"params\": {\n      \"x\": 1\n    }\n  }\n}\n", "cy: error [boom]: cli.no_such_key\n"}},
		{"a JSON result carries its error", textResult{json: []int{1}}, failed, []string{"list", "-format", "json"},
			outcome{1, "[\n  1\n]\n", "cy: error [boom]: cli.no_such_key\n"}},
		{"no JSON value: the error is the answer", textResult{text: "plan\n"}, failed, []string{"list", "-format", "json"},
			outcome{1, "{\n  \"error\": {\n    \"code\": \"boom\",\n    \"message\": \"cli.no_such_key\",\n    \"params\": {\n      \"x\": 1\n    }\n  }\n}\n", "cy: error [boom]: cli.no_such_key\n"}},
		{"text and error, no note", textResult{text: "plan\n", note: "a note"}, failed, []string{"list"},
			outcome{1, "plan\n", "cy: error [boom]: cli.no_such_key\n"}},
		{"advice", nil, WithAdvice(failed, "cli.help.hint", msg.Params{"command": "cy"}), []string{"list"},
			outcome{1, "", "cy: error [boom]: cli.no_such_key\nRun 'cy -h' for its usage.\n"}},
		{"exit code only", textResult{text: "plan\n", note: "a note"}, Exit(2), []string{"list"}, outcome{2, "plan\n", "\na note\n"}},
		{"exit code of the error", nil, exitErr{errors.New("blocked")}, []string{"list"}, outcome{3, "", "cy: error [internal]: blocked\n"}},
	} {
		got := run(tree(tt.res, tt.err), tt.args...)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

type exitErr struct{ error }

func (exitErr) ExitCode() int { return 3 }
