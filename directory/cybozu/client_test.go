package cybozu

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cybridge/cybridge/internal/msg"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/secret"
)

// fastConfig is a Config for tests: quick retries.
func fastConfig(url string) Config {
	return Config{
		BaseURL: url, Login: "admin", Password: "pw-secret",
		BackoffBase: time.Millisecond, BackoffCap: 5 * time.Millisecond, Timeout: 5 * time.Second,
	}
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// emptyDomain answers every list with an empty page and records requests.
type emptyDomain struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (d *emptyDomain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.reqs = append(d.reqs, r.Clone(context.Background()))
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	key := map[string]string{"/v1/users.json": "users", "/v1/organizations.json": "organizations", "/v1/groups.json": "groups"}[r.URL.Path]
	fmt.Fprintf(w, `{%q:[]}`, key)
}

func TestNewRejects(t *testing.T) {
	base := Config{BaseURL: "https://example.cybozu.com", Login: "a", Password: "p"}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"http to a remote host", func(c *Config) { c.BaseURL = "http://example.cybozu.com" }, "only for loopback"},
		{"credentials in the URL", func(c *Config) { c.BaseURL = "https://u:p@example.cybozu.com" }, "must not contain a user"},
		{"a path", func(c *Config) { c.BaseURL = "https://example.cybozu.com/k/" }, "has a path"},
		{"no credentials", func(c *Config) { c.Password = "" }, "a login name and password, or an API token"},
		{"password without login", func(c *Config) { c.Login = "" }, "needs the login name it belongs to"},
		{"token with Basic", func(c *Config) { c.Token = "tok"; c.BasicUser = "b"; c.BasicPassword = "bp" }, "password authentication only"},
		{"half Basic", func(c *Config) { c.BasicUser = "b" }, "set both basic_user and basic_password"},
		{"too many concurrent", func(c *Config) { c.Concurrency = 11 }, "at most 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.edit(&cfg)
			_, err := New(cfg)
			if msg.Code(err) != CodeConfigInvalid || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: err = %v, want config_invalid containing %q", err, tt.want)
			}
		})
	}
	for _, ok := range []string{"http://127.0.0.1:1234", "http://localhost:80", "http://[::1]:8080", "https://example.s.cybozu.com/"} {
		cfg := base
		cfg.BaseURL = ok
		if _, err := New(cfg); err != nil {
			t.Errorf("New(%s): %v", ok, err)
		}
	}
}

// TestRequestHeaders checks what goes on the wire: no Content-Type on GET,
// the password or token header, Basic auth alongside the password.
func TestRequestHeaders(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name string
		edit func(*Config)
		want map[string]string // header → value; "" = absent
	}{
		{"password", func(*Config) {}, map[string]string{
			"X-Cybozu-Authorization": b64("admin:pw-secret"), "Authorization": "", "Content-Type": "", "Accept": "application/json"}},
		{"password and Basic", func(c *Config) { c.BasicUser, c.BasicPassword = "bu", "bp" }, map[string]string{
			"X-Cybozu-Authorization": b64("admin:pw-secret"), "Authorization": "Basic " + b64("bu:bp"), "Content-Type": ""}},
		{"token wins over password", func(c *Config) { c.Token = "tok123" }, map[string]string{
			"X-Cybozu-Authorization": "", "Authorization": "Bearer tok123", "Content-Type": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &emptyDomain{}
			srv := httptest.NewServer(d)
			defer srv.Close()
			cfg := fastConfig(srv.URL)
			tt.edit(&cfg)
			if _, err := newClient(t, cfg).ReadSnapshot(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(d.reqs) != 3 {
				t.Fatalf("%d requests, want 3 (one per empty list)", len(d.reqs))
			}
			for _, r := range d.reqs {
				if r.Method != http.MethodGet {
					t.Errorf("method %s", r.Method)
				}
				for h, want := range tt.want {
					if got := r.Header.Get(h); got != want {
						t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.URL, h, got, want)
					}
				}
			}
		})
	}
}

// TestPercentEncoding checks codes are percent-encoded in the query, with
// %20 for a space and %23 for #.
func TestPercentEncoding(t *testing.T) {
	var mu sync.Mutex
	var raw []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/organizations.json":
			fmt.Fprint(w, `{"organizations":[{"id":"1","code":"cybozu#"},{"id":"2","code":"R&D/1 +x"}]}`)
		case "/v1/groups.json":
			fmt.Fprint(w, `{"groups":[{"id":"3","code":"営業 チーム"}]}`)
		case "/v1/users.json":
			fmt.Fprint(w, `{"users":[]}`)
		default:
			mu.Lock()
			raw = append(raw, r.URL.RawQuery)
			mu.Unlock()
			fmt.Fprint(w, `{"userTitles":[],"users":[]}`)
		}
	}))
	defer srv.Close()
	if _, err := newClient(t, fastConfig(srv.URL)).ReadSnapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"code=cybozu%23&offset=0&size=100":                                        true,
		"code=R%26D%2F1%20%2Bx&offset=0&size=100":                                 true,
		"code=%E5%96%B6%E6%A5%AD%20%E3%83%81%E3%83%BC%E3%83%A0&offset=0&size=100": true,
	}
	if len(raw) != len(want) {
		t.Fatalf("member-list queries = %q", raw)
	}
	for _, q := range raw {
		if !want[q] {
			t.Errorf("unexpected query %q", q)
		}
	}
}

// TestResponseMapping covers answers the simulator does not give — a
// redirect to the login page (not followed), the legacy 520, HTML on 200 —
// on the user list while the other lists read fine (so a page that keeps
// failing makes the read incomplete).
func TestResponseMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		ctype     string
		body      string
		header    map[string]string
		code      string
		attempts  int
		wantInMsg string
	}{
		{"302 to login", 302, "text/html", "", map[string]string{"Location": "/login?redirect=x"}, CodeAuthFailed, 1, "login page"},
		{"302 elsewhere", 302, "text/html", "", map[string]string{"Location": "https://other.example/"}, CodeRedirected, 1, "another host, other.example: if that is this domain, set cybozu.url to https://other.example"},
		{"302 to Secure Access", 302, "text/html", "", map[string]string{"Location": "https://Demo.s.cybozu.com/v1/users.json?x=secret"}, CodeRedirected, 1, "Secure Access host demo.s.cybozu.com, so the domain wants Secure Access: set cybozu.url to https://demo.s.cybozu.com, and cybozu.client_certificate_file"},
		{"302 same host, other path", 302, "text/html", "", map[string]string{"Location": "/elsewhere"}, CodeUnexpectedResponse, 1, "does not understand"},
		{"520 CB_WA01", 520, "application/json", `{"code":"CB_WA01","message":"Password authentication failed."}`, nil, CodeAuthFailed, 1, "停止中"},
		{"401 CB_AU01", 401, "application/json", `{"code":"CB_AU01","message":"Please login."}`, nil, CodeAuthFailed, 1, "no credentials"},
		{"400 CB_TW02", 400, "application/json", `{"code":"CB_TW02","message":"2FA"}`, nil, CodeAuthFailed, 1, "API token"},
		{"520 CB_VA01", 520, "application/json", `{"code":"CB_VA01","message":"bad"}`, nil, CodeUnexpectedResponse, 1, "does not understand"},
		{"520 CB_NO02", 520, "application/json", `{"code":"CB_NO02","message":"権限がありません。"}`, nil, CodeForbidden, 1, "lacks permission"},
		{"520 CB_NO02 in the header, HTML body", 520, "text/html", `<html><title>Error</title></html>`, map[string]string{"X-Cybozu-Error": "CB_NO02"}, CodeForbidden, 1, "(HTTP 520, CB_NO02, Error)"},
		{"520 with an unknown code is not retried", 520, "application/json", `{"code":"CB_XX99","message":"oops"}`, nil, CodeSourceUnavailable, 1, "server error"},
		{"520 without a code is retried", 520, "text/html", `<html><title>Error</title></html>`, nil, CodeSourceIncomplete, 5, "user list (offset 0) could not be read after retries"},
		{"500 is not retried", 500, "application/json", `{"code":"CB_XX99"}`, nil, CodeSourceUnavailable, 1, "server error"},
		{"501 is not retried", 501, "text/html", ``, nil, CodeSourceUnavailable, 1, "server error"},
		{"400 from an HTTPS server to plain HTTP", 400, "", "Client sent an HTTP request to an HTTPS server.\n", nil, CodeConnectionFailed, 1, "speaks only HTTPS"},
		{"429 is retried", 429, "application/json", `{"code":"CB_TM01"}`, nil, CodeSourceIncomplete, 5, "could not be read after retries"},
		{"400 CB_IL02", 400, "application/json", `{"code":"CB_IL02","message":"不正なリクエストです。"}`, nil, CodeUnexpectedResponse, 1, "CB_IL02"},
		{"200 HTML page", 200, "text/html", `<html><title>Proxy login</title></html>`, nil, CodeUnexpectedResponse, 1, "Proxy login"},
		{"200 without the list", 200, "application/json", `{}`, nil, CodeUnexpectedResponse, 1, "no list"},
		{"200 garbled is retried", 200, "application/json", `{"users":[`, nil, CodeSourceIncomplete, 5, "garbled"},
		{"403 JSON", 403, "application/json", `{"code":"CB_NO02","message":"権限がありません。"}`, nil, CodeForbidden, 1, "permission"},
		{"404 JSON", 404, "application/json", `{"code":"CB_NF01"}`, nil, CodeUnexpectedResponse, 1, "does not understand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits, logins atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/login") {
					logins.Add(1)
				}
				if r.URL.Path != "/v1/users.json" {
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprint(w, `{"organizations":[],"groups":[]}`)
					return
				}
				hits.Add(1)
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			snap, err := newClient(t, fastConfig(srv.URL)).ReadSnapshot(context.Background())
			var e *Error
			if snap != nil || !errors.As(err, &e) {
				t.Fatalf("ReadSnapshot = %v, %v; want nil and an *Error", snap, err)
			}
			if e.Code != tt.code || !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("err = [%s] %v; want [%s] containing %q", e.Code, err, tt.code, tt.wantInMsg)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("err = %v: repeats a Location's query", err)
			}
			if got := hits.Load(); got != int64(tt.attempts) {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if logins.Load() != 0 {
				t.Error("the redirect was followed")
			}
		})
	}
}

// TestSecretsNotInErrors: a server that echoes the credentials back in its
// error message cannot make them appear in the error.
func TestSecretsNotInErrors(t *testing.T) {
	const pw, basic = "Pw-Zq81xx", "Bp-Yy73ww"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		msg := "bad " + r.Header.Get("X-Cybozu-Authorization") + " " + r.Header.Get("Authorization") + " " + pw + " " + basic
		_ = json.NewEncoder(w).Encode(map[string]string{"code": "CB_WA01", "message": msg})
	}))
	defer srv.Close()
	cfg := fastConfig(srv.URL)
	cfg.Password, cfg.BasicUser, cfg.BasicPassword = pw, "bu", basic
	_, err := newClient(t, cfg).ReadSnapshot(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	text := fmt.Sprintf("%v %+v %#v", err, err, err)
	for _, s := range []string{pw, basic, base64.StdEncoding.EncodeToString([]byte("admin:" + pw)), base64.StdEncoding.EncodeToString([]byte("bu:" + basic))} {
		if strings.Contains(text, s) {
			t.Errorf("error text contains a secret %q:\n%s", s, text)
		}
	}
	if !strings.Contains(text, "[redacted]") {
		t.Errorf("expected the echoed secrets to be redacted: %s", text)
	}
	if s := fmt.Sprintf("%v %#v", cfg, cfg); strings.Contains(s, pw) || strings.Contains(s, basic) {
		t.Errorf("Config prints a secret: %s", s)
	}
}

func TestContextCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := newClient(t, fastConfig(srv.URL)).ReadSnapshot(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.ErrorCode() != CodeCanceled {
		t.Errorf("err = %#v, want code canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

// bigUsers serves a users list of n users (and no organizations or groups)
// with random latency, so that pages complete out of order.
type bigUsers struct {
	n        int
	inflight atomic.Int64
	peak     atomic.Int64
	requests atomic.Int64
	repeat   int // offset of a page served shifted back by one (a row repeats)
}

func (b *bigUsers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.requests.Add(1)
	cur := b.inflight.Add(1)
	defer b.inflight.Add(-1)
	for {
		p := b.peak.Load()
		if cur <= p || b.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond)
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/v1/users.json" {
		fmt.Fprint(w, `{"organizations":[],"groups":[]}`)
		return
	}
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	if b.repeat > 0 && off >= b.repeat {
		off-- // a row was added in front between pages: one row repeats
	}
	var sb strings.Builder
	sb.WriteString(`{"users":[`)
	for i := off; i < min(off+100, b.n); i++ {
		if i > off {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"%d","code":"u%06d","valid":true,"name":"U"}`, i+1, i)
	}
	sb.WriteString("]}")
	fmt.Fprint(w, sb.String())
}

// TestLongListSpeculation: a long user list alone is read ahead when the
// pool is idle; every user is read once, in order, and the waste stays
// within one extra page per 50 full pages.
func TestLongListSpeculation(t *testing.T) {
	for _, n := range []int{0, 100, 4999, 5000, 12345} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			b := &bigUsers{n: n}
			srv := httptest.NewServer(b)
			defer srv.Close()
			snap, err := newClient(t, fastConfig(srv.URL)).ReadSnapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Users) != n {
				t.Fatalf("%d users, want %d", len(snap.Users), n)
			}
			for i, u := range snap.Users {
				if u.Login != fmt.Sprintf("u%06d", i) {
					t.Fatalf("user %d is %s", i, u.Login)
				}
			}
			minimum := n/100 + 1 + 2
			extra := int(b.requests.Load()) - minimum
			if extra < 0 || extra > (n/100)/specPagesPerExtra {
				t.Errorf("%d requests, minimum %d: %d extra", b.requests.Load(), minimum, extra)
			}
			if n < 5000 && extra != 0 {
				t.Errorf("%d extra requests for a list under 5,000", extra)
			}
			if b.peak.Load() > DefaultConcurrency {
				t.Errorf("peak in flight %d > pool %d", b.peak.Load(), DefaultConcurrency)
			}
		})
	}
}

// TestDedupe: a row repeated by offset paging over a changing directory is
// read once.
func TestDedupe(t *testing.T) {
	b := &bigUsers{n: 250, repeat: 100}
	srv := httptest.NewServer(b)
	defer srv.Close()
	snap, err := newClient(t, fastConfig(srv.URL)).ReadSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range snap.Users {
		got = append(got, u.Login)
	}
	var want []string
	for i := range 250 { // pages from offset 100 on were served one row back: u000099 and u000199 came twice
		want = append(want, fmt.Sprintf("u%06d", i))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestConfigSecretType(t *testing.T) {
	// Config's secrets are secret.Secret, which print redacted.
	var c Config
	c.Password = secret.Secret("x-secret-1")
	if s := fmt.Sprintf("%+v", c); strings.Contains(s, "x-secret-1") {
		t.Errorf("Config %%+v shows the password: %s", s)
	}
}
