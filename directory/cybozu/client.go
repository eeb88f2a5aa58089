package cybozu

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// Defaults and limits of Config.
const (
	DefaultConcurrency = 4
	MaxConcurrency     = 10 // cybozu.com counts concurrent requests per domain
	DefaultTimeout     = 30 * time.Second
	DefaultMaxAttempts = 5
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffCap  = 10 * time.Second
	pageSize           = 100
	maxBodyBytes       = 64 << 20
)

// Config is how to reach one cybozu.com domain. Zero values take the
// defaults above.
type Config struct {
	// BaseURL is https://SUBDOMAIN.cybozu.com (or .kintone.com, .cybozu.cn,
	// SUBDOMAIN.s.cybozu.com with ClientCert). http:// only for loopback.
	BaseURL string
	// Login and Password: password authentication (X-Cybozu-Authorization).
	Login    string
	Password secret.Secret
	// Token: User API token authentication (Authorization: Bearer). When
	// both are set the token is used (cybozu.com's own priority).
	Token secret.Secret
	// BasicUser and BasicPassword: the domain's Basic authentication (IP
	// restriction); works with password authentication only.
	BasicUser     string
	BasicPassword secret.Secret
	// ClientCert is the Secure Access client certificate, if any, with its
	// chain (LoadCertificate). It is sent whatever CA names the server asks
	// for: Go would otherwise send none when the chain does not reach one
	// of them. New refuses an expired one.
	ClientCert *tls.Certificate
	// RootCAs, if set, replaces the system's CA certificates for the
	// server's certificate (tests, a TLS-inspecting proxy).
	RootCAs *x509.CertPool
	// Concurrency is the request pool size (default 4, at most 10).
	Concurrency int
	// Timeout bounds one HTTP request attempt (default 30s).
	Timeout time.Duration
	// MaxAttempts is how many times one request is tried before giving up
	// on transient failures (default 5). Authentication failures are
	// never retried.
	MaxAttempts int
	// BackoffBase and BackoffCap shape the wait between attempts:
	// exponential with full jitter, wait = rand[0, min(cap, base·2^n)).
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// Progress, if set, is called after every answered request from a
	// single goroutine.
	Progress func(Progress)
	// Transport replaces the HTTP transport (tests); ClientCert is then
	// ignored.
	Transport http.RoundTripper
}

// Progress is the state of a running read.
type Progress struct {
	Requests      int // requests answered, retries included
	Pending       int // pages known to be needed and not yet read
	Organizations int // organizations read so far
	Users         int // users read so far
	Groups        int // groups read so far
	Retries       int // attempts that failed transiently and were retried
}

// Client reads one cybozu.com domain through the User API. It is safe for
// concurrent use.
type Client struct {
	cfg    Config
	rc     *resty.Client
	domain string
	// redactor scrubs the credentials, and the header values built from
	// them, from anything a server or transport echoes back.
	redactor secret.Redactor

	requests atomic.Int64
	retries  atomic.Int64
	// limit is the current pool size; a 429 lowers it for the rest of the
	// client's life (cybozu.com counts requests per domain, so others are
	// using it too).
	limit atomic.Int64
	// listCap, when set (tests), replaces maxListItems.
	listCap int
}

// New checks cfg and returns a Client. The checks are those of the
// configuration (config.CheckURL and CheckConfig's credential rules, which
// app.Validate has reported with every other problem at load time), made
// again because a Client must never be built from settings that cannot
// work: http:// except for loopback hosts, credentials in the URL, a
// missing login or secret, and a token combined with Basic authentication.
func New(cfg Config) (*Client, error) {
	if err := config.CheckURL(cfg.BaseURL); err != nil {
		// config's own text for the URL, under this client's code.
		return nil, &msg.Error{Code: CodeConfigInvalid, Kind: msg.KindInvalid, Key: msg.Code(err), Params: msg.ParamsOf(err)}
	}
	u, _ := url.Parse(cfg.BaseURL)
	problems := credentialProblems(cfg.Login, cfg.Password, cfg.Token, cfg.BasicUser, cfg.BasicPassword)
	if !cfg.Token.IsSet() && !cfg.Password.IsSet() {
		problems = append(problems, config.Problem{Key: "cybozu.password", Code: "config.cybozu_credentials_required"})
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Concurrency > MaxConcurrency {
		problems = append(problems, config.Problem{Key: "cybozu.concurrency", Code: "config.max", Params: msg.Params{"param": MaxConcurrency, "value": cfg.Concurrency}})
	}
	if len(problems) > 0 {
		return nil, config.NewError(nil, problems)
	}
	if cfg.ClientCert != nil {
		leaf, err := leafOf(cfg.ClientCert)
		if err != nil {
			return nil, ClientCertProblem(err.Error())
		}
		if s := CertificateStateOf(leaf, time.Now()); s.Code == CodeCertificateExpired {
			return nil, certificateExpired(s)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffCap <= 0 {
		cfg.BackoffCap = DefaultBackoffCap
	}

	c := &Client{cfg: cfg, domain: u.Host}
	c.limit.Store(int64(cfg.Concurrency))

	headers := map[string]string{"Accept": "application/json", "User-Agent": "cybridge"}
	if cfg.Token.IsSet() {
		headers["Authorization"] = "Bearer " + cfg.Token.Reveal()
		c.redactor = c.redactor.With(cfg.Token, secret.Secret(headers["Authorization"]))
	} else {
		v := base64.StdEncoding.EncodeToString([]byte(cfg.Login + ":" + cfg.Password.Reveal()))
		headers["X-Cybozu-Authorization"] = v
		c.redactor = c.redactor.With(cfg.Password, secret.Secret(v))
	}
	if cfg.BasicPassword.IsSet() {
		v := base64.StdEncoding.EncodeToString([]byte(cfg.BasicUser + ":" + cfg.BasicPassword.Reveal()))
		headers["Authorization"] = "Basic " + v
		c.redactor = c.redactor.With(cfg.BasicPassword, secret.Secret(v))
	}

	tr := cfg.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = MaxConcurrency
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs}
		if cert := cfg.ClientCert; cert != nil {
			t.TLSClientConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return cert, nil
			}
		}
		tr = t
	}
	c.rc = resty.New().
		SetTransport(tr).
		SetBaseURL(strings.TrimSuffix(cfg.BaseURL, "/")).
		SetHeaders(headers).
		SetLogger(discardLogger{}).
		SetDisableWarn(true).
		SetRetryCount(0). // retries are ours: typed, counted, never for auth
		SetResponseBodyLimit(maxBodyBytes).
		// A redirect is an answer, not something to follow: a 302 to
		// /login is an authentication failure.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}))
	return c, nil
}

// Domain returns the host the client reads from ("example.cybozu.com").
func (c *Client) Domain() string { return c.domain }

// Requests returns how many HTTP requests the client has sent, retries
// included.
func (c *Client) Requests() int { return int(c.requests.Load()) }

// get fetches pathQuery (its query already encoded) and hands a 2xx
// answer to accept, which may reject it. Transient failures are retried up
// to MaxAttempts with exponential backoff and full jitter, and the last one
// is returned (still marked transient); any other failure returns at once.
func (c *Client) get(ctx context.Context, pathQuery string, accept func(http.Header, []byte) *Error) *Error {
	var last *Error
	for attempt := 0; attempt < c.cfg.MaxAttempts; attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
			wait := c.backoff(attempt)
			if ra := retryAfter(last.header); ra > wait {
				wait = min(ra, c.cfg.BackoffCap)
			}
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return canceled(ctx)
			case <-t.C:
			}
		}
		err := c.attempt(ctx, pathQuery, accept)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return canceled(ctx)
		}
		err.Detail = c.redactor.Redact(err.Detail)
		if !err.transient {
			return err
		}
		if err.Status == http.StatusTooManyRequests {
			c.throttle()
		}
		last = err
	}
	return last
}

// attempt sends one request.
func (c *Client) attempt(ctx context.Context, pathQuery string, accept func(http.Header, []byte) *Error) *Error {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	c.requests.Add(1)
	resp, err := c.rc.R().SetContext(actx).Get(pathQuery)
	if err != nil {
		return transportError(err)
	}
	h := resp.Header()
	if e := checkResponse(resp.StatusCode(), h, resp.Body(), c.sent()); e != nil {
		e.header = h
		return e
	}
	return accept(h, resp.Body())
}

// sent is what the client sends with every request.
func (c *Client) sent() credentials {
	return credentials{token: c.cfg.Token.IsSet(), basic: c.cfg.BasicPassword.IsSet(), host: c.domain}
}

// backoff returns the wait before attempt n (n ≥ 1): full jitter over
// min(cap, base·2^(n-1)).
func (c *Client) backoff(n int) time.Duration {
	d := c.cfg.BackoffBase << (n - 1)
	if d <= 0 || d > c.cfg.BackoffCap {
		d = c.cfg.BackoffCap
	}
	return rand.N(d) + 1
}

// throttle lowers the pool size by one (not below 1) after a 429.
func (c *Client) throttle() {
	for {
		cur := c.limit.Load()
		if cur <= 1 || c.limit.CompareAndSwap(cur, cur-1) {
			return
		}
	}
}

// canceled reports the end of ctx; it unwraps to the context's error.
func canceled(ctx context.Context) *Error {
	e := newError(msg.CodeCanceled, keyCanceled, nil)
	e.Err = context.Cause(ctx)
	return e
}

// discardLogger keeps resty quiet: its warnings could repeat request
// details, and cybridge prints only its own messages.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// escape percent-encodes a query value: spaces as %20, # as %23 (SPEC §3.2).
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// leafOf is cert's leaf certificate, parsed when Leaf is not set.
func leafOf(cert *tls.Certificate) (*x509.Certificate, error) {
	if cert.Leaf != nil {
		return cert.Leaf, nil
	}
	if len(cert.Certificate) == 0 {
		return nil, errors.New("no certificate")
	}
	return x509.ParseCertificate(cert.Certificate[0])
}
