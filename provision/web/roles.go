package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// rule is a route's minimum role, and the audited action a refusal of it
// is recorded as ("" for reads: a refused read changes nothing).
type rule struct {
	min    access.Role
	action string
}

// routeRules is the one table of who may use what: every console and API
// route, by its ServeMux pattern, with its minimum role. authorize
// enforces it for every route behind a session or a token, and
// TestRoleMatrix walks every registered route against it, so a route
// added without an entry fails that test; until then it is admin only
// (fail closed). Viewers read; operators also run, test-run, apply,
// upload CSV, pause and resume; admins also edit the roster and the
// enrolments, manage accounts and API tokens. The audit log is for
// operators and admins (it names who did what from where; a viewer sees
// the runs' own pages).
func routeRules() map[string]rule {
	v, o, a := rule{min: access.Viewer}, func(act string) rule { return rule{access.Operator, act} }, func(act string) rule { return rule{access.Admin, act} }
	return map[string]rule{
		"GET /{$}":                                 v,
		"POST /runs":                               o(access.ActionRun),
		"POST /resume":                             o(access.ActionResume),
		"POST /pause":                              o(access.ActionPause),
		"GET /plan":                                v,
		"POST /plan/apply":                         o(access.ActionApply),
		"GET /runs":                                v,
		"GET /runs/{id}":                           v,
		"GET /runs/{id}/plan.json":                 v,
		"GET /upload":                              v,
		"POST /upload":                             o(access.ActionCSVUpload),
		"GET /roster":                              v,
		"POST /roster/departments":                 a(access.ActionRosterEdit),
		"GET /roster/departments/{code}":           v,
		"POST /roster/departments/{code}":          a(access.ActionRosterEdit),
		"POST /roster/members":                     a(access.ActionRosterEdit),
		"GET /roster/members/{login}":              v,
		"POST /roster/members/{login}":             a(access.ActionRosterEdit),
		"GET /calendar":                            v,
		"GET /calendar/{login}":                    v,
		"POST /calendar/{login}/target":            a(access.ActionEnrolment),
		"POST /calendar/{login}/{action}":          a(access.ActionEnrolment),
		"GET /history":                             v,
		"GET /jobs/{id}":                           v,
		"POST /jobs/{id}/cancel":                   o(access.ActionCancel),
		"GET /notifications":                       {min: access.Operator},
		"GET /audit":                               {min: access.Operator},
		"GET /accounts":                            {min: access.Admin},
		"POST /accounts":                           a(access.ActionAccountAdd),
		"POST /accounts/{name}/password":           a(access.ActionAccountPw),
		"POST /accounts/{name}/delete":             a(access.ActionAccountRm),
		"POST /tokens":                             a(access.ActionTokenAdd),
		"POST /tokens/{name}/delete":               a(access.ActionTokenRm),
		"GET /api/v1/status":                       v,
		"POST /api/v1/resume":                      o(access.ActionResume),
		"POST /api/v1/pause":                       o(access.ActionPause),
		"GET /api/v1/runs":                         v,
		"POST /api/v1/runs":                        o(access.ActionRun),
		"GET /api/v1/runs/{id}":                    v,
		"GET /api/v1/changes":                      v,
		"GET /api/v1/jobs":                         v,
		"GET /api/v1/jobs/{id}":                    v,
		"POST /api/v1/jobs/{id}/cancel":            o(access.ActionCancel),
		"GET /api/v1/notifications":                {min: access.Operator},
		"GET /api/v1/plan":                         v,
		"POST /api/v1/plan/apply":                  o(access.ActionApply),
		"POST /api/v1/csv":                         o(access.ActionCSVUpload),
		"GET /api/v1/roster":                       v,
		"POST /api/v1/roster/departments":          a(access.ActionRosterEdit),
		"PATCH /api/v1/roster/departments/{code}":  a(access.ActionRosterEdit),
		"POST /api/v1/roster/members":              a(access.ActionRosterEdit),
		"PATCH /api/v1/roster/members/{login}":     a(access.ActionRosterEdit),
		"GET /api/v1/enrolments":                   v,
		"GET /api/v1/enrolments/{login}":           v,
		"PUT /api/v1/enrolments/{login}/target":    a(access.ActionEnrolment),
		"POST /api/v1/enrolments/{login}/{action}": a(access.ActionEnrolment),
		"GET /api/v1/history":                      v,
		"GET /api/v1/audit":                        {min: access.Operator},
		"/api/":                                    v,
	}
}

// publicRoutes are the routes served without a session or a token (they
// are not in routeRules): assets, probes, logging in and out, the
// language switch, and the catch-all that sends a stranger to the login
// page.
func publicRoutes() []string {
	return []string{"GET /static/", "GET /healthz", "GET /metrics", "GET /login", "POST /login", "POST /logout", "POST /lang", "/"}
}

// ruleOf is the rule of a route pattern; a pattern not in the table is
// admin only.
func (s *Server) ruleOf(pattern string) rule {
	if r, ok := s.rules[pattern]; ok {
		return r
	}
	return rule{min: access.Admin}
}

// authorize serves next when the actor's role may use the route matched
// (r.Pattern); otherwise it answers 403 (a page, or JSON under /api/) and
// audits the refusal of an action. It is the one place roles are checked:
// requireSession and requireToken call it with their actor.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, actor access.Actor, next func(*http.Request)) {
	r = r.WithContext(access.WithActor(r.Context(), actor))
	ru := s.ruleOf(r.Pattern)
	if actor.Role.Allows(ru.min) {
		next(r)
		return
	}
	err := &msg.Error{Kind: msg.KindForbidden, Code: "role_forbidden", Key: "role_forbidden",
		Params: msg.Params{"role": string(actor.Role), "need": string(ru.min)}}
	s.log.Warn("request refused: role", "actor", actor.Name, "role", actor.Role, "need", ru.min, "path", r.URL.Path, "client", actor.Addr)
	if ru.action != "" && s.o.Accounts != nil {
		s.o.Accounts.Record(r.Context(), ru.action, r.URL.Path, 0, err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}

// Accounts are the named accounts, API tokens and the audit log, kept by
// the backend (internal/app). Nil: only the bootstrap account and token
// (admin_password, console.api_token), and no audit log.
type Accounts interface {
	// CheckPassword checks a stored account's password (unauthorized if
	// wrong or no such account) and returns its role.
	CheckPassword(ctx context.Context, name, password string) (access.Role, error)
	// AccountRole is a stored account's role now (not_found once removed).
	AccountRole(ctx context.Context, name string) (access.Role, error)
	// CheckToken finds a stored API token.
	CheckToken(ctx context.Context, token string) (name string, role access.Role, ok bool, err error)
	// Record audits an action of the actor in ctx (err nil: ok).
	Record(ctx context.Context, action, target string, runID int64, err error)
	ListAccounts(ctx context.Context) ([]AccountInfo, error)
	AddAccount(ctx context.Context, name string, role access.Role, password secret.Secret) error
	RemoveAccount(ctx context.Context, name string) error
	SetPassword(ctx context.Context, name string, password secret.Secret) error
	ListTokens(ctx context.Context) ([]TokenInfo, error)
	// AddToken returns the new token: the only time it is seen.
	AddToken(ctx context.Context, name string, role access.Role) (secret.Secret, error)
	RemoveToken(ctx context.Context, name string) error
	// Audit lists the audit log, newest first, with the number matching.
	Audit(ctx context.Context, f access.Filter) ([]access.Entry, int, error)
}

// AccountInfo is a stored account as listed (never its hash).
type AccountInfo struct {
	Name             string      `json:"name"`
	Role             access.Role `json:"role"`
	Created, Updated time.Time
}

// TokenInfo is a stored API token as listed (never the token).
type TokenInfo struct {
	Name     string
	Role     access.Role
	Created  time.Time
	LastUsed time.Time // zero: never
}

// Names of the bootstrap account (admin_password) and token
// (console.api_token), both role admin.
const (
	BootstrapAccount = "admin"
	BootstrapToken   = "console.api_token"
)
