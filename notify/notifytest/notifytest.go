// Package notifytest runs what notifications are delivered to, on
// loopback, for tests: an SMTP server (github.com/emersion/go-smtp) with
// STARTTLS and PLAIN authentication that keeps every message it receives,
// and a webhook receiver that keeps every request.
package notifytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the SMTP server received.
type Mail struct {
	From    string
	To      []string
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded (quoted-printable, base64)
	// TLS: the message came over a connection upgraded by STARTTLS;
	// User: the user it authenticated as ("" when none).
	TLS  bool
	User string
}

// SMTP is a running SMTP server.
type SMTP struct {
	Host string // 127.0.0.1
	Port int
	// CAFile is a PEM file with the certificate the server presents
	// (for 127.0.0.1 and localhost).
	CAFile string

	mu    sync.Mutex
	mails []Mail
}

// Mails returns the messages received so far.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// NewSMTP starts an SMTP server on loopback offering STARTTLS and, when
// user is not empty, PLAIN authentication (after STARTTLS only) for user
// and password; mail is refused without it then. It stops with the test.
func NewSMTP(t testing.TB, user, password string) *SMTP {
	t.Helper()
	cert, caPEM := selfSigned(t)
	s := &SMTP{Host: "127.0.0.1", CAFile: filepath.Join(t.TempDir(), "smtp-ca.pem")}
	if err := os.WriteFile(s.CAFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c, user: user, password: password}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.EnableSMTPUTF8 = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

type session struct {
	srv            *SMTP
	conn           *smtp.Conn
	user, password string
	authed         string
	from           string
	to             []string
}

func (s *session) AuthMechanisms() []string {
	if s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.user || password != s.password {
			return errors.New("invalid credentials")
		}
		s.authed = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user != "" && s.authed == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	var body []byte
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	case "base64":
		body, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
	default:
		body = raw
	}
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	_, tlsOn := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.mails = append(s.srv.mails, Mail{From: s.from, To: s.to, Header: m.Header, Subject: subject,
		Body: strings.ReplaceAll(string(body), "\r\n", "\n"), TLS: tlsOn, User: s.authed})
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// selfSigned is a certificate for 127.0.0.1 and localhost, and its PEM.
func selfSigned(t testing.TB) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "notifytest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// Request is one request the webhook receiver got.
type Request struct {
	Path   string
	Header http.Header
	Body   []byte
	At     time.Time
}

// Hook is a running webhook receiver.
type Hook struct {
	URL string
	// Status is what it answers (200 unless set).
	mu       sync.Mutex
	status   int
	requests []Request
}

// NewHook starts a webhook receiver on loopback; it stops with the test.
func NewHook(t testing.TB) *Hook {
	t.Helper()
	h := &Hook{status: http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.requests = append(h.requests, Request{Path: r.URL.Path, Header: r.Header.Clone(), Body: b, At: time.Now()})
		status := h.status
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// SetStatus makes the receiver answer status from now on.
func (h *Hook) SetStatus(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status = status
}

// Requests returns the requests received so far, to path when not "".
func (h *Hook) Requests(path string) []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Request
	for _, r := range h.requests {
		if path == "" || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}
