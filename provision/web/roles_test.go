package web

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// memAccounts is an in-memory Accounts for the console tests: accounts
// with bcrypt hashes, tokens by SHA-256, and the audit entries recorded.
// The real one (internal/app over SQLite) is tested there and by the
// browser test.
type memAccounts struct {
	mu       sync.Mutex
	accounts map[string]memAccount
	tokens   map[[32]byte]TokenInfo
	audit    []access.Entry
}

type memAccount struct {
	role access.Role
	hash []byte
}

func newMemAccounts() *memAccounts {
	return &memAccounts{accounts: map[string]memAccount{}, tokens: map[[32]byte]TokenInfo{}}
}

func (m *memAccounts) CheckPassword(_ context.Context, name, pw string) (access.Role, error) {
	m.mu.Lock()
	a, ok := m.accounts[name]
	m.mu.Unlock()
	if !ok || bcrypt.CompareHashAndPassword(a.hash, []byte(pw)) != nil {
		return "", errLoginFailed
	}
	return a.role, nil
}

func (m *memAccounts) AccountRole(_ context.Context, name string) (access.Role, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[name]
	if !ok {
		return "", &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound}
	}
	return a.role, nil
}

func (m *memAccounts) CheckToken(_ context.Context, tok string) (string, access.Role, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[sha256.Sum256([]byte(tok))]
	return t.Name, t.Role, ok, nil
}

func (m *memAccounts) Record(ctx context.Context, action, target string, runID int64, err error) {
	a, _ := access.ActorOf(ctx)
	e := access.Entry{Actor: a, Action: action, Target: target, RunID: runID, Outcome: access.OutcomeOK}
	if err != nil {
		e.Outcome, e.Code = access.OutcomeRefused, msg.Code(err)
	}
	m.mu.Lock()
	m.audit = append(m.audit, e)
	m.mu.Unlock()
}

func (m *memAccounts) ListAccounts(context.Context) ([]AccountInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []AccountInfo
	for n, a := range m.accounts {
		out = append(out, AccountInfo{Name: n, Role: a.role})
	}
	slices.SortFunc(out, func(a, b AccountInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (m *memAccounts) AddAccount(_ context.Context, name string, role access.Role, pw secret.Secret) error {
	h, _ := bcrypt.GenerateFromPassword([]byte(pw.Reveal()), bcrypt.MinCost)
	m.mu.Lock()
	m.accounts[name] = memAccount{role: role, hash: h}
	m.mu.Unlock()
	return nil
}

func (m *memAccounts) RemoveAccount(_ context.Context, name string) error {
	m.mu.Lock()
	delete(m.accounts, name)
	m.mu.Unlock()
	return nil
}

func (m *memAccounts) SetPassword(ctx context.Context, name string, pw secret.Secret) error {
	role, err := m.AccountRole(ctx, name)
	if err != nil {
		return err
	}
	return m.AddAccount(ctx, name, role, pw)
}

func (m *memAccounts) ListTokens(context.Context) ([]TokenInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []TokenInfo
	for _, t := range m.tokens {
		out = append(out, t)
	}
	return out, nil
}

func (m *memAccounts) AddToken(_ context.Context, name string, role access.Role) (secret.Secret, error) {
	tok := "tok-" + name + "-0123456789abcdef0123456789abcdef"
	m.mu.Lock()
	m.tokens[sha256.Sum256([]byte(tok))] = TokenInfo{Name: name, Role: role, Created: time.Now()}
	m.mu.Unlock()
	return secret.Secret(tok), nil
}

func (m *memAccounts) RemoveToken(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, t := range m.tokens {
		if t.Name == name {
			delete(m.tokens, k)
		}
	}
	return nil
}

func (m *memAccounts) Audit(context.Context, access.Filter) ([]access.Entry, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.audit)
	slices.Reverse(out)
	return out, len(out), nil
}

const rolePassword = "role-password-0123"

// cliAdvicePattern matches CLI advice in a page: a command line.
var cliAdvicePattern = regexp.MustCompile(`cybridge (plan|apply|serve|runs|check|roster|calendar|resume|admin|token|audit)\b`)

// newBrowser is a client with its own cookie jar that follows no
// redirect.
func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// roleEnv is a console with an account and a token of every role.
func roleEnv(t *testing.T) (*testEnv, *memAccounts) {
	t.Helper()
	accts := newMemAccounts()
	for _, r := range access.Roles() {
		accts.AddAccount(context.Background(), string(r)+"-user", r, rolePassword)
		accts.AddToken(context.Background(), string(r)+"-bot", r)
	}
	e := newTestEnv(t, func(o *Options) { o.Accounts = accts })
	return e, accts
}

// loginAs is a browser of its own logged in as name.
func (e *testEnv) loginAs(name, pw string) *http.Client {
	e.t.Helper()
	saved := e.client
	defer func() { e.client = saved }()
	e.client = newBrowser()
	st, h, body := e.post("/login", url.Values{"login": {name}, "password": {pw}})
	if st != http.StatusSeeOther {
		e.t.Fatalf("login as %s = %d %s: %s", name, st, h.Get("Location"), body)
	}
	return e.client
}

// as runs fn with c as the test's browser.
func (e *testEnv) as(c *http.Client, fn func()) {
	saved := e.client
	e.client = c
	defer func() { e.client = saved }()
	fn()
}

// concrete is a path that a route pattern matches, with placeholders
// filled by values the fake backend knows.
func concrete(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = strings.NewReplacer("{$}", "", "{id}", "1", "{code}", "drill", "{login}", "sato", "{action}", "permit", "{name}", "someone").Replace(path)
	if path == "/api/" {
		path = "/api/v1/no-such-endpoint"
	}
	return method, path
}

// TestRoleMatrix walks every registered route, as a console session and
// as an API token of each role: a role below the route's minimum gets 403
// (role_forbidden, in the reader's language, no CLI advice on a page) and
// the backend is not called; a role at or above it is not refused. A
// route registered without an entry in routeRules, or an entry for no
// route, fails the test.
func TestRoleMatrix(t *testing.T) {
	e, accts := roleEnv(t)
	rules := routeRules()
	public := publicRoutes()
	for _, p := range e.server.patterns {
		if _, ok := rules[p]; !ok && !slices.Contains(public, p) {
			t.Errorf("route %q has no entry in routeRules (nor is it public)", p)
		}
	}
	for p := range rules {
		if !slices.Contains(e.server.patterns, p) {
			t.Errorf("routeRules has %q, which is not a registered route", p)
		}
	}
	browsers := map[access.Role]*http.Client{}
	for _, r := range access.Roles() {
		browsers[r] = e.loginAs(string(r)+"-user", rolePassword)
	}
	// The bootstrap account and token are admins.
	browsers["bootstrap"] = e.loginAs("", testPassword)
	for _, pattern := range e.server.patterns {
		rule, ok := rules[pattern]
		if !ok {
			continue
		}
		method, path := concrete(pattern)
		for _, role := range []access.Role{access.Viewer, access.Operator, access.Admin, "bootstrap"} {
			allowed := role == "bootstrap" || role.Allows(rule.min)
			e.backend.mu.Lock()
			calls := len(e.backend.calls)
			e.backend.mu.Unlock()
			var st int
			var body string
			if strings.HasPrefix(path, "/api/") {
				tok := testToken
				if role != "bootstrap" {
					tok = "tok-" + string(role) + "-bot-0123456789abcdef0123456789abcdef"
				}
				st, _, body = e.do(method, path, strings.NewReader("{}"), map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
			} else {
				e.as(browsers[role], func() {
					st, _, body = e.do(method, path, strings.NewReader(""), map[string]string{"Cookie": "cybridge_lang=ja"})
				})
			}
			name := pattern + " as " + string(role)
			if role == access.Viewer && method != http.MethodGet && pattern != "/api/" && allowed {
				t.Errorf("%s: a viewer may change state", name)
			}
			if allowed {
				if st == http.StatusForbidden {
					t.Errorf("%s = %d; want it allowed: %.200s", name, st, body)
				}
				continue
			}
			if st != http.StatusForbidden || !strings.Contains(body, "role_forbidden") {
				t.Errorf("%s = %d; want 403 role_forbidden: %.300s", name, st, body)
				continue
			}
			e.backend.mu.Lock()
			if len(e.backend.calls) != calls {
				t.Errorf("%s: refused, yet the backend was called: %v", name, e.backend.calls[calls:])
			}
			e.backend.mu.Unlock()
			if strings.HasPrefix(path, "/api/") {
				var out struct{ Error problem }
				if err := json.Unmarshal([]byte(body), &out); err != nil || out.Error.Code != "role_forbidden" || out.Error.Message == "" {
					t.Errorf("%s: answer %q", name, body)
				}
				continue
			}
			if !strings.Contains(body, "この操作は許可されていません") {
				t.Errorf("%s: the page does not say it in Japanese: %.300s", name, body)
			}
			if m := cliAdvicePattern.FindString(body); m != "" {
				t.Errorf("%s: the page gives CLI advice %q", name, m)
			}
		}
	}
	// A refused action is audited with its actor.
	found := false
	for _, en := range accts.audit {
		if en.Action == access.ActionRun && en.Actor.Name == "viewer-user" && en.Outcome == access.OutcomeRefused {
			found = true
		}
	}
	if !found {
		t.Errorf("the viewer's refused run is not in the audit log: %+v", accts.audit)
	}
}

// TestViewerSeesNoButtons: the pages a viewer reads show no button of an
// action it may not use; an operator's show run and pause but not the
// roster's edit forms.
func TestViewerSeesNoButtons(t *testing.T) {
	e, _ := roleEnv(t)
	for _, tc := range []struct {
		role      access.Role
		path      string
		want, not []string
	}{
		{access.Viewer, "/", nil, []string{`id="dry-run"`, `id="sync-now"`, `action="/pause"`, `id="nav-audit"`, `id="nav-accounts"`}},
		{access.Viewer, "/roster", nil, []string{`id="add-dept"`, `id="add-member"`}},
		{access.Viewer, "/roster/members/sato", nil, []string{`id="edit-member"`}},
		{access.Viewer, "/calendar/sato", nil, []string{`id="revoke"`, `id="target-form"`}},
		{access.Viewer, "/upload", nil, []string{`id="upload-form"`}},
		{access.Operator, "/", []string{`id="dry-run"`, `action="/pause"`, `id="nav-audit"`}, []string{`id="nav-accounts"`}},
		{access.Operator, "/roster", nil, []string{`id="add-dept"`}},
		{access.Admin, "/roster", []string{`id="add-dept"`, `id="add-member"`}, nil},
		{access.Admin, "/", []string{`id="nav-accounts"`, `admin-user（admin）`}, nil},
	} {
		c := e.loginAs(string(tc.role)+"-user", rolePassword)
		var st int
		var body string
		e.as(c, func() { st, _, body = e.get(tc.path, "Cookie", "cybridge_lang=ja") })
		if st != http.StatusOK {
			t.Errorf("%s %s = %d", tc.role, tc.path, st)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s: %s missing", tc.role, tc.path, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s %s: shows %s", tc.role, tc.path, n)
			}
		}
	}
}

// TestTokenRevokedAtOnce: a stored token works until it is removed, and
// not at the next request after.
func TestTokenRevokedAtOnce(t *testing.T) {
	e, accts := roleEnv(t)
	tok := "tok-viewer-bot-0123456789abcdef0123456789abcdef"
	hdr := map[string]string{"Authorization": "Bearer " + tok}
	if st, _, body := e.do("GET", "/api/v1/status", nil, hdr); st != http.StatusOK {
		t.Fatalf("status with the token = %d: %s", st, body)
	}
	accts.RemoveToken(context.Background(), "viewer-bot")
	if st, _, _ := e.do("GET", "/api/v1/status", nil, hdr); st != http.StatusUnauthorized {
		t.Errorf("status with the revoked token = %d; want 401", st)
	}
}

// TestAccountRemovedEndsSession: a removed account's session is refused
// at its next request, and a changed role applies at once.
func TestAccountRemovedEndsSession(t *testing.T) {
	e, accts := roleEnv(t)
	c := e.loginAs("operator-user", rolePassword)
	accts.mu.Lock()
	a := accts.accounts["operator-user"]
	a.role = access.Viewer
	accts.accounts["operator-user"] = a
	accts.mu.Unlock()
	e.as(c, func() {
		if st, _, _ := e.post("/runs", url.Values{"mode": {"dry_run"}}); st != http.StatusForbidden {
			t.Errorf("run after the role became viewer = %d; want 403", st)
		}
	})
	accts.RemoveAccount(context.Background(), "operator-user")
	e.as(c, func() {
		if st, h, _ := e.get("/runs"); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("a page after the account was removed = %d %s; want the login page", st, h.Get("Location"))
		}
	})
}

// TestLoginAudited: a login and a failed one are audited with the name
// and the client address; a wrong name costs a bcrypt as a wrong password
// does.
func TestLoginAudited(t *testing.T) {
	e, accts := roleEnv(t)
	e.loginAs("admin-user", rolePassword)
	e.as(newBrowser(), func() {
		if st, _, _ := e.post("/login", url.Values{"login": {"admin-user"}, "password": {"wrong-password-x"}}); st != http.StatusUnauthorized {
			t.Errorf("wrong password = %d", st)
		}
	})
	var got []string
	for _, en := range accts.audit {
		got = append(got, en.Action+" "+en.Actor.Name+" "+en.Actor.Addr+" "+en.Outcome)
	}
	want := []string{"login admin-user 127.0.0.1 ok", "login_failure admin-user 127.0.0.1 refused"}
	if !slices.Equal(got, want) {
		t.Errorf("audit = %q; want %q", got, want)
	}
}

// TestAccountThrottle: guesses at one account spread over many clients
// (each within its own limit) reach the account's limit; then a client
// that failed before is refused even the right password, and a client
// with no failure still logs in (nobody can lock the owner out).
func TestAccountThrottle(t *testing.T) {
	e, _ := roleEnv(t)
	guess := func(client, pw string) int {
		return e.postFrom(client, "/login", url.Values{"login": {"admin-user"}, "password": {pw}})
	}
	e.server.o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	for i := range loginPerAccount / loginPerClient {
		for range loginPerClient {
			if st := guess(fmt.Sprintf("10.0.%d.1", i), "wrong-password-x"); st != http.StatusUnauthorized {
				t.Fatalf("guess from client %d = %d; want 401", i, st)
			}
		}
	}
	if st := guess("10.9.0.1", "wrong-password-x"); st != http.StatusUnauthorized {
		t.Errorf("a first guess from a new client = %d; want 401 (it is checked)", st)
	}
	if st := guess("10.9.0.1", rolePassword); st != http.StatusTooManyRequests {
		t.Errorf("the right password from a client that failed, the account over its limit = %d; want 429", st)
	}
	if st := guess("10.9.0.2", rolePassword); st != http.StatusSeeOther {
		t.Errorf("the right password from a client with no failure = %d; want 303", st)
	}
}

// TestConsoleTokenShownOnce: an admin makes a token on the accounts page;
// the answer shows it, the page afterwards lists its name only.
func TestConsoleTokenShownOnce(t *testing.T) {
	e, _ := roleEnv(t)
	c := e.loginAs("admin-user", rolePassword)
	e.as(c, func() {
		st, _, body := e.post("/tokens", url.Values{"name": {"deploy"}, "role": {"operator"}})
		const tok = "tok-deploy-0123456789abcdef0123456789abcdef"
		if st != http.StatusCreated || !strings.Contains(body, tok) || !strings.Contains(body, `id="new-token"`) {
			t.Fatalf("make a token = %d: %.300s", st, body)
		}
		st, _, body = e.get("/accounts")
		if st != http.StatusOK || strings.Contains(body, tok) || !strings.Contains(body, "deploy") {
			t.Errorf("the accounts page after = %d; shows the token: %v", st, strings.Contains(body, tok))
		}
		st, _, _ = e.do("GET", "/api/v1/status", nil, map[string]string{"Authorization": "Bearer " + tok})
		if st != http.StatusOK {
			t.Errorf("the new token = %d", st)
		}
	})
}

// TestAuditAddressThroughProxy: behind a trusted proxy the audit log
// names the client's own address, whole (an IPv6 address too, though the
// login limits count it by its /64).
func TestAuditAddressThroughProxy(t *testing.T) {
	e, accts := roleEnv(t)
	e.server.o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	e.postFrom("2001:db8::5", "/login", url.Values{"login": {"viewer-user"}, "password": {"wrong-password-x"}})
	accts.mu.Lock()
	defer accts.mu.Unlock()
	if n := len(accts.audit); n != 1 || accts.audit[0].Actor.Addr != "2001:db8::5" {
		t.Errorf("audit = %+v; want one entry from 2001:db8::5", accts.audit)
	}
}
