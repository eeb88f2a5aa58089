package web

import (
	"net/netip"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// Minimum strength of the console's secrets. The admin password is typed
// by a person: at least 12 characters, and bcrypt reads only its first 72
// bytes, so a longer one is refused rather than cut. The API token is
// written by a machine: at least 32 characters (16 random bytes in hex).
const (
	minAdminPassword = 12
	maxAdminPassword = 72 // bytes: bcrypt's limit
	minAPIToken      = 32
)

// CheckConfig is every problem of the console's settings when serving
// (other commands do not read them, and a cron job's apply does not stop
// over a console setting): the admin password (set, strong enough, within
// bcrypt's 72 bytes), the API token's strength, console.trusted_proxies
// (addresses or CIDR ranges) and console.allowed_hosts (host names).
func CheckConfig(c config.Console, adminPassword secret.Secret, serve bool) []config.Problem {
	if !serve {
		return nil
	}
	var ps []config.Problem
	if !adminPassword.IsSet() {
		ps = append(ps, config.Problem{Key: "admin_password", Code: "config.admin_password_missing", Unset: true})
	} else if p := checkAdminPassword(adminPassword); p != nil {
		ps = append(ps, *p)
	}
	if tok := c.APIToken.Reveal(); tok != "" {
		switch {
		case strings.TrimSpace(tok) != tok || strings.ContainsFunc(tok, unicode.IsControl):
			ps = append(ps, config.Problem{Key: "console.api_token", Code: "config.console_api_token_space"})
		case utf8.RuneCountInString(tok) < minAPIToken:
			ps = append(ps, config.Problem{Key: "console.api_token", Code: "config.console_api_token_short",
				Params: msg.Params{"min": minAPIToken, "length": utf8.RuneCountInString(tok)}})
		}
	}
	for _, v := range c.TrustedProxies {
		if _, err := ParseProxy(v); err != nil {
			ps = append(ps, config.Problem{Key: "console.trusted_proxies", Code: "config.console_trusted_proxy", Params: msg.Params{"value": v}})
		}
	}
	for _, h := range c.AllowedHosts {
		if u, err := url.Parse("http://" + h); err != nil || u.Host != h || u.Port() != "" || h == "" {
			ps = append(ps, config.Problem{Key: "console.allowed_hosts", Code: "config.console_allowed_host", Params: msg.Params{"value": h}})
		}
	}
	return ps
}

// checkAdminPassword is what is wrong with the admin password, nil if
// nothing (passwordIssue).
func checkAdminPassword(pw secret.Secret) *config.Problem {
	if issue, p := passwordIssue(pw.Reveal()); issue != "" {
		return &config.Problem{Key: "admin_password", Code: "config.admin_password_" + issue, Params: p}
	}
	return nil
}

// CheckPassword applies the admin password's rule to a named account's
// password: its error's code is password_short, password_long or
// password_space.
func CheckPassword(pw secret.Secret) error {
	if issue, p := passwordIssue(pw.Reveal()); issue != "" {
		return &msg.Error{Kind: msg.KindInvalid, Code: "password_" + issue, Key: "password_" + issue, Params: p}
	}
	return nil
}

// passwordIssue is what is wrong with a console password, "" if nothing:
// too short (short), space or a control character at either end (space:
// a secret file's stray newline; a browser never sends one), or longer
// than bcrypt reads (long).
func passwordIssue(v string) (string, msg.Params) {
	switch {
	case strings.TrimSpace(v) != v:
		return "space", nil
	case utf8.RuneCountInString(v) < minAdminPassword:
		return "short", msg.Params{"min": minAdminPassword, "length": utf8.RuneCountInString(v)}
	case len(v) > maxAdminPassword:
		return "long", msg.Params{"max": maxAdminPassword, "bytes": len(v)}
	}
	return "", nil
}

// ParseProxy reads one console.trusted_proxies entry: an address or a
// CIDR range.
func ParseProxy(v string) (netip.Prefix, error) {
	v = strings.TrimSpace(v)
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// HostOf is the host name of a URL (console.base_url), "" if none.
func HostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
