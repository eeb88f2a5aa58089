package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// The accounts, API tokens and audit log pages (role admin; the audit log
// operator), and the API's audit log.

var errNoAccounts = &msg.Error{Kind: msg.KindUnavailable, Code: "accounts_unavailable", Key: "accounts_unavailable"}

// accountsData is the accounts page: the stored accounts and tokens, and
// a token just made (shown this once).
type accountsData struct {
	Accounts []AccountInfo
	Tokens   []TokenInfo
	Roles    []access.Role
	NewToken string
	NewName  string
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderAccounts(w, r, sess, http.StatusOK, accountsData{})
}

func (s *Server) renderAccounts(w http.ResponseWriter, r *http.Request, sess *session, status int, d accountsData) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	var err error
	if d.Accounts, err = s.o.Accounts.ListAccounts(r.Context()); err == nil {
		d.Tokens, err = s.o.Accounts.ListTokens(r.Context())
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Roles = access.Roles()
	s.render(w, r, status, "accounts", sess, d)
}

// accountForm reads a small form (a body read with a deadline and a cap).
func accountForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "request.unreadable", Err: err}
	}
	return nil
}

// accountsDone goes back to the accounts page with a message.
func (s *Server) accountsDone(w http.ResponseWriter, r *http.Request, sess *session, err error, key, name string) {
	if err != nil {
		s.redirectFlash(w, r, sess, "/accounts", s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, "/accounts", flash{Kind: "ok", Text: s.localizer(r).T(key, "name", name)})
}

func (s *Server) addAccount(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	err := accountForm(w, r)
	name := r.PostFormValue("name")
	if err == nil {
		var role access.Role
		if role, err = access.ParseRole(r.PostFormValue("role")); err == nil {
			err = s.o.Accounts.AddAccount(r.Context(), name, role, secret.Secret(r.PostFormValue("password")))
		}
	}
	s.accountsDone(w, r, sess, err, "accounts.added", name)
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	name := r.PathValue("name")
	err := accountForm(w, r)
	if err == nil {
		err = s.o.Accounts.SetPassword(r.Context(), name, secret.Secret(r.PostFormValue("password")))
	}
	s.accountsDone(w, r, sess, err, "accounts.password_set", name)
}

func (s *Server) removeAccount(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	name := r.PathValue("name")
	s.accountsDone(w, r, sess, s.o.Accounts.RemoveAccount(r.Context(), name), "accounts.removed", name)
}

// addToken makes a token and shows it on the page answered (not in a
// redirect's flash): the answer is no-store, and it is never shown again.
func (s *Server) addToken(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	err := accountForm(w, r)
	name := r.PostFormValue("name")
	var tok secret.Secret
	if err == nil {
		var role access.Role
		if role, err = access.ParseRole(r.PostFormValue("role")); err == nil {
			tok, err = s.o.Accounts.AddToken(r.Context(), name, role)
		}
	}
	if err != nil {
		s.accountsDone(w, r, sess, err, "", name)
		return
	}
	s.renderAccounts(w, r, sess, http.StatusCreated, accountsData{NewToken: tok.Reveal(), NewName: name})
}

func (s *Server) removeToken(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	name := r.PathValue("name")
	s.accountsDone(w, r, sess, s.o.Accounts.RemoveToken(r.Context(), name), "tokens.removed", name)
}

// auditData is one page of the audit log with its filters.
type auditData struct {
	Entries        []access.Entry
	Pager          pager
	Actor, Action  string
	Actions        []string
	Page, PrevPage int
	NextPage       int
}

// auditFilter reads the filters of the audit page and API: actor, action,
// since (a date or an RFC 3339 time), page.
func (s *Server) auditFilter(r *http.Request) (access.Filter, int, error) {
	q := r.URL.Query()
	f := access.Filter{Actor: q.Get("actor"), Action: q.Get("action"), Limit: PageSize}
	if v := q.Get("since"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, s.o.Location)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return f, 0, invalid("api.audit_since", msg.Params{"since": v})
			}
		}
		f.Since = t
	}
	page := 1
	if v := q.Get("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			page = n
		}
	}
	f.Offset = (page - 1) * PageSize
	return f, page, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Accounts == nil {
		s.renderError(w, r, errNoAccounts)
		return
	}
	f, page, err := s.auditFilter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	es, total, err := s.o.Accounts.Audit(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := auditData{Entries: es, Actor: f.Actor, Action: f.Action, Actions: access.Actions(), Page: page}
	d.Pager = pager{Page: page, Pages: max(1, (total+PageSize-1)/PageSize), Total: total}
	if page > 1 {
		d.PrevPage = page - 1
	}
	if page*PageSize < total {
		d.NextPage = page + 1
	}
	s.render(w, r, http.StatusOK, "audit", sess, d)
}

// AuditLink is the audit page's address of another page with the same
// filters.
func (d auditData) AuditLink(page int) string {
	v := url.Values{}
	for k, x := range map[string]string{"actor": d.Actor, "action": d.Action} {
		if x != "" {
			v.Set(k, x)
		}
	}
	v.Set("page", strconv.Itoa(page))
	return "/audit?" + v.Encode()
}

// apiAudit is GET /api/v1/audit: {"entries":[…],"total":N}, newest first,
// filtered as the page is.
func (s *Server) apiAudit(r *http.Request) (reply, error) {
	if s.o.Accounts == nil {
		return reply{}, errNoAccounts
	}
	f, _, err := s.auditFilter(r)
	if err != nil {
		return reply{}, err
	}
	es, total, err := s.o.Accounts.Audit(r.Context(), f)
	if es == nil {
		es = []access.Entry{}
	}
	return ok(map[string]any{"entries": es, "total": total}), err
}

// Outcome is an audit entry's outcome in the page's language.
func (l *localizer) Outcome(e access.Entry) string {
	return msg.TextOr(l.lang, "audit.outcome."+e.Outcome, nil, e.Outcome)
}

// AuditAction is an audited action's name in the page's language.
func (l *localizer) AuditAction(action string) string {
	return msg.TextOr(l.lang, "audit.action."+action, nil, action)
}
