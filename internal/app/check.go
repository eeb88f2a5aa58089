package app

import (
	"context"
	"errors"
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
	// Error is the error check ends with when the directory is not valid,
	// or a [[scim]] endpoint cannot be used.
	Error *CheckIssue `json:"error,omitempty"`
	// SCIM is what each [[scim]] endpoint answered ([] when none).
	SCIM []SCIMCheck `json:"scim"`
}

// CheckIssue is a warning or error of check, with a stable code and the
// parameters of its text; Message is the English, for JSON readers and
// logs. A surface renders it in its reader's language with Localize.
type CheckIssue struct {
	Code    string     `json:"code"`
	Params  msg.Params `json:"params,omitempty"`
	Message string     `json:"message"`
	// cause is the error behind the issue (administrator_unknown: why
	// the probe failed), rendered after the issue's own text.
	cause error
}

// newCheckIssue is an issue of code with params, and the error behind it.
func newCheckIssue(code string, p msg.Params, cause error) CheckIssue {
	i := CheckIssue{Code: code, Params: p, cause: cause}
	i.Message = i.Localize(msg.En)
	return i
}

func (i *CheckIssue) Error() string           { return i.Message }
func (i *CheckIssue) ErrorCode() string       { return i.Code }
func (i *CheckIssue) ErrorParams() msg.Params { return i.Params }

// ErrorKind: an issue check ends with is a directory with problems, which
// the admin must fix.
func (i *CheckIssue) ErrorKind() msg.Kind { return msg.KindInvalid }

// Localize is the issue's text in l, followed by its cause's.
func (i CheckIssue) Localize(l msg.Lang) string {
	s := msg.TextOr(l, i.Code, i.Params, i.Message)
	if i.cause != nil {
		s = msg.Text(l, keyAdminUnknownDetail, msg.Params{"issue": s, "cause": msg.Localize(l, i.cause)})
	}
	return s
}

// Warning codes of check.
const (
	WarnPartialVisibility = "partial_visibility"
	WarnAdminUnknown      = "administrator_unknown"
	// WarnTokenFormat: cybozu.token does not start with cybozu.TokenPrefix.
	WarnTokenFormat = "token_format"
	// WarnCertificateExpiring: the Secure Access client certificate
	// expires within cybozu.ExpiryWarning (an expired one is an error).
	WarnCertificateExpiring = cybozu.CodeCertificateExpiring
	// WarnTokenExpiring and WarnTokenExpired: the API token's day by
	// cybozu.token_expires is within cybozu.ExpiryWarning, or has come.
	WarnTokenExpiring = "api_token_expiring"
	WarnTokenExpired  = "api_token_expired"
	// keyAdminUnknownDetail joins an issue and its cause.
	keyAdminUnknownDetail = "administrator_unknown.cause"
)

// configWarnings are the [cybozu] settings that work but look wrong or
// will stop working: a token that does not look like a User API token (a
// kintone app token pasted by mistake), a client certificate that expires
// within cybozu.ExpiryWarning, an API token whose day by
// cybozu.token_expires is that near or has come.
func configWarnings(c *config.Config, now time.Time) []CheckIssue {
	var out []CheckIssue
	if c.Cybozu.Token.IsSet() && !cybozu.TokenLooksValid(c.Cybozu.Token) {
		out = append(out, newCheckIssue(WarnTokenFormat, msg.Params{"prefix": cybozu.TokenPrefix}, nil))
	}
	if st, _ := CertificateState(c.Cybozu, now); st != nil && st.Code == cybozu.CodeCertificateExpiring {
		out = append(out, newCheckIssue(WarnCertificateExpiring, st.Params(), nil))
	}
	if t := TokenStateOf(c, now); t != nil && t.Code != "" {
		out = append(out, newCheckIssue(t.Code, t.Params(), nil))
	}
	return out
}

// Check reads the directory from src and reports what it holds and every
// problem in it. It needs no App: check runs before a database is set up. A read that fails
// returns only the error (the CSV reader reports the files' problems
// itself, with file, line and column). When the directory has problems,
// the report is returned with its Error set, and that error too.
func Check(ctx context.Context, src *Source) (*CheckReport, error) {
	r := &CheckReport{Problems: []directory.Problem{}, Warnings: []CheckIssue{}, SCIM: []SCIMCheck{}}
	snap, client, err := src.read(ctx, false)
	if err != nil {
		return nil, err
	}
	if client != nil {
		r.Warnings = append(r.Warnings, configWarnings(src.cfg, time.Now())...)
		admin, err := client.IsAdministrator(ctx)
		switch {
		case err != nil:
			r.Warnings = append(r.Warnings, newCheckIssue(WarnAdminUnknown, nil, err))
		case !admin:
			r.Administrator = &admin
			r.Warnings = append(r.Warnings, newCheckIssue(WarnPartialVisibility, nil, nil))
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
	r.SCIM = checkSCIM(ctx, src.cfg.SCIM)
	if r.Valid {
		for _, s := range r.SCIM {
			if s.Error != nil {
				r.Error = s.Error
				return r, r.Error
			}
		}
		return r, nil
	}
	issue := newCheckIssue((&directory.ValidationError{}).ErrorCode(), msg.Params{"count": len(r.Problems)}, nil)
	r.Error = &issue
	return r, r.Error
}
