package web

import (
	"context"
	"github.com/cybridge/cybridge/internal/msg"
	"net/http"
	"net/url"
	"strings"

	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/targets/calendar"
)

type calendarData struct {
	State      string
	Query      string
	States     []string
	Counts     map[string]int
	All        int
	Enrolments []calendar.EnrolmentView
	Pager      pager
	Back       string
}

func filterEnrolments(es []calendar.EnrolmentView, state, q string) []calendar.EnrolmentView {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []calendar.EnrolmentView
	for _, e := range es {
		if state != "" && e.State != state {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(e.Login+"\x00"+e.Name+"\x00"+e.Email), q) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// calendarPage is a page of the enrolments, filtered by state and text.
func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	d := calendarData{State: q.Get("state"), Query: q.Get("q"), States: s.o.Backend.EnrolmentStates(), Back: r.URL.RequestURI()}
	var pg EnrolmentPage
	p, err := pageOf(r, PageSize, func(offset int) (int, error) {
		var err error
		pg, err = s.o.Backend.EnrolmentPage(r.Context(), EnrolmentQuery{State: d.State, Text: d.Query, Offset: offset, Limit: PageSize})
		return pg.Matched, err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Pager, d.Enrolments, d.Counts, d.All = p, pg.Enrolments, pg.Counts, pg.All
	s.render(w, r, http.StatusOK, "calendar", sess, d)
}

func (s *Server) enrolmentPage(w http.ResponseWriter, r *http.Request, sess *session) {
	e, err := s.o.Backend.Enrolment(r.Context(), r.PathValue("login"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "enrolment", sess, e)
}

func (s *Server) setTarget(w http.ResponseWriter, r *http.Request, sess *session) {
	login := r.PathValue("login")
	t := TargetEdit{
		Target:     r.PostFormValue("target"),
		CalendarID: strings.TrimSpace(r.PostFormValue("calendar_id")),
		URL:        strings.TrimSpace(r.PostFormValue("url")),
		AuthID:     strings.TrimSpace(r.PostFormValue("auth_id")),
		Password:   secret.Secret(r.PostFormValue("password")),
	}
	back := "/calendar/" + url.PathEscape(login)
	if err := s.o.Backend.SetTarget(r.Context(), login, t); err != nil {
		s.redirectFlash(w, r, sess, back, s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, back, flash{Kind: "ok", Text: s.localizer(r).T("cal.saved")})
}

// enrolmentAction is permit, revoke, unpin or check.
func (s *Server) enrolmentAction(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	login := r.PathValue("login")
	back := safeNext(r.PostFormValue("next"))
	if r.PostFormValue("next") == "" {
		back = "/calendar/" + url.PathEscape(login)
	}
	l := s.localizer(r)
	action := r.PathValue("action")
	if action == "check" {
		res, err := s.o.Backend.CheckCalDAV(ctx, login)
		if err != nil {
			s.redirectFlash(w, r, sess, back, s.flashError(r, err))
			return
		}
		kind := "error"
		if res.OK() {
			kind = "ok"
		}
		text := l.Opt("cal.check.", res.Outcome)
		if t := res.Text(l.lang); t != "" {
			text = msg.Text(l.lang, "cal.check.with_detail", msg.Params{"outcome": text, "detail": s.scrub(t)})
		}
		s.redirectFlash(w, r, sess, back, flash{Kind: kind, Text: text, Code: string(res.Outcome)})
		return
	}
	ok, err := s.changePermission(ctx, action, login)
	if !ok {
		s.renderError(w, r, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "no_page", Params: msg.Params{"path": r.URL.Path}})
		return
	}
	if err != nil {
		s.redirectFlash(w, r, sess, back, s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, back, flash{Kind: "ok", Text: l.T("cal.done."+r.PathValue("action"), "login", login)})
}

// changePermission runs permit, revoke or unpin; ok is false for any other
// action.
func (s *Server) changePermission(ctx context.Context, action, login string) (ok bool, err error) {
	switch action {
	case "permit":
		return true, s.o.Backend.Permit(ctx, login)
	case "revoke":
		return true, s.o.Backend.Revoke(ctx, login)
	case "unpin":
		return true, s.o.Backend.Unpin(ctx, login)
	}
	return false, nil
}
