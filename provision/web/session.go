package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
)

const (
	sessionCookie = "cybridge_session"
	langCookie    = "cybridge_lang"
	sessionIdle   = 2 * time.Hour
	sessionMax    = 12 * time.Hour
)

// session is one logged-in browser: who logged in (an account: its name
// and role at login; a stored account's role is read again at every
// request, so a removal or a new role takes effect at once). Only the
// SHA-256 of its token is kept.
type session struct {
	created, seen time.Time
	flash         *flash
	actor         access.Actor
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

// create starts a session of actor and returns its token.
func (ss *sessions) create(actor access.Actor) string {
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
	ss.m[sha256.Sum256([]byte(tok))] = &session{created: now, seen: now, actor: actor}
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

// requireSession serves h to logged-in browsers whose role allows the
// route (authorize) and sends others to the login page. A session of a
// stored account that was removed ends here.
func (s *Server) requireSession(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := s.sessions.get(r)
		if !ok {
			s.redirectToLogin(w, r)
			return
		}
		actor := sess.actor
		actor.Addr = s.auditAddr(r)
		if actor.Name != BootstrapAccount {
			role, err := s.accountRole(r.Context(), actor.Name)
			if err != nil {
				if msg.KindOf(err) != msg.KindNotFound {
					s.renderError(w, r, err)
					return
				}
				s.sessions.delete(r)
				s.redirectToLogin(w, r)
				return
			}
			actor.Role = role
		}
		s.authorize(w, r, actor, func(r *http.Request) { h(w, r, sess) })
	})
}

// accountRole is a stored account's role now.
func (s *Server) accountRole(ctx context.Context, name string) (access.Role, error) {
	if s.o.Accounts == nil {
		return "", &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound}
	}
	return s.o.Accounts.AccountRole(ctx, name)
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
			s.authorize(w, r, access.Actor{Kind: access.KindToken, Name: BootstrapToken, Role: access.Admin, Addr: s.auditAddr(r)}, func(r *http.Request) { h(w, r) })
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
		// Not the configured token: a stored one? Looked up outside the
		// throttle's lock (a database read); a stored token found gives
		// back the failure just counted.
		if name, role, found, err := s.storedToken(r); err != nil {
			s.apiError(w, r, err)
			return
		} else if found {
			s.bearer.refund(client)
			s.authorize(w, r, access.Actor{Kind: access.KindToken, Name: name, Role: role, Addr: s.auditAddr(r)}, func(r *http.Request) { h(w, r) })
			return
		}
		s.log.Warn("API token refused", "client", client, "path", r.URL.Path, "failures", fails)
		w.Header().Set("WWW-Authenticate", `Bearer realm="cybridge"`)
		s.apiError(w, r, &msg.Error{Kind: msg.KindUnauthorized, Code: "unauthorized", Key: "api.unauthorized"})
	})
}

// bearerToken is the request's bearer token, "" if none.
func bearerToken(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return ""
	}
	return strings.TrimSpace(auth[len(prefix):])
}

// storedToken looks the request's bearer token up among the stored ones.
func (s *Server) storedToken(r *http.Request) (string, access.Role, bool, error) {
	tok := bearerToken(r)
	if tok == "" || s.o.Accounts == nil {
		return "", "", false, nil
	}
	return s.o.Accounts.CheckToken(r.Context(), tok)
}

func (s *Server) tokenOK(r *http.Request) bool {
	tok := bearerToken(r)
	if !s.o.APIToken.IsSet() || tok == "" {
		return false
	}
	// Compare hashes so that the comparison takes the same time whatever
	// the lengths.
	got := sha256.Sum256([]byte(tok))
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
	Next, Name string
	Error      string
}

// login checks a login name and password: the bootstrap account
// (BootstrapAccount, admin_password; an empty name is it too, as
// the form had no name before) or a stored account. The attempt is
// reserved for the client before bcrypt runs (throttle.reserve), so that
// parallel guesses cannot pass the limit, and bcrypt runs in one of
// bcryptSlots. An account with loginPerAccount failures in the window is
// refused to clients that failed before too (a client with a clean record
// still gets its one try: nobody can lock an admin out from elsewhere). A
// body that does not arrive whole (cut at the read deadline) is no
// attempt. Every checked attempt is audited (login, login_failure).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "request.unreadable", Err: err})
		return
	}
	client := s.clientAddr(r)
	next := safeNext(r.PostFormValue("next"))
	name := strings.TrimSpace(r.PostFormValue("login"))
	if name == "" {
		name = BootstrapAccount
	}
	form := loginData{Next: next, Name: r.PostFormValue("login")}
	l := s.localizer(r)
	tooMany := func(wait time.Duration) {
		form.Error = l.T("login.too_many", "minutes", int(wait.Minutes())+1)
		s.render(w, r, http.StatusTooManyRequests, "login", nil, form)
	}
	ok, wait := s.logins.reserve(client)
	if !ok {
		tooMany(wait)
		return
	}
	if wait := s.accountLogins.blockedFor(name); wait > 0 && s.logins.failures(client) > 1 {
		s.logins.refund(client)
		tooMany(wait)
		return
	}
	if !s.acquireBcrypt(r) {
		s.logins.refund(client)
		s.log.Warn("console login refused: busy", "client", client)
		form.Error = l.T("login.busy")
		s.render(w, r, http.StatusServiceUnavailable, "login", nil, form)
		return
	}
	role, err := s.checkLogin(r.Context(), name, r.PostFormValue("password"))
	<-s.bcrypt
	actor := access.Actor{Kind: access.KindAccount, Name: name, Role: role, Addr: s.auditAddr(r)}
	ctx := access.WithActor(r.Context(), actor)
	if err != nil {
		s.logins.settle(client, false)
		s.accountLogins.fail(name)
		s.log.Warn("console login failed", "client", client, "login", name)
		s.record(ctx, access.ActionLoginFailure, "account "+name, err)
		// The same words whatever was wrong.
		form.Error = l.T("login.failed")
		s.render(w, r, http.StatusUnauthorized, "login", nil, form)
		return
	}
	s.logins.settle(client, true)
	s.accountLogins.settle(name, true)
	s.sessions.delete(r) // a fresh token at every login (no fixation)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.sessions.create(actor), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isTLS(r),
		MaxAge: int(sessionMax / time.Second),
	})
	s.log.Info("console login", "client", client, "login", name, "role", role)
	s.record(ctx, access.ActionLogin, "account "+name, nil)
	seeOther(w, next)
}

// checkLogin checks name's password: the bootstrap account's against the
// configured hash, a stored account's by the backend (one bcrypt each).
func (s *Server) checkLogin(ctx context.Context, name, password string) (access.Role, error) {
	if name == BootstrapAccount || s.o.Accounts == nil {
		if name != BootstrapAccount {
			_ = s.compare(s.o.PasswordHash, []byte(password)) // as long as a wrong password
			return "", errLoginFailed
		}
		if s.compare(s.o.PasswordHash, []byte(password)) != nil {
			return "", errLoginFailed
		}
		return access.Admin, nil
	}
	return s.o.Accounts.CheckPassword(ctx, name, password)
}

var errLoginFailed = &msg.Error{Kind: msg.KindUnauthorized, Code: "unauthorized", Key: "api.unauthorized"}

// record audits an action of the actor in ctx, when there is an audit
// log.
func (s *Server) record(ctx context.Context, action, target string, err error) {
	if s.o.Accounts != nil {
		s.o.Accounts.Record(ctx, action, target, 0, err)
	}
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
