package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
	"github.com/cybridge/cybridge/targets/calendar"
)

// TrendDays is how many days the overview's trend chart shows.
const TrendDays = 30

// Monitor is the sync's health at a glance and the history's trend, for
// the overview and /healthz?verbose.
type Monitor interface {
	// Health is the state now (health.Of) with what it was decided from
	// and the figures the overview shows.
	Health(ctx context.Context) (HealthReport, error)
	// Trend is the run history per day over the last days days, oldest
	// first (health.Trend), in the console's time zone.
	Trend(ctx context.Context, days int) ([]health.Day, error)
}

// HealthReport is the health with the overview's figures.
type HealthReport struct {
	Health health.Health
	// Source is the configured source: its kind, and the cybozu.com host
	// for a cybozu source.
	Source provision.RunSource
	// Newest is the newest run that applied, found nothing to do, failed
	// or was blocked; LastSuccess the newest that applied or found nothing
	// (nil when none).
	Newest, LastSuccess *provision.Run
	// Members is the roster's size, nil while the roster is disabled;
	// Enrolments the enrolments', nil while the calendar target is.
	Members    *int
	Enrolments *calendar.Counts
}

// Users are the users the newest successful run read (0 when none did).
func (h HealthReport) Users() int {
	if h.LastSuccess == nil {
		return 0
	}
	return h.LastSuccess.Users
}

// healthJSON is /healthz?verbose's answer. Texts are in the request's
// Accept-Language (English when it names neither language, as the API).
type healthJSON struct {
	State     health.Level  `json:"state"`
	StateText string        `json:"state_text"`
	Text      string        `json:"text"` // the headline: 「正常: 12/04 23:22 以降変更なし」
	Reason    reasonJSON    `json:"reason"`
	Others    []reasonJSON  `json:"others"`
	Source    sourceJSON    `json:"source"`
	Counts    countsJSON    `json:"counts"`
	Newest    *runBriefJSON `json:"newest_run"`
	Success   *runBriefJSON `json:"last_success"`
	CheckedAt time.Time     `json:"checked_at"`
}

type reasonJSON struct {
	Code   string     `json:"code"`
	Params msg.Params `json:"params"`
	Text   string     `json:"text"`
}

type sourceJSON struct {
	Kind   string `json:"kind"`
	Domain string `json:"domain,omitempty"`
}

type countsJSON struct {
	Users      int              `json:"users"`
	Members    *int             `json:"members"`
	Enrolments *calendar.Counts `json:"enrolments"`
}

type runBriefJSON struct {
	ID         int64            `json:"id"`
	Status     provision.Status `json:"status"`
	FinishedAt time.Time        `json:"finished_at"`
	Repeats    int              `json:"repeats"`
}

func runBrief(r *provision.Run) *runBriefJSON {
	if r == nil {
		return nil
	}
	return &runBriefJSON{ID: r.ID, Status: r.Status, FinishedAt: r.FinishedAt, Repeats: max(r.Repeats, 1)}
}

func reasonOf(l msg.Lang, r health.Reason) reasonJSON {
	p := r.Params
	if p == nil {
		p = msg.Params{}
	}
	return reasonJSON{Code: r.Code, Params: p, Text: r.Text(l)}
}

// healthz is the liveness check and, with ?verbose, the health at a
// glance.
//
// Decision: plain /healthz stays what docs/serve.md promises — 200 "ok"
// while the process serves, without touching the database — because it
// is what a container's liveness probe calls, and restarting cybridge
// cures no paused schedule or expired certificate (a probe that restarts
// it on "stopped" would loop). /healthz?verbose reads the state and
// answers 503 when it is stopped (200 for ok and warning), so that an
// uptime monitor that only looks at the status code alerts when nothing
// updates the targets any more. Neither needs a login: the answer holds
// no personal data (a domain, counts, times and codes).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if !r.URL.Query().Has("verbose") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
		return
	}
	rep, err := s.o.Backend.Health(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	l := apiLang(r)
	h := rep.Health
	out := healthJSON{State: h.Level, StateText: h.Level.Text(l), Text: h.Text(l), Reason: reasonOf(l, h.Reason), Others: []reasonJSON{},
		Source: sourceJSON{Kind: rep.Source.Kind, Domain: rep.Source.Domain},
		Counts: countsJSON{Users: rep.Users(), Members: rep.Members, Enrolments: rep.Enrolments},
		Newest: runBrief(rep.Newest), Success: runBrief(rep.LastSuccess), CheckedAt: s.o.Now().UTC()}
	for _, o := range h.Others {
		out.Others = append(out.Others, reasonOf(l, o))
	}
	st := http.StatusOK
	if h.Level == health.LevelStopped {
		st = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Language", string(l))
	writeJSON(w, st, out)
}

// Level is a health level's label (正常, 注意, 停止中).
func (l *localizer) Level(v health.Level) string { return v.Text(l.lang) }

// HealthReason is a health reason's text.
func (l *localizer) HealthReason(r health.Reason) string { return r.Text(l.lang) }

// Num is n with the language's thousands separators.
func (l *localizer) Num(n int) string { return msg.Render(l.lang, "{n}", msg.Params{"n": n}) }
