package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"strings"

	"github.com/cybridge/cybridge/targets/safety"
)

const rosterUsage = `usage: cybridge roster <command> [flags]

commands:
  export [-format json|csv] [-kind members|departments]
  dept add -code C -name N [-parent P]
  dept edit -code C [-new-code X] [-name N] [-parent P]      (-parent "" moves to the first level)
  dept rm -code C                                            (sub-departments move up)
  member add -login L -name N [-email E] [-phone P] [-reading R] [-departments A,B]
  member edit -login L [-name N] [-email E] [-phone P] [-reading R] [-departments A,B]
  member rm -login L

Roster-only entries are what the safety service's own screens add; the next
run sets again what the bridge owns of imported ones and keeps memberships in
roster-only departments.`

// runRoster is `cybridge roster ...`.
func runRoster(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErrorf("%s", rosterUsage)
	}
	switch {
	case args[0] == "export":
		return runRosterExport(ctx, e, args[1:])
	case len(args) >= 2 && args[0] == "dept":
		return runRosterDept(ctx, e, args[1], args[2:])
	case len(args) >= 2 && args[0] == "member":
		return runRosterMember(ctx, e, args[1], args[2:])
	case args[0] == "-h" || args[0] == "-help" || args[0] == "help":
		fmt.Fprintln(e.stderr, rosterUsage)
		return flag.ErrHelp
	}
	return usageErrorf("roster %s: unknown command\n\n%s", strings.Join(args, " "), rosterUsage)
}

func runRosterExport(ctx context.Context, e *env, args []string) error {
	fs := e.commandFlags("roster export", "json", "csv")
	kind := fs.String("kind", "members", "with -format csv: members or departments")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *kind != "members" && *kind != "departments" {
		return usageErrorf("-kind %q: use members or departments", *kind)
	}
	a, done, err := e.openApp(ctx, *fs.config)
	if err != nil {
		return err
	}
	defer done()
	ex, err := a.Roster(ctx)
	if err != nil {
		return err
	}
	if *fs.format == "json" {
		return writeJSON(e.stdout, ex)
	}
	// CSV (UTF-8): one file per kind; a member's departments are codes
	// joined with ";".
	w := csv.NewWriter(e.stdout)
	if *kind == "departments" {
		w.Write([]string{"code", "name", "parent", "origin"})
		for _, d := range ex.Departments {
			w.Write([]string{d.Code, d.Name, d.Parent, d.Origin})
		}
	} else {
		w.Write([]string{"login", "name", "reading", "email", "phone", "departments", "origin"})
		for _, m := range ex.Members {
			w.Write([]string{m.Login, m.Name, m.Reading, m.Email, m.Phone, strings.Join(m.Departments, ";"), m.Origin})
		}
	}
	w.Flush()
	return w.Error()
}

// editRoster runs fn in one write transaction (app.EditRoster).
func (e *env) editRoster(ctx context.Context, cfgPath string, fn func(r *safety.Roster) error) error {
	a, done, err := e.openApp(ctx, cfgPath)
	if err != nil {
		return err
	}
	defer done()
	return a.EditRoster(ctx, fn)
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
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

func runRosterDept(ctx context.Context, e *env, verb string, args []string) error {
	fs := e.flagSet("roster dept " + verb)
	cfgPath := configFlag(fs)
	code := fs.String("code", "", "department code")
	name, parent, newCode := new(string), new(string), new(string)
	if verb == "add" || verb == "edit" {
		fs.StringVar(name, "name", "", "department name")
		fs.StringVar(parent, "parent", "", "parent department code (\"\" = first level, under the root)")
	}
	if verb == "edit" {
		fs.StringVar(newCode, "new-code", "", "change the department's code to this")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	set := setFlags(fs)
	switch verb {
	case "add":
		err := e.editRoster(ctx, *cfgPath, func(r *safety.Roster) error {
			return r.AddDepartment(ctx, safety.DepartmentInput{Code: *code, Name: *name, Parent: *parent})
		})
		if err == nil {
			fmt.Fprintf(e.stdout, "added department %s\n", *code)
		}
		return err
	case "edit":
		err := e.editRoster(ctx, *cfgPath, func(r *safety.Roster) error {
			return r.EditDepartment(ctx, safety.DepartmentPatch{Code: *code, NewCode: optional(set, "new-code", *newCode),
				Name: optional(set, "name", *name), Parent: optional(set, "parent", *parent)})
		})
		if err == nil {
			fmt.Fprintf(e.stdout, "edited department %s\n", *code)
		}
		return err
	case "rm":
		var moved []string
		err := e.editRoster(ctx, *cfgPath, func(r *safety.Roster) error {
			var err error
			moved, err = r.RemoveDepartment(ctx, *code)
			return err
		})
		if err == nil {
			fmt.Fprintf(e.stdout, "removed department %s\n", *code)
			if len(moved) > 0 {
				fmt.Fprintf(e.stdout, "moved up to its parent: %s\n", strings.Join(moved, ", "))
			}
		}
		return err
	}
	return usageErrorf("roster dept %s: use add, edit or rm\n\n%s", verb, rosterUsage)
}

func runRosterMember(ctx context.Context, e *env, verb string, args []string) error {
	fs := e.flagSet("roster member " + verb)
	cfgPath := configFlag(fs)
	login := fs.String("login", "", "member login")
	var name, email, phone, reading, depts string
	if verb == "add" || verb == "edit" {
		fs.StringVar(&name, "name", "", "name")
		fs.StringVar(&email, "email", "", "email address")
		fs.StringVar(&phone, "phone", "", "phone number")
		fs.StringVar(&reading, "reading", "", "reading (よみ)")
		fs.StringVar(&depts, "departments", "", "department codes, comma-separated (edit: replaces the list)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	set := setFlags(fs)
	var done string
	var err error
	switch verb {
	case "add":
		done = "added"
		err = e.editRoster(ctx, *cfgPath, func(r *safety.Roster) error {
			return r.AddMember(ctx, safety.MemberInput{Login: *login, Name: name, Email: email, Phone: phone, Reading: reading, Departments: splitList(depts)})
		})
	case "edit":
		done = "edited"
		p := safety.MemberPatch{Login: *login, Name: optional(set, "name", name), Email: optional(set, "email", email),
			Phone: optional(set, "phone", phone), Reading: optional(set, "reading", reading)}
		if set["departments"] {
			l := splitList(depts)
			p.Departments = &l
		}
		err = e.editRoster(ctx, *cfgPath, func(r *safety.Roster) error { return r.EditMember(ctx, p) })
	case "rm":
		done = "removed"
		err = e.editRoster(ctx, *cfgPath, func(r *safety.Roster) error { return r.RemoveMember(ctx, *login) })
	default:
		return usageErrorf("roster member %s: use add, edit or rm\n\n%s", verb, rosterUsage)
	}
	if err == nil {
		fmt.Fprintf(e.stdout, "%s member %s\n", done, *login)
	}
	return err
}
