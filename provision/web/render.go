package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// pageNames are the console's pages; each is templates/NAME.html with the
// layout and partials.
var pageNames = []string{"login", "overview", "plan", "runs", "run", "upload", "roster", "accounts", "audit",
	"department", "member", "calendar", "enrolment", "history", "error", "job", "notifications"}

var funcs = template.FuncMap{
	"join": strings.Join,
	// seg escapes one path segment: logins and codes may hold # ? / %.
	"seg": url.PathEscape,
	"add": func(a, b int) int { return a + b },
	"query": func(kv ...string) template.URL {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				v.Set(kv[i], kv[i+1])
			}
		}
		if len(v) == 0 {
			return "?"
		}
		return template.URL("?" + v.Encode())
	},
	// Partials take one value; these bundle what each needs.
	"summaryOf": func(l *localizer, targets []provision.TargetInfo, s provision.Summary) any {
		return struct {
			L       *localizer
			Targets []provision.TargetCounts
		}{l, s.Layout(targets)}
	},
	"runsOf": func(l *localizer, runs []*provision.Run) any {
		return struct {
			L    *localizer
			Runs []*provision.Run
		}{l, runs}
	},
	"planOf": func(l *localizer, v *planView) any {
		return struct {
			L *localizer
			V *planView
		}{l, v}
	},
	"pagerOf": func(l *localizer, p pager) any {
		return struct {
			L *localizer
			P pager
		}{l, p}
	},
	"nodeOf": func(l *localizer, n *deptNode) any {
		return struct {
			L *localizer
			N *deptNode
		}{l, n}
	},
}

func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// page is what every template gets.
type page struct {
	L        *localizer
	Name     string
	Path     string // for the language switch to come back
	LoggedIn bool
	Flash    *flash
	Pause    *schedule.State
	// Targets are the enabled targets with their kinds, in report order.
	Targets []provision.TargetInfo
	Version string
	Data    any
}

// render writes a page. sess may be nil (login, errors before login).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, sess *session, data any) {
	p := page{L: s.localizer(r), Name: name, Path: r.URL.RequestURI(), Data: data, Version: s.o.Version, Targets: s.o.Backend.Targets()}
	if r.Method != http.MethodGet {
		p.Path = "/"
	}
	if sess != nil {
		p.LoggedIn = true
		p.Flash = s.sessions.popFlash(sess)
		if in, err := s.o.Backend.Info(r.Context()); err == nil && in.Pause.Paused {
			p.Pause = &in.Pause
		}
	}
	var b strings.Builder
	if err := s.pages[name].ExecuteTemplate(&b, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "error", err)
		http.Error(w, "internal error rendering the page; see the server log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// errorData is the error page's content.
type errorData struct {
	problem
	Status int
}

// renderError shows err as a page: its text in the page's language, the
// console's advice for its code, and the code.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problemOf(requestLang(r), err)
	st := statusOf(err)
	if st >= 500 {
		s.log.Error("console request failed", "path", r.URL.Path, "code", p.Code, "error", s.scrub(err.Error()))
	}
	sess, _ := s.sessions.get(r)
	s.render(w, r, st, "error", sess, errorData{problem: p, Status: st})
}

// redirectFlash redirects after a POST with a message for the next page.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, sess *session, to string, f flash) {
	s.sessions.setFlash(sess, f)
	seeOther(w, to)
}

// flashError turns err into an error flash in the request's language.
func (s *Server) flashError(r *http.Request, err error) flash {
	p := s.problemOf(requestLang(r), err)
	if p.Code == msg.CodeInternal {
		s.log.Error("console request failed", "path", r.URL.Path, "error", s.scrub(err.Error()))
	}
	return flash{Kind: "error", Text: p.Message, Code: p.Code}
}

// pager is one page of a long list: the page shown, the numbered links
// around it (with gaps), first/last and previous/next, and the rows shown
// ("From+1–To / Total"). Every link keeps the request's other query
// parameters (filters, search, the selected department).
type pager struct {
	Page, Pages, Total, From, To int
	First, Prev, Next, Last      template.URL // "" when not a link
	Links                        []pageLink
	path                         string
}

// pageLink is one numbered link, or a gap (…) between two.
type pageLink struct {
	Page    int
	Href    template.URL
	Current bool
	Gap     bool
}

// pageWindow is how many page numbers show on each side of the current
// one (besides the first and the last).
const pageWindow = 2

// paginate pages total rows, size a page, at the page u asks for; the
// links are to u's path with its query.
func paginate(total, size int, u *url.URL) pager {
	p := pager{Total: total, Pages: max(1, (total+size-1)/size), path: u.Path}
	q := u.Query()
	fmt.Sscan(q.Get("page"), &p.Page)
	p.Page = max(1, min(p.Page, p.Pages))
	p.From = (p.Page - 1) * size
	p.To = min(total, p.From+size)
	href := func(n int) template.URL {
		q.Set("page", strconv.Itoa(n))
		return template.URL(u.Path + "?" + q.Encode())
	}
	if p.Page > 1 {
		p.First, p.Prev = href(1), href(p.Page-1)
	}
	if p.Page < p.Pages {
		p.Next, p.Last = href(p.Page+1), href(p.Pages)
	}
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n != 1 && n != p.Pages && (n < p.Page-pageWindow || n > p.Page+pageWindow) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, pageLink{Gap: true})
		}
		p.Links = append(p.Links, pageLink{Page: n, Href: href(n), Current: n == p.Page})
		last = n
	}
	return p
}

// pageOf reads the page the request asks for with fetch (given the
// offset of its first row, it reads the page and says how many rows there
// are), and reads the last page instead when the request asks for one
// past it.
func pageOf(r *http.Request, size int, fetch func(offset int) (int, error)) (pager, error) {
	want := 0
	fmt.Sscan(r.URL.Query().Get("page"), &want)
	offset := max(0, want-1) * size
	n, err := fetch(offset)
	if err != nil {
		return pager{}, err
	}
	p := paginate(n, size, r.URL)
	if p.From != offset {
		if _, err := fetch(p.From); err != nil {
			return pager{}, err
		}
	}
	return p, nil
}
