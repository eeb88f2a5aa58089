package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// Email sends notifications over SMTP (github.com/wneessen/go-mail): one
// plain-text UTF-8 message to every recipient of the channel.
//
// Decisions: STARTTLS is mandatory unless switched off (starttls =
// false), and the server's certificate is verified (against CAFile when
// given); authentication (PLAIN, LOGIN or CRAM-MD5, the strongest the
// server offers) needs STARTTLS, except on loopback (config checks it).
type Email struct {
	name     string
	lang     msg.Lang
	Host     string
	Port     int
	StartTLS bool
	Username string
	Password secret.Secret
	RootCAs  *x509.CertPool // nil: the system's
	From     string
	To       []string
	Timeout  time.Duration
}

// Name is the channel's key ("email[0]").
func (c *Email) Name() string { return c.name }

// Lang is the channel's language.
func (c *Email) Lang() msg.Lang { return c.lang }

// Describe says where the channel sends, without secrets.
func (c *Email) Describe() string {
	return fmt.Sprintf("e-mail to %d recipient(s) via %s", len(c.To), net.JoinHostPort(c.Host, strconv.Itoa(c.Port)))
}

// Send sends one message.
func (c *Email) Send(ctx context.Context, d Delivery, m Message) error {
	mm := mail.NewMsg()
	if err := mm.From(c.From); err != nil {
		return fmt.Errorf("from %q: %w", c.From, err)
	}
	if err := mm.To(c.To...); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	mm.Subject(m.Subject)
	mm.SetDate()
	mm.SetMessageID()
	mm.SetGenHeader("X-Cybridge-Event", string(d.Event.Kind))
	if d.Event.RunID != "" {
		mm.SetGenHeader("X-Cybridge-Run", d.Event.RunID)
	}
	mm.SetBodyString(mail.TypeTextPlain, m.Text())

	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(timeout),
		mail.WithTLSConfig(&tls.Config{ServerName: c.Host, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12})}
	if c.StartTLS {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if c.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if !c.StartTLS {
			auth = mail.SMTPAuthPlainNoEnc // loopback only (CheckConfig)
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(c.Username), mail.WithPassword(c.Password.Reveal()))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, mm); err != nil {
		return errors.New(secret.NewRedactor(c.Password).Redact(err.Error()))
	}
	return nil
}
