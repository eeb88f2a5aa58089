package notify

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"os"
	"strings"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// DefaultPort is the SMTP port when none is given (submission).
const DefaultPort = 587

// CheckConfig is every problem of the [[notify.email]] and
// [[notify.webhook]] settings beyond their tags, and of console.base_url:
// addresses that do not parse, authentication that would send a password
// in clear text, a webhook URL that is not https (http only on loopback), a
// generic webhook without its signing key, and secret and CA files that
// cannot be read. app.Validate reports them with every other configuration
// problem at load time; Channels refuses the same. Keys name the table by
// its place: notify.email[0].from.
func CheckConfig(c config.Notify, baseURL string) []config.Problem {
	var ps []config.Problem
	for i, e := range c.Email {
		ps = append(ps, checkEmail(fmt.Sprintf("notify.email[%d]", i), e)...)
	}
	for i, w := range c.Webhook {
		ps = append(ps, checkWebhook(fmt.Sprintf("notify.webhook[%d]", i), w)...)
	}
	if baseURL != "" {
		if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			ps = append(ps, config.Problem{Key: "console.base_url", Code: "config.notify_base_url", Params: msg.Params{"value": baseURL}})
		}
	}
	return ps
}

func problem(key, code string, p msg.Params) config.Problem {
	return config.Problem{Key: key, Code: code, Params: p, File: true}
}

func checkEmail(key string, e config.NotifyEmail) []config.Problem {
	var ps []config.Problem
	if e.From != "" {
		if _, err := mail.ParseAddress(e.From); err != nil {
			ps = append(ps, problem(key+".from", "config.notify_address", msg.Params{"value": e.From}))
		}
	}
	for _, to := range e.To {
		if _, err := mail.ParseAddress(to); err != nil {
			ps = append(ps, problem(key+".to", "config.notify_address", msg.Params{"value": to}))
		}
	}
	if (e.Username == "") != (e.PasswordFile == "") {
		ps = append(ps, problem(key+".username", "config.notify_password_user", nil))
	}
	if e.Username != "" && !startTLS(e) && !config.IsLoopback(e.Host) {
		ps = append(ps, problem(key+".starttls", "config.notify_auth_plain", nil))
	}
	if e.PasswordFile != "" {
		if _, p := readSecret(key+".password_file", e.PasswordFile); p != nil {
			ps = append(ps, *p)
		}
	}
	if e.CAFile != "" {
		if _, p := readCA(key+".ca_file", e.CAFile); p != nil {
			ps = append(ps, *p)
		}
	}
	return ps
}

func checkWebhook(key string, w config.NotifyWebhook) []config.Problem {
	var ps []config.Problem
	if w.URL != "" {
		u, err := url.Parse(w.URL)
		if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && config.IsLoopback(u.Hostname())) {
			// The URL may hold the webhook's key: said by its host only.
			shown := w.URL
			if err == nil {
				shown = u.Scheme + "://" + u.Host + "/…"
			}
			ps = append(ps, problem(key+".url", "config.notify_webhook_url", msg.Params{"value": shown}))
		}
	}
	switch kind := webhookKind(w); {
	case kind == KindGeneric && w.SecretFile == "":
		ps = append(ps, problem(key+".secret_file", "config.notify_secret_missing", nil))
	case kind != KindGeneric && w.SecretFile != "":
		ps = append(ps, problem(key+".secret_file", "config.notify_secret_kind", msg.Params{"kind": kind}))
	case w.SecretFile != "":
		if _, p := readSecret(key+".secret_file", w.SecretFile); p != nil {
			ps = append(ps, *p)
		}
	}
	return ps
}

func startTLS(e config.NotifyEmail) bool { return e.StartTLS == nil || *e.StartTLS }

func webhookKind(w config.NotifyWebhook) string {
	if w.Kind == "" {
		return KindGeneric
	}
	return w.Kind
}

func lang(s string) msg.Lang {
	if l, ok := msg.ParseLang(s); ok {
		return l
	}
	return msg.Ja
}

// readSecret reads a secret file: its content with one trailing newline
// removed, as config's *_file keys.
func readSecret(key, path string) (secret.Secret, *config.Problem) {
	b, err := os.ReadFile(path)
	if err != nil {
		p := problem(key, "config.notify_file", msg.Params{"path": path, "detail": fileDetail(err)})
		return "", &p
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if v == "" {
		p := problem(key, "config.notify_file_empty", msg.Params{"path": path})
		return "", &p
	}
	return secret.Secret(v), nil
}

func readCA(key, path string) (*x509.CertPool, *config.Problem) {
	b, err := os.ReadFile(path)
	if err != nil {
		p := problem(key, "config.notify_file", msg.Params{"path": path, "detail": fileDetail(err)})
		return nil, &p
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		p := problem(key, "config.notify_ca_file", msg.Params{"path": path})
		return nil, &p
	}
	return pool, nil
}

func fileDetail(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Channels makes the configured channels, reading their secret and CA
// files. Its error is CheckConfig's problems (as *config.Error).
func Channels(c config.Notify) ([]Channel, error) {
	if ps := CheckConfig(c, ""); len(ps) > 0 {
		return nil, config.NewError(nil, ps)
	}
	var out []Channel
	for i, e := range c.Email {
		key := fmt.Sprintf("notify.email[%d]", i)
		ch := &Email{name: key, lang: lang(e.Lang), Host: e.Host, Port: e.Port, StartTLS: startTLS(e),
			Username: e.Username, From: e.From, To: e.To}
		if ch.Port == 0 {
			ch.Port = DefaultPort
		}
		if e.PasswordFile != "" {
			ch.Password, _ = readSecret(key+".password_file", e.PasswordFile)
		}
		if e.CAFile != "" {
			ch.RootCAs, _ = readCA(key+".ca_file", e.CAFile)
		}
		out = append(out, ch)
	}
	for i, w := range c.Webhook {
		key := fmt.Sprintf("notify.webhook[%d]", i)
		ch := &Webhook{name: key, lang: lang(w.Lang), URL: secret.Secret(w.URL), Kind: webhookKind(w)}
		if w.SecretFile != "" {
			ch.Secret, _ = readSecret(key+".secret_file", w.SecretFile)
		}
		out = append(out, ch)
	}
	return out, nil
}

// Secrets are the channels' secrets, for the server's redactor.
func Secrets(chs []Channel) []secret.Secret {
	var out []secret.Secret
	for _, c := range chs {
		switch c := c.(type) {
		case *Email:
			out = append(out, c.Password)
		case *Webhook:
			out = append(out, c.URL, c.Secret)
		}
	}
	return out
}
