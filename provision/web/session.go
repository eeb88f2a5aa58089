package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"github.com/cybridge/cybridge/internal/msg"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

const (
	sessionCookie = "cybridge_session"
	langCookie    = "cybridge_lang"
	sessionIdle   = 2 * time.Hour
	sessionMax    = 12 * time.Hour
)

// session is one logged-in browser. Only the SHA-256 of its token is kept.
type session struct {
	created, seen time.Time
	flash         *flash
}

// flash is a one-time message shown on the next page.
type flash struct {
	Kind string // ok, error
	Text string
	Code string
}

type sessions struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[[32]byte]*session
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, m: map[[32]byte]*session{}}
}

// create starts a session and returns its token.
func (ss *sessions) create() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, s := range ss.m { // drop expired ones now and then
		if ss.expired(s, now) {
			delete(ss.m, k)
		}
	}
	ss.m[sha256.Sum256([]byte(tok))] = &session{created: now, seen: now}
	return tok
}

func (ss *sessions) expired(s *session, now time.Time) bool {
	return now.Sub(s.seen) > sessionIdle || now.Sub(s.created) > sessionMax
}

// get returns the request's live session.
func (ss *sessions) get(r *http.Request) (*session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, false
	}
	k := sha256.Sum256([]byte(c.Value))
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[k]
	if !ok {
		return nil, false
	}
	if ss.expired(s, now) {
		delete(ss.m, k)
		return nil, false
	}
	s.seen = now
	return s, true
}

func (ss *sessions) delete(r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		ss.mu.Lock()
		delete(ss.m, sha256.Sum256([]byte(c.Value)))
		ss.mu.Unlock()
	}
}

func (ss *sessions) setFlash(s *session, f flash) {
	ss.mu.Lock()
	s.flash = &f
	ss.mu.Unlock()
}

func (ss *sessions) popFlash(s *session) *flash {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := s.flash
	s.flash = nil
	return f
}

// loginLimiter limits failed logins per client address and overall, so the
// password cannot be guessed quickly and bcrypt cannot be used to burn CPU.
type loginLimiter struct {
	now                func() time.Time
	window             time.Duration
	perClient, overall int
	mu                 sync.Mutex
	byClient           map[string][]time.Time
	all                []time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, window: 15 * time.Minute, perClient: 5, overall: 50, byClient: map[string][]time.Time{}}
}

func recent(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	keep := ts[:0]
	for _, t := range ts {
		if now.Sub(t) < window {
			keep = append(keep, t)
		}
	}
	return keep
}

// allow reports whether client may try to log in now, and if not, how long
// until it may.
func (l *loginLimiter) allow(client string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = recent(l.all, now, l.window)
	c := recent(l.byClient[client], now, l.window)
	if len(c) == 0 {
		delete(l.byClient, client)
	} else {
		l.byClient[client] = c
	}
	switch {
	case len(c) >= l.perClient:
		return false, l.window - now.Sub(c[0])
	case len(l.all) >= l.overall:
		return false, l.window - now.Sub(l.all[0])
	}
	return true, 0
}

func (l *loginLimiter) fail(client string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byClient[client] = append(l.byClient[client], now)
	l.all = append(l.all, now)
}

func (l *loginLimiter) succeed(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byClient, client)
}

// clientAddr is the peer's IP address. X-Forwarded-For is not trusted:
// behind a reverse proxy every attempt counts against the proxy, which only
// makes the limit stricter.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// requireSession serves h to logged-in browsers and sends others to the
// login page.
func (s *Server) requireSession(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := s.sessions.get(r)
		if !ok {
			s.redirectToLogin(w, r)
			return
		}
		h(w, r, sess)
	})
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request) {
	next := ""
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		next = "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, "/login"+next, http.StatusSeeOther)
}

// requireToken serves h to requests with the API bearer token.
func (s *Server) requireToken(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.tokenOK(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cybridge"`)
			s.apiError(w, r, &msg.Error{Kind: msg.KindUnauthorized, Code: "unauthorized", Key: "api.unauthorized"})
			return
		}
		h(w, r)
	})
}

func (s *Server) tokenOK(r *http.Request) bool {
	if !s.o.APIToken.IsSet() {
		return false
	}
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	// Compare hashes so that the comparison takes the same time whatever
	// the lengths.
	got := sha256.Sum256([]byte(strings.TrimSpace(auth[len(prefix):])))
	want := sha256.Sum256([]byte(s.o.APIToken.Reveal()))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.sessions.get(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", nil, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

type loginData struct {
	Next  string
	Error string
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	client := clientAddr(r)
	next := safeNext(r.PostFormValue("next"))
	if ok, wait := s.limiter.allow(client); !ok {
		l := s.localizer(r)
		mins := int(wait.Minutes()) + 1
		s.render(w, r, http.StatusTooManyRequests, "login", nil, loginData{Next: next, Error: l.T("login.too_many", "minutes", mins)})
		return
	}
	pw := r.PostFormValue("password")
	if bcrypt.CompareHashAndPassword(s.o.PasswordHash, []byte(pw)) != nil {
		s.limiter.fail(client)
		s.log.Warn("console login failed", "client", client)
		// The same words whatever was wrong.
		s.render(w, r, http.StatusUnauthorized, "login", nil, loginData{Next: next, Error: s.localizer(r).T("login.failed")})
		return
	}
	s.limiter.succeed(client)
	s.sessions.delete(r) // a fresh token at every login (no fixation)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.sessions.create(), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r),
		MaxAge: int(sessionMax / time.Second),
	})
	s.log.Info("console login", "client", client)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.delete(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r)})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLang stores the chosen language in a cookie and goes back.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	lang := r.PostFormValue("lang")
	if lang != "ja" && lang != "en" {
		lang = "ja"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r)})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// safeNext keeps a redirect target on this site: a path of ours, with no
// control character (browsers drop tabs and newlines from a URL, so
// "/\t/evil.example" would be "//evil.example" to them).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}
