package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
)

// checkOptions are check's options.
type checkOptions struct {
	config string
	source app.Overrides
	probe  bool
}

func (o *checkOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	sourceFlags(fs, &o.source)
	fs.BoolVar(&o.probe, "probe", false, "cli.flag.probe")
}

// newCheckCommand is `cybridge check`: read the directory and report what
// it holds and every problem (app.Check), as text or JSON.
func newCheckCommand(e *env, o *checkOptions) *cli.Command {
	return &cli.Command{Name: "check", Summary: "cli.summary.check", Formats: textAndJSON, Flags: o.flags,
		Check: func(*cli.Invocation) error { return checkSource(o.source) },
		Run:   func(ctx context.Context, in *cli.Invocation) (cli.Result, error) { return e.check(ctx, o) }}
}

func (e *env) check(ctx context.Context, o *checkOptions) (cli.Result, error) {
	if o.probe {
		return e.probe(ctx, o)
	}
	cfg, err := e.loadConfig(o.config)
	if err != nil {
		return nil, err
	}
	// check reads no database: it runs before one is set up.
	s, err := app.NewSource(cfg, o.source, e.appOptions())
	if err != nil {
		return nil, err
	}
	r, err := app.Check(ctx, s)
	var invalid *app.CheckIssue
	if err != nil && !errors.As(err, &invalid) {
		return nil, err
	}
	for i := range r.Warnings {
		r.Warnings[i].Message = e.redact(r.Warnings[i].Message)
	}
	// The report carries the error too: with -format json it is the one
	// document on stdout.
	return &checkResult{r: r, e: e}, err
}

// checkResult is check's report.
type checkResult struct {
	r *app.CheckReport
	e *env
}

func (c *checkResult) JSON() any { return c.r }

// Text renders the report for a person.
func (c *checkResult) Text(w io.Writer) error {
	r, e, l := c.r, c.e, c.e.lang()
	var labels []string
	for _, k := range []string{"source", "administrator", "organizations", "users", "titles", "groups", "memberships", "problems"} {
		labels = append(labels, e.text("cli.check."+k, nil))
	}
	width := 0
	for _, s := range labels {
		width = max(width, utf8.RuneCountInString(s)+2)
	}
	row := func(key string, v string) {
		label := e.text("cli.check."+key, nil) + ":"
		fmt.Fprintf(w, "%s%s%s\n", label, strings.Repeat(" ", max(1, width-utf8.RuneCountInString(label))), v)
	}
	src := msg.TextOr(l, "source."+string(r.Source.Kind), nil, string(r.Source.Kind))
	if r.Source.Domain != "" {
		src += " (" + r.Source.Domain + ")"
	}
	row("source", src)
	switch {
	case r.Source.Kind == directory.SourceCSV:
		row("administrator", e.text("cli.check.admin_csv", nil))
	case r.Administrator == nil:
		row("administrator", e.text("cli.check.admin_unknown", nil))
	case *r.Administrator:
		row("administrator", e.text("cli.check.admin_yes", nil))
	default:
		row("administrator", e.text("cli.check.admin_no", nil))
	}
	if s := r.Summary; s != nil {
		levels := make([]string, len(s.OrganizationsByLevel))
		for i, n := range s.OrganizationsByLevel {
			levels[i] = e.text("cli.check.level", msg.Params{"level": i + 1, "count": n})
		}
		orgs := fmt.Sprint(s.Organizations)
		if len(levels) > 0 {
			orgs += " (" + strings.Join(levels, ", ") + ")"
		}
		row("organizations", orgs)
		row("users", e.text("cli.check.users_count", msg.Params{"users": s.UsersActive + s.UsersSuspended, "active": s.UsersActive, "suspended": s.UsersSuspended}))
		row("titles", fmt.Sprint(s.Titles))
		row("groups", e.text("cli.check.groups_count", msg.Params{"groups": s.Groups, "memberships": s.GroupMemberships}))
		row("memberships", e.text("cli.check.memberships_count", msg.Params{"memberships": s.Memberships}))
	}
	if len(r.Problems) == 0 {
		row("problems", e.text("cli.check.none", nil))
	} else {
		row("problems", fmt.Sprint(len(r.Problems)))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  - [%s] %s\n", p.Code, localized(l, p, p.String()))
		}
	}
	for _, s := range r.SCIM {
		if s.Error != nil {
			fmt.Fprintf(w, "%s: %s\n", s.Target, e.redact(s.Error.Localize(l)))
			continue
		}
		yes := func(b bool) string { return e.text("cli.probe."+map[bool]string{true: "yes", false: "no"}[b], nil) }
		fmt.Fprintln(w, e.text("cli.check.scim", msg.Params{"target": s.Target, "url": s.URL, "patch": yes(s.Patch), "bulk": yes(s.Bulk),
			"filter": yes(s.Filter), "max_results": s.MaxResults, "etag": yes(s.ETag), "sort": yes(s.Sort),
			"schemas": len(s.Schemas), "auth": strings.Join(s.AuthSchemes, ", ")}))
	}
	for _, wn := range r.Warnings {
		_, err := fmt.Fprintf(w, "%s [%s]: %s\n", e.text("cli.warning", nil), wn.Code, e.redact(localized(l, wn, wn.Message)))
		if err != nil {
			return err
		}
	}
	return nil
}

// localized is v's own text in l when it has one (a problem or warning
// rendered from its code and parameters), else fallback.
func localized(l msg.Lang, v any, fallback string) string {
	if lz, ok := v.(interface{ Localize(msg.Lang) string }); ok {
		return lz.Localize(l)
	}
	return fallback
}

// probe is check -probe: a few read-only requests to the configured
// domain (app.Probe), and what it answered. It exits 0 when the requests
// could be sent, whatever the answers: the report is the result.
func (e *env) probe(ctx context.Context, o *checkOptions) (cli.Result, error) {
	cfg, err := e.loadConfigFor(o.config, app.Use{API: true})
	if err != nil {
		return nil, err
	}
	r, err := app.Probe(ctx, cfg)
	if err != nil {
		return nil, err
	}
	for i := range r.Steps {
		if pe := r.Steps[i].Error; pe != nil {
			pe.Message = e.redact(pe.Message)
		}
	}
	return &probeResult{r: r, e: e}, nil
}

// probeResult is check -probe's report.
type probeResult struct {
	r *cybozu.ProbeReport
	e *env
}

func (p *probeResult) JSON() any { return p.r }

// Text lists each request with its answer, and cybridge's reading of a
// failure, in the admin's language.
func (p *probeResult) Text(w io.Writer) error {
	r, e := p.r, p.e
	yesNo := func(b bool) string {
		if b {
			return e.text("cli.probe.yes", nil)
		}
		return e.text("cli.probe.no", nil)
	}
	fmt.Fprintln(w, e.text("cli.probe.head", msg.Params{"domain": r.Domain}))
	fmt.Fprintln(w, e.text("cli.probe.auth", msg.Params{"auth": e.text("cli.probe.auth."+r.Auth, nil), "basic": yesNo(r.Basic), "cert": yesNo(r.ClientCertificate)}))
	for i, s := range r.Steps {
		fmt.Fprintf(w, "%d. %s\n   -> %s\n", i+1, s.Request, s.Answer())
		switch {
		case s.Err != nil:
			fmt.Fprintf(w, "   [%s] %s\n", s.Err.Code, e.redact(s.Err.Localize(e.lang())))
		case s.Status == 0:
			fmt.Fprintf(w, "   %s\n", e.text("cli.probe.no_answer", nil))
		default:
			fmt.Fprintf(w, "   %s\n", e.text("cli.probe.ok", nil))
		}
	}
	if r.Stopped != "" {
		_, err := fmt.Fprintln(w, e.text("cli.probe.stopped", nil))
		return err
	}
	return nil
}
