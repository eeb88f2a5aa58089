// Package access provides who may do what: the console's roles, the
// actor of an action (an account, an API token, the command line, the
// schedule) carried in a request's context, and the audit log's entry.
//
// Decisions:
//   - Three roles, ordered: viewer (reads everything), operator (also runs,
//     test runs, applies, uploads CSV, pauses and resumes), admin (also
//     edits the roster and the enrolments, and manages accounts and API
//     tokens). A role allows what every lower role allows.
//   - The actor travels in the context (WithActor), set once by the
//     surface (the console's session, the API's token, the command line,
//     the scheduler); the application layer records it in the audit log,
//     so every surface records the same way.
//   - Names of accounts and tokens are short printable words: 1–64
//     characters, no control character, no space at either end (they are
//     printed in terminals and logs).
package access

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cybridge/cybridge/internal/msg"
)

// Role is what an actor may do.
type Role string

// The roles, lowest first.
const (
	Viewer   Role = "viewer"
	Operator Role = "operator"
	Admin    Role = "admin"
)

// Roles are the roles, lowest first.
func Roles() []Role { return []Role{Viewer, Operator, Admin} }

func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Operator:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Allows reports whether r may do what needs min. An unknown role allows
// nothing (fail closed).
func (r Role) Allows(min Role) bool { return r.rank() > 0 && min.rank() > 0 && r.rank() >= min.rank() }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// CodeRoleInvalid is the code of an unknown role name.
const CodeRoleInvalid = "role_invalid"

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", &msg.Error{Kind: msg.KindInvalid, Code: CodeRoleInvalid, Key: CodeRoleInvalid,
			Params: msg.Params{"role": s, "roles": "viewer, operator, admin"}}
	}
	return r, nil
}

// CodeNameInvalid is the code of an account or token name refused.
const CodeNameInvalid = "account_name_invalid"

// CheckName refuses an account or token name that is empty, longer than
// 64 characters, holds a control character or a format character (a bidi
// override), or has a space at either end.
func CheckName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 || strings.TrimSpace(name) != name || !utf8.ValidString(name) ||
		strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
		return &msg.Error{Kind: msg.KindInvalid, Code: CodeNameInvalid, Key: CodeNameInvalid, Params: msg.Params{"name": name}}
	}
	return nil
}

// Kind is what kind of actor acted.
type Kind string

// The kinds of actor.
const (
	KindAccount  Kind = "account"  // a console login
	KindToken    Kind = "token"    // an API token
	KindCLI      Kind = "cli"      // the command line, Name the OS user
	KindSchedule Kind = "schedule" // a scheduled run
)

// Actor is who did something, and from where: Addr is the client address
// (as resolved through console.trusted_proxies) or "cli".
type Actor struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name,omitempty"`
	Role Role   `json:"role,omitempty"`
	Addr string `json:"addr,omitempty"`
}

// Label is how a person reads the actor: 「佐藤（admin）」, "sato (admin)",
// 「コマンドライン（taro）」, 「スケジュール」; a name without a role (a
// failed login) is the name alone.
func (a Actor) Label(l msg.Lang) string {
	switch {
	case a.Kind == KindAccount && a.Role == "":
		return a.Name
	case a.Kind == KindCLI && a.Name == "":
		return "cli"
	}
	switch a.Kind {
	case KindSchedule:
		return msg.Text(l, "actor.schedule", nil)
	case KindCLI:
		return msg.Text(l, "actor.cli", msg.Params{"user": a.Name})
	case KindToken:
		return msg.Text(l, "actor.token", msg.Params{"name": a.Name, "role": string(a.Role)})
	}
	return msg.Text(l, "actor.account", msg.Params{"name": a.Name, "role": string(a.Role)})
}

// Keys are the catalogue keys of the package's texts.
func Keys() []string {
	return []string{"actor.schedule", "actor.cli", "actor.token", "actor.account", CodeRoleInvalid, CodeNameInvalid}
}

type actorKey struct{}

// WithActor is ctx carrying who acts.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf is the actor ctx carries.
func ActorOf(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Outcomes of an audited action.
const (
	OutcomeOK      = "ok"
	OutcomeRefused = "refused" // not allowed, or a wrong password
	OutcomeFailed  = "failed"  // tried and failed: Code says why
)

// Actions recorded in the audit log.
const (
	ActionRun          = "run"
	ActionDryRun       = "dry_run"
	ActionApply        = "apply"
	ActionCSVUpload    = "csv_upload"
	ActionPause        = "pause"
	ActionResume       = "resume"
	ActionCancel       = "run_cancel"
	ActionRosterEdit   = "roster_edit"
	ActionEnrolment    = "enrolment_edit"
	ActionAccountAdd   = "account_add"
	ActionAccountRm    = "account_rm"
	ActionAccountPw    = "account_passwd"
	ActionTokenAdd     = "token_add"
	ActionTokenRm      = "token_rm"
	ActionLogin        = "login"
	ActionLoginFailure = "login_failure"
)

// Actions lists the audited actions, for filters and their texts.
func Actions() []string {
	return []string{ActionRun, ActionDryRun, ActionApply, ActionCSVUpload, ActionPause, ActionResume, ActionRosterEdit,
		ActionEnrolment, ActionAccountAdd, ActionAccountRm, ActionAccountPw, ActionTokenAdd, ActionTokenRm, ActionLogin, ActionLoginFailure}
}

// Entry is one line of the audit log.
type Entry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   Actor     `json:"actor"`
	Action  string    `json:"action"`
	Target  string    `json:"target,omitempty"` // "run 12", "member a.okada", "account sato"
	Outcome string    `json:"outcome"`
	Code    string    `json:"code,omitempty"` // the error code of a refused or failed action
	RunID   int64     `json:"run_id,omitempty"`
}

// Filter selects audit entries; zero fields select all.
type Filter struct {
	Actor  string // an actor's name
	Action string
	Since  time.Time
	RunID  int64
	Limit  int // at most this many, newest first (0: 100)
	Offset int
}
