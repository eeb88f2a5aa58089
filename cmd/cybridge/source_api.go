package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/app"
)

// readAPISource reads the whole directory from the cybozu.com User API,
// drops the built-in Administrator unless configured otherwise, and
// validates it: a snapshot is returned only when the read was complete and
// valid (else a *cybozu.Error or a *directory.ValidationError).
func (e *env) readAPISource(ctx context.Context, cfg *config.Config) (*directory.Snapshot, error) {
	snap, _, err := e.readAPI(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := snap.Validate(); err != nil {
		return nil, err
	}
	return snap, nil
}

// apiClient builds the User API client from the configuration; progress
// may be nil.
func apiClient(cfg *config.Config, progress func(cybozu.Progress)) (*cybozu.Client, error) {
	if err := app.Validate(cfg, app.Use{API: true}); err != nil {
		return nil, err
	}
	cc := cfg.Cybozu
	var cert *tls.Certificate
	if cc.ClientCert != "" {
		c, err := tls.LoadX509KeyPair(cc.ClientCert, cc.ClientKey)
		if err != nil {
			return nil, cybozu.ClientCertProblem(err.Error())
		}
		cert = &c
	}
	return cybozu.New(cybozu.Config{
		BaseURL:       cc.URL,
		Login:         cc.Login,
		Password:      cc.Password,
		Token:         cc.Token,
		BasicUser:     cc.BasicUser,
		BasicPassword: cc.BasicPassword,
		ClientCert:    cert,
		Concurrency:   cc.Concurrency,
		Timeout:       cc.Timeout.Duration,
		Progress:      progress,
	})
}

// readAPI reads the directory, showing progress on stderr when it is a
// terminal, and drops the Administrator unless configured otherwise. The
// snapshot is complete but not validated; the client is returned for
// further probes.
func (e *env) readAPI(ctx context.Context, cfg *config.Config) (*directory.Snapshot, *cybozu.Client, error) {
	var progress func(cybozu.Progress)
	if isTerminal(e.stderr) {
		p := &progressLine{w: e.stderr}
		progress = p.show
		defer p.clear()
	}
	c, err := apiClient(cfg, progress)
	if err != nil {
		return nil, nil, err
	}
	snap, err := c.ReadSnapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !cfg.Cybozu.IncludeAdministrator {
		snap.DropUser(directory.AdministratorLogin)
	}
	return snap, c, nil
}

// progressLine rewrites one status line on a terminal, at most ten times a
// second.
type progressLine struct {
	w     io.Writer
	last  time.Time
	shown bool
}

func (p *progressLine) show(pr cybozu.Progress) {
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[Kreading cybozu.com: %d requests, %d organizations, %d users, %d groups",
		pr.Requests, pr.Organizations, pr.Users, pr.Groups)
	if pr.Retries > 0 {
		fmt.Fprintf(p.w, ", %d retried", pr.Retries)
	}
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
