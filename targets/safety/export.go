package safety

import (
	"context"
	"sort"
	"strconv"

	"github.com/cybridge/cybridge/provision"
)

// Origins in the roster export.
const (
	OriginDirectory = "directory" // linked to a cybozu.com object
	OriginLocal     = "local"     // roster-only
)

// ExportDepartment is one department in the export (the root is left out;
// Parent is "" for the first level).
type ExportDepartment struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Origin string `json:"origin"`
}

// ExportMember is one member in the export. Passwords are never exported.
type ExportMember struct {
	Login       string   `json:"login"`
	Name        string   `json:"name"`
	Reading     string   `json:"reading"`
	Email       string   `json:"email"`
	Phone       string   `json:"phone"`
	Departments []string `json:"departments"`
	Origin      string   `json:"origin"`
}

// Export is the roster as `roster export -format json` writes it.
type Export struct {
	Departments []ExportDepartment `json:"departments"`
	Members     []ExportMember     `json:"members"`
}

// ExportRoster builds the export from the roster and its links.
// Departments are in tree order (depth first), and among siblings the ones
// from the directory come before roster-only ones (rule 4), each by code.
// Members are by login; their departments by code.
func ExportRoster(st *State, links []provision.Link) *Export {
	linked := map[string]bool{}
	for _, l := range links {
		linked[l.Kind+"\x00"+l.ObjectID] = true
	}
	origin := func(kind string, id int64) string {
		if linked[kind+"\x00"+strconv.FormatInt(id, 10)] {
			return OriginDirectory
		}
		return OriginLocal
	}
	byID := map[int64]*Department{}
	children := map[int64][]*Department{}
	for i := range st.Departments {
		d := &st.Departments[i]
		byID[d.ID] = d
		if !d.IsRoot {
			children[d.ParentID] = append(children[d.ParentID], d)
		}
	}
	out := &Export{Departments: []ExportDepartment{}, Members: []ExportMember{}}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		kids := children[parent]
		sort.Slice(kids, func(i, j int) bool {
			oi, oj := origin(KindDepartment, kids[i].ID), origin(KindDepartment, kids[j].ID)
			if oi != oj {
				return oi == OriginDirectory
			}
			return kids[i].Code < kids[j].Code
		})
		for _, d := range kids {
			pc := ""
			if p := byID[d.ParentID]; p != nil && !p.IsRoot {
				pc = p.Code
			}
			out.Departments = append(out.Departments, ExportDepartment{Code: d.Code, Name: d.Name, Parent: pc, Origin: origin(KindDepartment, d.ID)})
			if depth < len(st.Departments) {
				walk(d.ID, depth+1)
			}
		}
	}
	walk(st.RootID, 0)
	for _, m := range st.Members {
		codes := []string{}
		for _, d := range m.Departments {
			if dd := byID[d]; dd != nil && !dd.IsRoot {
				codes = append(codes, dd.Code)
			}
		}
		sort.Strings(codes)
		out.Members = append(out.Members, ExportMember{Login: m.Login, Name: m.Name, Reading: m.Reading, Email: m.Email,
			Phone: m.Phone, Departments: codes, Origin: origin(KindMember, m.ID)})
	}
	sort.Slice(out.Members, func(i, j int) bool { return out.Members[i].Login < out.Members[j].Login })
	return out
}

// ReadExport reads the roster and its links in one read transaction of
// store and exports them (ExportRoster).
func ReadExport(ctx context.Context, store provision.Store) (*Export, error) {
	var ex *Export
	err := store.View(ctx, func(q provision.Querier) error {
		st, err := Load(ctx, q)
		if err != nil {
			return err
		}
		links, err := store.Links(ctx, q, Name)
		if err != nil {
			return err
		}
		ex = ExportRoster(st, links)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ex, nil
}
