package notify

import (
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
)

// Message is an event rendered for one channel's language.
type Message struct {
	Lang    msg.Lang
	Subject string
	// Paragraph is what happened and what follows, Lines the facts
	// (error, cause, time, the run's link), one per line.
	Paragraph string
	Lines     []string
	// RunURL is the run's page in the console ("" when the event has no
	// run), LinkLabel its label ("Open run #12").
	RunURL    string
	LinkLabel string
}

// Text is the message as plain text: the paragraph, a blank line, the
// lines.
func (m Message) Text() string {
	return m.Paragraph + "\n\n" + strings.Join(m.Lines, "\n") + "\n"
}

// Links is where the console is, for the links of a message, and the time
// zone its times are shown in.
type Links struct {
	// BaseURL is the console's address, ending in "/".
	BaseURL  string
	Location *time.Location
}

// RunURL is run's page in the console, "" when there is no run.
func (l Links) RunURL(run string) string {
	if run == "" || l.BaseURL == "" {
		return ""
	}
	return l.BaseURL + "runs/" + run
}

func (l Links) time(t time.Time, layout string) string {
	loc := l.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(layout)
}

// Render renders e in lang: the subject and body from the catalogue
// (notify.<event>.subject and .body), then the facts.
func Render(lang msg.Lang, e Event, l Links) Message {
	p := msg.Params{}
	for k, v := range e.Params {
		p[k] = v
	}
	for _, k := range []string{"since", "expires"} {
		if t, ok := paramTime(p[k]); ok {
			layout := "2006-01-02 15:04 -07:00"
			if k == "expires" {
				layout = "2006-01-02"
			}
			p[k] = l.time(t, layout)
		}
	}
	p["cause"] = cause(lang, e)
	m := Message{Lang: lang,
		Subject:   msg.Text(lang, "notify."+string(e.Kind)+".subject", p),
		Paragraph: msg.Text(lang, "notify."+string(e.Kind)+".body", p),
		RunURL:    l.RunURL(e.RunID),
	}
	if e.Code != "" {
		key := e.ErrorKey
		if key == "" {
			key = e.Code
		}
		text := e.ErrorTexts[lang]
		if text == "" {
			text = msg.TextOr(lang, key, e.ErrorParams, e.Message)
		}
		m.Lines = append(m.Lines, msg.Text(lang, "notify.line.error", msg.Params{"text": text, "code": e.Code}))
	}
	if e.Kind == Paused {
		m.Lines = append(m.Lines, msg.Text(lang, "notify.line.pause", p))
	}
	if s, ok := p["since"].(string); ok && e.Kind == Recovered {
		m.Lines = append(m.Lines, msg.Text(lang, "notify.line.since", msg.Params{"since": s}))
	}
	m.Lines = append(m.Lines, msg.Text(lang, "notify.line.at", msg.Params{"at": l.time(e.At, "2006-01-02 15:04:05 -07:00")}))
	switch {
	case m.RunURL != "":
		m.LinkLabel = msg.Text(lang, "notify.open_run", msg.Params{"run": e.RunID})
		m.Lines = append(m.Lines, msg.Text(lang, "notify.line.run", msg.Params{"run": e.RunID, "url": m.RunURL}))
	case l.BaseURL != "":
		m.Lines = append(m.Lines, msg.Text(lang, "notify.line.console", msg.Params{"url": l.BaseURL}))
	}
	m.Lines = append(m.Lines, "", msg.Text(lang, "notify.line.signature", nil))
	return m
}

// cause is the short cause a subject names: the pause reason, else the
// error code's (notify.cause.<code>, or of the code before a "."), else
// the code itself.
func cause(lang msg.Lang, e Event) string {
	if e.Kind == Paused {
		if r, _ := e.Params["reason"].(string); r != "" && msg.Has("notify.cause."+r) {
			return msg.Text(lang, "notify.cause."+r, e.Params)
		}
	}
	if e.Code == "" {
		return ""
	}
	code, _, _ := strings.Cut(e.Code, ".")
	if msg.Has("notify.cause." + code) {
		return msg.Text(lang, "notify.cause."+code, nil)
	}
	return msg.Text(lang, "notify.cause.other", msg.Params{"code": e.Code})
}

// paramTime is a time parameter: a time.Time, or its RFC 3339 form once it
// went through JSON (the delivery queue).
func paramTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case string:
		p, err := time.Parse(time.RFC3339Nano, t)
		return p, err == nil && !p.IsZero()
	}
	return time.Time{}, false
}
