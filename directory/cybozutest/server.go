package cybozutest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Server is a Sim listening on 127.0.0.1 (an httptest server).
type Server struct {
	*Sim
	srv *httptest.Server
}

// NewServer starts a simulated domain on a loopback port, speaking plain
// HTTP, or HTTPS with Options.TLS. With a non-nil tb it is closed when the
// test ends; otherwise call Close.
func NewServer(tb testing.TB, opts Options) *Server {
	sim := New(opts)
	s := &Server{Sim: sim, srv: httptest.NewUnstartedServer(sim)}
	// A client speaking the wrong protocol is what a test wants to see, not
	// a log line.
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if opts.TLS {
		if opts.ClientCAs != nil {
			s.srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: opts.ClientCAs}
		}
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// URL is the base URL, e.g. "http://127.0.0.1:41234" (no trailing slash).
func (s *Server) URL() string { return s.srv.URL }

// WrongSchemeURL is the base URL with the other scheme: https:// for a
// plain-HTTP server, http:// for a TLS one — a client given it meets a
// server that does not speak the URL's protocol.
func (s *Server) WrongSchemeURL() string {
	if rest, ok := strings.CutPrefix(s.srv.URL, "https://"); ok {
		return "http://" + rest
	}
	return "https://" + strings.TrimPrefix(s.srv.URL, "http://")
}

// RootCAs holds the certificate of a TLS server, for a client that is to
// trust it (nil for a plain one).
func (s *Server) RootCAs() *x509.CertPool {
	if s.srv.TLS == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.srv.Certificate())
	return p
}

// CertificatePEM is the TLS server's certificate as PEM (for SSL_CERT_FILE
// in a process that is to trust it); nil for a plain server.
func (s *Server) CertificatePEM() []byte {
	if s.srv.TLS == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Client is an HTTP client that trusts the server's certificate (for a TLS
// server; for a plain one, an ordinary client).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server, waiting for requests in flight. It may be called
// more than once.
func (s *Server) Close() { s.srv.Close() }
