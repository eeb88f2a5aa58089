package app

import (
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozu"
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
