package scimapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// Config configures a Client.
type Config struct {
	BaseURL     string        // the app's SCIM base, e.g. https://api.example.com/scim/v2
	Token       secret.Secret // bearer token; never in errors, logs or output
	HTTPClient  *http.Client  // optional; its Timeout bounds each attempt
	Concurrency int           // max requests in flight (default 4, max 16)
	PageSize    int           // count per page (default 100), capped by the server's filter.maxResults
	MaxAttempts int           // per request incl. the first (default 4)
}

// Defaults and bounds.
const (
	DefaultConcurrency = 4
	MaxConcurrency     = 16
	DefaultPageSize    = 100
	DefaultMaxAttempts = 4

	// MediaType is SCIM's (RFC 7644 §3.1); application/json replies are
	// accepted too, as many services send them.
	MediaType = "application/scim+json"

	maxBody       = 32 << 20         // bound on a reply's body: a page of 1,000 users is well under it
	maxRetryAfter = 60 * time.Second // a longer Retry-After is waited for this long
	backoffBase   = 250 * time.Millisecond
	backoffCap    = 8 * time.Second
	attemptTimout = 60 * time.Second // per attempt when HTTPClient has no Timeout
)

// Client talks SCIM 2.0 (RFC 7644) to one service. Its methods are safe
// for concurrent use; at most Concurrency requests are in flight across
// all of them.
type Client struct {
	base        string // without a trailing slash
	token       secret.Secret
	redact      secret.Redactor
	hc          *http.Client
	sem         chan struct{}
	pageSize    int
	maxAttempts int

	cfgMu sync.Mutex
	cfg   *ProviderConfig

	requests, retries atomic.Int64
}

// Stats count the client's HTTP requests (every attempt) and retries.
type Stats struct {
	Requests int64
	Retries  int64
}

// New is a client for cfg. The base URL must be absolute https (http only
// to a loopback address) without credentials, and the token set.
func New(cfg Config) (*Client, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	u, err := url.Parse(base)
	params := msg.Params{"url": base}
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return nil, &Error{Code: CodeURLInvalid, params: params}
	case u.User != nil:
		u.User = nil
		return nil, &Error{Code: CodeURLInvalid, key: keyURLCredentials, params: msg.Params{"url": u.String()}}
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return nil, &Error{Code: CodeURLInvalid, key: keyURLPlainHTTP, params: params}
	case !cfg.Token.IsSet():
		return nil, &Error{Code: CodeTokenMissing, params: params}
	}
	c := &Client{
		base:        base,
		token:       cfg.Token,
		redact:      secret.NewRedactor(cfg.Token),
		hc:          cfg.HTTPClient,
		pageSize:    cfg.PageSize,
		maxAttempts: cfg.MaxAttempts,
	}
	if c.hc == nil {
		// Keep a connection per request slot: the default transport keeps
		// two idle per host, so a pool of 4 would reconnect (and redo TLS)
		// on every other request.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = MaxConcurrency
		c.hc = &http.Client{Timeout: attemptTimout, Transport: tr}
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	c.sem = make(chan struct{}, min(conc, MaxConcurrency))
	if c.pageSize <= 0 {
		c.pageSize = DefaultPageSize
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	return c, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Concurrency is the most requests the client has in flight.
func (c *Client) Concurrency() int { return cap(c.sem) }

// Stats are the counters so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load()}
}

// reply is a 2xx response.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// version is the reply's entity tag: meta.version in the body, else the
// ETag header.
func (r reply) version() string {
	var v struct {
		Meta struct{ Version string } `json:"meta"`
	}
	if json.Unmarshal(r.body, &v) == nil && v.Meta.Version != "" {
		return v.Meta.Version
	}
	return r.header.Get("ETag")
}

// do sends one request, retrying by RFC 7644 and RFC 9110: 429 and 503
// after Retry-After (seconds or an HTTP date, capped at a minute) or
// backoff; 502, 504, a connection reset or a timeout after full-jitter
// backoff; up to maxAttempts in all. Any other status is final. body is
// marshalled once; path is relative to the base ("/Users/u1").
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body any, ifMatch string) (reply, error) {
	params := msg.Params{"url": c.base, "method": method, "path": path}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return reply{}, fmt.Errorf("scim %s %s: encode body: %w", method, path, err)
		}
	}
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	for attempt := 1; ; attempt++ {
		rep, wait, err := c.attempt(ctx, method, target, payload, ifMatch, params)
		if err == nil {
			return rep, nil
		}
		if wait < 0 || attempt >= c.maxAttempts {
			return reply{}, err
		}
		if wait == 0 {
			wait = backoff(attempt)
		}
		c.retries.Add(1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return reply{}, &Error{Code: msg.CodeCanceled, params: params, err: ctx.Err()}
		case <-t.C:
		}
	}
}

// backoff is full jitter: a random wait up to base·2^(attempt-1), capped.
func backoff(attempt int) time.Duration {
	ceiling := min(backoffCap, backoffBase<<(attempt-1))
	return time.Duration(rand.Int64N(int64(ceiling))) + time.Millisecond
}

// attempt sends the request once. wait says whether to retry: negative
// not, zero after backoff, positive after that long (Retry-After).
func (c *Client) attempt(ctx context.Context, method, target string, payload []byte, ifMatch string, params msg.Params) (reply, time.Duration, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return reply{}, -1, &Error{Code: msg.CodeCanceled, params: params, err: ctx.Err()}
	}
	defer func() { <-c.sem }()

	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return reply{}, -1, fmt.Errorf("scim %s %s: %w", method, params["path"], err)
	}
	req.Header.Set("Accept", MediaType)
	req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	if payload != nil {
		req.Header.Set("Content-Type", MediaType)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	c.requests.Add(1)
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{}, c.transportWait(ctx, err), c.transportError(ctx, err, params)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil:
		return reply{}, c.transportWait(ctx, err), c.transportError(ctx, err, params)
	case len(data) > maxBody:
		return reply{}, -1, &Error{Code: CodeProtocol, key: keyProtocolTooLarge, Status: resp.StatusCode, params: withMax(params)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return reply{status: resp.StatusCode, header: resp.Header, body: data}, 0, nil
	}
	e := c.statusError(resp.StatusCode, data, params)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return reply{}, retryAfter(resp.Header.Get("Retry-After"), time.Now()), e
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return reply{}, 0, e
	default:
		return reply{}, -1, e
	}
}

func withMax(p msg.Params) msg.Params {
	out := msg.Params{"max": strconv.Itoa(maxBody>>20) + " MiB"}
	for k, v := range p {
		out[k] = v
	}
	return out
}

// retryAfter is Retry-After's wait (RFC 9110 §10.2.3), capped; 0 when
// absent or unreadable (then the client backs off).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0
	}
	return min(max(d, time.Millisecond), maxRetryAfter)
}

// statusError is the Error for a non-2xx reply, with the SCIM error
// body's scimType and detail when it has one.
func (c *Client) statusError(status int, body []byte, params msg.Params) *Error {
	code, key := codeOf(status)
	e := &Error{Status: status, Code: code, key: key, params: params}
	var se struct {
		ScimType string          `json:"scimType"`
		Detail   json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &se) == nil {
		e.ScimType = c.clean(se.ScimType, 64)
		var detail string
		if json.Unmarshal(se.Detail, &detail) != nil {
			detail = string(se.Detail)
		}
		e.Detail = c.clean(detail, 500)
	}
	return e
}

// clean is s redacted of the token, on one line, at most n bytes.
func (c *Client) clean(s string, n int) string {
	s = strings.Join(strings.Fields(c.redact.Redact(s)), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// transportWait says whether a failure to get a reply is worth retrying:
// a canceled context or a certificate problem is not; a reset, refused or
// timed-out connection is.
func (c *Client) transportWait(ctx context.Context, err error) time.Duration {
	var cert *tls.CertificateVerificationError
	if ctx.Err() != nil || errors.As(err, &cert) {
		return -1
	}
	return 0
}

func (c *Client) transportError(ctx context.Context, err error, params msg.Params) *Error {
	if ctx.Err() != nil {
		return &Error{Code: msg.CodeCanceled, params: params, err: ctx.Err()}
	}
	// The detail is the innermost error: a *url.Error would repeat the URL.
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	return &Error{Code: CodeUnavailable, Detail: c.clean(cause.Error(), 300), params: params, err: err}
}

// protocolError is a 2xx reply the client cannot use.
func protocolError(rep reply, params msg.Params, key string, extra msg.Params) *Error {
	p := msg.Params{}
	for k, v := range params {
		p[k] = v
	}
	for k, v := range extra {
		p[k] = v
	}
	return &Error{Code: CodeProtocol, key: key, Status: rep.status, params: p}
}
