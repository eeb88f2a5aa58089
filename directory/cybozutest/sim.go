package cybozutest

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cybridge/cybridge/directory"
)

// Demo credentials used when Options leaves them empty. They are the
// simulator's, not a real domain's, and the demo documents them.
const (
	DefaultLogin    = "Administrator"
	DefaultPassword = "sim-demo-pass"
	DefaultDomain   = "demo.cybozu.com"
	// DefaultMaxConcurrent is the concurrent-request limit before 429.
	DefaultMaxConcurrent = 10
	// DefaultFailStatus is the status of injected faults.
	DefaultFailStatus = http.StatusServiceUnavailable
)

// Options configure a simulated domain. The zero value serves an empty
// directory to DefaultLogin/DefaultPassword with no faults.
// Endless is how users.json fails to end (Options.EndlessUsers).
type Endless string

// The endless lists.
const (
	EndlessRepeat Endless = "repeat"
	EndlessFresh  Endless = "fresh"
)

type Options struct {
	// Snapshot is the directory served; nil serves an empty one. It is read,
	// never modified; replace it later with SetSnapshot.
	Snapshot *directory.Snapshot
	// Domain names the domain in HTML pages (default DefaultDomain).
	Domain string

	// Login and Password are the account accepted by password auth
	// (X-Cybozu-Authorization); empty means DefaultLogin / DefaultPassword.
	Login, Password string
	// Token is the User API token accepted as "Authorization: Bearer"; ""
	// accepts no token.
	Token string
	// WrongPasswordStatus is the status of a CB_WA01 answer: 401 (default)
	// or 520 (older cybozu.com behaviour).
	WrongPasswordStatus int
	// TwoFactor: the account has two-factor authentication on, so password
	// auth is refused with 401 CB_TW02 (tokens still work).
	TwoFactor bool
	// NonAdmin: the password account is not a cybozu.com administrator, so
	// /v1/csv/title.csv answers 403 CB_NO02.
	NonAdmin bool
	// TokenNoCSV: the API token may not export CSV (403 CB_NO02), as on
	// kintone.com, whose Read scope lists no CSV export (what it answers
	// is ASSUMED).
	TokenNoCSV bool
	// ChallengeWithCode: every 401 JSON error (CB_WA01, CB_AU01, CB_TW02)
	// also carries WWW-Authenticate: Basic, as a front end with Basic
	// authentication might send it (UNCONFIRMED either way).
	ChallengeWithCode bool
	// CodeInHeaderOnly: every error that has a cybozu.com code is an HTML
	// page, the code only in the X-Cybozu-Error header (the body lost, as
	// behind a proxy that replaces error bodies).
	CodeInHeaderOnly bool

	// IPRestricted turns IP restriction on; every caller counts as not
	// allowed. With BasicUser set the domain has Basic auth, which then lets
	// callers through; without it they get a 403 HTML page.
	IPRestricted             bool
	BasicUser, BasicPassword string
	// UnknownDomain: the subdomain does not exist; every path is a 404 HTML page.
	UnknownDomain bool
	// Maintenance: every API path is a 503 HTML maintenance page.
	Maintenance bool
	// EndlessUsers makes users.json a list that never ends (a broken or
	// hostile cybozu.com, for the reader's paging guards):
	// EndlessRepeat answers the same full page at every offset,
	// EndlessFresh a full page of new users (new ids) at every offset.
	EndlessUsers Endless

	// TLS makes NewServer listen with HTTPS (httptest's certificate, which
	// Server.Client trusts) instead of plain HTTP.
	TLS bool
	// ClientCAs, with TLS, makes the server require a client certificate
	// that verifies against these CAs, as a Secure Access host does
	// (CertAuthority.Pool); without one the handshake fails.
	ClientCAs *x509.CertPool
	// RedirectTo answers every API request with 302 to the same path on
	// this host (e.g. "demo.s.cybozu.com"), as a domain might send an
	// ordinary URL to its Secure Access host (ASSUMED, cybozu-user-api.md
	// §5.6).
	RedirectTo string

	// Latency is added to every API request (not to 429 answers).
	Latency time.Duration
	// MaxConcurrent is how many API requests may be in flight before the
	// next gets 429: 0 means DefaultMaxConcurrent, negative means no limit.
	MaxConcurrent int

	// FailOn makes the k-th API request (1-based, arrival order) fail with
	// FailStatus; 0 = never.
	FailOn int
	// FailPath makes every request whose path+query contains it fail with
	// FailStatus; "" = never.
	FailPath string
	// FailStatus is the status of injected failures (default 503).
	FailStatus int
	// FailCode is the cybozu.com code of injected failures that carry one
	// (every status but 401 without a code, 502, 503 and 504): default
	// CB_VA01 "not found" for 400 — what a member list of an organization
	// or group deleted during the read answers — and CB_UN01 (invented)
	// otherwise.
	FailCode string
	// FailCount limits FailPath to its first FailCount matching requests;
	// 0 = every one. FailPath with FailCount 1 is a fault that a re-read
	// gets past.
	FailCount int
	// TruncateOn cuts the k-th API response in the middle of its body; 0 = never.
	TruncateOn int
}

// Stats count what the simulator has answered since it started (or since
// ResetStats).
type Stats struct {
	// Requests is every API (/v1/...) request received, whatever the answer.
	Requests int64 `json:"requests"`
	// InFlight is the number being answered now; PeakInFlight the highest
	// seen, including requests that were then answered 429.
	InFlight     int64 `json:"in_flight"`
	PeakInFlight int64 `json:"peak_in_flight"`
	// TooMany counts 429 answers; Faults the injected failures and
	// truncations; AuthFailures the 401/403/520 authentication answers.
	TooMany      int64 `json:"too_many"`
	Faults       int64 `json:"faults"`
	AuthFailures int64 `json:"auth_failures"`
	// ByPath counts requests per URL path (no query).
	ByPath map[string]int64 `json:"by_path"`
}

// Sim is a simulated cybozu.com domain. It is an http.Handler, safe for
// concurrent use.
type Sim struct {
	opts Options

	mu   sync.RWMutex
	view *view

	seq      atomic.Int64 // API requests received, for FailOn / TruncateOn
	pathHits atomic.Int64 // requests matching FailPath, for FailCount

	statsMu sync.Mutex
	stats   Stats
}

// New returns a simulator with the given options.
func New(opts Options) *Sim {
	if opts.Domain == "" {
		opts.Domain = DefaultDomain
	}
	if opts.Login == "" {
		opts.Login = DefaultLogin
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.WrongPasswordStatus == 0 {
		opts.WrongPasswordStatus = http.StatusUnauthorized
	}
	if opts.MaxConcurrent == 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	if opts.FailStatus == 0 {
		opts.FailStatus = DefaultFailStatus
	}
	s := &Sim{opts: opts, stats: Stats{ByPath: map[string]int64{}}}
	s.SetSnapshot(opts.Snapshot)
	return s
}

// SetSnapshot replaces the served directory; requests already being
// answered finish with the old one. nil serves an empty directory.
func (s *Sim) SetSnapshot(snap *directory.Snapshot) {
	if snap == nil {
		snap = &directory.Snapshot{}
	}
	v := newView(snap)
	s.mu.Lock()
	s.view = v
	s.mu.Unlock()
}

func (s *Sim) current() *view {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.view
}

// Stats returns a copy of the counters.
func (s *Sim) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.ByPath = make(map[string]int64, len(s.stats.ByPath))
	for k, v := range s.stats.ByPath {
		st.ByPath[k] = v
	}
	return st
}

// ResetStats zeroes the counters (not the request sequence FailOn and
// TruncateOn count).
func (s *Sim) ResetStats() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	inFlight := s.stats.InFlight
	s.stats = Stats{InFlight: inFlight, PeakInFlight: inFlight, ByPath: map[string]int64{}}
}

func (s *Sim) count(f func(st *Stats)) {
	s.statsMu.Lock()
	f(&s.stats)
	s.statsMu.Unlock()
}

// enter counts an arriving API request and reports whether it is within the
// concurrency limit. When it is, the caller must call leave.
func (s *Sim) enter(path string) (seq int64, ok bool) {
	seq = s.seq.Add(1)
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := &s.stats
	st.Requests++
	st.ByPath[path]++
	st.InFlight++
	if st.InFlight > st.PeakInFlight {
		st.PeakInFlight = st.InFlight
	}
	if s.opts.MaxConcurrent > 0 && st.InFlight > int64(s.opts.MaxConcurrent) {
		st.InFlight--
		st.TooMany++
		return seq, false
	}
	return seq, true
}

func (s *Sim) leave() { s.count(func(st *Stats) { st.InFlight-- }) }

// ServeHTTP answers one request.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_sim/stats" {
		writeJSON(w, http.StatusOK, s.Stats())
		return
	}
	seq, ok := s.enter(r.URL.Path)
	if !ok {
		s.writeError(w, seq, http.StatusTooManyRequests, "CB_TM01", "同時に処理できるリクエスト数の上限を超えました。", nil)
		return
	}
	// The request stops counting as in flight when its answer starts, as on
	// a server that counts the requests it is working on. Leaving only when
	// the handler returned let a client that keeps exactly MaxConcurrent in
	// flight get a 429: an answer too large to buffer is on the wire, and
	// the client's next request can arrive, before the handler returns.
	lw := &leaveWriter{ResponseWriter: w, leave: s.leave}
	defer lw.release()
	w = lw
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	rw := &cutWriter{ResponseWriter: w, cut: s.opts.TruncateOn > 0 && seq == int64(s.opts.TruncateOn)}
	if rw.cut {
		s.count(func(st *Stats) { st.Faults++ })
	}
	s.serveAPI(rw, r, seq)
	rw.finish()
}

// serveAPI runs the front-end checks, authentication and the endpoint.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request, seq int64) {
	o := &s.opts
	if o.UnknownDomain {
		writeHTML(w, http.StatusNotFound, "404 Not Found", "<h1>404: Not Found</h1>")
		return
	}
	if (o.FailOn > 0 && seq == int64(o.FailOn)) || s.failPath(r) {
		s.count(func(st *Stats) { st.Faults++ })
		s.writeFault(w, seq, o.FailStatus)
		return
	}
	if o.RedirectTo != "" {
		u := *r.URL
		u.Scheme, u.Host = "https", o.RedirectTo
		w.Header().Set("Location", u.String())
		writeHTML(w, http.StatusFound, "Found", "")
		return
	}
	if o.Maintenance {
		writeHTML(w, http.StatusServiceUnavailable, "メンテナンス中", "<h3>ただいまメンテナンス中です。しばらくお待ちください。</h3>")
		return
	}
	if o.IPRestricted {
		if o.BasicUser == "" {
			s.count(func(st *Stats) { st.AuthFailures++ })
			writeHTML(w, http.StatusForbidden, "Error", "<h3>アクセスが制限されています。</h3><p>このIPアドレスからのアクセスは許可されていません。</p>")
			return
		}
		if !s.basicOK(r) {
			s.count(func(st *Stats) { st.AuthFailures++ })
			w.Header().Set("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", o.Domain))
			writeHTML(w, http.StatusUnauthorized, "Unauthorized", "<h2>認証が必要です。</h2>")
			return
		}
	}
	if r.Method == http.MethodGet && r.Header.Get("Content-Type") != "" {
		s.writeError(w, seq, http.StatusBadRequest, "CB_IL02", "不正なリクエストです。", nil)
		return
	}
	acct, ok := s.authenticate(w, r, seq)
	if !ok {
		s.count(func(st *Stats) { st.AuthFailures++ })
		return
	}
	if r.Method != http.MethodGet {
		s.writeError(w, seq, http.StatusMethodNotAllowed, "CB_IL02", "不正なリクエストです。", nil)
		return
	}
	s.route(w, r, seq, acct)
}

// account is who a request authenticated as.
type account struct {
	token bool // API token (any token may export CSV)
}

// authenticate checks the cybozu.com credentials, answering the request when
// they are wrong. An API token wins over a password, as on cybozu.com.
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request, seq int64) (account, bool) {
	o := &s.opts
	for _, h := range r.Header.Values("Authorization") {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			continue
		}
		if o.Token == "" || tok != o.Token {
			s.writeError(w, seq, o.WrongPasswordStatus, "CB_WA01", "APIトークン認証に失敗しました。", nil)
			return account{}, false
		}
		return account{token: true}, true
	}
	h := r.Header.Get("X-Cybozu-Authorization")
	if h == "" {
		s.writeError(w, seq, http.StatusUnauthorized, "CB_AU01", "ログインしてください。", nil)
		return account{}, false
	}
	raw, err := base64.StdEncoding.DecodeString(h)
	login, pass, _ := strings.Cut(string(raw), ":")
	if err != nil || login != o.Login || pass != o.Password {
		s.writeError(w, seq, o.WrongPasswordStatus, "CB_WA01", "ログイン名またはパスワードが正しくありません。", nil)
		return account{}, false
	}
	if o.TwoFactor {
		s.writeError(w, seq, http.StatusUnauthorized, "CB_TW02", "2要素認証を有効にしているため、認証できません。REST APIでは2要素認証はサポートされていません。", nil)
		return account{}, false
	}
	return account{}, true
}

// failPath reports whether r is one of the requests FailPath and FailCount
// make fail.
func (s *Sim) failPath(r *http.Request) bool {
	o := &s.opts
	if o.FailPath == "" || !strings.Contains(r.URL.RequestURI(), o.FailPath) {
		return false
	}
	n := s.pathHits.Add(1)
	return o.FailCount <= 0 || n <= int64(o.FailCount)
}

func (s *Sim) basicOK(r *http.Request) bool {
	for _, h := range r.Header.Values("Authorization") {
		enc, ok := strings.CutPrefix(h, "Basic ")
		if !ok {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return false
		}
		u, p, _ := strings.Cut(string(raw), ":")
		return u == s.opts.BasicUser && p == s.opts.BasicPassword
	}
	return false
}

// apiError is the JSON error body of cybozu.com.
type apiError struct {
	Code    string                         `json:"code"`
	ID      string                         `json:"id"`
	Message string                         `json:"message"`
	Errors  map[string]map[string][]string `json:"errors,omitempty"`
}

// writeError answers a cybozu.com error: the JSON body, and the code in the
// X-Cybozu-Error header too, where Cybozu's own Swift client reads it.
// With CodeInHeaderOnly the body is an HTML page; with ChallengeWithCode a
// 401 also carries a Basic challenge.
func (s *Sim) writeError(w http.ResponseWriter, seq int64, status int, code, msg string, errs map[string]map[string][]string) {
	w.Header().Set("X-Cybozu-Error", code)
	if status == http.StatusUnauthorized && s.opts.ChallengeWithCode {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", s.opts.Domain))
	}
	if s.opts.CodeInHeaderOnly {
		writeHTML(w, status, "Error", "<h3>"+html.EscapeString(msg)+"</h3>")
		return
	}
	writeJSON(w, status, apiError{Code: code, ID: fmt.Sprintf("sim-%d", seq), Message: msg, Errors: errs})
}

// validation answers 400 CB_VA01 for one bad parameter.
func (s *Sim) validation(w http.ResponseWriter, seq int64, param, msg string) {
	s.writeError(w, seq, http.StatusBadRequest, "CB_VA01", "入力内容が正しくありません。",
		map[string]map[string][]string{param: {"messages": {msg}}})
}

// writeFault answers an injected failure: 502, 503 and 504 as the front
// end's overload page, 401 without FailCode as a front-end page without a
// code or challenge (a cause the client cannot know), everything else as a
// cybozu.com error with FailCode.
func (s *Sim) writeFault(w http.ResponseWriter, seq int64, status int) {
	code := s.opts.FailCode
	switch {
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		writeHTML(w, status, "Error", "<h3>一時的な過負荷かメンテナンスのため、サービスを利用できません。</h3>")
	case status == http.StatusUnauthorized && code == "":
		writeHTML(w, status, "Unauthorized", "<h2>認証が必要です。</h2>")
	case code == "CB_VA01" || (code == "" && status == http.StatusBadRequest):
		s.writeError(w, seq, status, "CB_VA01", "入力内容が正しくありません。",
			map[string]map[string][]string{"code": {"messages": {"指定したデータが見つかりません。"}}})
	case code == "":
		s.writeError(w, seq, status, "CB_UN01", "予期しないエラーが発生しました。", nil)
	default:
		s.writeError(w, seq, status, code, faultMessages[code], nil)
	}
}

// faultMessages are cybozu.com's messages for the codes a fault may carry
// (the Japanese ones as the sources quote them).
var faultMessages = map[string]string{
	"CB_WA01": "ログイン名またはパスワードが正しくありません。",
	"CB_AU01": "ログインしてください。",
	"CB_NO02": "権限がありません。",
	"CB_IL02": "不正なリクエストです。",
	"CB_IJ01": "不正なJSON文字列です。",
	"CB_TW02": "2要素認証を有効にしているため、認証できません。REST APIでは2要素認証はサポートされていません。",
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeBody(w, status, "application/json; charset=utf-8", b)
}

func writeHTML(w http.ResponseWriter, status int, title, body string) {
	page := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>" + body + "</body></html>\n"
	writeBody(w, status, "text/html; charset=utf-8", []byte(page))
}

func writeBody(w http.ResponseWriter, status int, ctype string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// leaveWriter calls leave once, when the answer starts (or when release is
// called, for a request that is never answered). One handler goroutine
// uses it.
type leaveWriter struct {
	http.ResponseWriter
	leave func()
	left  bool
}

func (l *leaveWriter) release() {
	if !l.left {
		l.left = true
		l.leave()
	}
}

func (l *leaveWriter) WriteHeader(status int) {
	l.release()
	l.ResponseWriter.WriteHeader(status)
}

func (l *leaveWriter) Write(b []byte) (int, error) {
	l.release()
	return l.ResponseWriter.Write(b)
}

// Flush lets cutWriter flush through.
func (l *leaveWriter) Flush() {
	if f, ok := l.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// cutWriter passes a response through, or with cut set sends only the first
// half of the body and then drops the connection.
type cutWriter struct {
	http.ResponseWriter
	cut bool
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if !c.cut {
		return c.ResponseWriter.Write(b)
	}
	n, err := c.ResponseWriter.Write(b[:len(b)/2])
	if err != nil {
		return n, err
	}
	return len(b), nil
}

// finish drops the connection of a cut response. http.ErrAbortHandler makes
// net/http close it without logging.
func (c *cutWriter) finish() {
	if !c.cut {
		return
	}
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}
