package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/msg"
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
	// Params are what the code's text names, when it is rendered from the
	// catalogue (Localize); without them Message is the text.
	Params msg.Params `json:"params,omitempty"`
}

// newCheckIssue is the issue of code with its English Message from the
// catalogue.
func newCheckIssue(code string, p msg.Params) CheckIssue {
	return CheckIssue{Code: code, Message: msg.Text(msg.En, code, p), Params: p}
}

// Localize is the issue's text in lang: from the catalogue when it has
// Params, else Message.
func (i CheckIssue) Localize(lang msg.Lang) string {
	if i.Params == nil {
		return i.Message
	}
	return msg.TextOr(lang, i.Code, i.Params, i.Message)
}

func (i *CheckIssue) Error() string     { return i.Message }
func (i *CheckIssue) ErrorCode() string { return i.Code }

// Warning codes of check.
const (
	WarnPartialVisibility = "partial_visibility"
	WarnAdminUnknown      = "administrator_unknown"
	// WarnTokenFormat: cybozu.token does not start with cybozu.TokenPrefix.
	WarnTokenFormat = "token_format"
	// WarnCertificateExpiring: the Secure Access client certificate
	// expires within cybozu.ExpiryWarning (an expired one is an error).
	WarnCertificateExpiring = cybozu.CodeCertificateExpiring
)

const msgPartialVisibility = "the account is not a cybozu.com administrator: if the domain restricts what users see of each other (「組織間のアクセス権」), this read may be only part of the directory while looking complete; use an administrator account or an API token for cybridge"

// configWarnings are the [cybozu] settings that work but look wrong or
// will stop working: a token that does not look like a User API token (a
// kintone app token pasted by mistake), a client certificate that expires
// within cybozu.ExpiryWarning.
func configWarnings(c config.Cybozu, now time.Time) []CheckIssue {
	var out []CheckIssue
	if c.Token.IsSet() && !cybozu.TokenLooksValid(c.Token) {
		out = append(out, newCheckIssue(WarnTokenFormat, msg.Params{"prefix": cybozu.TokenPrefix}))
	}
	if st, _ := CertificateState(c, now); st != nil && st.Code == cybozu.CodeCertificateExpiring {
		out = append(out, newCheckIssue(WarnCertificateExpiring, st.Params()))
	}
	return out
}

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
		r.Warnings = append(r.Warnings, configWarnings(src.cfg.Cybozu, time.Now())...)
		admin, err := client.IsAdministrator(ctx)
		switch {
		case err != nil:
			r.Warnings = append(r.Warnings, CheckIssue{Code: WarnAdminUnknown, Message: "could not tell whether the account is a cybozu.com administrator: " + err.Error()})
		case !admin:
			r.Administrator = &admin
			r.Warnings = append(r.Warnings, CheckIssue{Code: WarnPartialVisibility, Message: msgPartialVisibility})
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
