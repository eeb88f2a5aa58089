package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/safety"
)

// deptNode is a department in the tree with its direct member count.
// Open is set on the path to the selected department (its ancestors and
// itself): the tree shows collapsed, only that path open.
//
// At 5,000 departments the whole tree is ~1 MB of HTML and most of the
// page's render time, so a department's sub-departments are rendered only
// for the top level (collapsed) and along the open path (Shown); deeper
// ones are reached by selecting their parent, which opens it.
type deptNode struct {
	safety.ExportDepartment
	Members  int
	Children []*deptNode
	Open     bool
	Selected bool
	Shown    bool
}

type rosterData struct {
	Tree        []*deptNode
	RootMembers int
	Members     []safety.ExportMember
	Pager       pager
	Query       string
	Total       int
	// Dept is the selected department (the members shown belong to it
	// directly), NoDept that the members without one are shown.
	Dept   *safety.ExportDepartment
	NoDept bool
	names  map[string]string
}

// DeptName is the name of the department with code, or the code when the
// roster has none such.
func (d rosterData) DeptName(code string) string {
	if n, ok := d.names[code]; ok && n != "" {
		return n
	}
	return code
}

// buildTree builds the department tree from the departments (in export
// order) and their direct member counts; the path to the department with
// code open (none when open is "").
func buildTree(depts []safety.ExportDepartment, counts map[string]int, open string) []*deptNode {
	nodes := map[string]*deptNode{}
	for _, d := range depts {
		nodes[d.Code] = &deptNode{ExportDepartment: d, Members: counts[d.Code]}
	}
	var top []*deptNode
	for _, d := range depts {
		n := nodes[d.Code]
		if p, ok := nodes[d.Parent]; ok && d.Parent != "" && d.Parent != d.Code {
			p.Children = append(p.Children, n)
		} else {
			top = append(top, n)
		}
	}
	if n, ok := nodes[open]; ok {
		n.Selected = true
		// Up the parents, at most once each (a cycle stops).
		for seen := map[string]bool{}; n != nil && !seen[n.Code]; n = nodes[n.Parent] {
			seen[n.Code] = true
			n.Open, n.Shown = true, true
		}
	}
	for _, n := range top {
		n.Shown = true
	}
	return top
}

// rosterPage is the department tree (collapsed but for the path to the
// selected department; each department a link that lists its members)
// and a page of the members: of the selected department (dept=CODE), of
// none (nodept=1), or all; searched with q.
func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	d := rosterData{Query: q.Get("q"), NoDept: q.Get("nodept") != "", names: map[string]string{}}
	code := ""
	if !d.NoDept {
		code = q.Get("dept")
	}
	var v *safety.Page
	p, err := pageOf(r, PageSize, func(offset int) (int, error) {
		var err error
		v, err = s.o.Backend.RosterPage(r.Context(), safety.PageQuery{Dept: code, NoDept: d.NoDept, Text: d.Query, Offset: offset, Limit: PageSize})
		if err != nil {
			return 0, err
		}
		return v.Matched, nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Pager, d.Members, d.Total, d.RootMembers = p, v.Members, v.All, v.NoDept
	for i := range v.Departments {
		dep := &v.Departments[i]
		d.names[dep.Code] = dep.Name
		if dep.Code == code {
			d.Dept = dep
		}
	}
	if code != "" && d.Dept == nil {
		s.renderError(w, r, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "roster.no_department", Params: msg.Params{"code": code}})
		return
	}
	d.Tree = buildTree(v.Departments, v.Counts, code)
	s.render(w, r, http.StatusOK, "roster", sess, d)
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '、' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) addDepartment(w http.ResponseWriter, r *http.Request, sess *session) {
	d := safety.ExportDepartment{Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")), Parent: r.PostFormValue("parent"), Origin: safety.OriginLocal}
	if err := s.o.Backend.AddDepartment(r.Context(), d); err != nil {
		s.redirectFlash(w, r, sess, "/roster", s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, "/roster", flash{Kind: "ok", Text: s.localizer(r).T("roster.added")})
}

type departmentData struct {
	Department  safety.ExportDepartment
	Departments []safety.ExportDepartment
}

// findDepartment reads the roster and finds the department with code.
func (s *Server) findDepartment(ctx context.Context, code string) (safety.ExportDepartment, *safety.Export, error) {
	v, err := s.o.Backend.Roster(ctx)
	if err != nil {
		return safety.ExportDepartment{}, v, err
	}
	for _, d := range v.Departments {
		if d.Code == code {
			return d, v, nil
		}
	}
	return safety.ExportDepartment{}, v, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "roster.no_department", Params: msg.Params{"code": code}}
}

// findMember reads the roster and finds the member with login.
func (s *Server) findMember(ctx context.Context, login string) (safety.ExportMember, error) {
	v, err := s.o.Backend.Roster(ctx)
	if err != nil {
		return safety.ExportMember{}, err
	}
	for _, m := range v.Members {
		if m.Login == login {
			return m, nil
		}
	}
	return safety.ExportMember{}, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "roster.no_member", Params: msg.Params{"login": login}}
}

func (s *Server) departmentPage(w http.ResponseWriter, r *http.Request, sess *session) {
	d, v, err := s.findDepartment(r.Context(), r.PathValue("code"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "department", sess, departmentData{Department: d, Departments: v.Departments})
}

func (s *Server) editDepartment(w http.ResponseWriter, r *http.Request, sess *session) {
	code := r.PathValue("code")
	name, parent := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("parent")
	back := "/roster/departments/" + url.PathEscape(code)
	if err := s.o.Backend.EditDepartment(r.Context(), code, DepartmentEdit{Name: &name, Parent: &parent}); err != nil {
		s.redirectFlash(w, r, sess, back, s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, "/roster", flash{Kind: "ok", Text: s.localizer(r).T("roster.saved")})
}

func memberFromForm(r *http.Request) safety.ExportMember {
	return safety.ExportMember{
		Login:       strings.TrimSpace(r.PostFormValue("login")),
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		Reading:     strings.TrimSpace(r.PostFormValue("reading")),
		Email:       strings.TrimSpace(r.PostFormValue("email")),
		Phone:       strings.TrimSpace(r.PostFormValue("phone")),
		Departments: splitList(r.PostFormValue("departments")),
	}
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request, sess *session) {
	m := memberFromForm(r)
	m.Origin = safety.OriginLocal
	if err := s.o.Backend.AddMember(r.Context(), m); err != nil {
		s.redirectFlash(w, r, sess, "/roster", s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, "/roster?q="+url.QueryEscape(m.Login), flash{Kind: "ok", Text: s.localizer(r).T("roster.added")})
}

type memberData struct {
	Member      safety.ExportMember
	Departments string
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request, sess *session) {
	m, err := s.findMember(r.Context(), r.PathValue("login"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "member", sess, memberData{Member: m, Departments: strings.Join(m.Departments, ", ")})
}

func (s *Server) editMember(w http.ResponseWriter, r *http.Request, sess *session) {
	login := r.PathValue("login")
	m := memberFromForm(r)
	e := MemberEdit{Name: &m.Name, Reading: &m.Reading, Email: &m.Email, Phone: &m.Phone, Departments: &m.Departments}
	back := "/roster/members/" + url.PathEscape(login)
	if err := s.o.Backend.EditMember(r.Context(), login, e); err != nil {
		s.redirectFlash(w, r, sess, back, s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, "/roster?q="+url.QueryEscape(login), flash{Kind: "ok", Text: s.localizer(r).T("roster.saved")})
}
