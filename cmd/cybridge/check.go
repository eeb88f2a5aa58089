package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cybridge/cybridge/directory"
)

// checkReport is what `cybridge check` prints (SPEC §8.1): where the
// directory was read from, whether the account can see all of it, what it
// holds and every problem. Its JSON shape is stable: add fields, never
// rename.
type checkReport struct {
	Source directory.Source `json:"source"`
	// Administrator says whether the API account is a cybozu.com
	// administrator; null when not checked (CSV source, or the probe failed).
	Administrator *bool               `json:"administrator"`
	Summary       *directory.Summary  `json:"summary"` // null when the CSV reader gave only problems
	Valid         bool                `json:"valid"`
	Problems      []directory.Problem `json:"problems"`
	Warnings      []checkWarning      `json:"warnings"`
	Error         *checkError         `json:"error,omitempty"`
}

type checkWarning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type checkError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Warning codes of check.
const (
	warnPartialVisibility = "partial_visibility"
	warnAdminUnknown      = "administrator_unknown"
)

const msgPartialVisibility = "the account is not a cybozu.com administrator: if the domain restricts what users see of each other (「組織間のアクセス権」), this read may be only part of the directory while looking complete; use an administrator account or an API token for cybridge"

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

	r := &checkReport{Problems: []directory.Problem{}, Warnings: []checkWarning{}}
	var snap *directory.Snapshot
	switch kind := src.resolvedKind(cfg); kind {
	case "api":
		s, c, err := e.readAPI(ctx, cfg)
		if err != nil {
			return err
		}
		snap = s
		admin, err := c.IsAdministrator(ctx)
		switch {
		case err != nil:
			r.Warnings = append(r.Warnings, checkWarning{warnAdminUnknown, "could not tell whether the account is a cybozu.com administrator: " + e.redact(err.Error())})
		case !admin:
			r.Administrator = &admin
			r.Warnings = append(r.Warnings, checkWarning{warnPartialVisibility, msgPartialVisibility})
		default:
			r.Administrator = &admin
		}
	case "csv":
		// The CSV reader reports the directory's problems itself, with
		// file, line and column (csv_invalid): no snapshot to summarize then.
		s, err := e.readCSVSource(ctx, cfg, src, false)
		if err != nil {
			return err
		}
		snap = s
	default:
		return usageErrorf("-source %q: use api or csv", kind)
	}

	if snap != nil {
		r.Source = snap.Source
		sum := snap.Summarize()
		r.Summary = &sum
		var verr *directory.ValidationError
		if err := snap.Validate(); errors.As(err, &verr) {
			r.Problems = verr.Problems
		}
	}
	r.Valid = len(r.Problems) == 0
	var result error
	if !r.Valid {
		ce := &cliError{code: (&directory.ValidationError{}).ErrorCode(), msg: fmt.Sprintf(
			"the directory has %d problem(s), listed above; fix them in cybozu.com (or the CSV files) and run check again — nothing is planned from a directory with problems", len(r.Problems))}
		r.Error = &checkError{Code: ce.code, Message: ce.msg}
		result = ce
	}
	if *fs.format == "json" {
		if err := writeJSON(e.stdout, r); err != nil {
			return err
		}
		// The report already carries the error: do not print a second JSON
		// document on stdout.
		e.jsonErrors = false
		return result
	}
	writeCheckText(e.stdout, r)
	return result
}

// writeCheckText renders the report for a person.
func writeCheckText(w io.Writer, r *checkReport) {
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
