package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// Webhook kinds: the body's format.
const (
	KindGeneric    = "generic"
	KindSlack      = "slack"
	KindTeams      = "teams"
	KindGoogleChat = "google_chat"
)

// Headers of a generic webhook.
const (
	HeaderSignature = "X-Cybridge-Signature" // "sha256=" + hex HMAC-SHA256
	HeaderTimestamp = "X-Cybridge-Timestamp" // Unix seconds, signed with the body
	HeaderEvent     = "X-Cybridge-Event"     // the event, as in the body
	HeaderDelivery  = "X-Cybridge-Delivery"  // the delivery's id: the same on every retry
)

// Webhook posts notifications as JSON to a URL: cybridge's own signed
// body (generic), or the message format of Slack, Microsoft Teams or
// Google Chat incoming webhooks.
//
// Decisions: the URL is treated as a secret (the incoming webhooks of
// Slack, Teams and Google Chat carry their key in it): logs and recorded
// errors name its host only. Any 2xx answer is delivered; redirects are
// not followed (a webhook that moved is a configuration to fix).
type Webhook struct {
	name   string
	lang   msg.Lang
	URL    secret.Secret
	Kind   string
	Secret secret.Secret // generic: the HMAC key
	Client *http.Client  // nil: a client with a 30 s timeout
	Now    func() time.Time
}

// Name is the channel's key ("webhook[0]").
func (c *Webhook) Name() string { return c.name }

// Lang is the channel's language.
func (c *Webhook) Lang() msg.Lang { return c.lang }

// Describe says where the channel sends, without secrets.
func (c *Webhook) Describe() string { return c.Kind + " webhook to " + hostOf(c.URL.Reveal()) }

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host
}

// GenericBody is the generic webhook's JSON body. Fields are added,
// never renamed.
type GenericBody struct {
	ID      int64      `json:"id"` // the delivery: the same on every retry
	Event   Kind       `json:"event"`
	Code    string     `json:"code,omitempty"`
	Params  msg.Params `json:"params,omitempty"`
	Lang    msg.Lang   `json:"lang"`
	Subject string     `json:"subject"`
	Text    string     `json:"text"`
	RunID   string     `json:"run_id,omitempty"`
	RunURL  string     `json:"run_url,omitempty"`
	At      time.Time  `json:"at"`
}

// Sign is the value of HeaderSignature for body sent at timestamp (Unix
// seconds, HeaderTimestamp): "sha256=" and the hex HMAC-SHA256, keyed
// with the secret, of the timestamp, a ".", and the body's bytes.
func Sign(key []byte, timestamp string, body []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(timestamp))
	h.Write([]byte("."))
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}

// Verify is what a receiver does: the signature matches (in constant
// time) and the timestamp is within tolerance of now, so that a captured
// request cannot be replayed later.
func Verify(key []byte, r *http.Request, body []byte, now time.Time, tolerance time.Duration) error {
	ts := r.Header.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("no valid " + HeaderTimestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("timestamp %s is %s away from now", ts, d)
	}
	if !hmac.Equal([]byte(r.Header.Get(HeaderSignature)), []byte(Sign(key, ts, body))) {
		return errors.New("signature mismatch")
	}
	return nil
}

// Body is the JSON body c sends for d rendered as m.
func (c *Webhook) Body(d Delivery, m Message) ([]byte, error) {
	var v any
	switch c.Kind {
	case KindSlack:
		v = slackBody(m)
	case KindTeams:
		v = teamsBody(m)
	case KindGoogleChat:
		v = googleChatBody(m)
	default:
		v = GenericBody{ID: d.ID, Event: d.Event.Kind, Code: d.Event.Code, Params: d.Event.Params, Lang: m.Lang,
			Subject: m.Subject, Text: m.Text(), RunID: d.Event.RunID, RunURL: m.RunURL, At: d.Event.At}
	}
	return json.Marshal(v)
}

// Send posts one message.
func (c *Webhook) Send(ctx context.Context, d Delivery, m Message) error {
	body, err := c.Body(d, m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL.Reveal(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: invalid URL", hostOf(c.URL.Reveal()))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "cybridge")
	if c.Kind == KindGeneric || c.Kind == "" {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		ts := strconv.FormatInt(now().Unix(), 10)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderEvent, string(d.Event.Kind))
		req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
		req.Header.Set(HeaderSignature, Sign([]byte(c.Secret.Reveal()), ts, body))
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		// *url.Error names the whole URL: say the host only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("webhook %s: %s", hostOf(c.URL.Reveal()), secret.NewRedactor(c.URL, c.Secret).Redact(err.Error()))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s answered %s: %s", hostOf(c.URL.Reveal()), resp.Status,
			secret.NewRedactor(c.URL, c.Secret).Redact(strings.TrimSpace(string(snippet))))
	}
	return nil
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackBody is a Slack incoming-webhook message: the subject as the
// notification text and a header block, the body as a section, the run
// as a link button.
func slackBody(m Message) map[string]any {
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": m.Subject}},
		map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": slackEscape(m.Paragraph)}},
		map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": slackEscape(strings.TrimSpace(strings.Join(m.Lines, "\n")))}},
	}
	if m.RunURL != "" {
		blocks = append(blocks, map[string]any{"type": "actions", "elements": []any{
			map[string]any{"type": "button", "text": map[string]any{"type": "plain_text", "text": m.LinkLabel}, "url": m.RunURL},
		}})
	}
	return map[string]any{"text": m.Subject, "blocks": blocks}
}

// teamsBody is a Microsoft Teams message with an Adaptive Card, as both
// the Workflows "when a webhook request is received" trigger and the
// older incoming-webhook connectors accept it.
func teamsBody(m Message) map[string]any {
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{
			map[string]any{"type": "TextBlock", "text": m.Subject, "weight": "Bolder", "size": "Medium", "wrap": true},
			map[string]any{"type": "TextBlock", "text": m.Paragraph, "wrap": true},
			map[string]any{"type": "TextBlock", "text": strings.TrimSpace(strings.Join(m.Lines, "\n\n")), "wrap": true},
		},
	}
	if m.RunURL != "" {
		card["actions"] = []any{map[string]any{"type": "Action.OpenUrl", "title": m.LinkLabel, "url": m.RunURL}}
	}
	return map[string]any{"type": "message", "attachments": []any{
		map[string]any{"contentType": "application/vnd.microsoft.card.adaptive", "content": card},
	}}
}

// googleChatBody is a Google Chat incoming-webhook text message: the
// subject in bold, the body, the run as a link.
func googleChatBody(m Message) map[string]any {
	text := "*" + m.Subject + "*\n\n" + m.Paragraph + "\n\n" + strings.TrimSpace(strings.Join(m.Lines, "\n"))
	if m.RunURL != "" {
		text += "\n<" + m.RunURL + "|" + m.LinkLabel + ">"
	}
	return map[string]any{"text": text}
}
