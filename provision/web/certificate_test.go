package web

import (
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// certificateAt is an Options.Certificate whose certificate expires at
// notAfter, with the issue the rule gives (30 days).
func certificateAt(notAfter time.Time) func(*Options) {
	return func(o *Options) {
		o.Certificate = func(now time.Time) *Certificate {
			c := &Certificate{NotAfter: notAfter}
			code := ""
			switch {
			case !now.Before(notAfter):
				code = "client_certificate_expired"
			case notAfter.Sub(now) <= 30*24*time.Hour:
				code = "client_certificate_expiring"
			}
			if code != "" {
				i := provision.NewIssue(code, code, msg.Params{"subject": "sync-bot", "not_after": notAfter.Format("2006-01-02"), "days": 3})
				c.Issue = &i
			}
			return c
		}
	}
}

func TestCertificateOverviewAndMetrics(t *testing.T) {
	now := time.Now()
	for _, tt := range []struct {
		name     string
		opt      func(*Options)
		state    string // "" = no certificate
		overview []string
	}{
		{"none configured", func(*Options) {}, "", nil},
		{"a year left", certificateAt(now.AddDate(1, 0, 0)), "ok", nil},
		{"expiring", certificateAt(now.Add(3 * 24 * time.Hour)), "client_certificate_expiring",
			[]string{`id="certificate"`, "client_certificate_expiring", "有効期限は", "残り 3 日"}},
		{"expired", certificateAt(now.Add(-time.Hour)), "client_certificate_expired",
			[]string{`class="flash error" id="certificate"`, "有効期限が", "切れています"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.opt)
			e.login()
			_, _, body := e.get("/", "Accept-Language", "ja")
			for _, want := range tt.overview {
				if !strings.Contains(body, want) {
					t.Errorf("overview lacks %q", want)
				}
			}
			if tt.overview == nil && strings.Contains(body, `id="certificate"`) {
				t.Error("overview warns about a certificate with long to run")
			}
			_, _, m := e.get("/metrics")
			ex, err := parseExposition(m)
			if err != nil {
				t.Fatalf("/metrics: %v\n%s", err, m)
			}
			for _, st := range []string{"ok", "client_certificate_expiring", "client_certificate_expired"} {
				got, ok := ex.samples[`cybridge_client_certificate_state{state="`+st+`"}`]
				switch {
				case tt.state == "" && ok:
					t.Errorf("certificate state %s exposed without a certificate", st)
				case tt.state != "" && (!ok || (got == 1) != (st == tt.state)):
					t.Errorf("state %s = %v (present %v), want the state %s", st, got, ok, tt.state)
				}
			}
			if _, ok := ex.samples["cybridge_client_certificate_expiry_timestamp_seconds"]; ok != (tt.state != "") {
				t.Errorf("expiry timestamp present = %v", ok)
			}
		})
	}
}
