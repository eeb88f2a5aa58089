package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/cybridge/cybridge/provision/schedule"
)

// pageNames are the console's pages; each is templates/NAME.html with the
// layout and partials.
var pageNames = []string{"login", "overview", "plan", "runs", "run", "upload", "roster",
	"department", "member", "calendar", "enrolment", "error"}

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
	"value": formatValue,
	// Partials take one value; these bundle what each needs.
	"summaryOf": func(l *localizer, s Summary) any {
		return struct {
			L       *localizer
			Targets []summaryTarget
		}{l, summaryLines(s)}
	},
	"runsOf": func(l *localizer, runs []Run) any {
		return struct {
			L    *localizer
			Runs []Run
		}{l, runs}
	},
	"planOf": func(l *localizer, v *planView) any {
		return struct {
			L *localizer
			V *planView
		}{l, v}
	},
	"pagerOf": func(p pager, q, state string) any {
		return struct {
			P    pager
			Q, S string
		}{p, q, state}
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
	Version  string
	Data     any
}

// render writes a page. sess may be nil (login, errors before login).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, sess *session, data any) {
	p := page{L: s.localizer(r), Name: name, Path: r.URL.RequestURI(), Data: data, Version: s.o.Version}
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
	Problem
	Status int
}

// renderError shows err as a page with its code and how to fix it.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problemOf(err)
	st := statusOf(p.Code)
	if st >= 500 {
		s.log.Error("console request failed", "path", r.URL.Path, "code", p.Code, "error", p.Message)
	}
	sess, _ := s.sessions.get(r)
	s.render(w, r, st, "error", sess, errorData{Problem: p, Status: st})
}

// redirectFlash redirects after a POST with a message for the next page.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, sess *session, to string, f flash) {
	s.sessions.setFlash(sess, f)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// flashError turns err into an error flash.
func (s *Server) flashError(err error) flash {
	p := s.problemOf(err)
	return flash{Kind: "error", Text: p.Message, Code: p.Code}
}

// formatValue shows a field value from a plan.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "∅"
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	case bool:
		if x {
			return "true"
		}
		return "false"
	default:
		return fmt.Sprint(x)
	}
}

// pager is one page of a long table.
type pager struct {
	Page, Pages, Total, From, To int
	Prev, Next                   int
}

func paginate(total int, r *http.Request) pager {
	p := pager{Total: total, Pages: (total + PageSize - 1) / PageSize}
	if p.Pages == 0 {
		p.Pages = 1
	}
	fmt.Sscan(r.URL.Query().Get("page"), &p.Page)
	p.Page = max(1, min(p.Page, p.Pages))
	p.From = (p.Page - 1) * PageSize
	p.To = min(total, p.From+PageSize)
	if p.Page > 1 {
		p.Prev = p.Page - 1
	}
	if p.Page < p.Pages {
		p.Next = p.Page + 1
	}
	return p
}

// summaryTarget is one target's line of a run summary: the kinds with
// their non-zero counts, in report order.
type summaryTarget struct {
	Target string
	Kinds  []summaryKind
}

type summaryKind struct {
	Kind string
	Acts []summaryAct
}

type summaryAct struct {
	Action string
	N      int
}

// rank orders targets (safety, calendar, others by name) and actions
// (create, update, disable, delete, others by name).
func rank(order []string, s string) int {
	for i, o := range order {
		if o == s {
			return i
		}
	}
	return len(order)
}

func sortByRank(keys []string, order ...string) {
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(order, keys[i]), rank(order, keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
}

func summaryLines(s Summary) []summaryTarget {
	var out []summaryTarget
	targets := make([]string, 0, len(s))
	for t := range s {
		targets = append(targets, t)
	}
	sortByRank(targets, "safety", "calendar")
	for _, t := range targets {
		st := summaryTarget{Target: t}
		kinds := make([]string, 0, len(s[t]))
		for k := range s[t] {
			kinds = append(kinds, k)
		}
		sortByRank(kinds, "departments", "members", "enrolments")
		for _, k := range kinds {
			sk := summaryKind{Kind: k}
			acts := make([]string, 0, len(s[t][k]))
			for a, n := range s[t][k] {
				if n > 0 {
					acts = append(acts, a)
				}
			}
			sortByRank(acts, "create", "update", "disable", "delete")
			for _, a := range acts {
				sk.Acts = append(sk.Acts, summaryAct{Action: a, N: s[t][k][a]})
			}
			if len(sk.Acts) > 0 {
				st.Kinds = append(st.Kinds, sk)
			}
		}
		out = append(out, st)
	}
	return out
}
