package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/provision/web"
)

// serveOptions are serve's options.
type serveOptions struct {
	config string
	listen string        // overrides console.listen
	grace  time.Duration // -shutdown-timeout
	init   bool          // -init: create the database if there is none
}

func (o *serveOptions) flags(fs *flag.FlagSet) {
	configFlag(fs, &o.config)
	fs.StringVar(&o.listen, "listen", "", "cli.flag.listen")
	fs.DurationVar(&o.grace, "shutdown-timeout", time.Minute, "cli.flag.shutdown_timeout")
	fs.BoolVar(&o.init, "init", false, "cli.flag.init")
}

// newServeCommand is `cybridge serve`: scheduled imports, the admin
// console and the JSON API until SIGTERM (or SIGINT). It logs on stderr.
func newServeCommand(e *env, o *serveOptions) *cli.Command {
	return &cli.Command{Name: "serve", Summary: "cli.summary.serve", Flags: o.flags,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			cfg, err := e.loadConfigFor(o.config, app.Use{Serve: true})
			if err != nil {
				return nil, err
			}
			if o.listen != "" {
				cfg.Console.Listen = o.listen
			}
			srv, err := startServe(ctx, e, cfg, o.init)
			if err != nil {
				return nil, err
			}
			<-ctx.Done()
			return nil, srv.shutdown(o.grace)
		}}
}

// server is a running `cybridge serve`.
type server struct {
	addr   string // the address it listens on
	log    *slog.Logger
	http   *http.Server
	sched  *schedule.Scheduler
	store  *sqlite.Store
	served chan error
	app    *app.App
	notify *notify.Notifier
	// console removes its upload folder at shutdown.
	console *web.Server
	// requests counts the requests being served: a run cut off at
	// shutdown records itself before the database closes.
	requests *inflight
}

// inflight is a handler that counts the requests it is serving.
type inflight struct {
	h  http.Handler
	wg sync.WaitGroup
}

func (f *inflight) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.wg.Add(1)
	defer f.wg.Done()
	f.h.ServeHTTP(w, r)
}

// recordGrace bounds the wait, after requests were cut off, for their runs
// to roll back and record themselves as canceled.
const recordGrace = 5 * time.Second

// maxConns caps the console's open connections: a client that opens many
// and sends slowly holds each at most ReadHeaderTimeout (headers) or the
// body deadline (web.DefaultBodyTimeout), and further ones wait to be
// accepted.
const maxConns = 512

// startServe opens the database, starts the schedule and starts serving
// the console and API on cfg.Console.Listen. It returns once listening.
//
// It opens only a database that exists unless create (serve -init): a
// database deleted under a running serve, or lost with its disk, is not
// silently replaced at the next start by an empty one into which the next
// run would import everyone anew with new ids (losing roster-only
// entries, the min_source_ratio baseline and the calendar states).
func startServe(ctx context.Context, e *env, cfg *config.Config, create bool) (*server, error) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	hash, err := web.HashPassword(cfg.AdminPassword)
	if err != nil {
		return nil, err
	}
	// Checked with the configuration (web.CheckConfig).
	var proxies []netip.Prefix
	for _, v := range cfg.Console.TrustedProxies {
		if p, err := web.ParseProxy(v); err == nil {
			proxies = append(proxies, p)
		}
	}
	// From here on only the hash: the clear password is not kept, not
	// even to scrub messages (it never reaches one).
	cfg.AdminPassword = ""
	channels, err := notify.Channels(cfg.Notify)
	if err != nil {
		return nil, err
	}
	redactor := secret.NewRedactor(append(cfg.Secrets(), notify.Secrets(channels)...)...)
	// The time zone and cron spec were checked with every other problem
	// when the configuration was loaded (app.Validate).
	loc, err := time.LoadLocation(cfg.Schedule.TimeZone)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.DB); errors.Is(err, fs.ErrNotExist) && !create {
		return nil, &cli.Error{Code: sqlite.CodeDBMissing, Kind: msg.KindUnavailable, Key: "cli.serve_db_missing", Params: msg.Params{"path": cfg.DB}, Err: err}
	}
	store, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	// The same application as plan and apply. Reads and runs in the daemon
	// show no progress: several may run at once, and stderr is the log.
	e.limitMemory()
	a, err := app.New(cfg, store, app.Options{})
	if err == nil {
		err = a.CheckTargets()
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	// The console's address is known once listening (port 0): the
	// notifier's links are set then, before anything is queued.
	links := &notify.Links{Location: loc}
	notifier := notify.New(channels, store, notify.Options{Links: links, Logger: log, Watchers: a.ExpiryWatchers()})
	sched, err := schedule.New(schedule.Config{
		Spec: cfg.Schedule.Cron, Location: loc, Logger: log,
		Policy:   schedule.DefaultPolicy(cfg.Schedule.PauseAfterFailures),
		Observer: notifier,
	}, a.Scheduled(), store)
	if err != nil {
		store.Close()
		return nil, err
	}
	backend := app.NewConsole(a, sched)
	backend.Channels = notifier.Where
	console, err := web.New(web.Options{
		Backend: backend, Accounts: backend, PasswordHash: hash, APIToken: cfg.Console.APIToken,
		UploadLimit: int64(cfg.Console.UploadLimitMB) << 20, Location: loc,
		Redactor: redactor, Logger: log, Version: version, Certificate: a.Certificate,
		TrustedProxies: proxies, AllowedHosts: allowedHosts(cfg.Console),
		Healthy: store.CheckFile,
	})
	if err != nil {
		store.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Console.Listen)
	if err != nil {
		store.Close()
		return nil, &cli.Error{Code: "listen_failed", Kind: msg.KindUnavailable, Key: "cli.listen_failed",
			Params: msg.Params{"addr": cfg.Console.Listen, "detail": err.Error()}, Err: err}
	}
	ln = netutil.LimitListener(ln, maxConns)
	s := &server{addr: ln.Addr().String(), log: log, sched: sched, store: store, served: make(chan error, 1), app: a,
		requests: &inflight{h: console}, notify: notifier, console: console}
	links.BaseURL = baseURL(cfg.Console.BaseURL, s.addr)
	s.http = &http.Server{
		Handler:           s.requests,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests (a console sync) must outlive SIGTERM until the
		// shutdown grace period ends.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if host, _, _ := net.SplitHostPort(s.addr); !net.ParseIP(host).IsLoopback() {
		log.Warn("the console listens beyond this machine over plain HTTP: put it behind a reverse proxy that terminates TLS (see docs/serve.md)", "listen", s.addr)
	}
	notifier.Start()
	sched.Start(ctx)
	go func() { s.served <- s.http.Serve(ln) }()
	in, _ := sched.Info(ctx)
	log.Info("cybridge serve started", "console", "http://"+s.addr+"/", "schedule", cfg.Schedule.Cron, "time_zone", loc.String(),
		"next_run", in.Next, "paused", in.Pause.Paused, "api", cfg.Console.APIToken.IsSet(), "notify_channels", len(channels))
	return s, nil
}

// allowedHosts are the names the console answers to besides addresses
// and localhost: console.allowed_hosts and console.base_url's host.
func allowedHosts(c config.Console) []string {
	hosts := append([]string(nil), c.AllowedHosts...)
	if h := web.HostOf(c.BaseURL); h != "" {
		hosts = append(hosts, h)
	}
	return hosts
}

// baseURL is the console's address for links in notifications:
// console.base_url, else http:// and the address it listens on (the
// machine's name when it listens on every address), ending in "/".
func baseURL(configured, addr string) string {
	if configured != "" {
		return strings.TrimSuffix(configured, "/") + "/"
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil {
			host = name
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// shutdown stops taking requests and triggers, lets a running run finish
// within grace, then closes everything.
func (s *server) shutdown(grace time.Duration) error {
	s.log.Info("shutting down: waiting for running runs", "grace", grace)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var errs []error
	httpErr := s.http.Shutdown(ctx)
	if schedErr := s.sched.Stop(ctx); schedErr != nil {
		errs = append(errs, schedErr)
	}
	// Runs started from the console or the API go on in the background:
	// they finish within grace, or are canceled (their applies roll back)
	// and record themselves before the database closes.
	if err := s.app.WaitJobs(ctx, recordGrace); err != nil {
		errs = append(errs, fmt.Errorf("runs in progress canceled after %s: %w", grace, err))
	}
	// Pending notifications stay queued in the database for the next start.
	s.notify.Stop(ctx)
	if httpErr != nil {
		// The grace period ended with requests still running: cut them
		// (their applies roll back).
		s.http.Close()
		errs = append(errs, fmt.Errorf("console requests cut off after %s: %w", grace, httpErr))
		ended := make(chan struct{})
		go func() { s.requests.wg.Wait(); close(ended) }()
		select {
		case <-ended:
		case <-time.After(recordGrace):
		}
	}
	if err := <-s.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	if err := s.console.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := s.store.Close(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		err := errors.Join(errs...)
		s.log.Error("shutdown", "error", err)
		return &cli.Error{Code: "shutdown", Kind: msg.KindInternal, Key: "cli.shutdown_failed", Params: msg.Params{"detail": err.Error()}, Err: err}
	}
	s.log.Info("stopped")
	return nil
}
