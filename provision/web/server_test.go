package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/internal/secret"
)

const (
	testPassword = "correct horse battery staple"
	testToken    = "api-token-0123456789abcdef"
)

type testEnv struct {
	t       *testing.T
	srv     *httptest.Server
	server  *Server
	backend *fakeBackend
	client  *http.Client // with a cookie jar, no redirects followed
}

func newTestEnv(t *testing.T, opts ...func(*Options)) *testEnv {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	b := newFakeBackend()
	o := Options{
		Backend: b, PasswordHash: hash, APIToken: secret.Secret(testToken),
		UploadLimit: 1 << 20, Location: time.UTC, Version: "test",
		Redactor: secret.NewRedactor(testPassword, testToken), UploadDir: t.TempDir(),
	}
	for _, f := range opts {
		f(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &testEnv{t: t, srv: srv, server: s, backend: b, client: c}
}

// do sends a request as a same-origin browser would (Sec-Fetch-Site:
// same-origin on POSTs) and returns the status, headers and body.
func (e *testEnv) do(method, path string, body io.Reader, hdr map[string]string) (int, http.Header, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (e *testEnv) get(path string, hdr ...string) (int, http.Header, string) {
	e.t.Helper()
	h := map[string]string{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	return e.do(http.MethodGet, path, nil, h)
}

func (e *testEnv) post(path string, form url.Values) (int, http.Header, string) {
	e.t.Helper()
	return e.do(http.MethodPost, path, strings.NewReader(form.Encode()), nil)
}

func (e *testEnv) login() {
	e.t.Helper()
	st, h, body := e.post("/login", url.Values{"password": {testPassword}})
	if st != http.StatusSeeOther || h.Get("Location") != "/" {
		e.t.Fatalf("login = %d %s: %s", st, h.Get("Location"), body)
	}
}

// api calls the JSON API with the token.
func (e *testEnv) api(method, path string, body any) (int, string) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// multipartBody builds a CSV upload.
func multipartBody(t *testing.T, files map[string][]byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// consolePages are the GET pages of the console.
var consolePages = []string{"/", "/plan", "/runs", "/runs/1", "/upload", "/roster",
	"/roster/departments/drill", "/roster/members/sato", "/calendar", "/calendar?state=disabled", "/calendar/suzuki"}

// apiGets are the API's GET endpoints.
var apiGets = []string{"/api/v1/status", "/api/v1/runs", "/api/v1/runs/1", "/api/v1/plan",
	"/api/v1/roster", "/api/v1/enrolments", "/api/v1/enrolments/sato"}

func TestHealthz(t *testing.T) {
	e := newTestEnv(t)
	if st, _, body := e.get("/healthz"); st != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", st, body)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range []string{"/login", "/", "/api/v1/status", "/healthz", "/static/style.css", "/nope"} {
		_, h, _ := e.get(path)
		for k, want := range map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q; want %q", path, k, got, want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
	}
}
