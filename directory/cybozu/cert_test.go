package cybozu

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

const pfxPassword = "pfx-Pa55-word" // never to be seen in any output

// writePFX issues a .pfx for user valid until notAfter and writes it to a
// temporary file.
func writePFX(t *testing.T, ca *cybozutest.CertAuthority, notAfter time.Time) string {
	t.Helper()
	pfx, err := ca.IssuePFX("sync-bot", notAfter, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sync-bot.pfx")
	if err := os.WriteFile(path, pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func newCA(t *testing.T) *cybozutest.CertAuthority {
	t.Helper()
	ca, err := cybozutest.NewCertAuthority()
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// TestSecureAccess reads a simulator that requires client certificates
// from a root CA, with certificates an intermediate CA signed: only the
// whole chain gets through.
func TestSecureAccess(t *testing.T) {
	ca := newCA(t)
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: fixtures.Company(), TLS: true, ClientCAs: ca.Pool()})
	good := writePFX(t, ca, time.Now().AddDate(1, 0, 0))
	otherCA := writePFX(t, newCA(t), time.Now().AddDate(1, 0, 0))
	certPEM, keyPEM, err := ca.IssuePEM("sync-bot", time.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pemCert, pemKey := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if err := errors.Join(os.WriteFile(pemCert, certPEM, 0o600), os.WriteFile(pemKey, keyPEM, 0o600)); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		c    config.Cybozu
		key  string // the error's catalogue key; "" = the read succeeds
	}{
		{".pfx with its intermediate CA", config.Cybozu{ClientCertificateFile: good, ClientCertificatePassword: pfxPassword}, ""},
		{"PEM certificate with the chain and key", config.Cybozu{ClientCert: pemCert, ClientKey: pemKey}, ""},
		{"no certificate", config.Cybozu{}, keyClientCertRefused},
		{"a certificate of another CA", config.Cybozu{ClientCertificateFile: otherCA, ClientCertificatePassword: pfxPassword}, keyClientCertRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := LoadCertificate(tt.c)
			if err != nil {
				t.Fatalf("LoadCertificate: %v", err)
			}
			cfg := simConfig(sim)
			cfg.ClientCert, cfg.RootCAs = cert, sim.RootCAs()
			snap, err := newClient(t, cfg).ReadSnapshot(context.Background())
			if tt.key == "" {
				if err != nil {
					t.Fatalf("ReadSnapshot: %v", err)
				}
				if len(snap.Users) == 0 {
					t.Error("no users read")
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeConnectionFailed || e.Key != tt.key {
				t.Fatalf("err = %#v (%v), want %s", e, err, tt.key)
			}
			if !strings.Contains(msg.Localize(msg.Ja, err), "クライアント証明書を受け付けませんでした") {
				t.Errorf("Japanese text: %s", msg.Localize(msg.Ja, err))
			}
		})
	}
}

func TestLoadCertificate(t *testing.T) {
	ca := newCA(t)
	notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	path := writePFX(t, ca, notAfter)
	garbage := filepath.Join(t.TempDir(), "garbage.pfx")
	if err := os.WriteFile(garbage, []byte("not a pfx"), 0o600); err != nil {
		t.Fatal(err)
	}

	cert, err := LoadCertificate(config.Cybozu{ClientCertificateFile: path, ClientCertificatePassword: pfxPassword})
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.Certificate) != 2 || cert.Leaf == nil || !cert.Leaf.NotAfter.Equal(notAfter) || cert.Leaf.Subject.CommonName != "sync-bot" {
		t.Errorf("certificate: %d in chain, leaf %v", len(cert.Certificate), cert.Leaf)
	}
	if cert, err := LoadCertificate(config.Cybozu{}); cert != nil || err != nil {
		t.Errorf("no certificate configured: %v, %v", cert, err)
	}

	for _, tt := range []struct {
		name string
		c    config.Cybozu
		key  string
		code string
	}{
		{"wrong password", config.Cybozu{ClientCertificateFile: path, ClientCertificatePassword: "wrong-" + pfxPassword},
			"cybozu.client_certificate_password", "config.cybozu_client_certificate_password"},
		{"no password", config.Cybozu{ClientCertificateFile: path},
			"cybozu.client_certificate_password", "config.cybozu_client_certificate_password_missing"},
		{"missing file", config.Cybozu{ClientCertificateFile: path + ".nope", ClientCertificatePassword: pfxPassword},
			"cybozu.client_certificate_file", "config.cybozu_client_certificate_file"},
		{"not a .pfx", config.Cybozu{ClientCertificateFile: garbage, ClientCertificatePassword: pfxPassword},
			"cybozu.client_certificate_file", "config.cybozu_client_certificate_file"},
		{"missing PEM", config.Cybozu{ClientCert: path + ".pem", ClientKey: path + ".key"}, "cybozu.client_cert", "config.cybozu_client_cert"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadCertificate(tt.c)
			var ce *config.Error
			if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Key != tt.key || ce.Problems[0].Code != tt.code {
				t.Fatalf("err = %v, want %s at %s", err, tt.code, tt.key)
			}
			for _, lang := range []msg.Lang{msg.En, msg.Ja} {
				if text := msg.Localize(lang, err); strings.Contains(text, pfxPassword) {
					t.Errorf("%s text shows the password: %s", lang, text)
				}
			}
		})
	}
}

func TestCertificateExpiry(t *testing.T) {
	ca := newCA(t)
	now := time.Now()
	for _, tt := range []struct {
		name     string
		notAfter time.Time
		code     string
		days     int
	}{
		{"a year left", now.AddDate(1, 0, 0), "", 365},
		{"31 days left", now.Add(31*24*time.Hour + time.Minute), "", 31},
		{"30 days left", now.Add(30*24*time.Hour - time.Minute), CodeCertificateExpiring, 29},
		{"hours left", now.Add(3 * time.Hour), CodeCertificateExpiring, 0},
		{"expired yesterday", now.Add(-25 * time.Hour), CodeCertificateExpired, -2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := LoadCertificate(config.Cybozu{ClientCertificateFile: writePFX(t, ca, tt.notAfter), ClientCertificatePassword: pfxPassword})
			if err != nil {
				t.Fatal(err)
			}
			s := CertificateStateOf(cert.Leaf, now)
			if s.Code != tt.code || (tt.days != 365 && s.Days != tt.days) || s.Subject != "sync-bot" {
				t.Errorf("state = %+v, want code %q, %d days", s, tt.code, tt.days)
			}
			_, err = New(Config{BaseURL: "https://example.s.cybozu.com", Token: "cy.s.api1.x", ClientCert: cert})
			switch {
			case tt.code == CodeCertificateExpired:
				if msg.Code(err) != CodeCertificateExpired || msg.KindOf(err) != msg.KindInvalid ||
					!strings.Contains(err.Error(), "expired on "+tt.notAfter.UTC().Format("2006-01-02")) ||
					!strings.Contains(msg.Localize(msg.Ja, err), "有効期限が") {
					t.Errorf("New: %v, want %s with the date", err, CodeCertificateExpired)
				}
			case err != nil:
				t.Errorf("New: %v", err)
			}
		})
	}
}

// TestRedirectToSecureAccess: a domain that sends its ordinary URL to the
// Secure Access host is named, and the error says what to set.
func TestRedirectToSecureAccess(t *testing.T) {
	c, sim := simClient(t, cybozutest.Options{RedirectTo: "demo.s.cybozu.com"}, nil)
	_, err := c.ReadSnapshot(context.Background())
	if msg.Code(err) != CodeRedirected || !strings.Contains(err.Error(), "https://demo.s.cybozu.com") ||
		!strings.Contains(msg.Localize(msg.Ja, err), "cybozu.client_certificate_file") {
		t.Fatalf("err = %v", err)
	}
	if st := sim.Stats(); st.Requests > 3*DefaultConcurrency {
		t.Errorf("%d requests: a redirect is not retried", st.Requests)
	}
}

// hostTransport sends every request to the simulator, whatever the URL's
// host, as if the simulator were that domain.
type hostTransport struct{ sim *cybozutest.Server }

func (h hostTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(h.sim.URL(), "http://")
	return http.DefaultTransport.RoundTrip(r)
}

// TestIsAdministratorKintoneToken: on kintone.com a token's failing CSV
// export proves nothing, so the answer is "cannot tell", never "no".
func TestIsAdministratorKintoneToken(t *testing.T) {
	for _, tt := range []struct {
		url  string
		want string // error key; "" = not an administrator
	}{
		{"https://example.kintone.com", keyAdminKintoneToken},
		{"https://example.cybozu.com", ""},
	} {
		t.Run(tt.url, func(t *testing.T) {
			sim := cybozutest.NewServer(t, cybozutest.Options{Token: "cy.s.api1.tok", TokenNoCSV: true})
			c := newClient(t, Config{BaseURL: tt.url, Token: secret.Secret("cy.s.api1.tok"), Transport: hostTransport{sim}})
			admin, err := c.IsAdministrator(context.Background())
			var e *Error
			switch {
			case tt.want == "" && (err != nil || admin):
				t.Errorf("IsAdministrator = %v, %v; want false", admin, err)
			case tt.want != "" && (!errors.As(err, &e) || e.Key != tt.want || admin):
				t.Errorf("IsAdministrator = %v, %v; want %s", admin, err, tt.want)
			}
		})
	}
}
