// Package caldav checks a CalDAV calendar target (SPEC §6 rule 9): it asks
// the server, with the user's credentials, what the calendar URL is
// (a PROPFIND through github.com/emersion/go-webdav's CalDAV client) and
// reports one of a fixed set of outcomes, each with a stable code and a
// catalogue key and parameters whose text (Japanese and English, in
// internal/msg's calendar table) says what to do. It also holds the rules
// for calendar URLs and the URL template the enrolment policy fills in.
//
// The password passes through here in memory only; it is never part of a
// Result, a message or an error.
package caldav

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"github.com/cybridge/cybridge/internal/msg"
)

// Outcome is what a check found. The values are stable (they appear in JSON
// and, prefixed with "caldav_", as error codes).
type Outcome string

// The outcomes of a check.
const (
	Reachable     Outcome = "reachable"          // a calendar collection the credentials can read
	Unauthorized  Outcome = "unauthorized"       // 401: wrong auth id or password
	Forbidden     Outcome = "forbidden"          // 403: credentials accepted, this calendar not allowed
	NotFound      Outcome = "not_found"          // 404: nothing at this URL
	NotCalendar   Outcome = "not_calendar"       // something is there, but not a calendar collection
	TLSFailure    Outcome = "tls_error"          // TLS handshake or certificate problem
	DNSFailure    Outcome = "dns_error"          // the host name does not resolve
	Refused       Outcome = "connection_refused" // nothing listens on that host and port
	Timeout       Outcome = "timeout"            // no answer in time
	ServerFailure Outcome = "server_error"       // any other answer: 5xx, not a WebDAV server, …
	BadURL        Outcome = "url_invalid"        // the URL itself is unusable
)

// Target is what to check. Password is the clear password, held only for
// the duration of the check.
type Target struct {
	URL      string
	AuthID   string
	Password string
}

// Result is the outcome of a check, safe to print and store.
//
// Key and Params are its text: a surface renders it in the admin's
// language with Text, and the API carries both. Message is the English
// text, kept for logs and for readers of results stored by older versions.
type Result struct {
	Outcome  Outcome    `json:"outcome"`
	URL      string     `json:"url"`
	Status   int        `json:"http_status,omitempty"` // the server's HTTP status, when it answered
	Calendar string     `json:"calendar,omitempty"`    // the calendar's display name, when reachable
	Key      string     `json:"key,omitempty"`
	Params   msg.Params `json:"params,omitempty"`
	Message  string     `json:"message"`
}

// OK reports whether the calendar is reachable.
func (r Result) OK() bool { return r.Outcome == Reachable }

// Text is the result's text in l; a result without a key (stored by an
// older version) shows its English message.
func (r Result) Text(l msg.Lang) string { return msg.TextOr(l, r.Key, r.Params, r.Message) }

// Err returns nil for a reachable calendar, else a *CheckError.
func (r Result) Err() error {
	if r.OK() {
		return nil
	}
	return &CheckError{Result: r}
}

// CheckError is a failed check as an error; its code is "caldav_" +
// outcome, its parameters and text the result's.
type CheckError struct{ Result Result }

// ErrorCode is the stable error code, e.g. "caldav_unauthorized".
func (e *CheckError) ErrorCode() string { return "caldav_" + string(e.Result.Outcome) }

// ErrorKind is what the admin does about it: change the URL or the
// credentials they gave (invalid), get access to the calendar
// (forbidden), or look at the server and the network between (unavailable).
// A wrong password is invalid rather than unauthorized: unauthorized is
// for cybridge's own login, and the API answers it with 401.
func (e *CheckError) ErrorKind() msg.Kind {
	switch e.Result.Outcome {
	case Unauthorized, NotFound, NotCalendar, BadURL:
		return msg.KindInvalid
	case Forbidden:
		return msg.KindForbidden
	}
	return msg.KindUnavailable
}

// ErrorParams are the result's parameters: url, and status, host or
// detail where the outcome has them.
func (e *CheckError) ErrorParams() msg.Params { return e.Result.Params }

// Localize is the result's text in l.
func (e *CheckError) Localize(l msg.Lang) string { return e.Result.Text(l) }

func (e *CheckError) Error() string { return e.Result.Message }

// Catalogue keys of the check's texts: "caldav_" + outcome, and a
// situation after a dot where one outcome has several. A bad URL has the
// texts of URLKey (the editor's for the same URL).
const (
	KeyReachable           = "caldav_reachable"         // calendar: the calendar's display name
	KeyReachableUnnamed    = "caldav_reachable.unnamed" // a calendar without a display name
	KeyUnauthorized        = "caldav_unauthorized"
	KeyForbidden           = "caldav_forbidden"
	KeyNotFound            = "caldav_not_found"
	KeyNotCalendar         = "caldav_not_calendar"
	KeyTLSHandshake        = "caldav_tls_error"
	KeyTLSCertificate      = "caldav_tls_error.certificate"
	KeyTLSNotTLS           = "caldav_tls_error.not_tls"
	KeyDNS                 = "caldav_dns_error" // host
	KeyRefused             = "caldav_connection_refused"
	KeyTimeout             = "caldav_timeout"
	KeyServerStatus        = "caldav_server_error"                // detail: the status's name
	KeyServerNotDAV        = "caldav_server_error.not_dav"        // 405 or 501
	KeyServerPlainRedirect = "caldav_server_error.redirect_plain" // a redirect from https:// to http://
	KeyServerUnreachable   = "caldav_server_error.unreachable"    // detail: the transport's error
)

// Keys lists the catalogue key of every text a check can give (the URL
// texts are URLError's, listed by whoever lists URLReasons).
func Keys() []string {
	return []string{KeyReachable, KeyReachableUnnamed, KeyUnauthorized, KeyForbidden, KeyNotFound, KeyNotCalendar,
		KeyTLSHandshake, KeyTLSCertificate, KeyTLSNotTLS, KeyDNS, KeyRefused, KeyTimeout,
		KeyServerStatus, KeyServerNotDAV, KeyServerPlainRedirect, KeyServerUnreachable}
}

// DefaultTimeout bounds a check when the context has no deadline.
const DefaultTimeout = 15 * time.Second

// Check asks the server about t.URL with t's credentials. hc is the HTTP
// client to use (nil: a client with DefaultTimeout); its transport decides
// TLS roots and proxies.
func Check(ctx context.Context, hc *http.Client, t Target) Result {
	res := Result{URL: t.URL}
	if err := CheckURL(t.URL); err != nil {
		res.URL = redactURL(t.URL)
		var ue *URLError
		errors.As(err, &ue) // CheckURL fails with a *URLError
		return res.with(BadURL, 0, ue.Key(), msg.Params{"detail": ue.Msg})
	}
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	hc = keepTLS(hc)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	rec := &recorder{c: hc}
	client, err := caldav.NewClient(webdav.HTTPClientWithBasicAuth(rec, t.AuthID, t.Password), t.URL)
	if err != nil {
		return res.with(BadURL, 0, URLKey, msg.Params{"detail": err.Error()})
	}
	u, _ := url.Parse(t.URL) // CheckURL parsed it
	want := strings.TrimSuffix(u.Path, "/")
	cals, err := client.FindCalendars(ctx, u.Path)
	if err != nil {
		return classify(ctx, res, rec.status, err)
	}
	for _, c := range cals {
		if strings.TrimSuffix(c.Path, "/") == want {
			res.Calendar = c.Name
			if c.Name == "" {
				return res.with(Reachable, rec.status, KeyReachableUnnamed, nil)
			}
			return res.with(Reachable, rec.status, KeyReachable, msg.Params{"calendar": c.Name})
		}
	}
	return res.with(NotCalendar, rec.status, KeyNotCalendar, nil)
}

// errPlainRedirect stops a redirect from https:// to http://: Go's client
// would send the Basic credentials along, in clear.
var errPlainRedirect = errors.New("redirect from https:// to http:// refused")

// keepTLS returns a copy of hc that refuses redirects leaving https.
func keepTLS(hc *http.Client) *http.Client {
	c := *hc
	next := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errPlainRedirect
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// with is r with outcome o, the server's status (0 for none) and the text
// key with p; the URL, and the status when there is one, are added to p.
func (r Result) with(o Outcome, status int, key string, p msg.Params) Result {
	params := msg.Params{"url": r.URL}
	if status != 0 {
		params["status"] = status
	}
	for k, v := range p {
		params[k] = v
	}
	r.Outcome, r.Status, r.Key, r.Params = o, status, key, params
	r.Message = msg.Text(msg.En, key, params)
	return r
}

// recorder is the HTTP client the CalDAV client uses: it remembers the
// last HTTP status, and asks for Depth 0. go-webdav's FindCalendars sends
// Depth 1 (it is meant for a calendar home); at Depth 0 the server answers
// about the collection alone instead of listing every event in it.
type recorder struct {
	c      webdav.HTTPClient
	status int
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	if req.Method == "PROPFIND" {
		req.Header.Set("Depth", "0")
	}
	resp, err := r.c.Do(req)
	if resp != nil {
		r.status = resp.StatusCode
	}
	return resp, err
}

func classify(ctx context.Context, res Result, status int, err error) Result {
	if errors.Is(err, errPlainRedirect) {
		return res.with(ServerFailure, status, KeyServerPlainRedirect, nil)
	}
	switch status {
	case 0: // no HTTP answer: a transport failure
	case http.StatusUnauthorized:
		return res.with(Unauthorized, status, KeyUnauthorized, nil)
	case http.StatusForbidden:
		return res.with(Forbidden, status, KeyForbidden, nil)
	case http.StatusNotFound, http.StatusGone:
		return res.with(NotFound, status, KeyNotFound, nil)
	case http.StatusMultiStatus:
		return res.with(NotCalendar, status, KeyNotCalendar, nil)
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return res.with(ServerFailure, status, KeyServerNotDAV, nil)
	default:
		return res.with(ServerFailure, status, KeyServerStatus, msg.Params{"detail": http.StatusText(status)})
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr) && !dnsErr.IsTimeout:
		return res.with(DNSFailure, 0, KeyDNS, msg.Params{"host": dnsErr.Name})
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr):
		return res.with(TLSFailure, 0, KeyTLSCertificate, nil)
	case errors.As(err, &recErr):
		return res.with(TLSFailure, 0, KeyTLSNotTLS, nil)
	case isTLS(err):
		return res.with(TLSFailure, 0, KeyTLSHandshake, nil)
	case errors.Is(err, syscall.ECONNREFUSED):
		return res.with(Refused, 0, KeyRefused, nil)
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil, isTimeout(err):
		return res.with(Timeout, 0, KeyTimeout, nil)
	}
	return res.with(ServerFailure, 0, KeyServerUnreachable, msg.Params{"detail": err.Error()})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isTLS recognises handshake failures the tls package reports only as
// text (alerts from the peer).
func isTLS(err error) bool {
	var alert tls.AlertError
	return errors.As(err, &alert) || strings.Contains(err.Error(), "tls: ")
}
