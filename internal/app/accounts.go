package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/provision/web"
)

// Accounts, API tokens and the audit log.
//
// Decisions:
//   - The bootstrap account: admin_password logs in as the name
//     BootstrapAccount with role admin; a stored account cannot take that
//     name (account_reserved), so a login name is never ambiguous. The
//     configured console.api_token is the token BootstrapToken, role admin.
//     Both keep working beside stored ones; removing them is removing the
//     setting.
//   - Passwords of stored accounts follow the admin password's rule
//     (web.CheckPassword: 12 characters at least, 72 bytes at most) and are
//     kept as bcrypt hashes only. A token is 32 random bytes (base64url,
//     43 characters) shown once; only its SHA-256 is kept, so a lookup by
//     hash is as good as a constant-time comparison.
//   - The audit log is kept like run history, but at least AuditMinDays
//     (an audit must outlive the runs it names), pruned as it is written.
//   - A scheduled run that finds nothing to do is not audited (it changed
//     nothing, and every trigger would add a line); every other run is.

// Aliases so that callers need only this package.
type (
	Actor = access.Actor
	Role  = access.Role
)

// WithActor is ctx carrying who acts; every audited use case reads it.
func WithActor(ctx context.Context, a Actor) context.Context { return access.WithActor(ctx, a) }

// Names of the configured bootstrap account and token.
const (
	BootstrapAccount = web.BootstrapAccount
	BootstrapToken   = web.BootstrapToken
	// AuditMinDays is the shortest time audit entries are kept.
	AuditMinDays = 365
)

// Codes of the account use cases.
const (
	CodeAccountReserved = "account_reserved"
)

// AddAccount stores a new account with the bcrypt hash of pw.
func (a *App) AddAccount(ctx context.Context, name string, role Role, pw secret.Secret) (err error) {
	defer func() { a.Record(ctx, access.ActionAccountAdd, "account "+name, 0, err) }()
	if err := checkAccount(name, role); err != nil {
		return err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	return a.store.AddAccount(ctx, name, role, hash)
}

// RemoveAccount deletes an account; its sessions end at their next
// request.
func (a *App) RemoveAccount(ctx context.Context, name string) (err error) {
	defer func() { a.Record(ctx, access.ActionAccountRm, "account "+name, 0, err) }()
	return a.store.RemoveAccount(ctx, name)
}

// SetPassword replaces an account's password.
func (a *App) SetPassword(ctx context.Context, name string, pw secret.Secret) (err error) {
	defer func() { a.Record(ctx, access.ActionAccountPw, "account "+name, 0, err) }()
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	return a.store.SetAccountPassword(ctx, name, hash)
}

// Accounts lists the stored accounts (without hashes).
func (a *App) Accounts(ctx context.Context) ([]sqlite.Account, error) { return a.store.Accounts(ctx) }

// dummyHash is compared against when no account has the name, so that a
// wrong name takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such account, no such password"), bcrypt.DefaultCost)

// CheckPassword checks a stored account's password and returns its role;
// any mismatch (no such account included) is unauthorized, after one
// bcrypt comparison either way.
func (a *App) CheckPassword(ctx context.Context, name, pw string) (Role, error) {
	acc, err := a.store.GetAccount(ctx, name)
	if msg.KindOf(err) == msg.KindNotFound {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return "", errUnauthorized
	}
	if err != nil {
		return "", err
	}
	if bcrypt.CompareHashAndPassword(acc.Hash, []byte(pw)) != nil {
		return "", errUnauthorized
	}
	return acc.Role, nil
}

// AccountRole is a stored account's role now (not_found once removed):
// a session asks at every request, so a removal takes effect at once.
func (a *App) AccountRole(ctx context.Context, name string) (Role, error) {
	acc, err := a.store.GetAccount(ctx, name)
	return acc.Role, err
}

var errUnauthorized = &msg.Error{Kind: msg.KindUnauthorized, Code: "unauthorized", Key: "api.unauthorized"}

// AddToken makes a new API token, stores its hash and returns it: the
// only time it is seen.
func (a *App) AddToken(ctx context.Context, name string, role Role) (tok secret.Secret, err error) {
	defer func() { a.Record(ctx, access.ActionTokenAdd, "token "+name, 0, err) }()
	if err := checkAccount(name, role); err != nil {
		return "", err
	}
	if name == BootstrapToken {
		return "", reserved(name)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	t := base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(t))
	if err := a.store.AddToken(ctx, name, role, h[:]); err != nil {
		return "", err
	}
	return secret.Secret(t), nil
}

// RemoveToken revokes an API token at once.
func (a *App) RemoveToken(ctx context.Context, name string) (err error) {
	defer func() { a.Record(ctx, access.ActionTokenRm, "token "+name, 0, err) }()
	return a.store.RemoveToken(ctx, name)
}

// Tokens lists the API tokens (never the tokens themselves).
func (a *App) Tokens(ctx context.Context) ([]sqlite.Token, error) { return a.store.Tokens(ctx) }

// CheckToken finds the stored token tok (ok false if none).
func (a *App) CheckToken(ctx context.Context, tok string) (name string, role Role, ok bool, err error) {
	h := sha256.Sum256([]byte(tok))
	t, ok, err := a.store.TokenByHash(ctx, h[:])
	return t.Name, t.Role, ok, err
}

func checkAccount(name string, role Role) error {
	if err := access.CheckName(name); err != nil {
		return err
	}
	if name == BootstrapAccount {
		return reserved(name)
	}
	if !role.Valid() {
		_, err := access.ParseRole(string(role))
		return err
	}
	return nil
}

func reserved(name string) error {
	return &msg.Error{Kind: msg.KindInvalid, Code: CodeAccountReserved, Key: CodeAccountReserved, Params: msg.Params{"name": name}}
}

func hashPassword(pw secret.Secret) ([]byte, error) {
	if err := web.CheckPassword(pw); err != nil {
		return nil, err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw.Reveal()), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("hash the password: %w", err)
	}
	return h, nil
}

// Record writes one audit entry: the actor from ctx (a context without
// one is recorded as the command line's, with no name), action, target,
// the run it made (0 if none) and the outcome of err (refused for a
// refusal, failed with its code otherwise). A failure to write the entry
// does not change the action's answer: the action happened (or failed)
// either way, and undoing it for want of a log line would be worse.
func (a *App) Record(ctx context.Context, action, target string, runID int64, err error) {
	actor, ok := access.ActorOf(ctx)
	if !ok {
		actor = Actor{Kind: access.KindCLI, Addr: "cli"}
	}
	e := access.Entry{Actor: actor, Action: action, Target: target, RunID: runID, Outcome: access.OutcomeOK}
	if err != nil {
		e.Code = msg.Code(err)
		e.Outcome = access.OutcomeFailed
		switch msg.KindOf(err) {
		case msg.KindForbidden, msg.KindUnauthorized, msg.KindBlocked:
			e.Outcome = access.OutcomeRefused
		}
	}
	keep := time.Duration(max(a.cfg.History.Days, AuditMinDays)) * 24 * time.Hour
	_ = a.store.RecordAudit(context.WithoutCancel(ctx), e, keep)
}

// recordRun audits a run: its action by kind, its run id, its outcome.
func (a *App) recordRun(ctx context.Context, action, target string, res *provision.Result, err error) {
	var id int64
	if res != nil {
		id = res.RunID
		if err == nil && res.Status == provision.StatusBlocked {
			err = &msg.Error{Kind: msg.KindBlocked, Code: string(provision.StatusBlocked)}
		}
	}
	if target == "" && id != 0 {
		target = "run " + strconv.FormatInt(id, 10)
	}
	if actor, _ := access.ActorOf(ctx); actor.Kind == access.KindSchedule && err == nil && (res == nil || res.Status == provision.StatusNoChanges) {
		return
	}
	a.Record(ctx, action, target, id, err)
}

// Audit lists the audit log, newest first, with the number of matching
// entries.
func (a *App) Audit(ctx context.Context, f access.Filter) ([]access.Entry, int, error) {
	return a.store.Audit(ctx, f)
}

// RunActor is who made run id (from the audit log), ok false when none
// is recorded (a run from before the audit log, or pruned).
func (a *App) RunActor(ctx context.Context, id int64) (Actor, bool, error) {
	es, _, err := a.store.Audit(ctx, access.Filter{RunID: id, Limit: 1})
	if err != nil || len(es) == 0 {
		return Actor{}, false, err
	}
	return es[0].Actor, true, nil
}
