package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// The admin, token and audit commands: named console accounts, API
// tokens, and the audit log (internal/app's use cases).

// cliActor is the command line as the audit log names it: "cli" with the
// OS user (USER, LOGNAME, else the process's user).
func (e *env) cliActor() access.Actor {
	name := ""
	for _, k := range []string{"USER", "LOGNAME"} {
		if v, ok := e.lookup(k); ok && v != "" {
			name = v
			break
		}
	}
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	return access.Actor{Kind: access.KindCLI, Name: name, Addr: "cli"}
}

// accountOptions are the options of the admin and token commands.
type accountOptions struct {
	config string
	role   string
}

func (o *accountOptions) flags(fs *flag.FlagSet) { configFlag(fs, &o.config) }

func (o *accountOptions) roleFlags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.StringVar(&o.role, "role", "", "cli.flag.role")
}

func (o *accountOptions) checkRole(*cli.Invocation) error {
	if _, err := access.ParseRole(o.role); err != nil {
		return cli.Usage("role_invalid", msg.Params{"role": o.role, "roles": "viewer, operator, admin"})
	}
	return nil
}

// withApp opens the application for one command.
func (e *env) withApp(ctx context.Context, cfgPath string, fn func(a *app.App) (cli.Result, error)) (cli.Result, error) {
	a, done, err := e.openApp(ctx, cfgPath)
	if err != nil {
		return nil, err
	}
	defer done()
	return fn(a)
}

// newAdminCommand is `cybridge admin add|rm|passwd|list`.
func newAdminCommand(e *env) *cli.Command {
	add, rm, pw, list := &accountOptions{}, &accountOptions{}, &accountOptions{}, &accountOptions{}
	name := func(in *cli.Invocation) string { return in.Args[0] }
	return &cli.Command{Name: "admin", Summary: "cli.summary.admin", Sub: []*cli.Command{
		{Name: "add", Args: []string{"NAME"}, Summary: "cli.summary.admin_add", Flags: add.roleFlags, Check: add.checkRole,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, add.config, func(a *app.App) (cli.Result, error) {
					p, err := e.readNewPassword(name(in))
					if err != nil {
						return nil, err
					}
					if err := a.AddAccount(ctx, name(in), access.Role(strings.ToLower(add.role)), p); err != nil {
						return nil, err
					}
					return doneResult{e.text("cli.admin.added", msg.Params{"name": termtext.Escape(name(in)), "role": strings.ToLower(add.role)})}, nil
				})
			}},
		{Name: "rm", Args: []string{"NAME"}, Summary: "cli.summary.admin_rm", Flags: rm.flags,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, rm.config, func(a *app.App) (cli.Result, error) {
					if err := a.RemoveAccount(ctx, name(in)); err != nil {
						return nil, err
					}
					return doneResult{e.text("cli.admin.removed", msg.Params{"name": termtext.Escape(name(in))})}, nil
				})
			}},
		{Name: "passwd", Args: []string{"NAME"}, Summary: "cli.summary.admin_passwd", Flags: pw.flags,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, pw.config, func(a *app.App) (cli.Result, error) {
					p, err := e.readNewPassword(name(in))
					if err != nil {
						return nil, err
					}
					if err := a.SetPassword(ctx, name(in), p); err != nil {
						return nil, err
					}
					return doneResult{e.text("cli.admin.password_set", msg.Params{"name": termtext.Escape(name(in))})}, nil
				})
			}},
		{Name: "list", Summary: "cli.summary.admin_list", Formats: textAndJSON, Flags: list.flags,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, list.config, func(a *app.App) (cli.Result, error) {
					as, err := a.Accounts(ctx)
					return &accountsResult{accounts: as, e: e}, err
				})
			}},
	}}
}

// readNewPassword reads a new password: at a terminal, prompted twice
// without echo; otherwise the first line of standard input. Never from a
// flag (it would be in the shell history and the process list). The value
// is scrubbed from any output.
func (e *env) readNewPassword(name string) (secret.Secret, error) {
	var pw string
	if isTerminal(e.stdin) {
		fd := int(e.stdin.(*os.File).Fd())
		read := func(key string) (string, error) {
			fmt.Fprint(e.stderr, e.text(key, msg.Params{"name": termtext.Escape(name)}))
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(e.stderr)
			return string(b), err
		}
		first, err := read("cli.admin.prompt")
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		again, err := read("cli.admin.prompt_again")
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if first != again {
			return "", cli.Usage("cli.admin.mismatch", nil)
		}
		pw = first
	} else if e.stdin != nil {
		line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		pw = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	}
	e.redactor = e.redactor.With(secret.Secret(pw))
	return secret.Secret(pw), nil
}

// accountsResult lists the accounts (never a hash).
type accountsResult struct {
	accounts []sqlite.Account
	e        *env
}

func (r *accountsResult) JSON() any {
	type account struct {
		Name    string      `json:"name"`
		Role    access.Role `json:"role"`
		Created time.Time   `json:"created"`
		Updated time.Time   `json:"updated"`
	}
	out := []account{}
	for _, a := range r.accounts {
		out = append(out, account{a.Name, a.Role, a.Created, a.Updated})
	}
	return map[string]any{"accounts": out}
}

func (r *accountsResult) Text(w io.Writer) error {
	if len(r.accounts) == 0 {
		_, err := fmt.Fprintln(w, r.e.text("cli.admin.none", nil))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, r.e.text("cli.admin.header", nil))
	for _, a := range r.accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termtext.Escape(a.Name), a.Role, r.e.time(a.Created), r.e.time(a.Updated))
	}
	return tw.Flush()
}

// newTokenCommand is `cybridge token add|rm|list`.
func newTokenCommand(e *env) *cli.Command {
	add, rm, list := &accountOptions{}, &accountOptions{}, &accountOptions{}
	name := func(in *cli.Invocation) string { return in.Args[0] }
	return &cli.Command{Name: "token", Summary: "cli.summary.token", Sub: []*cli.Command{
		{Name: "add", Args: []string{"NAME"}, Summary: "cli.summary.token_add", Flags: add.roleFlags, Check: add.checkRole,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, add.config, func(a *app.App) (cli.Result, error) {
					tok, err := a.AddToken(ctx, name(in), access.Role(strings.ToLower(add.role)))
					if err != nil {
						return nil, err
					}
					// Shown this once, on stdout; the redactor would scrub it.
					return &tokenResult{line: e.text("cli.token.created", msg.Params{"name": termtext.Escape(name(in)), "role": strings.ToLower(add.role)}), token: tok.Reveal()}, nil
				})
			}},
		{Name: "rm", Args: []string{"NAME"}, Summary: "cli.summary.token_rm", Flags: rm.flags,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, rm.config, func(a *app.App) (cli.Result, error) {
					if err := a.RemoveToken(ctx, name(in)); err != nil {
						return nil, err
					}
					return doneResult{e.text("cli.token.removed", msg.Params{"name": termtext.Escape(name(in))})}, nil
				})
			}},
		{Name: "list", Summary: "cli.summary.token_list", Formats: textAndJSON, Flags: list.flags,
			Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
				return e.withApp(ctx, list.config, func(a *app.App) (cli.Result, error) {
					ts, err := a.Tokens(ctx)
					return &tokensResult{tokens: ts, e: e}, err
				})
			}},
	}}
}

// tokenResult is a token just made: its line, then the token alone on
// the last line (for a script: `tail -1`).
type tokenResult struct{ line, token string }

func (r *tokenResult) JSON() any { return nil }

func (r *tokenResult) Text(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%s\n%s\n", r.line, r.token)
	return err
}

// tokensResult lists the tokens (never a token).
type tokensResult struct {
	tokens []sqlite.Token
	e      *env
}

func (r *tokensResult) JSON() any {
	type token struct {
		Name     string      `json:"name"`
		Role     access.Role `json:"role"`
		Created  time.Time   `json:"created"`
		LastUsed *time.Time  `json:"last_used"`
	}
	out := []token{}
	for _, t := range r.tokens {
		x := token{Name: t.Name, Role: t.Role, Created: t.Created}
		if !t.LastUsed.IsZero() {
			x.LastUsed = &t.LastUsed
		}
		out = append(out, x)
	}
	return map[string]any{"tokens": out}
}

func (r *tokensResult) Text(w io.Writer) error {
	if len(r.tokens) == 0 {
		_, err := fmt.Fprintln(w, r.e.text("cli.token.none", nil))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, r.e.text("cli.token.header", nil))
	for _, t := range r.tokens {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termtext.Escape(t.Name), t.Role, r.e.time(t.Created), r.e.time(t.LastUsed))
	}
	return tw.Flush()
}

// auditOptions are `cybridge audit`'s options.
type auditOptions struct {
	config, actor, action, since string
	limit                        int
}

func (o *auditOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.StringVar(&o.actor, "actor", "", "cli.flag.audit_actor")
	fs.StringVar(&o.action, "action", "", "cli.flag.audit_action")
	fs.StringVar(&o.since, "since", "", "cli.flag.audit_since")
	fs.IntVar(&o.limit, "limit", 100, "cli.flag.audit_limit")
}

func (o *auditOptions) check(*cli.Invocation) error {
	if o.limit < 1 {
		return cli.Usage("cli.usage.limit", nil)
	}
	return nil
}

// newAuditCommand is `cybridge audit`: the audit log, newest first, times
// in schedule.time_zone.
func newAuditCommand(e *env, o *auditOptions) *cli.Command {
	return &cli.Command{Name: "audit", Summary: "cli.summary.audit", Formats: textAndJSON, Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			return e.withApp(ctx, o.config, func(a *app.App) (cli.Result, error) {
				f := access.Filter{Actor: o.actor, Action: o.action, Limit: o.limit}
				if o.since != "" {
					t, err := time.ParseInLocation("2006-01-02", o.since, e.loc)
					if err != nil {
						if t, err = time.Parse(time.RFC3339, o.since); err != nil {
							return nil, cli.Usage("api.audit_since", msg.Params{"since": o.since})
						}
					}
					f.Since = t
				}
				es, total, err := a.Audit(ctx, f)
				return &auditResult{entries: es, total: total, e: e}, err
			})
		}}
}

// auditResult is the audit log as listed.
type auditResult struct {
	entries []access.Entry
	total   int
	e       *env
}

func (r *auditResult) JSON() any {
	es := r.entries
	if es == nil {
		es = []access.Entry{}
	}
	return map[string]any{"entries": es, "total": r.total}
}

func (r *auditResult) Text(w io.Writer) error {
	if len(r.entries) == 0 {
		_, err := fmt.Fprintln(w, r.e.text("cli.audit.none", nil))
		return err
	}
	l := r.e.lang()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, r.e.text("cli.audit.header", nil))
	for _, en := range r.entries {
		outcome := msg.TextOr(l, "audit.outcome."+en.Outcome, nil, en.Outcome)
		if en.Code != "" {
			outcome += " [" + en.Code + "]"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.e.time(en.At), termtext.Escape(en.Actor.Label(l)), termtext.Escape(en.Actor.Addr),
			en.Action, termtext.Escape(en.Target), outcome)
	}
	return tw.Flush()
}
