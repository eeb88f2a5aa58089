package app

import (
	"context"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision/web"
)

// Console is also the console's web.Accounts: the same use cases as
// `cybridge admin`, `token` and `audit`.
var _ web.Accounts = (*Console)(nil)

// CheckPassword checks a stored account's password.
func (c *Console) CheckPassword(ctx context.Context, name, password string) (access.Role, error) {
	return c.app.CheckPassword(ctx, name, password)
}

// AccountRole is a stored account's role now.
func (c *Console) AccountRole(ctx context.Context, name string) (access.Role, error) {
	return c.app.AccountRole(ctx, name)
}

// CheckToken finds a stored API token.
func (c *Console) CheckToken(ctx context.Context, token string) (string, access.Role, bool, error) {
	return c.app.CheckToken(ctx, token)
}

// Record audits an action of the actor in ctx.
func (c *Console) Record(ctx context.Context, action, target string, runID int64, err error) {
	c.app.Record(ctx, action, target, runID, err)
}

// ListAccounts lists the stored accounts.
func (c *Console) ListAccounts(ctx context.Context) ([]web.AccountInfo, error) {
	as, err := c.app.Accounts(ctx)
	out := make([]web.AccountInfo, 0, len(as))
	for _, a := range as {
		out = append(out, web.AccountInfo{Name: a.Name, Role: a.Role, Created: a.Created, Updated: a.Updated})
	}
	return out, err
}

// AddAccount adds an account.
func (c *Console) AddAccount(ctx context.Context, name string, role access.Role, pw secret.Secret) error {
	return c.app.AddAccount(ctx, name, role, pw)
}

// RemoveAccount removes an account.
func (c *Console) RemoveAccount(ctx context.Context, name string) error {
	return c.app.RemoveAccount(ctx, name)
}

// SetPassword resets an account's password.
func (c *Console) SetPassword(ctx context.Context, name string, pw secret.Secret) error {
	return c.app.SetPassword(ctx, name, pw)
}

// ListTokens lists the API tokens.
func (c *Console) ListTokens(ctx context.Context) ([]web.TokenInfo, error) {
	ts, err := c.app.Tokens(ctx)
	out := make([]web.TokenInfo, 0, len(ts))
	for _, t := range ts {
		out = append(out, web.TokenInfo{Name: t.Name, Role: t.Role, Created: t.Created, LastUsed: t.LastUsed})
	}
	return out, err
}

// AddToken makes a token, returned this once.
func (c *Console) AddToken(ctx context.Context, name string, role access.Role) (secret.Secret, error) {
	return c.app.AddToken(ctx, name, role)
}

// RemoveToken revokes a token.
func (c *Console) RemoveToken(ctx context.Context, name string) error {
	return c.app.RemoveToken(ctx, name)
}

// Audit lists the audit log.
func (c *Console) Audit(ctx context.Context, f access.Filter) ([]access.Entry, int, error) {
	return c.app.Audit(ctx, f)
}
