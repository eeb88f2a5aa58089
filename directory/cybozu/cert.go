package cybozu

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"net/url"
	"os"
	"strings"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// ExpiryWarning is how long before a Secure Access client certificate
// expires that check, the console and /metrics start to warn: cybozu.com
// issues certificates for one year by default, and renewing one takes an
// administrator and the certificate's user.
const ExpiryWarning = 30 * 24 * time.Hour

// Codes of the client certificate's state (check warnings and errors, the
// console's overview, /metrics).
const (
	CodeCertificateExpiring = "client_certificate_expiring" // a warning
	CodeCertificateExpired  = "client_certificate_expired"  // an error: New refuses the certificate
)

// CertificateFiles name a Secure Access client certificate: the PKCS#12
// file cybozu.com issues (PFX, opened with Password), or a PEM
// certificate and key. Load reads whichever is set.
type CertificateFiles struct {
	PFX      string
	Password secret.Secret
	CertPEM  string
	KeyPEM   string
}

// certificateFiles are c's certificate settings.
func certificateFiles(c config.Cybozu) CertificateFiles {
	return CertificateFiles{PFX: c.ClientCertificateFile, Password: c.ClientCertificatePassword, CertPEM: c.ClientCert, KeyPEM: c.ClientKey}
}

// LoadCertificate reads the client certificate that c configures: nil
// when there is none, else the certificate with its whole chain (leaf
// first) and its Leaf set. A file that cannot be read, a wrong password
// or a broken file is a *config.Error naming the setting; the password is
// never part of it.
func LoadCertificate(c config.Cybozu) (*tls.Certificate, error) {
	f := certificateFiles(c)
	switch {
	case f.PFX != "":
		return loadPFX(f.PFX, f.Password)
	case f.CertPEM != "":
		cert, err := tls.LoadX509KeyPair(f.CertPEM, f.KeyPEM)
		if err != nil {
			return nil, certProblem("cybozu.client_cert", "config.cybozu_client_cert", err.Error())
		}
		return &cert, nil
	}
	return nil, nil
}

// loadPFX reads a PKCS#12 file with its chain. Decisions: a .pfx without a
// password is tried with the empty one (cybozu.com always sets one, other
// tools may not); the CA certificates are ordered from the leaf's issuer
// up, so that the server can follow the chain, with any the chain does not
// reach after them.
func loadPFX(path string, password secret.Secret) (*tls.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, certProblem("cybozu.client_certificate_file", "config.cybozu_client_certificate_file", unwrapPathError(err))
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, password.Reveal())
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption):
		key := "config.cybozu_client_certificate_password"
		if !password.IsSet() {
			key = "config.cybozu_client_certificate_password_missing"
		}
		return nil, &config.Error{Problems: []config.Problem{{Key: "cybozu.client_certificate_password", Code: key, Params: msg.Params{"file": path}}}}
	case err != nil:
		// The package's texts name the structure, never the password.
		return nil, certProblem("cybozu.client_certificate_file", "config.cybozu_client_certificate_file",
			secret.NewRedactor(password).Redact(err.Error()))
	}
	if _, ok := key.(crypto.Signer); !ok {
		return nil, certProblem("cybozu.client_certificate_file", "config.cybozu_client_certificate_file", "the private key cannot sign")
	}
	cert := &tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, ca := range orderChain(leaf, cas) {
		cert.Certificate = append(cert.Certificate, ca.Raw)
	}
	return cert, nil
}

// orderChain orders cas from leaf's issuer upwards, then the rest.
func orderChain(leaf *x509.Certificate, cas []*x509.Certificate) []*x509.Certificate {
	rest := append([]*x509.Certificate(nil), cas...)
	var out []*x509.Certificate
	for cur := leaf; ; {
		i := issuerOf(cur, rest)
		if i < 0 {
			break
		}
		cur = rest[i]
		out = append(out, cur)
		rest = append(rest[:i], rest[i+1:]...)
	}
	return append(out, rest...)
}

func issuerOf(c *x509.Certificate, cas []*x509.Certificate) int {
	if string(c.RawIssuer) == string(c.RawSubject) {
		return -1 // self-signed: the top
	}
	for i, ca := range cas {
		if string(ca.RawSubject) == string(c.RawIssuer) {
			return i
		}
	}
	return -1
}

func certProblem(key, code, detail string) *config.Error {
	return &config.Error{Problems: []config.Problem{{Key: key, Code: code, Params: msg.Params{"detail": detail}}}}
}

// unwrapPathError is a file error's reason with the path once.
func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// ClientCertProblem is a Secure Access certificate and key that cannot be
// loaded (detail is the TLS package's reason).
func ClientCertProblem(detail string) *config.Error {
	return certProblem("cybozu.client_cert", "config.cybozu_client_cert", detail)
}

// CertificateState is a client certificate's expiry as the admin sees it.
type CertificateState struct {
	Subject  string    `json:"subject"`
	NotAfter time.Time `json:"not_after"`
	// Code is CodeCertificateExpiring, CodeCertificateExpired or "".
	Code string `json:"code,omitempty"`
	// Days is how many whole days are left (0 on the last day; negative
	// once expired, counting the days since).
	Days int `json:"days"`
}

// Params are what the texts of Code name.
func (s CertificateState) Params() msg.Params {
	days := s.Days
	if days < 0 {
		days = -days
	}
	return msg.Params{"subject": s.Subject, "not_after": s.NotAfter.UTC().Format("2006-01-02 15:04 MST"), "days": days}
}

// CertificateStateOf is leaf's state at now: expired after NotAfter,
// expiring within ExpiryWarning of it.
func CertificateStateOf(leaf *x509.Certificate, now time.Time) CertificateState {
	left := leaf.NotAfter.Sub(now)
	s := CertificateState{Subject: leaf.Subject.CommonName, NotAfter: leaf.NotAfter, Days: int(math.Floor(left.Hours() / 24))}
	if s.Subject == "" {
		s.Subject = leaf.Subject.String()
	}
	switch {
	case !now.Before(leaf.NotAfter):
		s.Code = CodeCertificateExpired
	case left <= ExpiryWarning:
		s.Code = CodeCertificateExpiring
	}
	return s
}

// certificateExpired is New's refusal of an expired certificate: cybozu.com
// would answer with a TLS alert that says nothing of the date.
func certificateExpired(s CertificateState) *Error {
	return newError(CodeCertificateExpired, CodeCertificateExpired, s.Params())
}

// IsSecureAccessHost reports a Secure Access host: SUBDOMAIN.s.cybozu.com
// (and the same under cybozu.cn and kintone.com, which follow cybozu.com's
// host scheme — an assumption, see cybozu-user-api.md §5.6).
func IsSecureAccessHost(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{".s.cybozu.com", ".s.cybozu.cn", ".s.kintone.com"} {
		if strings.HasSuffix(host, d) && len(host) > len(d) {
			return true
		}
	}
	return false
}

// secureAccessProblems: a certificate belongs with a Secure Access URL and
// a Secure Access URL needs a certificate. Loopback URLs (a simulator, a
// local proxy) may have either.
func secureAccessProblems(c config.Cybozu) []config.Problem {
	u, err := url.Parse(c.URL)
	if c.URL == "" || err != nil || u.Host == "" || config.IsLoopback(u.Hostname()) {
		return nil
	}
	f := certificateFiles(c)
	hasCert := f.PFX != "" || f.CertPEM != ""
	switch secure := IsSecureAccessHost(u.Hostname()); {
	case hasCert && !secure:
		key := "cybozu.client_certificate_file"
		if f.PFX == "" {
			key = "cybozu.client_cert"
		}
		return []config.Problem{{Key: key, Code: "config.cybozu_certificate_needs_secure_url", Params: msg.Params{"url": c.URL, "host": secureHostFor(u.Hostname())}}}
	case secure && !hasCert:
		return []config.Problem{{Key: "cybozu.client_certificate_file", Code: "config.cybozu_secure_url_needs_certificate", Params: msg.Params{"url": c.URL}, Unset: true}}
	}
	return nil
}

// secureHostFor is the Secure Access host of a domain's host:
// NAME.cybozu.com → NAME.s.cybozu.com (others unchanged).
func secureHostFor(host string) string {
	for _, d := range []string{".cybozu.com", ".cybozu.cn", ".kintone.com"} {
		if name, ok := strings.CutSuffix(strings.ToLower(host), d); ok && name != "" && !strings.Contains(name, ".") {
			return name + ".s" + d
		}
	}
	return host
}

// TokenLooksValid reports whether t has the form of a cybozu.com User API
// token ("cy.s.api1." and more). A kintone app token or an OAuth token
// pasted by mistake does not; it would only fail later with 401.
func TokenLooksValid(t secret.Secret) bool {
	v := t.Reveal()
	return strings.HasPrefix(v, TokenPrefix) && len(v) > len(TokenPrefix)
}

// TokenPrefix starts every cybozu.com User API token (cybozu-user-api.md §5.1).
const TokenPrefix = "cy.s.api1."
