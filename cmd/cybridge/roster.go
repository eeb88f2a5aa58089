package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/excelcsv"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/safety"
)

// rosterCommand is `cybridge roster ...`: the export, and roster-only
// departments and members (roster_edit.go).
func (e *env) rosterCommand() *cli.Command {
	dept := &cli.Command{Name: "dept", Summary: "cli.summary.roster_dept", Sub: []*cli.Command{
		newDeptCommand(e, "add", &deptOptions{}), newDeptCommand(e, "edit", &deptOptions{}), newDeptCommand(e, "rm", &deptOptions{}),
	}}
	member := &cli.Command{Name: "member", Summary: "cli.summary.roster_member", Sub: []*cli.Command{
		newMemberCommand(e, "add", &memberOptions{}), newMemberCommand(e, "edit", &memberOptions{}), newMemberCommand(e, "rm", &memberOptions{}),
	}}
	return &cli.Command{Name: "roster", Summary: "cli.summary.roster", Note: "cli.note.roster",
		Sub: []*cli.Command{newRosterExportCommand(e, &exportOptions{}), dept, member}}
}

// exportOptions are roster export's options.
type exportOptions struct {
	config string
	kind   string // with -format csv: members or departments
}

func (o *exportOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.StringVar(&o.kind, "kind", "members", "cli.flag.export_kind")
}

func (o *exportOptions) check(*cli.Invocation) error {
	if o.kind != "members" && o.kind != "departments" {
		return cli.Usage("cli.usage.value", msg.Params{"flag": "-kind", "value": o.kind, "allowed": "members, departments"})
	}
	return nil
}

// newRosterExportCommand is `cybridge roster export`: the roster as JSON,
// or one kind as CSV (UTF-8; a member's departments are codes joined with
// ";"). CSV is this command's text format, written for a spreadsheet
// (excelcsv: a UTF-8 BOM, formula cells as text).
func newRosterExportCommand(e *env, o *exportOptions) *cli.Command {
	return &cli.Command{Name: "export", Summary: "cli.summary.roster_export", Formats: []string{"json", "csv"}, Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			a, done, err := e.openApp(ctx, o.config)
			if err != nil {
				return nil, err
			}
			defer done()
			ex, err := a.Roster(ctx)
			if err != nil {
				return nil, err
			}
			return &exportResult{ex: ex, kind: o.kind}, nil
		}}
}

// exportResult is the roster: JSON, or CSV of one kind.
type exportResult struct {
	ex   *safety.Export
	kind string
}

func (r *exportResult) JSON() any { return r.ex }

// Raw: the CSV is printed byte for byte (its cells are made safe for a
// spreadsheet instead).
func (r *exportResult) Raw() {}

func (r *exportResult) Text(out io.Writer) error {
	w := excelcsv.NewWriter(out)
	if r.kind == "departments" {
		w.Write([]string{"code", "name", "parent", "origin"})
		for _, d := range r.ex.Departments {
			w.Write([]string{d.Code, d.Name, d.Parent, d.Origin})
		}
	} else {
		w.Write([]string{"login", "name", "reading", "email", "phone", "departments", "origin"})
		for _, m := range r.ex.Members {
			w.Write([]string{m.Login, m.Name, m.Reading, m.Email, m.Phone, strings.Join(m.Departments, ";"), m.Origin})
		}
	}
	return w.Flush()
}

// editRoster runs fn in one write transaction (app.EditRoster). A roster
// object that is not found is named by a flag of in: the advice says which.
func (e *env) editRoster(ctx context.Context, cfgPath string, in *cli.Invocation, target string, fn func(r *safety.Roster) error) error {
	a, done, err := e.openApp(ctx, cfgPath)
	if err != nil {
		return err
	}
	defer done()
	err = a.EditRoster(ctx, target, fn)
	var invalid *safety.InputError
	if errors.As(err, &invalid) {
		var flags []string
		for _, p := range invalid.Problems {
			if f := "-" + p.Field; in.Flags.Lookup(p.Field) != nil && !slices.Contains(flags, f) {
				flags = append(flags, f)
			}
		}
		if len(flags) > 0 {
			return cli.WithAdvice(err, "cli.advice.input", msg.Params{"flags": strings.Join(flags, ", ")})
		}
	}
	if msg.Code(err) == msg.CodeNotFound {
		if name, ok := msg.ParamsOf(err)["name"].(string); ok {
			if flag := flagNaming(in, name); flag != "" {
				err = cli.WithAdvice(err, "cli.advice.not_found", msg.Params{"flag": flag, "name": name})
			}
		}
	}
	return err
}

// flagNaming is the flag of in whose value is, or lists, name.
func flagNaming(in *cli.Invocation, name string) string {
	for _, f := range []string{"code", "login", "parent", "departments"} {
		if v := in.FlagValue(f); v == name || (f == "departments" && slices.Contains(splitList(v), name)) {
			return "-" + f
		}
	}
	return ""
}

// optional returns &v when the flag was given, else nil.
func optional(set map[string]bool, name string, v string) *string {
	if !set[name] {
		return nil
	}
	return &v
}

// splitList splits "A,B" into codes ("" gives none).
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// doneResult is an edit done: one line for a person; nothing as JSON.
type doneResult []string

func (d doneResult) Text(w io.Writer) error {
	for _, line := range d {
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

func (d doneResult) JSON() any { return nil }
