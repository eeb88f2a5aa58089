package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
)

// scriptCmds are the custom testscript commands.
//
// sim runs a simulated cybozu.com domain (directory/cybozutest) in the test
// process for the rest of the script:
//
//	sim start [-fixture company|changes] [-users N] [-login L] [-password P]
//	          [-wrong-password] [-token T] [-two-factor] [-non-admin]
//	          [-ip-restricted] [-basic-user U -basic-password P]
//	          [-unknown-domain] [-maintenance] [-wrong-password-status 520]
//	          [-latency 5ms] [-max-concurrent N] [-fail-on K] [-fail-status S]
//	          [-fail-path X] [-truncate-on K] [-redirect-to HOST]
//	          [-tls [-client-ca]] [-token-no-csv] [-challenge-with-code]
//	sim cert FILE [-days N] [-password P]
//	                    issue a Secure Access .pfx (FILE) from the script's CA
//	sim scenario NAME   serve fixtures.Scenario(NAME) from now on
//	sim stats           print the request counters as one line of JSON
//	sim stop            stop the server early
//
// start sets CYBRIDGE_CYBOZU_URL, CYBRIDGE_CYBOZU_LOGIN and
// CYBRIDGE_CYBOZU_PASSWORD (a wrong password with -wrong-password). Tokens
// and Basic credentials are not exported: a script sets
// CYBRIDGE_CYBOZU_TOKEN / _BASIC_USER / _BASIC_PASSWORD itself, so it can
// also test them missing or wrong. With -tls the server's certificate is
// written to $WORK/sim-server.pem and SSL_CERT_FILE names it, so cybridge
// trusts it; -client-ca makes the server require client certificates from
// the script's CertAuthority, which sim cert issues (valid N days, default
// 365; negative is expired).
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	// Servers by script; scripts run in parallel.
	var mu sync.Mutex
	servers := map[*testscript.TestScript]*cybozutest.Server{}
	cas := map[*testscript.TestScript]*cybozutest.CertAuthority{}
	// ca is the script's certificate authority, made on first use.
	ca := func(ts *testscript.TestScript) *cybozutest.CertAuthority {
		mu.Lock()
		defer mu.Unlock()
		if cas[ts] == nil {
			c, err := cybozutest.NewCertAuthority()
			ts.Check(err)
			cas[ts] = c
			ts.Defer(func() { mu.Lock(); delete(cas, ts); mu.Unlock() })
		}
		return cas[ts]
	}
	server := func(ts *testscript.TestScript) *cybozutest.Server {
		mu.Lock()
		defer mu.Unlock()
		s := servers[ts]
		if s == nil {
			ts.Fatalf("sim: no simulator running; use sim start")
		}
		return s
	}
	stop := func(ts *testscript.TestScript) {
		mu.Lock()
		s := servers[ts]
		delete(servers, ts)
		mu.Unlock()
		if s != nil {
			s.Close()
		}
	}

	sim := func(ts *testscript.TestScript, neg bool, args []string) {
		if neg {
			ts.Fatalf("sim does not support !")
		}
		if len(args) == 0 {
			ts.Fatalf("usage: sim start|scenario|stats|stop ...")
		}
		switch args[0] {
		case "start":
			opts, env := simStartOptions(ts, args[1:])
			if env.clientCA {
				opts.ClientCAs = ca(ts).Pool()
			}
			stop(ts) // a second start replaces the first
			s := cybozutest.NewServer(nil, opts)
			mu.Lock()
			servers[ts] = s
			mu.Unlock()
			ts.Defer(func() { stop(ts) })
			ts.Setenv("CYBRIDGE_CYBOZU_URL", s.URL())
			ts.Setenv("CYBRIDGE_CYBOZU_LOGIN", env.login)
			ts.Setenv("CYBRIDGE_CYBOZU_PASSWORD", env.password)
			if pem := s.CertificatePEM(); pem != nil {
				path := ts.MkAbs("sim-server.pem")
				ts.Check(os.WriteFile(path, pem, 0o644))
				ts.Setenv("SSL_CERT_FILE", path)
			}
		case "cert":
			fs := flag.NewFlagSet("sim cert", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			days := fs.Int("days", 365, "validity in days from now")
			password := fs.String("password", "", "the .pfx password")
			if len(args) < 2 {
				ts.Fatalf("usage: sim cert FILE [-days N] [-password P]")
			}
			ts.Check(fs.Parse(args[2:]))
			pfx, err := ca(ts).IssuePFX("sync-bot", time.Now().Add(time.Duration(*days)*24*time.Hour), *password)
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), pfx, 0o600))
		case "scenario":
			if len(args) != 2 {
				ts.Fatalf("usage: sim scenario NAME")
			}
			snap, err := fixtures.Scenario(args[1])
			ts.Check(err)
			server(ts).SetSnapshot(snap)
		case "stats":
			b, err := json.Marshal(server(ts).Stats())
			ts.Check(err)
			_, err = ts.Stdout().Write(append(b, '\n'))
			ts.Check(err)
		case "stop":
			server(ts)
			stop(ts)
		default:
			ts.Fatalf("sim: unknown subcommand %q", args[0])
		}
	}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){"sim": sim, "csvfixture": csvFixtureCmd, "mode600": mode600Cmd, "lastline": lastLineCmd, "grepfile": grepFileCmd, "scimserver": scimServerCmd()}
}

// simEnv is what `sim start` exports to the script.
type simEnv struct {
	login, password string
	clientCA        bool // require client certificates from the script's CA
}

func simStartOptions(ts *testscript.TestScript, args []string) (cybozutest.Options, simEnv) {
	var (
		o             cybozutest.Options
		fixture       string
		users         int
		wrongPassword bool
	)
	fs := flag.NewFlagSet("sim start", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&fixture, "fixture", "company", "named fixtures.Scenario")
	fs.IntVar(&users, "users", -1, "generated directory of N users (plus Administrator)")
	fs.StringVar(&o.Login, "login", cybozutest.DefaultLogin, "")
	fs.StringVar(&o.Password, "password", cybozutest.DefaultPassword, "")
	fs.BoolVar(&wrongPassword, "wrong-password", false, "export a wrong password")
	fs.StringVar(&o.Token, "token", "", "")
	fs.BoolVar(&o.TwoFactor, "two-factor", false, "")
	fs.BoolVar(&o.NonAdmin, "non-admin", false, "")
	fs.BoolVar(&o.IPRestricted, "ip-restricted", false, "")
	fs.StringVar(&o.BasicUser, "basic-user", "", "")
	fs.StringVar(&o.BasicPassword, "basic-password", "", "")
	fs.BoolVar(&o.UnknownDomain, "unknown-domain", false, "")
	fs.BoolVar(&o.Maintenance, "maintenance", false, "")
	fs.IntVar(&o.WrongPasswordStatus, "wrong-password-status", 0, "")
	fs.DurationVar(&o.Latency, "latency", 0, "")
	fs.IntVar(&o.MaxConcurrent, "max-concurrent", 0, "")
	fs.IntVar(&o.FailOn, "fail-on", 0, "")
	fs.IntVar(&o.FailStatus, "fail-status", 0, "")
	fs.StringVar(&o.FailPath, "fail-path", "", "")
	fs.IntVar(&o.TruncateOn, "truncate-on", 0, "")
	fs.StringVar(&o.RedirectTo, "redirect-to", "", "")
	fs.BoolVar(&o.TLS, "tls", false, "")
	fs.BoolVar(&o.TokenNoCSV, "token-no-csv", false, "")
	fs.BoolVar(&o.ChallengeWithCode, "challenge-with-code", false, "")
	clientCA := fs.Bool("client-ca", false, "")
	if err := fs.Parse(args); err != nil {
		ts.Fatalf("sim start: %v", err)
	}
	if fs.NArg() > 0 {
		ts.Fatalf("sim start: unexpected argument %q", fs.Arg(0))
	}
	var snap *directory.Snapshot
	if users >= 0 {
		snap = fixtures.Generate(fixtures.GenParams{Users: users, Seed: 1, Administrator: true})
	} else {
		var err error
		snap, err = fixtures.Scenario(fixture)
		ts.Check(err)
	}
	o.Snapshot = snap
	env := simEnv{login: o.Login, password: o.Password, clientCA: *clientCA}
	if wrongPassword {
		env.password = "not-" + o.Password
	}
	return o, env
}
