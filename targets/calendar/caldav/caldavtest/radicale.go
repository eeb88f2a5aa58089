// Package caldavtest starts a real CalDAV server (Debian's radicale) for
// tests, on a free loopback port with htpasswd users and a filesystem store
// in t.TempDir().
//
// The rule when radicale is not installed: with CI=true the test FAILS
// (.ci/run installs radicale, so a missing binary there is a broken CI
// image, not a reason to pass); elsewhere it is skipped with a message
// saying how to install it (apt-get install radicale).
package caldavtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Server is a running radicale.
type Server struct {
	// Base is http://127.0.0.1:PORT.
	Base string
}

// Users are the accounts of the test server: login → password. Each may
// read and write only its own collections (rights: owner_only).
var Users = map[string]string{"alice": "alice-pass-1", "bob": "bob-pass-2"}

// Collections exist when the server starts: path → radicale's
// .Radicale.props. /alice/calendar/ (display name "Work") and
// /bob/calendar/ are calendars; /alice/contacts/ is an address book.
var Collections = map[string]string{
	"alice/calendar": `{"tag": "VCALENDAR", "D:displayname": "Work"}`,
	"alice/contacts": `{"tag": "VADDRESSBOOK"}`,
	"bob/calendar":   `{"tag": "VCALENDAR"}`,
}

// Start starts radicale for the test; it stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("radicale is not installed, and CI=true: the CalDAV tests need a real server (.ci/run installs the Debian package): %v", err)
		}
		t.Skip("radicale is not installed (apt-get install radicale); CalDAV server tests skipped outside CI")
	}
	dir := t.TempDir()
	var users bytes.Buffer
	for u, p := range Users {
		fmt.Fprintf(&users, "%s:%s\n", u, p)
	}
	writeFile(t, filepath.Join(dir, "users"), users.String())
	for path, props := range Collections {
		writeFile(t, filepath.Join(dir, "store", "collection-root", filepath.FromSlash(path), ".Radicale.props"), props)
	}
	var lastLog string
	for attempt := 0; attempt < 3; attempt++ {
		addr := FreePort(t)
		conf := filepath.Join(dir, "config")
		writeFile(t, conf, fmt.Sprintf(`[server]
hosts = %s
[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = plain
# no delay after a failed login: the unauthorized test would wait for it
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = %s
[logging]
level = warning
mask_passwords = True
`, addr, filepath.Join(dir, "users"), filepath.Join(dir, "store")))
		var log bytes.Buffer
		cmd := exec.Command(bin, "-C", conf)
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatalf("start radicale: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		if waitListening(addr, exited, 15*time.Second) {
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				<-exited
			})
			return &Server{Base: "http://" + addr}
		}
		_ = cmd.Process.Kill()
		<-exited
		lastLog = log.String()
	}
	t.Fatalf("radicale did not start on a loopback port after 3 attempts; its output:\n%s", lastLog)
	return nil
}

// URL returns the server's URL for path ("/alice/calendar/").
func (s *Server) URL(path string) string { return s.Base + path }

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// FreePort returns a loopback address nothing listens on right now.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func waitListening(addr string, exited <-chan struct{}, limit time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			return true
		}
		select {
		case <-exited:
			return false
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
}
