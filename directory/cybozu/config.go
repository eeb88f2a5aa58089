package cybozu

import (
	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/secret"
)

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
