package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUnauthenticatedConsoleGetsLoginPage(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range append(consolePages, "/nope") {
		st, h, _ := e.get(path)
		loc := h.Get("Location")
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("GET %s = %d → %q; want 303 to the login page", path, st, loc)
			continue
		}
		st, _, body := e.get(loc)
		if st != 200 || !strings.Contains(body, `name="password"`) {
			t.Errorf("GET %s: the login page = %d, has no password field", loc, st)
		}
	}
	for _, path := range []string{"/runs", "/plan/apply", "/resume", "/upload", "/calendar/sato/revoke", "/roster/members"} {
		st, h, _ := e.post(path, url.Values{"mode": {"sync"}, "run_id": {"1"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("POST %s = %d → %q; want 303 to the login page", path, st, h.Get("Location"))
		}
	}
	if len(e.backend.calls) != 0 {
		t.Errorf("backend called without a session: %q", e.backend.calls)
	}
}

func TestLoginRedirectsBackToThePageAsked(t *testing.T) {
	e := newTestEnv(t)
	_, h, _ := e.get("/calendar?state=disabled")
	loc := h.Get("Location")
	st, _, body := e.get(loc)
	if st != 200 || !strings.Contains(body, `value="/calendar?state=disabled"`) {
		t.Fatalf("login page for %s does not carry next", loc)
	}
	st, h, _ = e.post("/login", url.Values{"password": {testPassword}, "next": {"/calendar?state=disabled"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/calendar?state=disabled" {
		t.Errorf("login = %d → %q", st, h.Get("Location"))
	}
	// An off-site next is ignored.
	e2 := newTestEnv(t)
	_, h, _ = e2.post("/login", url.Values{"password": {testPassword}, "next": {"//evil.example/x"}})
	if h.Get("Location") != "/" {
		t.Errorf("off-site next redirected to %q", h.Get("Location"))
	}
}

// TestNextNeverLeavesTheSite: browsers drop tabs and newlines from a URL
// (WHATWG URL parsing), so "/\t/evil.example" is "//evil.example" to them;
// no next may redirect off the site, at login or once logged in.
func TestNextNeverLeavesTheSite(t *testing.T) {
	bad := []string{"//evil.example/x", "/\\evil.example/x", "/\t/evil.example/x", "/\n/evil.example/x", "/\r/evil.example/x",
		"\t//evil.example/x", "/\\\tevil.example/x", "https://evil.example/x", "/\x00/evil.example"}
	for _, next := range bad {
		e := newTestEnv(t)
		_, h, _ := e.post("/login", url.Values{"password": {testPassword}, "next": {next}})
		if loc := h.Get("Location"); loc != "/" {
			t.Errorf("login with next %q redirected to %q; want /", next, loc)
		}
		_, h, _ = e.get("/login?next=" + url.QueryEscape(next))
		if loc := h.Get("Location"); loc != "/" {
			t.Errorf("GET /login?next=%q when logged in redirected to %q; want /", next, loc)
		}
		_, h, _ = e.post("/lang", url.Values{"lang": {"en"}, "next": {next}})
		if loc := h.Get("Location"); loc != "/" {
			t.Errorf("POST /lang with next %q redirected to %q; want /", next, loc)
		}
	}
}

func TestAPIWithoutTokenIs401(t *testing.T) {
	e := newTestEnv(t)
	type req struct{ method, path string }
	var reqs []req
	for _, p := range apiGets {
		reqs = append(reqs, req{"GET", p})
	}
	for _, p := range []string{"/api/v1/runs", "/api/v1/plan/apply", "/api/v1/csv", "/api/v1/resume", "/api/v1/pause",
		"/api/v1/enrolments/sato/revoke", "/api/v1/enrolments/sato/errors"} {
		reqs = append(reqs, req{"POST", p})
	}
	reqs = append(reqs, req{"PUT", "/api/v1/enrolments/sato/target"}, req{"GET", "/api/v1/nope"})
	// Wrong tokens from one client are throttled (TestBearerGuessesThrottled);
	// here every one must get the same 401.
	e.server.bearer.limit = 1000
	var bodies = map[string]bool{}
	for _, auth := range []string{"", "Bearer wrong-token", "Bearer " + testToken + "x", "Basic " + testToken, "bearer"} {
		for _, r := range reqs {
			st, h, body := e.do(r.method, r.path, strings.NewReader("{}"), map[string]string{"Authorization": auth, "Content-Type": "application/json"})
			if st != http.StatusUnauthorized {
				t.Errorf("%s %s with %q = %d; want 401", r.method, r.path, auth, st)
			}
			if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s: no WWW-Authenticate: Bearer", r.method, r.path)
			}
			bodies[body] = true
		}
	}
	if len(bodies) != 1 {
		t.Errorf("401 bodies differ (must not say what was wrong): %v", bodies)
	}
	if len(e.backend.calls) != 0 {
		t.Errorf("backend called without a token: %q", e.backend.calls)
	}
	// A session cookie is not an API credential.
	e.login()
	if st, _, _ := e.get("/api/v1/status"); st != http.StatusUnauthorized {
		t.Errorf("API with a console session = %d; want 401", st)
	}
}

func TestAPIDisabledWithoutConfiguredToken(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.APIToken = "" })
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		if st, _, _ := e.get("/api/v1/status", "Authorization", auth); st != http.StatusUnauthorized {
			t.Errorf("no token configured, %q: status %d; want 401", auth, st)
		}
	}
}

func TestWrongPasswordRefusedWithoutSayingWhy(t *testing.T) {
	e := newTestEnv(t)
	var bodies []string
	for _, pw := range []string{"", "wrong", testPassword + " ", strings.ToUpper(testPassword)} {
		st, h, body := e.post("/login", url.Values{"password": {pw}})
		if st != http.StatusUnauthorized {
			t.Errorf("password %q: status %d; want 401", pw, st)
		}
		if h.Get("Set-Cookie") != "" && strings.Contains(h.Get("Set-Cookie"), sessionCookie+"=") {
			t.Errorf("password %q: a session cookie was set", pw)
		}
		if !strings.Contains(body, `id="login-error"`) {
			t.Errorf("password %q: no error shown", pw)
		}
		bodies = append(bodies, body)
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("login failure pages differ:\n%s\n---\n%s", bodies[0], b)
			break
		}
	}
	if st, _, _ := e.get("/"); st != http.StatusSeeOther {
		t.Errorf("after failed logins GET / = %d; want 303 to login", st)
	}
}

func TestLoginRateLimited(t *testing.T) {
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	clock := &now
	e := newTestEnv(t, func(o *Options) { o.Now = func() time.Time { return *clock } })
	for i := 0; i < 5; i++ {
		if st, _, _ := e.post("/login", url.Values{"password": {"guess"}}); st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, st)
		}
	}
	st, _, body := e.post("/login", url.Values{"password": {testPassword}})
	if st != http.StatusTooManyRequests {
		t.Fatalf("6th attempt (right password) = %d; want 429", st)
	}
	if !strings.Contains(body, "分") {
		t.Errorf("429 page does not say how long to wait: %s", body)
	}
	*clock = clock.Add(16 * time.Minute)
	e.login()
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newTestEnv(t)
	for _, tls := range []bool{false, true} {
		hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
		if tls {
			hdr["X-Forwarded-Proto"] = "https"
		}
		_, h, _ := e.do("POST", "/login", strings.NewReader("password="+url.QueryEscape(testPassword)), hdr)
		c := h.Get("Set-Cookie")
		for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(c, want) {
				t.Errorf("tls=%v: cookie %q lacks %s", tls, c, want)
			}
		}
		if got := strings.Contains(c, "Secure"); got != tls {
			t.Errorf("tls=%v: cookie Secure = %v", tls, got)
		}
	}
}

func TestLogoutEndsSession(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	if st, _, _ := e.get("/"); st != 200 {
		t.Fatalf("GET / after login = %d", st)
	}
	e.post("/logout", nil)
	if st, _, _ := e.get("/"); st != http.StatusSeeOther {
		t.Errorf("GET / after logout = %d; want 303", st)
	}
}

func TestCrossSitePostRefused(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
	} {
		hdr["Content-Type"] = "application/x-www-form-urlencoded"
		for _, path := range []string{"/runs", "/resume", "/calendar/sato/revoke", "/login", "/logout", "/plan/apply"} {
			req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader("mode=sync"))
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with %v = %d; want 403", path, hdr, resp.StatusCode)
			}
		}
		// The API too, even with the token.
		st, _, _ := e.do("POST", "/api/v1/runs", strings.NewReader(`{"dry_run":true}`), map[string]string{
			"Authorization": "Bearer " + testToken, "Origin": "https://evil.example", "Sec-Fetch-Site": "", "Content-Type": "application/json"})
		if st != http.StatusForbidden {
			t.Errorf("cross-site API POST = %d; want 403", st)
		}
	}
	if len(e.backend.calls) != 0 {
		t.Errorf("backend called by cross-site requests: %q", e.backend.calls)
	}
	e2 := newTestEnv(t)
	e2.login()
	if st, _, _ := e2.get("/"); st != 200 {
		t.Errorf("the session was ended by a cross-site logout attempt on another client")
	}
}

func TestUploadCapHolds(t *testing.T) {
	e := newTestEnv(t) // 1 MB cap
	e.login()
	big := []byte(strings.Repeat("a,b,c\n", (2<<20)/6))
	body, ctype := multipartBody(t, map[string][]byte{"user.csv": big}, nil)
	st, _, page := e.do("POST", "/upload", body, map[string]string{"Content-Type": ctype})
	if st != http.StatusRequestEntityTooLarge {
		t.Errorf("console upload of 2 MB = %d; want 413", st)
	}
	if !strings.Contains(page, "1 MB") {
		t.Errorf("the page does not name the limit")
	}
	body, ctype = multipartBody(t, map[string][]byte{"user.csv": big}, nil)
	st, _, _ = e.do("POST", "/api/v1/csv", body, map[string]string{"Content-Type": ctype, "Authorization": "Bearer " + testToken})
	if st != http.StatusRequestEntityTooLarge {
		t.Errorf("API upload of 2 MB = %d; want 413", st)
	}
	if len(e.backend.calls) != 0 {
		t.Errorf("backend saw an oversized upload: %q", e.backend.calls)
	}
}

// TestNoSecretInResponses sets a CalDAV password, then reads every page
// and API answer in both languages, looking for any secret.
func TestNoSecretInResponses(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	const caldavPassword = "dav-password-never-shown"
	e.post("/calendar/suzuki/target", url.Values{"target": {"caldav"}, "url": {"https://dav.example.com/suzuki/"}, "auth_id": {"suzuki"}, "password": {caldavPassword}})
	e.post("/runs", url.Values{"mode": {"dry_run"}})
	e.post("/calendar/suzuki/check", nil)
	e.api("PUT", "/api/v1/enrolments/sato/target", map[string]string{"target": "caldav", "url": "https://dav.example.com/sato/", "auth_id": "sato", "password": caldavPassword})
	secrets := []string{testPassword, testToken, caldavPassword}
	check := func(what, body string) {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows a secret (%q)", what, s[:4]+"…")
			}
		}
	}
	for _, lang := range []string{"ja", "en"} {
		for _, p := range append(consolePages, "/runs/1/plan.json", "/login", "/metrics", "/healthz") {
			_, _, body := e.get(p, "Accept-Language", lang)
			check("GET "+p, body)
		}
	}
	for _, p := range append(apiGets, "/api/v1/enrolments/suzuki") {
		_, body := e.api("GET", p, nil)
		check("API GET "+p, body)
	}
	_, body := e.api("POST", "/api/v1/enrolments/suzuki/check", nil)
	check("API check", body)
	_, _, flashPage := e.get("/calendar/suzuki")
	check("flash after check", flashPage)
}

// uploadsLeft lists what is left in the server's upload folder.
func uploadsLeft(t *testing.T, s *Server) []string {
	t.Helper()
	var left []string
	filepath.WalkDir(s.o.UploadDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && path != s.o.UploadDir && !strings.HasPrefix(d.Name(), "cybridge-uploads-") {
			left = append(left, path)
		}
		return nil
	})
	return left
}

// An upload is streamed to a file of its own (mode 0600, in a folder of
// mode 0700) that is gone when the request ends, whether the upload was
// read, cut off at the size cap or refused; Close removes the folder, and
// an upload after it is refused (F6).
func TestUploadStreamedToPrivateFiles(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	body, ctype := multipartBody(t, map[string][]byte{"user.csv": []byte("login,name\nsato,佐藤\n")}, map[string]string{"encoding": "utf-8"})
	if st, _, page := e.do("POST", "/upload", body, map[string]string{"Content-Type": ctype}); st != http.StatusOK {
		t.Fatalf("upload = %d: %s", st, page)
	}
	if len(e.backend.uploaded) != 1 || !strings.HasSuffix(e.backend.uploaded[0], "user.csv -rw------- -rwx------") {
		t.Errorf("the backend saw %q, want user.csv with mode 0600 in a folder of mode 0700", e.backend.uploaded)
	}
	big := []byte(strings.Repeat("a,b,c\n", (2<<20)/6))
	for _, path := range []string{"/upload", "/api/v1/csv"} {
		body, ctype := multipartBody(t, map[string][]byte{"user.csv": big}, nil)
		hdr := map[string]string{"Content-Type": ctype, "Authorization": "Bearer " + testToken}
		if st, _, _ := e.do("POST", path, body, hdr); st != http.StatusRequestEntityTooLarge {
			t.Errorf("%s of 2 MB = %d; want 413", path, st)
		}
		body, ctype = multipartBody(t, map[string][]byte{"user.csv": []byte("x\n")}, map[string]string{"header": "maybe"})
		hdr["Content-Type"] = ctype
		if st, _, _ := e.do("POST", path, body, hdr); st != http.StatusBadRequest {
			t.Errorf("%s with header=maybe = %d; want 400", path, st)
		}
	}
	if left := uploadsLeft(t, e.server); len(left) > 0 {
		t.Errorf("left after the requests: %q", left)
	}
	if err := e.server.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(e.server.o.UploadDir); err != nil || len(entries) > 0 {
		t.Errorf("after Close: %v, %v", entries, err)
	}
	body, ctype = multipartBody(t, map[string][]byte{"user.csv": []byte("x\n")}, nil)
	// Unavailable, as the error model's table says (502), with the code.
	if st, _, page := e.do("POST", "/api/v1/csv", body, map[string]string{"Content-Type": ctype, "Authorization": "Bearer " + testToken}); st != http.StatusBadGateway || !strings.Contains(page, `"`+CodeShuttingDown+`"`) {
		t.Errorf("an upload after Close = %d %s; want 502 shutting_down", st, page)
	}
}
