package app

import (
	"math"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/web"
)

// CertificateState is the expiry of the configured Secure Access client
// certificate at now, read from its file(s) each time (an admin replaces
// the file without restarting): nil when none is configured.
func CertificateState(c config.Cybozu, now time.Time) (*cybozu.CertificateState, error) {
	cert, err := cybozu.LoadCertificate(c)
	if err != nil || cert == nil {
		return nil, err
	}
	s := cybozu.CertificateStateOf(cert.Leaf, now)
	return &s, nil
}

// Certificate is the client certificate as the console shows it
// (web.Options.Certificate): nil when none is configured or it cannot be
// read (a run then fails saying why).
func (a *App) Certificate(now time.Time) *web.Certificate {
	s, err := CertificateState(a.cfg.Cybozu, now)
	if err != nil || s == nil {
		return nil
	}
	c := &web.Certificate{NotAfter: s.NotAfter}
	if s.Code != "" {
		i := provision.NewIssue(s.Code, s.Code, s.Params())
		c.Issue = &i
	}
	return c
}

// TokenState is the API token's day by cybozu.token_expires at now, in
// the schedule's time zone (cybozu.TokenExpiry): nil when none is set.
// Days are the whole days left, negative once the day has come.
type TokenState struct {
	Expires time.Time
	Days    int
	// Code is WarnTokenExpiring (within cybozu.ExpiryWarning),
	// WarnTokenExpired (the day has come) or "".
	Code string
}

// Params are what the texts of Code name.
func (s TokenState) Params() msg.Params {
	return msg.Params{"expires": s.Expires.Format(time.DateOnly), "days": max(s.Days, -s.Days)}
}

// TokenStateOf is cfg's API token at now.
func TokenStateOf(cfg *config.Config, now time.Time) *TokenState {
	loc, err := time.LoadLocation(cfg.Schedule.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	at, ok := cybozu.TokenExpiry(cfg.Cybozu, loc)
	if !ok {
		return nil
	}
	left := at.Sub(now)
	s := &TokenState{Expires: at, Days: int(math.Floor(left.Hours() / 24))}
	switch {
	case left <= 0:
		s.Code = WarnTokenExpired
	case left <= cybozu.ExpiryWarning:
		s.Code = WarnTokenExpiring
	}
	return s
}

// ExpiryWatchers are the notifier's daily checks (notify.Options.Watchers):
// the Secure Access client certificate, read from its file each time, and
// the API token's day (cybozu.token_expires), each told at 30, 14, 7, 3 and
// 1 days left (notify.ExpiryEvent).
func (a *App) ExpiryWatchers() []func(time.Time) (notify.Event, bool) {
	return []func(time.Time) (notify.Event, bool){
		func(now time.Time) (notify.Event, bool) {
			c, err := CertificateState(a.cfg.Cybozu, now)
			if err != nil || c == nil {
				return notify.Event{}, false
			}
			return notify.ExpiryEvent(notify.CertExpiring, c.Subject, c.NotAfter, now)
		},
		func(now time.Time) (notify.Event, bool) {
			t := TokenStateOf(a.cfg, now)
			if t == nil {
				return notify.Event{}, false
			}
			name := domainOf(a.cfg.Cybozu.URL)
			if a.cfg.Cybozu.Login != "" {
				name = a.cfg.Cybozu.Login + "@" + name
			}
			return notify.ExpiryEvent(notify.TokenExpiring, name, t.Expires, now)
		},
	}
}
