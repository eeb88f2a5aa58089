package cybozu

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"html"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
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
	CodeRedirected         = "redirected"          // cybozu.com sent the request to another host: cybozu.url names the wrong one
)

// Error is every failure of the client: a stable Code for the admin, the
// catalogue Key of the situation (one code covers several: auth_failed has
// a two-factor, a login-page and a no-credentials situation) with its
// Params, the HTTP status and cybozu.com error code when there was a
// response, and a Detail. Error() is the English text, Localize the
// admin's language; both come from the catalogue (internal/msg). It never
// holds a password, token or Basic credential.
type Error struct {
	Code       string     // one of the Code* constants
	Key        string     // the catalogue key of the text; "" means Code
	Params     msg.Params // what the text names (an organization, a login)
	Status     int        // HTTP status; 0 when no response was received
	CybozuCode string     // "CB_WA01" etc. when the response said so
	// Detail is what the response or the network said (cybozu.com's own
	// message, an HTML page title, a network error), already redacted, in
	// English when cybridge wrote it.
	Detail string
	// Err is the underlying error, for errors.Is/As (never a *url.Error,
	// whose text would repeat the request URL).
	Err error

	detailKey    string      // the catalogue key of a Detail cybridge wrote
	detailParams msg.Params  // its parameters
	transient    bool        // worth retrying (429, 5xx, network, timeout, truncated body)
	header       http.Header // response headers, for Retry-After
}

// newError is an error of code in the situation key (Key stays "" when
// key is the code itself).
func newError(code, key string, p msg.Params) *Error {
	e := &Error{Code: code, Params: p}
	if key != code {
		e.Key = key
	}
	return e
}

// withDetail sets a Detail that cybridge writes, from the catalogue.
func (e *Error) withDetail(key string, p msg.Params) *Error {
	e.detailKey, e.detailParams = key, p
	e.Detail = msg.Text(msg.En, key, p)
	return e
}

// ErrorCode returns the stable error code.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorKind is the kind of the code; see kindOf.
func (e *Error) ErrorKind() msg.Kind { return kindOf[e.Code] }

// ErrorParams returns the text's parameters.
func (e *Error) ErrorParams() msg.Params { return e.Params }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string { return e.Localize(msg.En) }

// Localize renders the situation in lang, followed by what the response
// said: "… (HTTP 520, CB_WA01, cybozu.com's message)".
func (e *Error) Localize(lang msg.Lang) string {
	key := e.Key
	if key == "" {
		key = e.Code
	}
	text := msg.Text(lang, key, e.Params)
	var parts []string
	if e.Status != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(e.Status))
	}
	if e.CybozuCode != "" {
		parts = append(parts, e.CybozuCode)
	}
	switch {
	case e.detailKey != "":
		parts = append(parts, msg.Text(lang, e.detailKey, e.detailParams))
	case e.Detail != "":
		parts = append(parts, e.Detail)
	}
	return msg.WithAside(lang, text, parts)
}

// kindOf is the kind of each code. Decisions: cybozu.com refusing cybridge
// (credentials, Basic authentication, IP restriction, permissions) is
// forbidden — never unauthorized, which a console or API client would take
// for its own login; a wrong domain or setting is invalid; everything about
// reaching or understanding cybozu.com is unavailable (a bad gateway).
var kindOf = map[string]msg.Kind{
	CodeDomainNotFound:     msg.KindInvalid,
	CodeAuthFailed:         msg.KindForbidden,
	CodeBasicAuthRequired:  msg.KindForbidden,
	CodeBasicAuthFailed:    msg.KindForbidden,
	CodeIPRestricted:       msg.KindForbidden,
	CodeForbidden:          msg.KindForbidden,
	CodeSourceUnavailable:  msg.KindUnavailable,
	CodeSourceIncomplete:   msg.KindUnavailable,
	CodeUnexpectedResponse: msg.KindUnavailable,
	CodeConnectionFailed:   msg.KindUnavailable,
	CodeConfigInvalid:      msg.KindInvalid,
	msg.CodeCanceled:       msg.KindCanceled,
	CodeRedirected:         msg.KindInvalid,
	CodeCertificateExpired: msg.KindInvalid,
}

// Catalogue keys of the situations of SPEC §3.3 (the key is the code
// itself when the code has one situation), and of the details cybridge
// writes. Every key is in the catalogue (TestCodesHaveTexts).
const (
	keyAuthTwoFactor     = "auth_failed.two_factor"
	keyAuthLogin         = "auth_failed.login_page"
	keyAuthMissing       = "auth_failed.no_credentials"
	keyAuthToken         = "auth_failed.token"
	keyAuthUnknown       = "auth_failed.unknown"
	keyAuthUnknownToken  = "auth_failed.unknown_token"
	keyServerError       = "source_unavailable.server_error"
	keyNotHTTPS          = "connection_failed.not_https"
	keyHTTPSOnly         = "connection_failed.https_only"
	keyConnectionRefused = "source_unavailable.unreachable"
	keyCanceled          = "canceled.read"
	keyClientCertRefused = "connection_failed.client_certificate"
	keyRedirectSecure    = "redirected.secure_access"
	keyAdminKintoneToken = "administrator_unknown.kintone_token"

	keyIncompleteOrgs         = "source_incomplete.orgs"
	keyIncompleteUsers        = "source_incomplete.users"
	keyIncompleteGroups       = "source_incomplete.groups"
	keyIncompleteOrgMembers   = "source_incomplete.org_members"
	keyIncompleteGroupMembers = "source_incomplete.group_members"
	keyIncompletePrimary      = "source_incomplete.unknown_primary"
	keyIncompleteMember       = "source_incomplete.unlisted_member"
	keyIncompleteNotInPrimary = "source_incomplete.not_in_primary"
	keyChangedOrg             = "source_incomplete.changed_org"
	keyChangedGroup           = "source_incomplete.changed_group"

	detailRedirect = "cybozu.detail.redirect"
	detailNoHost   = "cybozu.detail.no_such_host"
	detailTimeout  = "cybozu.detail.timeout"
	detailHTMLPage = "cybozu.detail.html_page"
	detailGarbled  = "cybozu.detail.garbled"
	detailNoLogin  = "cybozu.detail.member_without_login"
	// A list that never ends (read.go's maxListItems).
	detailNoProgress = "cybozu.detail.no_progress"
	detailTooMany    = "cybozu.detail.too_many"
)

// Codes lists every catalogue key the client's errors render: the codes
// with one situation, the situations of the others, and the details
// cybridge writes. A test checks each has a text in both languages.
func Codes() []string {
	out := []string{
		keyAuthTwoFactor, keyAuthLogin, keyAuthMissing, keyAuthToken, keyAuthUnknown, keyAuthUnknownToken,
		keyConnectionRefused, keyServerError, keyNotHTTPS, keyHTTPSOnly, keyCanceled, keyClientCertRefused, keyRedirectSecure, keyAdminKintoneToken,
		keyIncompleteOrgs, keyIncompleteUsers, keyIncompleteGroups, keyIncompleteOrgMembers, keyIncompleteGroupMembers,
		keyIncompletePrimary, keyIncompleteMember, keyIncompleteNotInPrimary, keyChangedOrg, keyChangedGroup,
		"config.url_not_url", "config.url_path", "config.url_http", "config.url_scheme", "config.url_userinfo", "config.url_query",
		detailRedirect, detailNoHost, detailTimeout, detailHTMLPage, detailGarbled, detailNoLogin,
		detailNoProgress, detailTooMany,
	}
	for code := range kindOf {
		switch code {
		case CodeSourceIncomplete, msg.CodeCanceled: // keyed by situation only
		default:
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return out
}

// cybozuBody is cybozu.com's JSON error body.
type cybozuBody struct {
	Code    string `json:"code"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

// credentials is what the client sent, which decides how a refusal is
// worded: a rejected token is never called a wrong password, and a Basic
// challenge means "required" or "wrong" depending on whether Basic
// credentials went with the request.
type credentials struct {
	token bool // an API token (Authorization: Bearer), not a password
	basic bool // Basic authentication credentials were sent
	// host is where the request went (cybozu.url's host): a redirect
	// elsewhere says cybozu.url names the wrong host.
	host string
}

// checkResponse is the one place that turns an HTTP answer into an error:
// it returns nil for a 2xx and an *Error for everything else, marked
// transient when a retry may help. The order of evidence
// (cybozu-user-api.md §6.1, SPEC §3.3):
//
//  1. cybozu.com's own code, from the JSON body or else the X-Cybozu-Error
//     response header, at any status: CB_WA01/CB_AU01 are authentication
//     failures, CB_TW02 two-factor, CB_NO02 no permission, CB_VA01/CB_IL02/
//     CB_IJ01 a request cybozu.com did not accept. A WWW-Authenticate
//     challenge on such an answer says nothing: the code decides.
//  2. Without a code it knows, the status: 3xx (a redirect to /login is an
//     authentication failure), 401, 403, 404, and the transient ones.
//  3. Then the WWW-Authenticate header and the body's shape: a 401 with a
//     Basic challenge is the domain's Basic authentication, any other 401
//     names both possible causes (credentials, or the domain's access
//     control) instead of guessing; a 403 JSON body is a permission
//     error, a 403 page the IP restriction; a 404 page an unknown domain.
//
// Only 429, 502, 503, 504 and a 520 without any code are transient (and
// network errors, see transportError). A 520 is cybozu.com's legacy wrapper
// of application errors: with a code it is classified by the code and never
// retried; without one it is retried like a 502, as cybozu-user-api.md §7
// advises, because nothing suggests a code-less 520 is an authentication
// failure (which would count toward the account's lockout). Any other
// status — 500 and 501 included — is answered at once: retrying cannot
// change it.
func checkResponse(status int, h http.Header, body []byte, sent credentials) *Error {
	if status >= 200 && status < 300 {
		return nil
	}
	e := &Error{Status: status}
	isJSON := false
	if ct, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && (ct == "application/json" || strings.HasSuffix(ct, "+json")) {
		var cb cybozuBody
		if json.Unmarshal(body, &cb) == nil {
			isJSON = true
			e.CybozuCode = oneLine(cb.Code, 40)
			e.Detail = oneLine(cb.Message, 200)
		}
	}
	if !isJSON {
		e.Detail = htmlTitle(body)
	}
	if e.CybozuCode == "" {
		e.CybozuCode = oneLine(h.Get("X-Cybozu-Error"), 40)
	}

	// 1. The code decides, at any status.
	switch {
	case e.CybozuCode == "CB_TW02":
		e.Code, e.Key = CodeAuthFailed, keyAuthTwoFactor
		return e
	case e.CybozuCode == "CB_WA01" || (e.CybozuCode == "CB_AU01" && sent.token):
		e.Code = CodeAuthFailed
		if sent.token {
			e.Key = keyAuthToken
		}
		return e
	case e.CybozuCode == "CB_AU01":
		e.Code, e.Key = CodeAuthFailed, keyAuthMissing
		return e
	case e.CybozuCode == "CB_NO02":
		e.Code = CodeForbidden
		return e
	case isValidationCode(e.CybozuCode):
		e.Code = CodeUnexpectedResponse
		return e
	}

	// 2 and 3. No code cybridge knows: the status, then the challenge and
	// the body's shape.
	switch {
	case status >= 300 && status < 400:
		loc := h.Get("Location")
		if host := redirectHost(loc, sent.host); host != "" {
			// Only the host: a Location's path or query may carry a
			// session or a login name.
			e.Code = CodeRedirected
			e.Params = msg.Params{"host": host}
			if IsSecureAccessHost(host) {
				e.Key = keyRedirectSecure
			}
			return e
		}
		if u, err := url.Parse(loc); err == nil {
			e.withDetail(detailRedirect, msg.Params{"path": u.Path}) // path only: no query, no host credentials
			if strings.Contains(strings.ToLower(u.Path), "/login") {
				e.Code, e.Key = CodeAuthFailed, keyAuthLogin
				return e
			}
		}
		e.Code = CodeUnexpectedResponse
	case status == http.StatusUnauthorized && e.CybozuCode == "" && isBasicChallenge(h):
		if sent.basic {
			e.Code = CodeBasicAuthFailed
		} else {
			e.Code = CodeBasicAuthRequired
		}
	case status == http.StatusUnauthorized:
		// Not a cybozu.com login answer (that carries CB_WA01): a front-end
		// page or an unknown code. Either cause is possible.
		e.Code, e.Key = CodeAuthFailed, keyAuthUnknown
		if sent.token {
			e.Key = keyAuthUnknownToken
		}
	case status == http.StatusForbidden && isJSON:
		e.Code = CodeForbidden
	case status == http.StatusForbidden:
		e.Code = CodeIPRestricted
	case status == http.StatusNotFound && !isJSON:
		e.Code = CodeDomainNotFound
	case status == http.StatusBadRequest && !isJSON && e.CybozuCode == "" && speaksHTTPSOnly(body):
		e.Code, e.Key = CodeConnectionFailed, keyHTTPSOnly
	case status == http.StatusTooManyRequests, status == http.StatusBadGateway,
		status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout,
		status == 520 && e.CybozuCode == "":
		e.Code, e.transient = CodeSourceUnavailable, true
	case status >= 500:
		e.Code, e.Key = CodeSourceUnavailable, keyServerError
	default:
		e.Code = CodeUnexpectedResponse
	}
	return e
}

// redirectHost is the host a Location header sends the client to when it
// is another host than from (port included when there is one), else "".
func redirectHost(loc, from string) string {
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" || strings.EqualFold(u.Host, from) {
		return ""
	}
	return strings.ToLower(u.Host)
}

// isBasicChallenge reports a WWW-Authenticate: Basic header.
func isBasicChallenge(h http.Header) bool {
	for _, v := range h.Values("WWW-Authenticate") {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "basic") {
			return true
		}
	}
	return false
}

func isValidationCode(c string) bool {
	return c == "CB_VA01" || c == "CB_IL02" || c == "CB_IJ01"
}

// speaksHTTPSOnly recognizes the answer of an HTTPS server to a plain-HTTP
// request: Go's "Client sent an HTTP request to an HTTPS server.", nginx's
// "The plain HTTP request was sent to HTTPS port".
func speaksHTTPSOnly(body []byte) bool {
	if len(body) > 4<<10 {
		body = body[:4<<10]
	}
	b := strings.ToLower(string(body))
	return strings.Contains(b, "http request to an https server") || strings.Contains(b, "plain http request was sent to https port")
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
	// cybozu.com's words reach the admin's terminal: a control character
	// or bidi override in them is shown escaped (termtext), never sent.
	s = termtext.Escape(strings.Join(strings.Fields(s), " "))
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// transportError classifies an error from sending a request (no response):
// DNS "no such host" is domain_not_found; TLS and certificate problems, and
// a server that does not speak the URL's protocol (https:// to plain HTTP,
// http:// to TLS), are connection_failed; everything else (refused, reset, timeout, truncated
// body) is transient. The *url.Error wrapper, whose text repeats the URL,
// is dropped.
func transportError(err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, http.ErrSchemeMismatch) {
		// https:// to a server that answered in plain HTTP: no retry helps.
		return &Error{Code: CodeConnectionFailed, Key: keyNotHTTPS, Err: err}
	}
	if strings.Contains(err.Error(), `malformed HTTP response "\x15\x03`) {
		// http:// to a server that answered with a TLS alert.
		return &Error{Code: CodeConnectionFailed, Key: keyHTTPSOnly, Err: err}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		e := &Error{Code: CodeDomainNotFound, Err: err}
		return e.withDetail(detailNoHost, msg.Params{"host": dnsErr.Name})
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
		alertErr   tls.AlertError
		recordErr  tls.RecordHeaderError
	)
	if alert, ok := remoteAlert(err); ok {
		// The server ended the handshake with a TLS alert: never transient.
		e := &Error{Code: CodeConnectionFailed, Detail: oneLine(err.Error(), 200), Err: err}
		if isClientCertAlert(alert) {
			e.Key = keyClientCertRefused // refused the client certificate, or wanted one
		}
		return e
	}
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || errors.As(err, &alertErr) || errors.As(err, &recordErr) {
		return &Error{Code: CodeConnectionFailed, Detail: oneLine(err.Error(), 200), Err: err}
	}
	e := &Error{Code: CodeSourceUnavailable, Detail: oneLine(err.Error(), 200), Err: err, transient: true}
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		e.withDetail(detailTimeout, nil)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		e.Key = keyConnectionRefused
	}
	return e
}

// remoteAlert is the text of a TLS alert the server sent ("tls: certificate
// required"). crypto/tls reports one as a *net.OpError with Op "remote
// error" around an unexported alert type (tls.AlertError only for QUIC),
// so the text is what can be compared.
func remoteAlert(err error) (string, bool) {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "remote error" && opErr.Err != nil {
		return opErr.Err.Error(), true
	}
	var a tls.AlertError
	if errors.As(err, &a) {
		return a.Error(), true
	}
	return "", false
}

// isClientCertAlert reports a TLS alert a server sends about the client's
// certificate (RFC 8446 §6.2): bad_certificate, unsupported_certificate,
// certificate_revoked, certificate_expired, certificate_unknown,
// unknown_ca, certificate_required — by crypto/tls's texts.
func isClientCertAlert(text string) bool {
	switch strings.TrimPrefix(text, "tls: ") {
	case "bad certificate", "unsupported certificate", "revoked certificate", "expired certificate",
		"unknown certificate", "unknown certificate authority", "certificate required":
		return true
	}
	return false
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

// incomplete wraps the last error of a page that could not be read; key
// and p name the page (see list.incomplete).
func incomplete(key string, p msg.Params, last *Error) *Error {
	return &Error{
		Code:         CodeSourceIncomplete,
		Key:          key,
		Params:       p,
		Status:       last.Status,
		CybozuCode:   last.CybozuCode,
		Detail:       last.Detail,
		detailKey:    last.detailKey,
		detailParams: last.detailParams,
		Err:          last,
	}
}
