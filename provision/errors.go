package provision

import (
	"fmt"
	"strings"
)

// Stable error codes of runs.
const (
	CodeBlocked        = "blocked"         // a safeguard stopped the run (exit 3)
	CodeStalePlan      = "stale_plan"      // the state moved on since the plan was made
	CodeRunInProgress  = "run_in_progress" // another run holds the lease
	CodePlanFormat     = "plan_format"     // a plan file that cannot be read
	CodeDomainMismatch = "domain_mismatch" // rule 16: another cybozu.com domain
	CodeDomainSwitch   = "domain_switch"   // warning: -switch-domain relinks
)

// Exit code of a run blocked by a safeguard (SPEC §8.1).
const ExitBlocked = 3

// Error is a run error with a stable code and a message that says what to
// do.
type Error struct {
	Code    string
	Message string
	Err     error // wrapped cause, if any
}

func (e *Error) Error() string     { return e.Message }
func (e *Error) ErrorCode() string { return e.Code }
func (e *Error) Unwrap() error     { return e.Err }

// PlanError is returned when a plan has errors: nothing is applied (all or
// nothing). Its code is the first error's.
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

func (e *PlanError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the plan has %d error(s); nothing was changed:", len(e.Issues))
	for _, i := range e.Issues {
		fmt.Fprintf(&b, "\n  [%s] %s", i.Code, i.Message)
	}
	return b.String()
}

// BlockedError is returned when a safeguard blocks a run. Exit code 3.
type BlockedError struct {
	Reasons []Issue
}

func (e *BlockedError) ErrorCode() string { return CodeBlocked }
func (e *BlockedError) ExitCode() int     { return ExitBlocked }

func (e *BlockedError) Error() string {
	var b strings.Builder
	b.WriteString("a safeguard blocked this run; nothing was changed:")
	for _, i := range e.Reasons {
		fmt.Fprintf(&b, "\n  [%s] %s", i.Code, i.Message)
	}
	b.WriteString("\nRead the plan (cybridge plan); if these deletions are intended, run again with -allow-deletes.")
	return b.String()
}
