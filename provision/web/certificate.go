package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// Certificate is the Secure Access client certificate's expiry, as the
// overview and /metrics show it (Options.Certificate).
type Certificate struct {
	NotAfter time.Time
	// Issue is the warning (client_certificate_expiring) or error
	// (client_certificate_expired) to show; nil while the certificate has
	// long to run.
	Issue *provision.Issue
}

// certificate is the configured certificate's state now, or nil.
func (s *Server) certificate() *Certificate {
	if s.o.Certificate == nil {
		return nil
	}
	return s.o.Certificate(s.o.Now())
}

// certificateMetrics writes the certificate's gauges (nothing when none is
// configured): its expiry, and whether it is expiring or expired, by code,
// so that an alert needs no date arithmetic.
func certificateMetrics(b *strings.Builder, c *Certificate) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "# HELP cybridge_client_certificate_expiry_timestamp_seconds When the Secure Access client certificate expires, as a Unix time.\n# TYPE cybridge_client_certificate_expiry_timestamp_seconds gauge\ncybridge_client_certificate_expiry_timestamp_seconds %d\n", unix(c.NotAfter))
	code := ""
	if c.Issue != nil {
		code = c.Issue.Code
	}
	fmt.Fprintf(b, "# HELP cybridge_client_certificate_state 1 for the client certificate's state: ok, client_certificate_expiring (within 30 days) or client_certificate_expired.\n# TYPE cybridge_client_certificate_state gauge\n")
	for _, st := range []string{"ok", "client_certificate_expiring", "client_certificate_expired"} {
		v := 0
		if st == code || (st == "ok" && code == "") {
			v = 1
		}
		fmt.Fprintf(b, "cybridge_client_certificate_state{state=%q} %d\n", st, v)
	}
}
