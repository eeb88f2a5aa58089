package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision/history"
)

// History is the per-person change history (package history): the
// console's /history page and GET /api/v1/history.
type History interface {
	// PersonHistory finds the people query names (login, display name or
	// e-mail address) and returns each one's history, newest first, at
	// most limit entries each (a default when limit < 1). A query that
	// matches nobody is a report with no people, not an error.
	PersonHistory(ctx context.Context, query string, limit int) (history.Report, error)
	// Changes reads the feed of applied changes after the cursor after
	// ("" = the start), at most limit (a default when limit < 1).
	Changes(ctx context.Context, after string, limit int) (history.Feed, error)
}

// historyData is the /history page: the search, and its report once a
// query was given.
type historyData struct {
	Query  string
	Report *history.Report
}

// historyPage shows the search box and, for ?q=, the people it matches
// with their histories.
func (s *Server) historyPage(w http.ResponseWriter, r *http.Request, sess *session) {
	d := historyData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Query != "" {
		rep, err := s.o.Backend.PersonHistory(r.Context(), d.Query, 0)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d.Report = &rep
	}
	s.render(w, r, http.StatusOK, "history", sess, d)
}

// apiHistory answers GET /api/v1/history?q=QUERY[&limit=N] with the
// report `cybridge history -format json` prints.
func (s *Server) apiHistory(r *http.Request) (reply, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return reply{}, invalid("api.history_query", nil)
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return reply{}, invalid("api.history_limit", msg.Params{"limit": v})
		}
		limit = n
	}
	rep, err := s.o.Backend.PersonHistory(r.Context(), q, limit)
	return ok(rep), err
}

// apiChanges answers GET /api/v1/changes?after=CURSOR[&limit=N]: the
// applied changes after the cursor, in order, and the cursor to read
// after next (see package history).
func (s *Server) apiChanges(r *http.Request) (reply, error) {
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return reply{}, invalid("api.history_limit", msg.Params{"limit": v})
		}
		limit = n
	}
	feed, err := s.o.Backend.Changes(r.Context(), r.URL.Query().Get("after"), limit)
	return ok(feed), err
}

// HistoryWho, HistoryWhat and HistoryDetail are a history entry's texts in
// the page's language, as `cybridge history` shows them.
func (l *localizer) HistoryWho(e history.Entry) string    { return e.Who(l.lang) }
func (l *localizer) HistoryWhat(e history.Entry) string   { return e.What(l.lang) }
func (l *localizer) HistoryDetail(e history.Entry) string { return e.Detail(l.lang) }

// Person names a person in the page's language.
func (l *localizer) Person(p history.Person) string { return p.Text(l.lang) }
