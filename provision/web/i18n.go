package web

import (
	"net/http"
	"reflect"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/targets/calendar"
)

// localizer renders one request's page in its language: every word from
// the one catalogue (internal/msg), the console's own words under
// consoleTexts, the plan's vocabulary and the error codes shared with the
// CLI.
//
// It also knows the reader's role, so that a page shows only the buttons
// the reader may use ({{if $l.Can "POST /runs"}}): the pages' partials all
// get the localizer, and the rule is the route table's (routeRules).
type localizer struct {
	lang  msg.Lang
	loc   *time.Location
	actor access.Actor
	rule  func(pattern string) rule
}

func (s *Server) localizer(r *http.Request) *localizer {
	a, _ := access.ActorOf(r.Context())
	return &localizer{lang: requestLang(r), loc: s.o.Location, actor: a, rule: s.ruleOf}
}

// Can reports whether the reader's role may use the route pattern.
func (l *localizer) Can(pattern string) bool { return l.actor.Role.Allows(l.rule(pattern).min) }

// Actor is who the reader is logged in as.
func (l *localizer) Actor() access.Actor { return l.actor }

// Who is how the reader reads an actor: 「佐藤（admin）」.
func (l *localizer) Who(a access.Actor) string { return a.Label(l.lang) }

// requestLang is the language cookie, else the best Accept-Language match;
// Japanese when the browser names neither (the console's admins are
// Japanese first). The API uses the same rule without the cookie.
func requestLang(r *http.Request) msg.Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := msg.ParseLang(c.Value); ok {
			return l
		}
	}
	return msg.FromAcceptLanguage(r.Header.Get("Accept-Language"), msg.Ja)
}

// Lang is the page's language.
func (l *localizer) Lang() string { return string(l.lang) }

// T renders key with its parameters given as name, value pairs
// ({{$l.T "run.title" "run" .ID}}); an unknown key shows as itself so that
// a missing text is visible, not blank.
func (l *localizer) T(key string, kv ...any) string {
	var p msg.Params
	if len(kv) > 0 {
		p = msg.Params{}
		for i := 0; i+1 < len(kv); i += 2 {
			if name, ok := kv[i].(string); ok {
				p[name] = kv[i+1]
			}
		}
	}
	return msg.Text(l.lang, key, p)
}

// Has reports whether key has a text.
func (l *localizer) Has(key string) bool { return msg.Has(key) }

// Opt renders prefix+key, or shows key itself when the catalogue has no
// such text (a value from a newer version).
func (l *localizer) Opt(prefix string, key any) string {
	k := toString(key)
	return msg.TextOr(l.lang, prefix+k, nil, k)
}

// toString is a vocabulary value (a string or a named string type) as a
// string.
func toString(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return ""
}

// Issue is a plan error, warning, safeguard reason or run error in the
// page's language, from its code and parameters.
func (l *localizer) Issue(i provision.Issue) string { return provision.IssueText(l.lang, i) }

// Pause is why scheduled runs are paused, in the page's language (the
// causing run's error is on the run's page and the overview's last run,
// so the banner does not repeat it).
func (l *localizer) Pause(s *schedule.State) string { return s.Text(l.lang) }

// PausedBy names who paused by hand and when: 「佐藤（admin）が 2026-12-04
// 10:00 に一時停止しました」; "" when no one is recorded.
func (l *localizer) PausedBy(s *schedule.State) string {
	if s == nil || s.By == nil {
		return ""
	}
	return msg.Text(l.lang, "pause.by", msg.Params{"who": s.By.Label(l.lang), "at": l.Time(s.Since)})
}

// ResumedBy names who last lifted a pause and when; "" when no one is
// recorded.
func (l *localizer) ResumedBy(s schedule.State) string {
	if s.Paused || s.Resumed == nil {
		return ""
	}
	return msg.Text(l.lang, "pause.resumed_by", msg.Params{"who": s.Resumed.By.Label(l.lang), "at": l.Time(s.Resumed.At)})
}

// HistoryActor is who made an enrolment history entry, in the page's
// language.
func (l *localizer) HistoryActor(h calendar.HistoryEntry) string { return h.ActorText(l.lang) }

// HistoryAction is what the entry records with its detail, in the page's
// language: "同期対象を設定：同期先：Google カレンダー → CalDAV".
func (l *localizer) HistoryAction(h calendar.HistoryEntry) string {
	action := h.ActionText(l.lang)
	if d := h.Detail(l.lang); d != "" {
		return msg.Text(l.lang, "history_text.line", msg.Params{"action": action, "detail": d})
	}
	return action
}

// Err is an error in the page's language.
func (l *localizer) Err(err error) string { return msg.Localize(l.lang, err) }

// Target, Kind, Field, Reason, Flag, Action and Value are the plan's
// vocabulary in the page's language, as the CLI's report says it.
func (l *localizer) Target(name string) string { return provision.TargetName(l.lang, name) }
func (l *localizer) Kind(plural string) string { return provision.KindName(l.lang, plural) }
func (l *localizer) Field(kind, name string) string {
	return provision.FieldName(l.lang, kind, name)
}
func (l *localizer) Reason(r string) string           { return provision.ReasonText(l.lang, r) }
func (l *localizer) Flag(f string) string             { return provision.FlagText(l.lang, f) }
func (l *localizer) Action(a provision.Action) string { return provision.ActionName(l.lang, a) }
func (l *localizer) Value(v any, empty string) string {
	return provision.Value(l.lang, v, provision.EmptyText(l.lang, empty))
}

// Time shows t in the configured time zone with its offset, as the CLI
// does (provision.TimeFormat): an abbreviation such as JST is ambiguous
// and unknown for many zones.
func (l *localizer) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return provision.FormatTime(t, l.loc)
}

// Duration shows how long from a to b.
func (l *localizer) Duration(a, b time.Time) string {
	if a.IsZero() || b.IsZero() {
		return "—"
	}
	d := b.Sub(a)
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// Line is a problem of an uploaded file in the page's language.
func (l *localizer) Line(e LineError) string { return e.Text(l.lang) }
