package web

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
)

// Limits on what unauthenticated traffic may cost (SECURITY.md, "Console
// and API"). A client is an IP address (an IPv6 /64, which one host
// usually holds whole), behind the configured trusted proxies the address
// they forwarded.
const (
	// loginWindow, loginPerClient: at most 5 failed logins per client in
	// any 15 minutes, and one attempt in flight per client. A client that
	// reached the limit waits until its oldest failure leaves the window;
	// no other client is affected, so nobody can lock the admin out from
	// another address.
	loginWindow    = 15 * time.Minute
	loginPerClient = 5
	// loginPerAccount: an account with 100 failed logins in 15 minutes,
	// from anywhere, is refused to clients that have failed before (see
	// Server.login). The per-client limit bounds one guesser; this bounds
	// a guesser spread over many addresses to one try per address, while
	// the account's owner at an address with no failure still gets in (a
	// refusal that anyone could cause for everyone would lock the admin
	// out, F3).
	loginPerAccount = 100
	// bcryptSlots bounds the bcrypt comparisons running at once, whoever
	// asks: unauthenticated work costs at most this many cores. A login
	// that finds every slot taken waits up to bcryptWait, then is told to
	// try again (its attempt is refunded).
	bcryptSlots = 2
	bcryptWait  = 10 * time.Second
	// bearerPerClient: at most 10 wrong API tokens per client in any 15
	// minutes; then the client's API requests get 429 without their token
	// being compared until the window frees.
	bearerPerClient = 10
	// maxClients bounds the clients remembered; beyond it, clients with no
	// failure in the window are forgotten first.
	maxClients = 100000
	// DefaultBodyTimeout bounds reading a request's body (a login, a form,
	// a JSON body); DefaultUploadTimeout a CSV upload's.
	DefaultBodyTimeout   = 15 * time.Second
	DefaultUploadTimeout = 10 * time.Minute
)

// throttle counts failures per client in a sliding window.
type throttle struct {
	now     func() time.Time
	window  time.Duration
	limit   int
	mu      sync.Mutex
	clients map[string]*attempts
}

// attempts are one client's failures in the window (a login being
// checked counts as one until it succeeds), whether it has an attempt in
// flight, and whether its throttling was logged.
type attempts struct {
	fails  []time.Time
	busy   bool
	logged bool
}

func newThrottle(now func() time.Time, window time.Duration, limit int) *throttle {
	return &throttle{now: now, window: window, limit: limit, clients: map[string]*attempts{}}
}

// get is client's record with old failures dropped; the caller holds mu.
func (t *throttle) get(client string, now time.Time) *attempts {
	a := t.clients[client]
	if a == nil {
		if len(t.clients) >= maxClients {
			t.prune(now)
		}
		a = &attempts{}
		t.clients[client] = a
	}
	keep := a.fails[:0]
	for _, f := range a.fails {
		if now.Sub(f) < t.window {
			keep = append(keep, f)
		}
	}
	a.fails = keep
	if len(keep) < t.limit {
		a.logged = false
	}
	return a
}

// prune forgets clients with nothing to remember; the caller holds mu.
func (t *throttle) prune(now time.Time) {
	for c, a := range t.clients {
		if !a.busy && (len(a.fails) == 0 || now.Sub(a.fails[len(a.fails)-1]) >= t.window) {
			delete(t.clients, c)
		}
	}
}

// blocked is how long client must wait, 0 if it may try now.
func (t *throttle) blocked(a *attempts, now time.Time) time.Duration {
	if len(a.fails) >= t.limit {
		return max(time.Second, t.window-now.Sub(a.fails[len(a.fails)-t.limit]))
	}
	return 0
}

// reserve takes a login attempt for client before the password is
// checked: it counts as a failure until settle says it succeeded, so
// parallel attempts cannot pass the limit, and a client has one attempt in
// flight at most. If refused, wait is how long until it may try.
func (t *throttle) reserve(client string) (ok bool, wait time.Duration) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.get(client, now)
	if w := t.blocked(a, now); w > 0 {
		return false, w
	}
	if a.busy {
		return false, time.Second
	}
	a.fails = append(a.fails, now)
	a.busy = true
	return true, 0
}

// settle ends client's reserved attempt: a success forgets its failures,
// a failure keeps the reservation as one.
func (t *throttle) settle(client string, success bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if success {
		delete(t.clients, client)
		return
	}
	if a := t.clients[client]; a != nil {
		a.busy = false
	}
}

// refund gives back client's reserved attempt: the password was never
// checked.
func (t *throttle) refund(client string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a := t.clients[client]; a != nil {
		a.busy = false
		if n := len(a.fails); n > 0 {
			a.fails = a.fails[:n-1]
		}
	}
}

// blockedFor is how long key must wait, 0 if it may try now.
func (t *throttle) blockedFor(key string) time.Duration {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.blocked(t.get(key, now), now)
}

// failures is key's failures in the window (a reserved attempt counts).
func (t *throttle) failures(key string) int {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.get(key, now).fails)
}

// fail counts a failure for key.
func (t *throttle) fail(key string) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.get(key, now)
	a.fails = append(a.fails, now)
}

// check runs ok for client unless it is throttled, counting a false as a
// failure, atomically (ok must be quick: a constant-time comparison). It
// returns whether ok ran and said yes, how long a throttled client must
// wait (0 if it was not), the client's failures in the window, and
// whether this is the first refusal of its throttling (to log once).
func (t *throttle) check(client string, ok func() bool) (passed bool, wait time.Duration, fails int, first bool) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.get(client, now)
	if w := t.blocked(a, now); w > 0 {
		first = !a.logged
		a.logged = true
		return false, w, len(a.fails), first
	}
	if ok() {
		return true, 0, len(a.fails), false
	}
	a.fails = append(a.fails, now)
	return false, 0, len(a.fails), false
}

// clientAddr is the client a request counts against: the peer's address,
// or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one (proxies append, so the entries left of
// the first untrusted one are the client's to forge). IPv6 addresses
// count by /64.
func (s *Server) clientAddr(r *http.Request) string {
	addr, ok := s.clientIP(r)
	if !ok {
		return peerHost(r)
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// clientIP is the client's own address, resolved as clientAddr does but
// whole (the audit log names it); ok false when the peer's address is
// not an IP address (peerHost is then all there is).
func (s *Server) clientIP(r *http.Request) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(peerHost(r))
	if err != nil {
		return netip.Addr{}, false
	}
	addr = addr.Unmap()
	if s.trusted(addr) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = a.Unmap()
			if !s.trusted(addr) {
				break
			}
		}
	}
	return addr, true
}

// auditAddr is the client's address as the audit log records it: whole,
// through the trusted proxies.
func (s *Server) auditAddr(r *http.Request) string {
	if addr, ok := s.clientIP(r); ok {
		return addr.String()
	}
	return peerHost(r)
}

// peerHost is the host part of the peer's address.
func peerHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.o.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// hostAllowed reports whether a request's Host may be served: an IP
// address, localhost, or a configured name (Options.AllowedHosts). A page
// of another site that rebinds its own name to this machine's address
// sends its own name as Host, and is refused (DNS rebinding); an address
// cannot be rebound.
func (s *Server) hostAllowed(hostport string) bool {
	if hostport == "" {
		return true // HTTP/1.0 without Host: no browser
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	for _, h := range s.o.AllowedHosts {
		if strings.EqualFold(strings.TrimSuffix(h, "."), host) {
			return true
		}
	}
	return false
}

// guard refuses requests for a Host not served (421) and bounds the time
// a request's body may take to arrive, so that a client that sends it
// slowly holds its connection no longer than that.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			s.log.Warn("request for a host not served refused", "host", r.Host, "client", s.clientAddr(r), "path", r.URL.Path)
			err := &msg.Error{Kind: msg.KindForbidden, Code: "host_not_allowed", Key: "host_not_allowed", Params: msg.Params{"host": r.Host}}
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeJSON(w, http.StatusMisdirectedRequest, map[string]problem{"error": s.problemOf(apiLang(r), err)})
				return
			}
			s.render(w, r, http.StatusMisdirectedRequest, "error", nil, errorData{problem: s.problemOf(requestLang(r), err), Status: http.StatusMisdirectedRequest})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			d := s.o.BodyTimeout
			if r.URL.Path == "/upload" || r.URL.Path == "/api/v1/csv" {
				d = s.o.UploadTimeout
			}
			// The deadline stays for what the server reads after the
			// handler (the unread rest of a body); it sets its own for
			// the next request on the connection.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		}
		next.ServeHTTP(w, r)
	})
}

// seeOther redirects to to, a path of this site (checked by safeNext),
// writing Location as it is: http.Redirect would clean the path after
// the check ("/x/../\evil" → "/\evil", which a browser reads as
// "//evil").
func seeOther(w http.ResponseWriter, to string) {
	w.Header().Set("Location", safeNext(to))
	w.WriteHeader(http.StatusSeeOther)
}

// safeNext keeps a redirect target on this site: "/" unless next is a
// path of ours as it will be sent. Refused: anything with a scheme, a host
// or user info; "//" at the start; any backslash (browsers read it as a
// slash: "/\evil" is "//evil"); any control character or space (browsers
// drop tabs and newlines from a URL, so "/\t/evil" is "//evil" to them);
// and a path whose dot segments, once resolved as a browser does, start
// with "//".
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r <= 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if ref := (&url.URL{Scheme: "http", Host: "console.invalid", Path: "/"}).ResolveReference(u); ref.Host != "console.invalid" || strings.HasPrefix(ref.EscapedPath(), "//") {
		return "/"
	}
	return next
}
