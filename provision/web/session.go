package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"github.com/cybridge/cybridge/internal/msg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
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
	seeOther(w, "/login"+next)
}

// requireToken serves h to requests with the API bearer token. Wrong
// tokens are logged and throttled per client (bearerPerClient): a
// throttled client gets 429 without its token being compared. A request
// with no Authorization header guesses nothing: it gets 401, uncounted.
func (s *Server) requireToken(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, given := r.Header["Authorization"]; !given {
			// No guess: not counted, not logged.
			w.Header().Set("WWW-Authenticate", `Bearer realm="cybridge"`)
			s.apiError(w, r, &msg.Error{Kind: msg.KindUnauthorized, Code: "unauthorized", Key: "api.unauthorized"})
			return
		}
		client := s.clientAddr(r)
		passed, wait, fails, first := s.bearer.check(client, func() bool { return s.tokenOK(r) })
		switch {
		case passed:
			h(w, r)
			return
		case wait > 0:
			if first {
				s.log.Warn("API token attempts throttled", "client", client, "failures", fails, "wait", wait.Round(time.Second))
			}
			// 429 is no kind's status: the answer is written here.
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			err := &msg.Error{Kind: msg.KindUnauthorized, Code: "too_many_attempts", Key: "api.too_many_attempts",
				Params: msg.Params{"minutes": int(wait.Minutes()) + 1}}
			writeJSON(w, http.StatusTooManyRequests, map[string]problem{"error": s.problemOf(apiLang(r), err)})
			return
		}
		s.log.Warn("API token refused", "client", client, "path", r.URL.Path, "failures", fails)
		w.Header().Set("WWW-Authenticate", `Bearer realm="cybridge"`)
		s.apiError(w, r, &msg.Error{Kind: msg.KindUnauthorized, Code: "unauthorized", Key: "api.unauthorized"})
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
		seeOther(w, r.URL.Query().Get("next"))
		return
	}
	s.render(w, r, http.StatusOK, "login", nil, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

type loginData struct {
	Next  string
	Error string
}

// login checks the admin password. The attempt is reserved for the
// client before bcrypt runs (throttle.reserve), so that parallel guesses
// cannot pass the limit, and bcrypt runs in one of bcryptSlots. A body
// that does not arrive whole (cut at the read deadline) is no attempt.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "request.unreadable", Err: err})
		return
	}
	client := s.clientAddr(r)
	next := safeNext(r.PostFormValue("next"))
	l := s.localizer(r)
	if ok, wait := s.logins.reserve(client); !ok {
		s.render(w, r, http.StatusTooManyRequests, "login", nil, loginData{Next: next, Error: l.T("login.too_many", "minutes", int(wait.Minutes())+1)})
		return
	}
	if !s.acquireBcrypt(r) {
		s.logins.refund(client)
		s.log.Warn("console login refused: busy", "client", client)
		s.render(w, r, http.StatusServiceUnavailable, "login", nil, loginData{Next: next, Error: l.T("login.busy")})
		return
	}
	err := s.compare(s.o.PasswordHash, []byte(r.PostFormValue("password")))
	<-s.bcrypt
	if err != nil {
		s.logins.settle(client, false)
		s.log.Warn("console login failed", "client", client)
		// The same words whatever was wrong.
		s.render(w, r, http.StatusUnauthorized, "login", nil, loginData{Next: next, Error: l.T("login.failed")})
		return
	}
	s.logins.settle(client, true)
	s.sessions.delete(r) // a fresh token at every login (no fixation)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.sessions.create(), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r),
		MaxAge: int(sessionMax / time.Second),
	})
	s.log.Info("console login", "client", client)
	seeOther(w, next)
}

// acquireBcrypt takes a bcrypt slot, waiting up to bcryptWait.
func (s *Server) acquireBcrypt(r *http.Request) bool {
	t := time.NewTimer(bcryptWait)
	defer t.Stop()
	select {
	case s.bcrypt <- struct{}{}:
		return true
	case <-t.C:
	case <-r.Context().Done():
	}
	return false
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.delete(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r)})
	seeOther(w, "/login")
}

// setLang stores the chosen language in a cookie and goes back.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "request.unreadable", Err: err})
		return
	}
	lang := r.PostFormValue("lang")
	if lang != "ja" && lang != "en" {
		lang = "ja"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r)})
	seeOther(w, r.PostFormValue("next"))
}
