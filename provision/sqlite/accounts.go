package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Tables of accounts, API tokens and the audit log (migration
// 0400_accounts.sql; numbers 0400–0499). Only hashes are stored: a
// password's bcrypt hash, a token's SHA-256.

// Account is a stored console account.
type Account struct {
	Name             string
	Role             access.Role
	Hash             []byte // bcrypt
	Created, Updated time.Time
}

// Token is a stored API token (never the token itself).
type Token struct {
	Name     string
	Role     access.Role
	Created  time.Time
	LastUsed time.Time // zero: never used
}

func notFound(what, name string) error {
	return &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: msg.CodeNotFound, Params: msg.Params{"what": what, "name": name}}
}

func exists(what, name string) error {
	return &msg.Error{Kind: msg.KindConflict, Code: msg.CodeAlreadyExists, Key: msg.CodeAlreadyExists, Params: msg.Params{"what": what, "name": name}}
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// AddAccount stores a new account (already_exists if the name is taken).
func (s *Store) AddAccount(ctx context.Context, name string, role access.Role, hash []byte) error {
	now := s.Now().UnixMilli()
	return s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "INSERT INTO accounts (name, role, hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", name, string(role), hash, now, now)
		if isUnique(err) {
			return exists("account", name)
		}
		return err
	})
}

// RemoveAccount deletes an account (not_found if none).
func (s *Store) RemoveAccount(ctx context.Context, name string) error {
	return s.deleteNamed(ctx, "accounts", "account", name)
}

// SetAccountPassword replaces an account's password hash.
func (s *Store) SetAccountPassword(ctx context.Context, name string, hash []byte) error {
	return s.Update(ctx, func(q provision.Querier) error {
		res, err := q.ExecContext(ctx, "UPDATE accounts SET hash = ?, updated_at = ? WHERE name = ?", hash, s.Now().UnixMilli(), name)
		return affected(res, err, "account", name)
	})
}

// GetAccount reads one account (not_found if none).
func (s *Store) GetAccount(ctx context.Context, name string) (Account, error) {
	var a Account
	var created, updated int64
	err := s.ro.QueryRowContext(ctx, "SELECT name, role, hash, created_at, updated_at FROM accounts WHERE name = ?", name).
		Scan(&a.Name, &a.Role, &a.Hash, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, notFound("account", name)
	}
	if err != nil {
		return Account{}, fmt.Errorf("read account: %w", err)
	}
	a.Created, a.Updated = fromMillis(created), fromMillis(updated)
	return a, nil
}

// Accounts lists the accounts by name, without their hashes.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT name, role, created_at, updated_at FROM accounts ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var created, updated int64
		if err := rows.Scan(&a.Name, &a.Role, &created, &updated); err != nil {
			return nil, err
		}
		a.Created, a.Updated = fromMillis(created), fromMillis(updated)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddToken stores a new token's hash (already_exists if the name is taken).
func (s *Store) AddToken(ctx context.Context, name string, role access.Role, hash []byte) error {
	now := s.Now().UnixMilli()
	return s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "INSERT INTO api_tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)", name, string(role), hash, now)
		if isUnique(err) {
			return exists("API token", name)
		}
		return err
	})
}

// RemoveToken deletes a token (not_found if none): it stops working at
// once.
func (s *Store) RemoveToken(ctx context.Context, name string) error {
	return s.deleteNamed(ctx, "api_tokens", "API token", name)
}

// Tokens lists the tokens by name.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT name, role, created_at, last_used FROM api_tokens ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created, used int64
		if err := rows.Scan(&t.Name, &t.Role, &created, &used); err != nil {
			return nil, err
		}
		t.Created = fromMillis(created)
		if used > 0 {
			t.LastUsed = fromMillis(used)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TokenByHash finds the token with this SHA-256 (ok false if none) and
// notes its use. The lookup is by the hash of a 256-bit random token: a
// timing difference tells a guesser nothing about a token.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (t Token, ok bool, err error) {
	var created, used int64
	err = s.ro.QueryRowContext(ctx, "SELECT name, role, created_at, last_used FROM api_tokens WHERE hash = ?", hash).Scan(&t.Name, &t.Role, &created, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, false, nil
	}
	if err != nil {
		return Token{}, false, fmt.Errorf("read API token: %w", err)
	}
	t.Created = fromMillis(created)
	now := s.Now()
	// The use is noted at most once a minute, and not in the request's
	// way: a write waits for the write lock, which a long apply holds, and
	// an API read must not wait for it. A note lost (the process ends)
	// only makes last_used older.
	if now.Sub(fromMillis(used)) >= time.Minute {
		bg := context.WithoutCancel(ctx)
		go s.Update(bg, func(q provision.Querier) error {
			_, err := q.ExecContext(bg, "UPDATE api_tokens SET last_used = ? WHERE name = ? AND last_used < ?", now.UnixMilli(), t.Name, now.Add(-time.Minute).UnixMilli())
			return err
		})
	}
	t.LastUsed = now
	return t, true, nil
}

func (s *Store) deleteNamed(ctx context.Context, table, what, name string) error {
	return s.Update(ctx, func(q provision.Querier) error {
		res, err := q.ExecContext(ctx, "DELETE FROM "+table+" WHERE name = ?", name)
		return affected(res, err, what, name)
	})
}

func affected(res sql.Result, err error, what, name string) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return notFound(what, name)
	}
	return nil
}

// RecordAudit appends an entry to the audit log (At is the store's time
// when zero) and drops entries older than keep (none when keep <= 0), in
// one transaction.
func (s *Store) RecordAudit(ctx context.Context, e access.Entry, keep time.Duration) error {
	if e.At.IsZero() {
		e.At = s.Now()
	}
	return s.Update(ctx, func(q provision.Querier) error {
		if _, err := q.ExecContext(ctx, `INSERT INTO audit (at, actor_kind, actor_name, actor_role, addr, action, target, outcome, code, run_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.At.UnixMilli(), string(e.Actor.Kind), e.Actor.Name, string(e.Actor.Role), e.Actor.Addr,
			e.Action, e.Target, e.Outcome, e.Code, e.RunID); err != nil {
			return fmt.Errorf("record the audit entry: %w", err)
		}
		if keep > 0 {
			if _, err := q.ExecContext(ctx, "DELETE FROM audit WHERE at < ?", e.At.Add(-keep).UnixMilli()); err != nil {
				return fmt.Errorf("prune the audit log: %w", err)
			}
		}
		return nil
	})
}

// Audit lists audit entries, newest first, and how many match in all.
func (s *Store) Audit(ctx context.Context, f access.Filter) ([]access.Entry, int, error) {
	where, args := []string{"1=1"}, []any{}
	if f.Actor != "" {
		where, args = append(where, "actor_name = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since.UnixMilli())
	}
	if f.RunID != 0 {
		where, args = append(where, "run_id = ?"), append(args, f.RunID)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.ro.QueryRowContext(ctx, "SELECT count(*) FROM audit WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count the audit log: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.ro.QueryContext(ctx, `SELECT id, at, actor_kind, actor_name, actor_role, addr, action, target, outcome, code, run_id
FROM audit WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var out []access.Entry
	for rows.Next() {
		var e access.Entry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor.Kind, &e.Actor.Name, &e.Actor.Role, &e.Actor.Addr, &e.Action, &e.Target, &e.Outcome, &e.Code, &e.RunID); err != nil {
			return nil, 0, err
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
