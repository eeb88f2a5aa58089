package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/secret"
)

// countCompares makes e's server count its password comparisons, each
// taking a while (as bcrypt does), and returns the count and the most
// that ran at once.
func countCompares(e *testEnv, took time.Duration) (calls, peak *atomic.Int64) {
	calls, peak = &atomic.Int64{}, &atomic.Int64{}
	var running atomic.Int64
	real := e.server.compare
	e.server.compare = func(hash, pw []byte) error {
		calls.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(took)
		return real(hash, pw)
	}
	return calls, peak
}

// postFrom posts a login form as a browser behind a trusted proxy at
// 127.0.0.1 would, for client (X-Forwarded-For).
func (e *testEnv) postFrom(client, path string, form url.Values) int {
	e.t.Helper()
	hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
	if client != "" {
		hdr["X-Forwarded-For"] = client
	}
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// Without the jar: each call is a browser of its own.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestParallelGuessesReserveBeforeBcrypt: 50 wrong passwords sent at once
// from one address run at most loginPerClient bcrypt comparisons, and no
// more than bcryptSlots at once (F1: the limit was checked before bcrypt
// and recorded after it, so every parallel guess was checked).
func TestParallelGuessesReserveBeforeBcrypt(t *testing.T) {
	e := newTestEnv(t)
	calls, peak := countCompares(e, 50*time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	start := make(chan struct{})
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st := e.postFrom("", "/login", url.Values{"password": {fmt.Sprintf("guess-%d", i)}})
			mu.Lock()
			codes[st]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if n := calls.Load(); n > loginPerClient {
		t.Errorf("50 parallel guesses from one address ran %d bcrypt comparisons; want at most %d (codes %v)", n, loginPerClient, codes)
	}
	if p := peak.Load(); p > bcryptSlots {
		t.Errorf("%d bcrypt comparisons ran at once; want at most %d", p, bcryptSlots)
	}
	if codes[http.StatusUnauthorized]+codes[http.StatusTooManyRequests] != 50 {
		t.Errorf("answers %v; want only 401 and 429", codes)
	}
}

// TestBcryptSlotsBoundEveryClient: guesses from many addresses at once
// still run at most bcryptSlots comparisons at a time.
func TestBcryptSlotsBoundEveryClient(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	_, peak := countCompares(e, 30*time.Millisecond)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.postFrom(fmt.Sprintf("203.0.113.%d", i+1), "/login", url.Values{"password": {"guess"}})
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > bcryptSlots {
		t.Errorf("%d bcrypt comparisons ran at once; want at most %d", p, bcryptSlots)
	}
}

// TestLockoutIsPerClient: failures from ten clients (behind the trusted
// proxy, named by X-Forwarded-For) lock out those clients only; the right
// password from another client logs in, and from a locked-out client once
// its backoff has passed (F3: a global cap let anyone lock the admin
// out).
func TestLockoutIsPerClient(t *testing.T) {
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newTestEnv(t, func(o *Options) {
		o.Now = clock
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	})
	for i := 10; i < 20; i++ {
		for j := range loginPerClient + 1 {
			st := e.postFrom(fmt.Sprintf("198.51.100.%d", i), "/login", url.Values{"password": {fmt.Sprintf("x%d", j)}})
			if want := map[bool]int{true: 401, false: 429}[j < loginPerClient]; st != want {
				t.Fatalf("client %d, attempt %d = %d; want %d", i, j+1, st, want)
			}
		}
	}
	if st := e.postFrom("198.51.100.99", "/login", url.Values{"password": {testPassword}}); st != http.StatusSeeOther {
		t.Errorf("right password from a fresh client after 50 failures elsewhere = %d; want 303", st)
	}
	// The proxy chain: the client is the nearest untrusted address; what
	// it put in front of that is its own to forge.
	if st := e.postFrom("1.2.3.4, 198.51.100.10, 10.1.2.3", "/login", url.Values{"password": {testPassword}}); st != http.StatusTooManyRequests {
		t.Errorf("a locked-out client forging an address in front = %d; want 429", st)
	}
	if st := e.postFrom("198.51.100.10", "/login", url.Values{"password": {testPassword}}); st != http.StatusTooManyRequests {
		t.Errorf("right password from a locked-out client = %d; want 429 until its backoff passes", st)
	}
	mu.Lock()
	now = now.Add(loginWindow + time.Minute)
	mu.Unlock()
	if st := e.postFrom("198.51.100.10", "/login", url.Values{"password": {testPassword}}); st != http.StatusSeeOther {
		t.Errorf("right password from the same client after its backoff = %d; want 303", st)
	}
}

// TestForwardedForIgnoredFromUntrustedPeers: without a trusted proxy,
// X-Forwarded-For does not let a client escape its limit.
func TestForwardedForIgnoredFromUntrustedPeers(t *testing.T) {
	e := newTestEnv(t)
	for i := range loginPerClient {
		e.postFrom(fmt.Sprintf("192.0.2.%d", i), "/login", url.Values{"password": {"guess"}})
	}
	if st := e.postFrom("192.0.2.200", "/login", url.Values{"password": {"guess"}}); st != http.StatusTooManyRequests {
		t.Errorf("a 6th guess with a new X-Forwarded-For from an untrusted peer = %d; want 429", st)
	}
}

func TestClientAddr(t *testing.T) {
	s := &Server{o: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	for _, tc := range []struct{ peer, xff, want string }{
		{"192.0.2.1:5000", "", "192.0.2.1"},
		{"192.0.2.1:5000", "203.0.113.9", "192.0.2.1"}, // untrusted peer: ignored
		{"10.0.0.1:5000", "203.0.113.9", "203.0.113.9"},
		{"10.0.0.1:5000", "203.0.113.9, 10.0.0.2", "203.0.113.9"},
		{"10.0.0.1:5000", "garbage, 10.0.0.2", "10.0.0.2"},
		{"10.0.0.1:5000", "", "10.0.0.1"},
		{"[::1]:5000", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2::9]:5000", "", "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:5000", "", "192.0.2.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %q; want %q", tc.peer, tc.xff, got, tc.want)
		}
	}
}

// redirectProbes are the review's redirprobe cases (F2): a value that a
// raw-string check accepts and http.Redirect's cleaning turns into
// "/\evil.example", and what browsers drop or read as a slash.
var redirectProbes = []string{
	`/x/../\evil.example/phish`, `/x/..%2F\evil.example`, `/x/../\127.0.0.1:18999/landed`, `/./\evil.example`,
	"/x/../\t/evil.example", "/x/../\n/evil.example", "/x/..//evil.example", `/%5Cevil.example`,
	"//evil.example/x", `/\evil.example/x`, "/\t/evil.example/x", "https://evil.example/x", " /evil", "/x/../../\\\\evil.example",
}

// landing is where a browser goes for Location loc on base: WHATWG URL
// parsing drops tabs and newlines and reads a backslash as a slash.
func landing(base *url.URL, loc string) *url.URL {
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	u, err := base.Parse(loc)
	if err != nil {
		return &url.URL{Host: "unparsable"}
	}
	return u
}

// TestRedirectProbesLandOnTheConsole: every redirect with a next the
// visitor chose (login, logged-in login page, language, calendar actions)
// lands on this site (F2).
func TestRedirectProbesLandOnTheConsole(t *testing.T) {
	for _, next := range redirectProbes {
		e := newTestEnv(t)
		base, _ := url.Parse(e.srv.URL + "/login")
		check := func(what string, h http.Header) {
			t.Helper()
			loc := h.Get("Location")
			if u := landing(base, loc); u.Host != base.Host {
				t.Errorf("%s with next %q: Location %q lands on %q", what, next, loc, u.Host)
			}
		}
		_, h, _ := e.post("/login", url.Values{"password": {testPassword}, "next": {next}})
		check("POST /login", h)
		_, h, _ = e.get("/login?next=" + url.QueryEscape(next))
		check("logged-in GET /login", h)
		_, h, _ = e.post("/lang", url.Values{"lang": {"en"}, "next": {next}})
		check("POST /lang", h)
		for _, action := range []string{"revoke", "permit", "unpin", "check"} {
			_, h, _ = e.post("/calendar/sato/"+action, url.Values{"next": {next}})
			check("POST /calendar/sato/"+action, h)
		}
	}
}

// TestSafeNextKeepsOurPaths: a next of ours is kept as it is.
func TestSafeNextKeepsOurPaths(t *testing.T) {
	for _, next := range []string{"/", "/calendar?state=disabled&q=%E4%BD%90", "/runs/12", "/roster/members/a.okada", "/calendar/sato%2Fx"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
}

// slowPost opens a connection and sends a POST whose body never arrives
// whole: one byte every tick. It returns when the server answers or
// closes the connection, with how long that took and the status line.
func slowPost(t *testing.T, addr, path string, tick, giveUp time.Duration) (time.Duration, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 65000\r\n\r\npassword=", path, addr)
	answered := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(c).ReadString('\n')
		answered <- strings.TrimSpace(line)
	}()
	tk := time.NewTicker(tick)
	defer tk.Stop()
	deadline := time.After(giveUp)
	for {
		select {
		case line := <-answered:
			return time.Since(start), line
		case <-tk.C:
			c.Write([]byte("x"))
		case <-deadline:
			return time.Since(start), "still open"
		}
	}
}

// TestSlowBodiesCutAtTheDeadline: a POST whose body dribbles in is cut
// at the body deadline, is no login attempt, and does not hold up a
// shutdown beyond it (F7).
func TestSlowBodiesCutAtTheDeadline(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.BodyTimeout = 300 * time.Millisecond })
	calls, _ := countCompares(e, 0)
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	took, line := slowPost(t, addr, "/login", 50*time.Millisecond, 5*time.Second)
	if took > 2*time.Second || !strings.Contains(line, "400") {
		t.Errorf("slow login body: answered %q after %s; want 400 within about 300ms", line, took)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("a cut-off body was checked as a password (%d comparisons)", n)
	}
	for range loginPerClient {
		slowPost(t, addr, "/login", 50*time.Millisecond, 5*time.Second)
	}
	if st := e.postFrom("", "/login", url.Values{"password": {testPassword}}); st != http.StatusSeeOther {
		t.Errorf("after %d cut-off bodies the right password = %d; want 303 (they are no failures)", loginPerClient, st)
	}

	// Shutdown with slow bodies in flight ends by the deadline.
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); slowPost(t, addr, "/lang", 50*time.Millisecond, 10*time.Second) }()
	}
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := e.srv.Config.Shutdown(ctx); err != nil {
		t.Errorf("shutdown with slow bodies in flight: %v after %s", err, time.Since(start))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %s; want about the body deadline (300ms)", d)
	}
	wg.Wait()
}

// TestBearerGuessesThrottled: wrong API tokens from one client are
// logged and, past bearerPerClient, refused with 429 without being
// compared; another client is not affected (F10).
func TestBearerGuessesThrottled(t *testing.T) {
	var logBuf syncBuffer
	e := newTestEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logBuf, nil))
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	codes := map[int]int{}
	for i := range 20 {
		st, h, _ := e.do("GET", "/api/v1/status", nil, map[string]string{"Authorization": fmt.Sprintf("Bearer guess-%d", i), "X-Forwarded-For": "198.51.100.7"})
		codes[st]++
		if st == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	if diff := cmp.Diff(map[int]int{401: bearerPerClient, 429: 20 - bearerPerClient}, codes); diff != "" {
		t.Errorf("20 wrong tokens (-want +got):\n%s", diff)
	}
	log := logBuf.String()
	if n := strings.Count(log, "API token refused"); n != bearerPerClient {
		t.Errorf("%d refusals logged; want %d:\n%s", n, bearerPerClient, log)
	}
	if n := strings.Count(log, "API token attempts throttled"); n != 1 {
		t.Errorf("the throttling logged %d times; want once:\n%s", n, log)
	}
	if !strings.Contains(log, "client=198.51.100.7") {
		t.Errorf("the log does not name the client:\n%s", log)
	}
	if strings.Contains(log, "guess-") {
		t.Errorf("the log shows a guessed token:\n%s", log)
	}
	st, _, _ := e.do("GET", "/api/v1/status", nil, map[string]string{"Authorization": "Bearer " + testToken, "X-Forwarded-For": "198.51.100.8"})
	if st != http.StatusOK {
		t.Errorf("the right token from another client = %d; want 200", st)
	}
}

// TestForeignHostRefused: a request naming a host the console does not
// serve (a DNS-rebinding page's own name) gets 421 on the login page,
// the login itself, /metrics and the API; addresses, localhost and the
// configured names are served (F11).
func TestForeignHostRefused(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.AllowedHosts = []string{"cybridge.example.co.jp"} })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(e.srv.URL, "http://"))
	send := func(method, path, host string) (int, string) {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader("password=guess"))
		req.Host = host
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", "http://"+host)
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	calls, _ := countCompares(e, 0)
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.nip.io:" + port, "localhost.evil.example"} {
		for _, r := range []struct{ method, path string }{{"GET", "/login"}, {"POST", "/login"}, {"GET", "/metrics"}, {"GET", "/api/v1/status"}, {"GET", "/healthz"}} {
			st, body := send(r.method, r.path, host)
			if st != http.StatusMisdirectedRequest {
				t.Errorf("%s %s with Host %s = %d; want 421", r.method, r.path, host, st)
			}
			if r.path == "/login" && !strings.Contains(body, "console.allowed_hosts") {
				t.Errorf("%s %s with Host %s: the page does not say what to do:\n%s", r.method, r.path, host, body)
			}
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("a login for a foreign host was checked (%d comparisons)", n)
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port, "cybridge.example.co.jp", "Cybridge.Example.co.jp.:443", "admin.localhost:" + port} {
		if st, _ := send("GET", "/login", host); st != http.StatusOK {
			t.Errorf("GET /login with Host %s = %d; want 200", host, st)
		}
	}
}

// TestHealthzFailsWhenUnhealthy: /healthz answers 503 with the reason
// when the health check fails (F12: the database file was deleted).
func TestHealthzFailsWhenUnhealthy(t *testing.T) {
	var broken atomic.Bool
	e := newTestEnv(t, func(o *Options) {
		o.Healthy = func() error {
			if broken.Load() {
				return fmt.Errorf("the database file is gone")
			}
			return nil
		}
	})
	if st, _, _ := e.get("/healthz"); st != http.StatusOK {
		t.Fatalf("/healthz = %d", st)
	}
	broken.Store(true)
	if st, _, body := e.get("/healthz"); st != http.StatusServiceUnavailable || !strings.Contains(body, "database file is gone") {
		t.Errorf("/healthz when unhealthy = %d %q; want 503 with the reason", st, body)
	}
}

// TestRunAnsweredAfterClientLeftIsLogged: an API sync whose request was
// canceled after the run was recorded is logged as that run, with its
// status (F13).
func TestRunAnsweredAfterClientLeftIsLogged(t *testing.T) {
	var logBuf syncBuffer
	e := newTestEnv(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logBuf, nil)) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/runs", strings.NewReader(`{"wait":true}`))
	req.Host = "127.0.0.1"
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	e.server.ServeHTTP(httptest.NewRecorder(), req)
	if log := logBuf.String(); !strings.Contains(log, "run recorded; the answer could not be sent") || !strings.Contains(log, "status=applied") {
		t.Errorf("log:\n%s", log)
	}
}

// TestConsoleCheckConfig: the console's secrets have a minimum strength,
// a password past bcrypt's 72 bytes is a configuration error (not
// internal), and proxies and hosts must parse (F10).
func TestConsoleCheckConfig(t *testing.T) {
	okToken := secret.Secret(strings.Repeat("ab", 16))
	for _, tc := range []struct {
		name    string
		console config.Console
		pw      secret.Secret
		want    map[string]string
	}{
		{"good", config.Console{APIToken: okToken, TrustedProxies: []string{"127.0.0.1", "10.0.0.0/8", "::1"}, AllowedHosts: []string{"cybridge.example.co.jp"}}, "correct horse battery", nil},
		{"no password", config.Console{}, "", map[string]string{"admin_password": "config.admin_password_missing"}},
		{"one-space password", config.Console{}, " ", map[string]string{"admin_password": "config.admin_password_space"}},
		{"short password", config.Console{}, "admin", map[string]string{"admin_password": "config.admin_password_short"}},
		{"newline from a file", config.Console{}, "correct horse battery\n", map[string]string{"admin_password": "config.admin_password_space"}},
		{"73 bytes", config.Console{}, secret.Secret(strings.Repeat("a", 73)), map[string]string{"admin_password": "config.admin_password_long"}},
		{"25 Japanese characters", config.Console{}, secret.Secret(strings.Repeat("安", 25)), map[string]string{"admin_password": "config.admin_password_long"}},
		{"one-character token", config.Console{APIToken: "a"}, "correct horse battery", map[string]string{"console.api_token": "config.console_api_token_short"}},
		{"token with a space", config.Console{APIToken: okToken + " "}, "correct horse battery", map[string]string{"console.api_token": "config.console_api_token_space"}},
		{"bad proxy", config.Console{TrustedProxies: []string{"proxy.local"}}, "correct horse battery", map[string]string{"console.trusted_proxies": "config.console_trusted_proxy"}},
		{"bad host", config.Console{AllowedHosts: []string{"https://x.example/"}}, "correct horse battery", map[string]string{"console.allowed_hosts": "config.console_allowed_host"}},
		{"host with port", config.Console{AllowedHosts: []string{"x.example:8080"}}, "correct horse battery", map[string]string{"console.allowed_hosts": "config.console_allowed_host"}},
	} {
		got := map[string]string{}
		for _, p := range CheckConfig(tc.console, tc.pw, true) {
			got[p.Key] = p.Code
		}
		if tc.want == nil {
			tc.want = map[string]string{}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if ps := CheckConfig(config.Console{APIToken: "a"}, "", false); len(ps) != 0 {
		t.Errorf("not serving: %v; the console's settings are not read", ps)
	}
	// serve hashes the password: too long is the same configuration
	// error, never internal.
	_, err := HashPassword(secret.Secret(strings.Repeat("a", 73)))
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Problems[0].Code != "config.admin_password_long" {
		t.Errorf("HashPassword(73 bytes) = %v; want the configuration error", err)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
