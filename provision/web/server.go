package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

//go:embed templates/*.html static/*
var assets embed.FS

// PageSize is how many rows a table shows per page.
const PageSize = 200

// Options configures a Server.
type Options struct {
	Backend Backend
	// PasswordHash is the bcrypt hash of the admin password (HashPassword).
	PasswordHash []byte
	// APIToken is the API bearer token; unset disables the API.
	APIToken secret.Secret
	// UploadLimit caps one upload request, in bytes.
	UploadLimit int64
	// Location is the time zone times are shown in.
	Location *time.Location
	// Redactor scrubs configured secrets from every error message shown.
	Redactor secret.Redactor
	Logger   *slog.Logger
	Now      func() time.Time
	Version  string
	// Certificate, if set, is the Secure Access client certificate's state
	// at a time (nil when none is configured): the overview warns with its
	// issue and /metrics exposes it.
	Certificate func(now time.Time) *Certificate
	// Accounts are the named accounts, API tokens and the audit log; nil
	// serves the bootstrap account and token only (see Accounts).
	Accounts Accounts
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (console.trusted_proxies); from any other peer the
	// header is ignored.
	TrustedProxies []netip.Prefix
	// AllowedHosts are the names, besides IP addresses and localhost, that
	// requests may give as Host (console.allowed_hosts and the host of
	// console.base_url); any other gets 421 (DNS rebinding).
	AllowedHosts []string
	// UploadDir is where CSV uploads are streamed to, in a private folder
	// of the server's own (the system's temporary folder when "").
	UploadDir string
	// BodyTimeout bounds reading a request body, UploadTimeout a CSV
	// upload's (DefaultBodyTimeout, DefaultUploadTimeout when zero).
	BodyTimeout, UploadTimeout time.Duration
	// Healthy, if set, is checked by /healthz (the database file is the
	// one opened): an error answers 503 with its text.
	Healthy func() error
}

// HashPassword hashes the admin password for Options.PasswordHash.
func HashPassword(pw secret.Secret) ([]byte, error) {
	if !pw.IsSet() {
		return nil, &msg.Error{Kind: msg.KindInvalid, Code: "admin_password_missing", Key: "config.admin_password_missing"}
	}
	if p := checkAdminPassword(pw); p != nil {
		return nil, config.NewError(nil, []config.Problem{*p})
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw.Reveal()), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("hash the admin password: %w", err)
	}
	return h, nil
}

// Server is the console and API.
type Server struct {
	o        Options
	log      *slog.Logger
	pages    map[string]*template.Template
	sessions *sessions
	handler  http.Handler
	// logins and bearer throttle failed logins and API tokens per client;
	// bcrypt holds the slots of running bcrypt comparisons.
	logins, bearer *throttle
	// accountLogins counts failed logins per account name.
	accountLogins *throttle
	bcrypt        chan struct{}
	// rules is routeRules; patterns the routes registered, in order (the
	// role test walks them).
	rules    map[string]rule
	patterns []string
	// compare checks a password against its hash (bcrypt; a test counts
	// the calls).
	compare func(hash, password []byte) error
	// uploads is where CSV uploads are streamed to.
	uploads *uploadRoot
}

// New builds the server.
func New(o Options) (*Server, error) {
	if o.Backend == nil {
		return nil, errors.New("web: no backend")
	}
	if len(o.PasswordHash) == 0 {
		return nil, errors.New("web: no admin password hash")
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.UploadLimit <= 0 {
		o.UploadLimit = 50 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BodyTimeout <= 0 {
		o.BodyTimeout = DefaultBodyTimeout
	}
	if o.UploadTimeout <= 0 {
		o.UploadTimeout = DefaultUploadTimeout
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		o:             o,
		log:           o.Logger,
		pages:         pages,
		sessions:      newSessions(o.Now),
		logins:        newThrottle(o.Now, loginWindow, loginPerClient),
		bearer:        newThrottle(o.Now, loginWindow, bearerPerClient),
		accountLogins: newThrottle(o.Now, loginWindow, loginPerAccount),
		rules:         routeRules(),
		bcrypt:        make(chan struct{}, bcryptSlots),
		compare:       bcrypt.CompareHashAndPassword,
		uploads:       &uploadRoot{parent: o.UploadDir},
	}
	s.handler = s.routes()
	return s, nil
}

// Close removes the folder uploads are streamed to, with whatever a
// request cut off at shutdown left in it; uploads after it fail. Call it
// once the HTTP server has shut down.
func (s *Server) Close() error { return s.uploads.close() }

// ServeHTTP serves the console and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux(), patterns: &s.patterns}
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", s.metrics)

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("POST /lang", s.setLang)

	// Every page and API route is behind a session or a token, and its
	// role (routeRules, checked by authorize).
	page := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireSession(h))
	}
	page("GET /{$}", s.overview)
	page("POST /runs", s.runNow)
	page("POST /resume", s.resume)
	page("POST /pause", s.pause)
	page("GET /plan", s.planPage)
	page("POST /plan/apply", s.applyPlan)
	page("GET /jobs/{id}", s.jobPage)
	page("POST /jobs/{id}/cancel", s.cancelJob)
	page("GET /notifications", s.notificationsPage)
	page("GET /runs", s.runsPage)
	page("GET /runs/{id}", s.runPage)
	page("GET /runs/{id}/plan.json", s.runPlanJSON)
	page("GET /upload", s.uploadPage)
	page("POST /upload", s.upload)
	page("GET /roster", s.rosterPage)
	page("POST /roster/departments", s.addDepartment)
	page("GET /roster/departments/{code}", s.departmentPage)
	page("POST /roster/departments/{code}", s.editDepartment)
	page("POST /roster/members", s.addMember)
	page("GET /roster/members/{login}", s.memberPage)
	page("POST /roster/members/{login}", s.editMember)
	page("GET /calendar", s.calendarPage)
	page("GET /calendar/{login}", s.enrolmentPage)
	page("POST /calendar/{login}/target", s.setTarget)
	page("POST /calendar/{login}/{action}", s.enrolmentAction)
	page("GET /history", s.historyPage)
	page("GET /audit", s.auditPage)
	page("GET /accounts", s.accountsPage)
	page("POST /accounts", s.addAccount)
	page("POST /accounts/{name}/password", s.setPassword)
	page("POST /accounts/{name}/delete", s.removeAccount)
	page("POST /tokens", s.addToken)
	page("POST /tokens/{name}/delete", s.removeToken)

	api := func(pattern string, h apiFunc) { mux.Handle(pattern, s.requireToken(s.api(h))) }
	api("GET /api/v1/status", s.apiStatus)
	api("POST /api/v1/resume", s.apiResume)
	api("POST /api/v1/pause", s.apiPause)
	api("GET /api/v1/runs", s.apiRuns)
	api("POST /api/v1/runs", s.apiRunNow)
	api("GET /api/v1/runs/{id}", s.apiRun)
	api("GET /api/v1/jobs", s.apiJobs)
	api("GET /api/v1/jobs/{id}", s.apiJob)
	api("POST /api/v1/jobs/{id}/cancel", s.apiCancelJob)
	api("GET /api/v1/notifications", s.apiNotifications)
	api("GET /api/v1/plan", s.apiPlan)
	api("POST /api/v1/plan/apply", s.apiApply)
	mux.Handle("POST /api/v1/csv", s.requireToken(s.apiCSV))
	api("GET /api/v1/roster", s.apiRoster)
	api("POST /api/v1/roster/departments", s.apiAddDepartment)
	api("PATCH /api/v1/roster/departments/{code}", s.apiEditDepartment)
	api("POST /api/v1/roster/members", s.apiAddMember)
	api("PATCH /api/v1/roster/members/{login}", s.apiEditMember)
	api("GET /api/v1/enrolments", s.apiEnrolments)
	api("GET /api/v1/enrolments/{login}", s.apiEnrolment)
	api("PUT /api/v1/enrolments/{login}/target", s.apiSetTarget)
	api("POST /api/v1/enrolments/{login}/{action}", s.apiEnrolmentAction)
	api("GET /api/v1/history", s.apiHistory)
	api("GET /api/v1/audit", s.apiAudit)
	api("GET /api/v1/changes", s.apiChanges)
	api("/api/", func(r *http.Request) (reply, error) {
		return reply{}, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "api.no_endpoint", Params: msg.Params{"path": r.URL.Path}}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sess, ok := s.sessions.get(r)
		if !ok {
			s.redirectToLogin(w, r)
			return
		}
		r = r.WithContext(access.WithActor(r.Context(), sess.actor))
		s.renderError(w, r, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "no_page", Params: msg.Params{"path": r.URL.Path}})
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	return s.securityHeaders(s.guard(cop.Handler(mux)))
}

// routeMux is a ServeMux that remembers the patterns registered.
type routeMux struct {
	*http.ServeMux
	patterns *[]string
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	*m.patterns = append(*m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// No scripts at all; styles and images only from here; forms only
		// post here; never framed (clickjacking).
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if isTLS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// isTLS reports whether the browser reached us over TLS, directly or
// through a reverse proxy that says so.
func isTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	err := msg.New(msg.KindForbidden, "cross_origin", nil)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}

// problem is an error as the console and the API show it: its stable
// code, its text in the reader's language with configured secrets
// scrubbed, and its parameters (always an object in JSON, so that a client
// can render its own text from code and params).
type problem struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Params  msg.Params `json:"params"`
}

// problemOf is err as shown in lang. An error without a code is internal:
// its detail goes to the log, not to the reader.
func (s *Server) problemOf(lang msg.Lang, err error) problem {
	p := problem{Code: msg.Code(err), Message: s.scrub(msg.Localize(lang, err)), Params: msg.ParamsOf(err)}
	if p.Code == msg.CodeInternal {
		p.Message = msg.Text(lang, "internal", nil)
	}
	if p.Params == nil {
		p.Params = msg.Params{}
	}
	return p
}

// statusOf is the HTTP status of err: a table lookup by its kind
// (msg.HTTPStatus), never by its code's spelling.
func statusOf(err error) int { return msg.HTTPStatus(msg.KindOf(err)) }
