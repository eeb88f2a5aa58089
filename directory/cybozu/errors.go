package cybozu

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Stable error codes (SPEC §3.3). Every error the client returns is an
// *Error carrying one of these.
const (
	CodeDomainNotFound     = "domain_not_found"
	CodeAuthFailed         = "auth_failed"
	CodeBasicAuthRequired  = "basic_auth_required"
	CodeBasicAuthFailed    = "basic_auth_failed"
	CodeIPRestricted       = "ip_restricted"
	CodeForbidden          = "forbidden"
	CodeSourceUnavailable  = "source_unavailable"
	CodeSourceIncomplete   = "source_incomplete"
	CodeUnexpectedResponse = "unexpected_response" // a 4xx or body the client cannot use; not retried
	CodeConnectionFailed   = "connection_failed"   // TLS or certificate problem; not retried
	CodeConfigInvalid      = "config_invalid"      // New was given settings that cannot work
	CodeCanceled           = "canceled"            // the context ended; errors.Is(err, context.Canceled) holds
)

// Error is every failure of the client: a stable Code for the admin, the
// HTTP status and cybozu.com error code when there was a response, and a
// Message saying what happened and what to do. It never holds a password,
// token or Basic credential.
type Error struct {
	Code       string // one of the Code* constants
	Status     int    // HTTP status; 0 when no response was received
	CybozuCode string // "CB_WA01" etc. when the response said so
	Message    string // what happened and what to do (lowercase, no secrets)
	// Detail is what the response or the network said (cybozu.com's own
	// message, an HTML page title, a network error), already redacted.
	Detail string
	// Err is the underlying error, for errors.Is/As (never a *url.Error,
	// whose text would repeat the request URL).
	Err error

	transient bool        // worth retrying (429, 5xx, network, timeout, truncated body)
	header    http.Header // response headers, for Retry-After
}

// ErrorCode returns the stable error code.
func (e *Error) ErrorCode() string { return e.Code }

func (e *Error) Error() string {
	var parts []string
	if e.Status != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(e.Status))
	}
	if e.CybozuCode != "" {
		parts = append(parts, e.CybozuCode)
	}
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	if len(parts) == 0 {
		return e.Message
	}
	return e.Message + " (" + strings.Join(parts, ", ") + ")"
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Messages, one per situation of SPEC §3.3. They say what to do.
const (
	msgDomainNotFound    = "the cybozu.com URL does not exist: check the subdomain in cybozu.url"
	msgAuthFailed        = "cybozu.com rejected the login name or password, or the account is suspended (停止中): check cybozu.login and cybozu.password (or cybozu.token)"
	msgAuthTwoFactor     = "two-factor authentication is on for this account, and cybozu.com does not accept password authentication for it: use an API token (cybozu.token) or upload CSV exports"
	msgAuthLogin         = "cybozu.com asked for a login (redirect to the login page): check cybozu.login and cybozu.password (or cybozu.token)"
	msgAuthMissing       = "cybozu.com received no credentials: set cybozu.login and cybozu.password, or cybozu.token"
	msgBasicRequired     = "IP address restriction is on for this domain and this host is not allowed: enter the Basic authentication user and password (cybozu.basic_user, cybozu.basic_password), allow this host's IP, or upload CSV exports"
	msgBasicFailed       = "cybozu.com rejected the Basic authentication user or password: check cybozu.basic_user and cybozu.basic_password"
	msgIPRestricted      = "this host's IP address is blocked by the domain's IP address restriction: allow it in cybozu.com administration, enable Basic authentication there, or upload CSV exports"
	msgForbidden         = "the account lacks permission for this request: use an account with the cybozu.com administrator role, or an API token"
	msgUnavailable       = "cybozu.com is busy or in maintenance and did not answer after retries; nothing was changed: try again later"
	msgIncomplete        = "part of the directory could not be read; nothing was planned or changed: try again later"
	msgUnexpected        = "cybozu.com answered in a way cybridge does not understand; nothing was changed: check cybozu.url points at a cybozu.com domain"
	msgConnectionTLS     = "no secure connection could be made to cybozu.com: check cybozu.url, and for Secure Access (.s.cybozu.com) cybozu.client_cert and cybozu.client_key"
	msgConnectionRefused = "cybozu.com could not be reached; nothing was changed: check cybozu.url and this host's network access"
)

// cybozuBody is cybozu.com's JSON error body.
type cybozuBody struct {
	Code    string `json:"code"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

// checkResponse is the one place that turns an HTTP answer into an error:
// it returns nil for a 2xx and an *Error for everything else, marked
// transient when a retry may help. basicConfigured says whether Basic
// credentials were sent (to tell basic_auth_required from
// basic_auth_failed).
func checkResponse(status int, h http.Header, body []byte, basicConfigured bool) *Error {
	if status >= 200 && status < 300 {
		return nil
	}
	e := &Error{Status: status}
	isJSON := false
	if ct, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && (ct == "application/json" || strings.HasSuffix(ct, "+json")) {
		var cb cybozuBody
		if json.Unmarshal(body, &cb) == nil {
			isJSON = true
			e.CybozuCode = cb.Code
			e.Detail = oneLine(cb.Message, 200)
		}
	}
	if !isJSON {
		e.Detail = htmlTitle(body)
	}
	// Two-factor authentication refusal, whatever the status.
	if e.CybozuCode == "CB_TW02" {
		e.Code, e.Message = CodeAuthFailed, msgAuthTwoFactor
		return e
	}
	switch {
	case status >= 300 && status < 400:
		loc := h.Get("Location")
		if u, err := url.Parse(loc); err == nil {
			e.Detail = "redirect to " + u.Path // path only: no query, no host credentials
			if strings.Contains(strings.ToLower(u.Path), "/login") {
				e.Code, e.Message = CodeAuthFailed, msgAuthLogin
				return e
			}
		}
		e.Code, e.Message = CodeUnexpectedResponse, msgUnexpected
	case status == http.StatusUnauthorized && strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Get("WWW-Authenticate"))), "basic"):
		if basicConfigured {
			e.Code, e.Message = CodeBasicAuthFailed, msgBasicFailed
		} else {
			e.Code, e.Message = CodeBasicAuthRequired, msgBasicRequired
		}
	case status == http.StatusUnauthorized || (status == 520 && isAuthCode(e.CybozuCode)):
		e.Code, e.Message = CodeAuthFailed, msgAuthFailed
		if e.CybozuCode == "CB_AU01" {
			e.Message = msgAuthMissing
		}
	case status == http.StatusForbidden && isJSON:
		e.Code, e.Message = CodeForbidden, msgForbidden
	case status == http.StatusForbidden:
		e.Code, e.Message = CodeIPRestricted, msgIPRestricted
	case status == http.StatusNotFound && !isJSON:
		e.Code, e.Message = CodeDomainNotFound, msgDomainNotFound
	case status == http.StatusTooManyRequests || (status >= 500 && status != http.StatusNotImplemented && !isValidationCode(e.CybozuCode)):
		e.Code, e.Message, e.transient = CodeSourceUnavailable, msgUnavailable, true
	default:
		e.Code, e.Message = CodeUnexpectedResponse, msgUnexpected
	}
	return e
}

func isAuthCode(c string) bool {
	return c == "CB_WA01" || c == "CB_AU01" || c == "CB_TW02"
}

func isValidationCode(c string) bool {
	return c == "CB_VA01" || c == "CB_IL02" || c == "CB_IJ01"
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// htmlTitle returns the <title> of an HTML page (what front-end error pages
// say), or "" — never the raw body.
func htmlTitle(body []byte) string {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	m := titleRE.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return oneLine(html.UnescapeString(string(m[1])), 100)
}

// oneLine collapses whitespace and cuts s to at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// transportError classifies an error from sending a request (no response):
// DNS "no such host" is domain_not_found; TLS and certificate problems are
// connection_failed; everything else (refused, reset, timeout, truncated
// body) is transient. The *url.Error wrapper, whose text repeats the URL,
// is dropped.
func transportError(err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return &Error{Code: CodeDomainNotFound, Message: msgDomainNotFound, Detail: "no such host " + dnsErr.Name, Err: err}
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
		alertErr   tls.AlertError
		recordErr  tls.RecordHeaderError
	)
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || errors.As(err, &alertErr) || errors.As(err, &recordErr) {
		return &Error{Code: CodeConnectionFailed, Message: msgConnectionTLS, Detail: oneLine(err.Error(), 200), Err: err}
	}
	detail, msg := oneLine(err.Error(), 200), msgUnavailable
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		detail = "no answer within the timeout (cybozu.timeout)"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		msg = msgConnectionRefused
	}
	return &Error{Code: CodeSourceUnavailable, Message: msg, Detail: detail, Err: err, transient: true}
}

// retryAfter reads a Retry-After header given in seconds (cybozu.com is not
// documented to send one; honoured when present).
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// incomplete wraps the last error of a page that could not be read.
func incomplete(what string, last *Error) *Error {
	return &Error{
		Code:       CodeSourceIncomplete,
		Status:     last.Status,
		CybozuCode: last.CybozuCode,
		Message:    fmt.Sprintf("%s could not be read after retries; %s", what, msgIncomplete),
		Detail:     last.Detail,
		Err:        last,
	}
}
