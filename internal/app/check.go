package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/cybridge/cybridge/directory"
)

// CheckReport is what check finds (SPEC §8.1): where the directory was
// read from, whether the account can see all of it, what it holds and
// every problem. Its JSON shape is stable: add fields, never rename.
type CheckReport struct {
	Source directory.Source `json:"source"`
	// Administrator says whether the API account is a cybozu.com
	// administrator; null when not checked (CSV source, or the probe failed).
	Administrator *bool               `json:"administrator"`
	Summary       *directory.Summary  `json:"summary"` // null when the CSV reader gave only problems
	Valid         bool                `json:"valid"`
	Problems      []directory.Problem `json:"problems"`
	Warnings      []CheckIssue        `json:"warnings"`
	// Error is the error check ends with when the directory is not valid.
	Error *CheckIssue `json:"error,omitempty"`
}

// CheckIssue is a warning or error of check, with a stable code.
type CheckIssue struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (i *CheckIssue) Error() string     { return i.Message }
func (i *CheckIssue) ErrorCode() string { return i.Code }

// Warning codes of check.
const (
	WarnPartialVisibility = "partial_visibility"
	WarnAdminUnknown      = "administrator_unknown"
)

const msgPartialVisibility = "the account is not a cybozu.com administrator: if the domain restricts what users see of each other (「組織間のアクセス権」), this read may be only part of the directory while looking complete; use an administrator account or an API token for cybridge"

// Check reads the directory from src and reports what it holds and every
// problem in it. It needs no App: check runs before a database is set up. A read that fails
// returns only the error (the CSV reader reports the files' problems
// itself, with file, line and column). When the directory has problems,
// the report is returned with its Error set, and that error too.
func Check(ctx context.Context, src *Source) (*CheckReport, error) {
	r := &CheckReport{Problems: []directory.Problem{}, Warnings: []CheckIssue{}}
	snap, client, err := src.read(ctx, false)
	if err != nil {
		return nil, err
	}
	if client != nil {
		admin, err := client.IsAdministrator(ctx)
		switch {
		case err != nil:
			r.Warnings = append(r.Warnings, CheckIssue{WarnAdminUnknown, "could not tell whether the account is a cybozu.com administrator: " + err.Error()})
		case !admin:
			r.Administrator = &admin
			r.Warnings = append(r.Warnings, CheckIssue{WarnPartialVisibility, msgPartialVisibility})
		default:
			r.Administrator = &admin
		}
	}
	r.Source = snap.Source
	sum := snap.Summarize()
	r.Summary = &sum
	var verr *directory.ValidationError
	if err := snap.Validate(); errors.As(err, &verr) {
		r.Problems = verr.Problems
	}
	r.Valid = len(r.Problems) == 0
	if r.Valid {
		return r, nil
	}
	r.Error = &CheckIssue{Code: (&directory.ValidationError{}).ErrorCode(), Message: fmt.Sprintf(
		"the directory has %d problem(s), listed above; fix them in cybozu.com (or the CSV files) and run check again — nothing is planned from a directory with problems", len(r.Problems))}
	return r, r.Error
}
