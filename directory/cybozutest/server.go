package cybozutest

import (
	"net/http/httptest"
	"testing"
)

// Server is a Sim listening on 127.0.0.1 (an httptest server).
type Server struct {
	*Sim
	srv *httptest.Server
}

// NewServer starts a simulated domain on a loopback port. With a non-nil
// tb it is closed when the test ends; otherwise call Close.
func NewServer(tb testing.TB, opts Options) *Server {
	sim := New(opts)
	s := &Server{Sim: sim, srv: httptest.NewServer(sim)}
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// URL is the base URL, e.g. "http://127.0.0.1:41234" (no trailing slash).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server, waiting for requests in flight. It may be called
// more than once.
func (s *Server) Close() { s.srv.Close() }
