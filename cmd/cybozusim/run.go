package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
)

// usageError is a bad command line (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// config is the parsed command line.
type config struct {
	listen      string
	allowRemote bool
	fixture     string
	users       int
	seed        uint64
	opts        cybozutest.Options
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("cybozusim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8780", "address to listen on (loopback only unless -allow-remote; port 0 picks one)")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow a non-loopback -listen address")
	fs.StringVar(&c.fixture, "fixture", "company", fmt.Sprintf("directory to serve: one of %v", fixtures.Scenarios))
	fs.IntVar(&c.users, "users", -1, "serve a generated directory of N users (plus the built-in Administrator) instead of -fixture")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the generated directory")
	o := &c.opts
	fs.StringVar(&o.Domain, "domain", cybozutest.DefaultDomain, "domain name shown in pages")
	fs.StringVar(&o.Login, "login", cybozutest.DefaultLogin, "login name accepted by password auth")
	fs.StringVar(&o.Password, "password", cybozutest.DefaultPassword, "password accepted by password auth (a demo value, not a secret)")
	fs.StringVar(&o.Token, "token", "", "User API token accepted as Authorization: Bearer (none if empty)")
	fs.BoolVar(&o.TwoFactor, "two-factor", false, "refuse password auth with CB_TW02 (two-factor authentication on)")
	fs.BoolVar(&o.NonAdmin, "non-admin", false, "the password account is not a cybozu.com administrator")
	fs.IntVar(&o.WrongPasswordStatus, "wrong-password-status", 401, "status of CB_WA01 answers: 401 or 520")
	fs.BoolVar(&o.IPRestricted, "ip-restricted", false, "IP restriction on: every caller is outside the allowed range")
	fs.StringVar(&o.BasicUser, "basic-user", "", "Basic auth user of the domain (with -ip-restricted)")
	fs.StringVar(&o.BasicPassword, "basic-password", "", "Basic auth password of the domain")
	fs.BoolVar(&o.UnknownDomain, "unknown-domain", false, "answer 404 HTML for everything (no such subdomain)")
	fs.BoolVar(&o.Maintenance, "maintenance", false, "answer 503 HTML (maintenance)")
	fs.DurationVar(&o.Latency, "latency", 0, "latency added to every API request, e.g. 20ms")
	fs.IntVar(&o.MaxConcurrent, "max-concurrent", cybozutest.DefaultMaxConcurrent, "concurrent requests before 429 (negative: no limit)")
	fs.IntVar(&o.FailOn, "fail-on", 0, "fail the k-th API request with -fail-status")
	fs.IntVar(&o.FailStatus, "fail-status", cybozutest.DefaultFailStatus, "status of injected failures")
	fs.StringVar(&o.FailPath, "fail-path", "", "fail every request whose path+query contains this")
	fs.IntVar(&o.TruncateOn, "truncate-on", 0, "cut the k-th API response in the middle of its body")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if o.WrongPasswordStatus != 401 && o.WrongPasswordStatus != 520 {
		return nil, &usageError{"-wrong-password-status must be 401 or 520"}
	}
	if !c.allowRemote && !isLoopback(c.listen) {
		return nil, &usageError{fmt.Sprintf("-listen %s is not a loopback address; the simulator is for this machine only (add -allow-remote to override)", c.listen)}
	}
	return c, nil
}

// isLoopback reports whether a listen address binds only loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// snapshot is the directory the command line asks for.
func (c *config) snapshot() (*directory.Snapshot, error) {
	if c.users >= 0 {
		return fixtures.Generate(fixtures.GenParams{Users: c.users, Seed: c.seed, Administrator: true}), nil
	}
	s, err := fixtures.Scenario(c.fixture)
	if err != nil {
		return nil, &usageError{"-fixture: " + err.Error()}
	}
	return s, nil
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	snap, err := c.snapshot()
	if err != nil {
		return err
	}
	c.opts.Snapshot = snap
	sim := cybozutest.New(c.opts)

	mux := http.NewServeMux()
	mux.Handle("/", sim)
	mux.HandleFunc("POST /_sim/scenario", func(w http.ResponseWriter, r *http.Request) {
		serveScenario(w, r, sim)
	})

	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// serveScenario switches the served directory to a named scenario. Only
// loopback callers may, so -allow-remote cannot expose it.
func serveScenario(w http.ResponseWriter, r *http.Request, sim *cybozutest.Sim) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		http.Error(w, "scenario switching is for loopback callers only", http.StatusForbidden)
		return
	}
	name := r.URL.Query().Get("name")
	s, err := fixtures.Scenario(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	sim.SetSnapshot(s)
	fmt.Fprintf(w, "scenario %s: %d users, %d organizations\n", name, len(s.Users), len(s.Organizations))
}
