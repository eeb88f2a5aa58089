package caldav

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// URLError is a CalDAV calendar URL (or URL template) that cannot be used.
// Reason is the stable name of what is wrong with a calendar URL (one of
// URLReasons; "" for a template's problem), for a surface to render in the
// admin's language; Msg is the English.
type URLError struct {
	URL    string
	Reason string
	Msg    string
}

// What can be wrong with a calendar URL (URLError.Reason).
const (
	ReasonNotAbsolute = "not_absolute" // not an absolute URL
	ReasonCredentials = "credentials"  // the URL holds a user or password
	ReasonPlainHTTP   = "plain_http"   // http:// to a host that is not loopback
	ReasonScheme      = "scheme"       // neither https:// nor http://
)

// URLReasons lists every URLError.Reason CheckURL gives.
func URLReasons() []string {
	return []string{ReasonNotAbsolute, ReasonCredentials, ReasonPlainHTTP, ReasonScheme}
}

// URLKey is the catalogue key of an unusable calendar URL's text, with
// the parameters url and detail; URLKey + "." + Reason is each reason's
// own text (with url). The editor's invalid_input error and a check's
// url_invalid result say the same thing about the same URL, so they share
// these texts.
const URLKey = "invalid_input.caldav_url"

// Key is the catalogue key of e's text: URLKey and its reason.
func (e *URLError) Key() string {
	if e.Reason == "" {
		return URLKey
	}
	return URLKey + "." + e.Reason
}

// ErrorCode is the stable error code.
func (e *URLError) ErrorCode() string { return "caldav_url_invalid" }

func (e *URLError) Error() string { return fmt.Sprintf("CalDAV URL %q: %s", e.URL, e.Msg) }

// CheckURL checks a calendar URL: https://, or http:// only to a loopback
// host (a server on the same machine, and the tests); a host is required;
// credentials in the URL are refused because they would be stored and shown
// in clear — they belong in the auth id and password.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return &URLError{URL: redactURL(raw), Reason: ReasonNotAbsolute, Msg: "not an absolute URL; write it as https://HOST/PATH/"}
	}
	if u.User != nil {
		return &URLError{URL: redactURL(raw), Reason: ReasonCredentials, Msg: "the URL holds credentials; remove them and set the auth id and password instead"}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return &URLError{URL: raw, Reason: ReasonPlainHTTP, Msg: "http:// is accepted only for loopback addresses; use https://"}
	}
	return &URLError{URL: raw, Reason: ReasonScheme, Msg: "must start with https://"}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops any userinfo so that a mistaken password never reaches a
// message.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.Index(raw, "@"); i >= 0 && strings.Contains(raw[:i], "://") {
			return raw[:strings.Index(raw, "://")+3] + "[redacted]" + raw[i:]
		}
		return raw
	}
	u.User = url.User("[redacted]")
	return u.String()
}

// The placeholders of a CalDAV URL template.
var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// Placeholders a URL template may use.
const (
	PlaceholderLogin      = "{login}"
	PlaceholderEmail      = "{email}"
	PlaceholderEmailLocal = "{email_local}" // the part of the email before "@"
)

// ExpandTemplate fills a CalDAV URL template such as
// "https://dav.example.com/{login}/calendar/" for one user. Values are
// path-escaped. It fails with *URLError when the template is bad or uses an
// email placeholder and the user has no email; the result is checked with
// CheckURL.
func ExpandTemplate(tmpl, login, email string) (string, error) {
	var problem string
	out := placeholder.ReplaceAllStringFunc(tmpl, func(p string) string {
		var v string
		switch p {
		case PlaceholderLogin:
			v = login
		case PlaceholderEmail:
			v = email
		case PlaceholderEmailLocal:
			v, _, _ = strings.Cut(email, "@")
		default:
			if problem == "" {
				problem = fmt.Sprintf("unknown placeholder %s; use {login}, {email} or {email_local}", p)
			}
			return p
		}
		if v == "" && problem == "" {
			problem = fmt.Sprintf("%s is empty for this user", p)
		}
		return url.PathEscape(v)
	})
	if problem != "" {
		return "", &URLError{URL: tmpl, Msg: problem}
	}
	if err := CheckURL(out); err != nil {
		return "", &URLError{URL: tmpl, Msg: err.(*URLError).Msg}
	}
	return out, nil
}

// CheckTemplate checks a URL template with sample values, for config
// validation.
func CheckTemplate(tmpl string) error {
	_, err := ExpandTemplate(tmpl, "sample", "sample@example.com")
	return err
}
