// Package caldav checks a CalDAV calendar target (SPEC §6 rule 9): it asks
// the server, with the user's credentials, what the calendar URL is
// (a PROPFIND through github.com/emersion/go-webdav's CalDAV client) and
// reports one of a fixed set of outcomes, each with a stable code and a
// message that says what to do. It also holds the rules for calendar URLs
// and the URL template the enrolment policy fills in.
//
// The password passes through here in memory only; it is never part of a
// Result, a message or an error.
package caldav

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
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
type Result struct {
	Outcome  Outcome `json:"outcome"`
	URL      string  `json:"url"`
	Status   int     `json:"http_status,omitempty"` // the server's HTTP status, when it answered
	Calendar string  `json:"calendar,omitempty"`    // the calendar's display name, when reachable
	Message  string  `json:"message"`
}

// OK reports whether the calendar is reachable.
func (r Result) OK() bool { return r.Outcome == Reachable }

// Err returns nil for a reachable calendar, else a *CheckError.
func (r Result) Err() error {
	if r.OK() {
		return nil
	}
	return &CheckError{Result: r}
}

// CheckError is a failed check as an error; its code is "caldav_" + outcome.
type CheckError struct{ Result Result }

// ErrorCode is the stable error code, e.g. "caldav_unauthorized".
func (e *CheckError) ErrorCode() string { return "caldav_" + string(e.Result.Outcome) }

func (e *CheckError) Error() string { return e.Result.Message }

// DefaultTimeout bounds a check when the context has no deadline.
const DefaultTimeout = 15 * time.Second

// Check asks the server about t.URL with t's credentials. hc is the HTTP
// client to use (nil: a client with DefaultTimeout); its transport decides
// TLS roots and proxies.
func Check(ctx context.Context, hc *http.Client, t Target) Result {
	res := Result{URL: t.URL}
	if err := CheckURL(t.URL); err != nil {
		res.URL = redactURL(t.URL)
		return res.with(BadURL, 0, err.Error()+".")
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
		return res.with(BadURL, 0, fmt.Sprintf("the URL cannot be used: %v.", err))
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
			return res.with(Reachable, rec.status, "the calendar is reachable with these credentials.")
		}
	}
	return res.with(NotCalendar, rec.status, "the server answered, but this URL is not a calendar collection; open the calendar's own URL (for example https://HOST/USER/CALENDAR/) in the CalDAV server's settings and use that.")
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

func (r Result) with(o Outcome, status int, msg string) Result {
	r.Outcome, r.Status, r.Message = o, status, msg
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
		return res.with(ServerFailure, status, fmt.Sprintf("the server redirected (HTTP %d) to a plain http:// address, where the password would travel in clear; it was not sent: use the server's https:// calendar URL.", status))
	}
	switch status {
	case 0: // no HTTP answer: a transport failure
	case http.StatusUnauthorized:
		return res.with(Unauthorized, status, "the server refused the auth id or password (HTTP 401); check both in the CalDAV server's account settings and set them again.")
	case http.StatusForbidden:
		return res.with(Forbidden, status, "the credentials were accepted but this calendar is not allowed for them (HTTP 403); use a calendar the account owns or is shared with write access.")
	case http.StatusNotFound, http.StatusGone:
		return res.with(NotFound, status, fmt.Sprintf("there is no calendar at this URL (HTTP %d); check the path, which usually ends in the calendar's name and a slash.", status))
	case http.StatusMultiStatus:
		return res.with(NotCalendar, status, "the server answered, but not with a calendar collection for this URL; check that it is the calendar's own URL.")
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return res.with(ServerFailure, status, fmt.Sprintf("this URL is not a WebDAV/CalDAV endpoint (HTTP %d); check the URL.", status))
	default:
		return res.with(ServerFailure, status, fmt.Sprintf("the server answered HTTP %d (%s); try again later, or check the URL.", status, http.StatusText(status)))
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr) && !dnsErr.IsTimeout:
		return res.with(DNSFailure, 0, fmt.Sprintf("the host name %q could not be resolved; check the URL's host name.", dnsErr.Name))
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr):
		return res.with(TLSFailure, 0, "the server's TLS certificate is not trusted for this host (expired, self-signed or issued for another name); fix the certificate or use the host name it is issued for.")
	case errors.As(err, &recErr):
		return res.with(TLSFailure, 0, "the server does not speak TLS on this port; check the port, or the scheme (https://).")
	case isTLS(err):
		return res.with(TLSFailure, 0, "the TLS handshake with the server failed; check the port and the server's TLS settings.")
	case errors.Is(err, syscall.ECONNREFUSED):
		return res.with(Refused, 0, "the connection was refused: nothing listens on that host and port; check the port and that the CalDAV server runs.")
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil, isTimeout(err):
		return res.with(Timeout, 0, "the server did not answer in time; check the host and port, and any firewall between.")
	}
	return res.with(ServerFailure, 0, fmt.Sprintf("the server could not be reached (%v); check the URL.", err))
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
