package provision

import (
	"errors"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
)

// Stable error codes of runs.
const (
	CodeBlocked        = "blocked"         // a safeguard stopped the run (exit 3)
	CodeStalePlan      = "stale_plan"      // the state moved on since the plan was made
	CodeRunInProgress  = "run_in_progress" // another run holds the lease
	CodePlanFormat     = "plan_format"     // a plan file that cannot be read
	CodeDomainMismatch = "domain_mismatch" // rule 16: another cybozu.com domain
	CodeDomainSwitch   = "domain_switch"   // warning: switching the domain relinks
	CodePlanErrors     = "plan_errors"     // the heading of a PlanError
	CodeApplyFailed    = "apply_failed"    // a target failed without a code of its own
	CodeTargetDisabled = "target_disabled" // a stored plan changes a target not configured
	CodeRunTimeout     = "run_timeout"     // the run did not finish within Runner.RunTimeout
)

// Exit code of a run blocked by a safeguard (SPEC §8.1).
const ExitBlocked = msg.ExitBlocked

// kindOf is the kind of each run code; codes not listed are internal.
var kindOf = map[string]msg.Kind{
	CodeBlocked:        msg.KindBlocked,
	CodeStalePlan:      msg.KindConflict,
	CodeRunInProgress:  msg.KindConflict,
	CodePlanFormat:     msg.KindInvalid,
	CodeDomainMismatch: msg.KindInvalid,
	CodePlanErrors:     msg.KindInvalid,
	CodeTargetDisabled: msg.KindForbidden,
	CodeRunTimeout:     msg.KindUnavailable,
	CodePartial:        msg.KindUnavailable,
}

// Error is a run error with a stable code. Built by this package, it has
// the Params its text needs, and Message is the English text rendered from
// the catalogue; an Error built elsewhere with a Message only (targets,
// the store) renders that Message until it is given Params.
type Error struct {
	Code    string
	Message string // the English text
	Err     error  // wrapped cause, if any
	// Kind is the kind of failure; zero means the kind of Code (kindOf),
	// else internal.
	Kind   msg.Kind
	Params msg.Params
	// Key is the catalogue key when Code covers several situations
	// (plan_format.version); "" means Code.
	Key string
}

// newError is an error of code in situation key ("" for the code's own
// text) with params, its Message rendered in English.
func newError(code, key string, p msg.Params, cause error) *Error {
	e := &Error{Code: code, Key: key, Params: p, Err: cause}
	e.Message = msg.Text(msg.En, e.key(), p)
	return e
}

func (e *Error) key() string {
	if e.Key != "" {
		return e.Key
	}
	return e.Code
}

func (e *Error) Error() string           { return e.Message }
func (e *Error) ErrorCode() string       { return e.Code }
func (e *Error) ErrorParams() msg.Params { return e.Params }
func (e *Error) Unwrap() error           { return e.Err }

// ErrorKind is Kind, or the kind of Code.
func (e *Error) ErrorKind() msg.Kind {
	if e.Kind != msg.KindInternal {
		return e.Kind
	}
	return kindOf[e.Code]
}

// Localize renders the error in lang.
func (e *Error) Localize(lang msg.Lang) string { return localize(lang, e.key(), e.Params, e.Message) }

// Localize renders the issue in lang from its code and Params: a safeguard
// reason, a plan error or warning. An issue without Params whose text
// needs some (one made before the catalogue, or by a target that does not
// fill them yet) renders as its Message.
func (i Issue) Localize(lang msg.Lang) string { return localize(lang, i.Code, i.Params, i.Message) }

// localize renders key in lang with p, or english when the catalogue has
// no such key, or p is missing and the text needs it.
func localize(lang msg.Lang, key string, p msg.Params, english string) string {
	t, ok := msg.Template(lang, key)
	if !ok || (p == nil && english != "" && strings.Contains(t, "{")) {
		return english
	}
	return msg.Render(lang, t, p)
}

// issues renders a heading and one line per issue: "\n  [code] text".
func issues(lang msg.Lang, heading string, list []Issue) string {
	var b strings.Builder
	b.WriteString(heading)
	for _, i := range list {
		b.WriteString("\n  [" + i.Code + "] ")
		b.WriteString(i.Localize(lang))
	}
	return b.String()
}

// PlanError is returned when a plan has errors: nothing is applied (all or
// nothing). Its code is the first error's, its kind invalid.
type PlanError struct {
	Issues []Issue
}

// ErrorCode is the first issue's code.
func (e *PlanError) ErrorCode() string {
	if len(e.Issues) == 0 {
		return "plan_error"
	}
	return e.Issues[0].Code
}

// ErrorKind: the directory (or the configuration) must change.
func (e *PlanError) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams is the number of errors.
func (e *PlanError) ErrorParams() msg.Params { return msg.Params{"count": len(e.Issues)} }

func (e *PlanError) Error() string { return e.Localize(msg.En) }

// Localize renders the heading and every error in lang.
func (e *PlanError) Localize(lang msg.Lang) string {
	return issues(lang, msg.Text(lang, CodePlanErrors, e.ErrorParams()), e.Issues)
}

// BlockedError is returned when a safeguard blocks a run: kind blocked,
// exit code 3. Its text lists the reasons and gives no advice: how to
// release the safeguards is the surface's to say (the CLI names its flag,
// the console its button).
type BlockedError struct {
	Reasons []Issue
}

func (e *BlockedError) ErrorCode() string       { return CodeBlocked }
func (e *BlockedError) ErrorKind() msg.Kind     { return msg.KindBlocked }
func (e *BlockedError) ErrorParams() msg.Params { return msg.Params{"count": len(e.Reasons)} }
func (e *BlockedError) ExitCode() int           { return ExitBlocked }
func (e *BlockedError) Error() string           { return e.Localize(msg.En) }

// Localize renders the heading and every reason in lang.
func (e *BlockedError) Localize(lang msg.Lang) string {
	return issues(lang, msg.Text(lang, CodeBlocked, nil), e.Reasons)
}

// PlanAppliedError is stale_plan for the plan of run plan, which run by
// already applied: the mark is written once (SPEC §8.1).
func PlanAppliedError(plan, by int64) *Error {
	return newError(CodeStalePlan, keyPlanApplied, msg.Params{"plan": plan, "by": by}, nil)
}

// IsBlocked reports whether err is (or wraps) a run blocked by a
// safeguard, for a surface to add its advice.
func IsBlocked(err error) bool {
	var b *BlockedError
	return errors.As(err, &b)
}

// Catalogue keys of the situations of codes that have several.
const (
	keyPlanVersion         = "plan_format.version"
	keyPlanDuplicateTarget = "plan_format.duplicate_target"
	keyPlanUnknownTarget   = "plan_format.unknown_target"
	keyPlanNoAction        = "plan_format.no_action"
	keyStaleDomain         = "stale_plan.domain"
	keyPlanApplied         = "stale_plan.applied"
)

// Codes lists every catalogue key the package's errors, warnings and
// safeguard reasons render, for the test that each has a text in both
// languages.
func Codes() []string {
	return []string{
		CodeBlocked, CodeStalePlan, keyStaleDomain, keyPlanApplied, CodeRunInProgress,
		CodePlanFormat, keyPlanVersion, keyPlanDuplicateTarget, keyPlanUnknownTarget, keyPlanNoAction,
		CodeDomainMismatch, CodeDomainSwitch, CodePlanErrors, CodeApplyFailed, CodeTargetDisabled, CodeRunTimeout,
		SafeguardMaxDeletes, SafeguardMaxDeletePercent, SafeguardMinSourceRatio,
		keyStaleRemote, CodePartial, keyPartialObject,
	}
}
