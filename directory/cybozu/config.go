package cybozu

import (
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// TokenExpiresLayout is how cybozu.token_expires is written: a day,
// 2027-03-31.
const TokenExpiresLayout = time.DateOnly

// TokenExpiry is when the API token expires by cybozu.token_expires: the
// start of that day in loc (the admin replaces it before that day). ok is
// false when no token or no valid date is set.
func TokenExpiry(c config.Cybozu, loc *time.Location) (at time.Time, ok bool) {
	if !c.Token.IsSet() || c.TokenExpires == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(TokenExpiresLayout, c.TokenExpires, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// CheckConfig is every problem of the [cybozu] settings: how the
// credentials combine, always, and when api is true (the command reads
// from the User API) that the URL and a credential are there, and that a
// client certificate comes with a Secure Access URL (SUBDOMAIN.s.cybozu.com)
// and the reverse. This is the one statement of the credential rules; New
// applies the same ones.
func CheckConfig(c config.Cybozu, api bool) []config.Problem {
	problems := credentialProblems(c.Login, c.Password, c.Token, c.BasicUser, c.BasicPassword)
	if (c.ClientCert != "") != (c.ClientKey != "") {
		problems = append(problems, config.Problem{Key: "cybozu.client_key", Code: "config.cybozu_client_pair"})
	}
	if c.ClientCertificateFile != "" && (c.ClientCert != "" || c.ClientKey != "") {
		problems = append(problems, config.Problem{Key: "cybozu.client_certificate_file", Code: "config.cybozu_client_certificate_both"})
	}
	if c.TokenExpires != "" {
		if _, err := time.Parse(TokenExpiresLayout, c.TokenExpires); err != nil {
			problems = append(problems, config.Problem{Key: "cybozu.token_expires", Code: "config.cybozu_token_expires", Params: msg.Params{"value": c.TokenExpires}})
		}
	}
	if !api {
		return problems
	}
	problems = append(problems, secureAccessProblems(c)...)
	if c.URL == "" {
		problems = append(problems, config.Problem{Key: "cybozu.url", Code: "config.cybozu_url_required", Unset: true})
	}
	if !c.Token.IsSet() && !c.Password.IsSet() {
		problems = append(problems, config.Problem{Key: "cybozu.password", Code: "config.cybozu_credentials_required", Unset: true})
	}
	return problems
}

// credentialProblems: a password needs its login; Basic authentication
// works with password authentication only (the API token and Basic
// authentication both use the Authorization header); the Basic pair comes
// whole.
func credentialProblems(login string, password, token secret.Secret, basicUser string, basicPassword secret.Secret) []config.Problem {
	var problems []config.Problem
	if password.IsSet() && !token.IsSet() && login == "" {
		problems = append(problems, config.Problem{Key: "cybozu.login", Code: "config.cybozu_password_needs_login", Unset: true})
	}
	if token.IsSet() && (basicUser != "" || basicPassword.IsSet()) {
		problems = append(problems, config.Problem{Key: "cybozu.token", Code: "config.cybozu_token_with_basic"})
	}
	if (basicUser != "") != basicPassword.IsSet() {
		problems = append(problems, config.Problem{Key: "cybozu.basic_password", Code: "config.cybozu_basic_pair"})
	}
	return problems
}
