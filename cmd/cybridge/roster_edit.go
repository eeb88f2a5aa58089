package main

import (
	"context"
	"flag"
	"strings"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/safety"
)

// deptOptions are roster dept add|edit|rm's options.
type deptOptions struct {
	config                      string
	code, name, parent, newCode string
}

// deptFlags registers the flags of roster dept verb.
func (o *deptOptions) deptFlags(verb string) func(fs *flag.FlagSet) {
	return func(fs *flag.FlagSet) {
		configFlag(fs, &o.config)
		fs.StringVar(&o.code, "code", "", "cli.flag.dept_code")
		if verb == "add" || verb == "edit" {
			fs.StringVar(&o.name, "name", "", "cli.flag.dept_name")
			fs.StringVar(&o.parent, "parent", "", "cli.flag.parent")
		}
		if verb == "edit" {
			fs.StringVar(&o.newCode, "new-code", "", "cli.flag.new_code")
		}
	}
}

// newDeptCommand is `cybridge roster dept add|edit|rm`.
func newDeptCommand(e *env, verb string, o *deptOptions) *cli.Command {
	return &cli.Command{Name: verb, Summary: "cli.summary.roster_dept_" + verb, Flags: o.deptFlags(verb),
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			var moved []string
			err := e.editRoster(ctx, o.config, in, "department "+o.code, func(r *safety.Roster) error {
				switch verb {
				case "add":
					return r.AddDepartment(ctx, safety.DepartmentInput{Code: o.code, Name: o.name, Parent: o.parent})
				case "edit":
					return r.EditDepartment(ctx, safety.DepartmentPatch{Code: o.code, NewCode: optional(in.Set, "new-code", o.newCode),
						Name: optional(in.Set, "name", o.name), Parent: optional(in.Set, "parent", o.parent)})
				}
				var err error
				moved, err = r.RemoveDepartment(ctx, o.code)
				return err
			})
			if err != nil {
				return nil, err
			}
			done := doneResult{e.text("cli.roster.dept_"+verb, msg.Params{"code": o.code})}
			if len(moved) > 0 {
				done = append(done, e.text("cli.roster.moved_up", msg.Params{"codes": strings.Join(moved, ", ")}))
			}
			return done, nil
		}}
}

// memberOptions are roster member add|edit|rm's options.
type memberOptions struct {
	config                                    string
	login, name, email, phone, reading, depts string
}

// memberFlags registers the flags of roster member verb.
func (o *memberOptions) memberFlags(verb string) func(fs *flag.FlagSet) {
	return func(fs *flag.FlagSet) {
		configFlag(fs, &o.config)
		fs.StringVar(&o.login, "login", "", "cli.flag.login")
		if verb == "add" || verb == "edit" {
			fs.StringVar(&o.name, "name", "", "cli.flag.member_name")
			fs.StringVar(&o.email, "email", "", "cli.flag.email")
			fs.StringVar(&o.phone, "phone", "", "cli.flag.phone")
			fs.StringVar(&o.reading, "reading", "", "cli.flag.reading")
			fs.StringVar(&o.depts, "departments", "", "cli.flag.departments")
		}
	}
}

// newMemberCommand is `cybridge roster member add|edit|rm`.
func newMemberCommand(e *env, verb string, o *memberOptions) *cli.Command {
	return &cli.Command{Name: verb, Summary: "cli.summary.roster_member_" + verb, Flags: o.memberFlags(verb),
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			err := e.editRoster(ctx, o.config, in, "member "+o.login, func(r *safety.Roster) error {
				switch verb {
				case "add":
					return r.AddMember(ctx, safety.MemberInput{Login: o.login, Name: o.name, Email: o.email, Phone: o.phone,
						Reading: o.reading, Departments: splitList(o.depts)})
				case "edit":
					return r.EditMember(ctx, o.patch(in.Set))
				}
				return r.RemoveMember(ctx, o.login)
			})
			if err != nil {
				return nil, err
			}
			return doneResult{e.text("cli.roster.member_"+verb, msg.Params{"login": o.login})}, nil
		}}
}

// patch is member edit's change: only the flags given.
func (o *memberOptions) patch(set map[string]bool) safety.MemberPatch {
	p := safety.MemberPatch{Login: o.login, Name: optional(set, "name", o.name), Email: optional(set, "email", o.email),
		Phone: optional(set, "phone", o.phone), Reading: optional(set, "reading", o.reading)}
	if set["departments"] {
		l := splitList(o.depts)
		p.Departments = &l
	}
	return p
}
