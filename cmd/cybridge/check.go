package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/app"
)

// runCheck is `cybridge check`: read the directory and report what it
// holds and every problem (app.Check), as text or JSON.
func runCheck(ctx context.Context, e *env, args []string) error {
	fs := e.commandFlags("check", "text", "json")
	src := addSourceFlags(fs.FlagSet)
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := src.check(); err != nil {
		return err
	}
	cfg, err := e.loadConfig(*fs.config)
	if err != nil {
		return err
	}
	// check reads no database: it runs before one is set up.
	s, err := app.NewSource(cfg, src.o, e.appOptions())
	if err != nil {
		return err
	}
	r, err := app.Check(ctx, s)
	var invalid *app.CheckIssue
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	for i := range r.Warnings {
		r.Warnings[i].Message = e.redact(r.Warnings[i].Message)
	}
	if *fs.format == "json" {
		if err := writeJSON(e.stdout, r); err != nil {
			return err
		}
		// The report already carries the error: do not print a second JSON
		// document on stdout.
		e.jsonErrors = false
		return err
	}
	writeCheckText(e.stdout, r)
	return err
}

// writeCheckText renders the report for a person.
func writeCheckText(w io.Writer, r *app.CheckReport) {
	row := func(k, format string, args ...any) {
		fmt.Fprintf(w, "%-15s"+format+"\n", append([]any{k + ":"}, args...)...)
	}
	if r.Source.Domain != "" {
		row("source", "%s (%s)", r.Source.Kind, r.Source.Domain)
	} else {
		row("source", "%s", r.Source.Kind)
	}
	switch {
	case r.Source.Kind == directory.SourceCSV:
		row("administrator", "not checked (CSV source)")
	case r.Administrator == nil:
		row("administrator", "unknown")
	case *r.Administrator:
		row("administrator", "yes (sees the whole directory)")
	default:
		row("administrator", "no")
	}
	if s := r.Summary; s != nil {
		levels := make([]string, len(s.OrganizationsByLevel))
		for i, n := range s.OrganizationsByLevel {
			levels[i] = fmt.Sprintf("level %d: %d", i+1, n)
		}
		if len(levels) > 0 {
			row("organizations", "%d (%s)", s.Organizations, strings.Join(levels, ", "))
		} else {
			row("organizations", "%d", s.Organizations)
		}
		row("users", "%d (active %d, suspended %d)", s.UsersActive+s.UsersSuspended, s.UsersActive, s.UsersSuspended)
		row("titles", "%d", s.Titles)
		row("groups", "%d (%d group memberships)", s.Groups, s.GroupMemberships)
		row("memberships", "%d (user–organization)", s.Memberships)
	}
	if len(r.Problems) == 0 {
		row("problems", "none")
	} else {
		row("problems", "%d", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  - [%s] %s\n", p.Code, p)
		}
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "warning [%s]: %s\n", wn.Code, wn.Message)
	}
}
