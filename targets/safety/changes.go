package safety

import (
	"sort"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// ---- departments (rules 1, 3, 6) ----

// createDepartments creates a department for each organization no
// department corresponds to (rule 1).
func (p *planner) createDepartments() {
	for _, o := range p.dm.unmatched {
		p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindDepartment, Action: provision.Create, Key: o.Code, Label: o.Name, Reason: provision.ReasonNew,
			Fields: provision.Fields{{Name: "code", New: o.Code}, {Name: "name", New: o.Name}, {Name: "parent", New: o.ParentCode}},
			Link:   &provision.DirRef{ID: o.ID, Key: o.Code}})
	}
}

// updateDepartments updates each matched department to its organization.
func (p *planner) updateDepartments() {
	for i := range p.st.Departments {
		d := &p.st.Departments[i]
		if o := p.dm.deptOrg[d.ID]; o != nil {
			if c, ok := p.updateDepartment(d, o); ok {
				p.out.Changes = append(p.out.Changes, c)
			}
		}
	}
}

// updateDepartment is d's update to its organization o, if anything
// differs. A first-level department keeps its parent (rule 5: the error is
// checkFirstLevel's).
func (p *planner) updateDepartment(d *Department, o *directory.Organization) (provision.Change, bool) {
	c := provision.Change{Kind: KindDepartment, Action: provision.Update, Key: o.Code, Label: o.Name, Reason: p.dm.reason[d.ID], ObjectID: id(d.ID)}
	if d.Code != o.Code {
		c.Fields = append(c.Fields, provision.FieldDiff{Name: "code", Old: d.Code, New: o.Code})
	}
	if d.Name != o.Name {
		c.Fields = append(c.Fields, provision.FieldDiff{Name: "name", Old: d.Name, New: o.Name})
	}
	if p.reparents(d, o) && d.ParentID != p.st.RootID {
		c.Fields = append(c.Fields, provision.FieldDiff{Name: "parent", Old: p.currentCode(d.ParentID), New: o.ParentCode})
	}
	old, had := p.deptLink[d.ID]
	if ref := desiredRef(o.ID, o.Code, old, had); !had || ref != old {
		c.Fields = append(c.Fields, linkedTo(old, had, ref))
		c.Link = &ref
	}
	return c, len(c.Fields) > 0
}

// deleteDepartments deletes the linked departments whose organization is
// gone (rule 3).
func (p *planner) deleteDepartments() {
	for _, d := range p.st.Departments {
		if p.dm.deleted[d.ID] {
			p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindDepartment, Action: provision.Delete,
				Key: d.Code, Label: d.Name, Reason: provision.ReasonGone, ObjectID: id(d.ID)})
		}
	}
}

// moveLocalChildren moves departments that stay (roster-only ones) whose
// parent is deleted up to the nearest ancestor that stays (rule 3).
func (p *planner) moveLocalChildren() {
	for _, d := range p.st.Departments {
		if d.IsRoot || p.dm.deleted[d.ID] || p.dm.deptOrg[d.ID] != nil || !p.dm.deleted[d.ParentID] {
			continue
		}
		up := d.ParentID
		for hops := 0; p.dm.deleted[up] && hops <= len(p.depts); hops++ {
			up = p.depts[up].ParentID
		}
		newCode := p.finalCode(up)
		p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindDepartment, Action: provision.Update,
			Key: d.Code, Label: d.Name, Reason: ReasonParentDeleted, ObjectID: id(d.ID),
			Fields: provision.Fields{{Name: "parent", Old: p.currentCode(d.ParentID), New: newCode}}})
		parent := p.depts[d.ParentID]
		params := msg.Params{"code": d.Code, "name": d.Name, "parent_code": parent.Code, "parent_name": parent.Name}
		key := KeyLocalChildrenMovedRoot
		if newCode != "" {
			key, params["to"] = WarnLocalChildrenMoved, newCode
		}
		p.warningOf(WarnLocalChildrenMoved, key, params)
	}
}

// parentAfter is the parent a department has after the plan, for an
// organization; false when the parent is in an ambiguous match.
func (p *planner) parentAfter(o *directory.Organization) (deptRef, bool) {
	if o.ParentCode == "" {
		return deptRef{id: p.st.RootID}, true
	}
	if p.dm.skippedOrg[o.ParentCode] {
		return deptRef{}, false
	}
	if d, ok := p.dm.orgDept[o.ParentCode]; ok {
		return deptRef{id: d}, true
	}
	return deptRef{code: o.ParentCode}, true
}

// reparents reports whether department d, matched to o, gets another
// parent from o.
func (p *planner) reparents(d *Department, o *directory.Organization) bool {
	want, ok := p.parentAfter(o)
	return ok && (want.id == 0 || want.id != d.ParentID)
}

// currentCode is a department's code now ("" for the root).
func (p *planner) currentCode(deptID int64) string {
	if d := p.depts[deptID]; d != nil && !d.IsRoot {
		return d.Code
	}
	return ""
}

// finalCode is an existing department's code after the plan.
func (p *planner) finalCode(deptID int64) string {
	if o := p.dm.deptOrg[deptID]; o != nil {
		return o.Code
	}
	return p.currentCode(deptID)
}

// local reports whether an existing department is roster-only after the
// plan: not the root, not corresponding to an organization, not deleted.
func (p *planner) local(deptID int64) bool {
	d := p.depts[deptID]
	return d != nil && !d.IsRoot && p.dm.deptOrg[deptID] == nil && !p.dm.deleted[deptID]
}

// ---- links ----

// desiredRef is the link a matched object should have: the directory
// object's id and key, keeping a known id when the source has none (CSV).
func desiredRef(id, key string, old provision.DirRef, hadLink bool) provision.DirRef {
	if id == "" && hadLink && old.Key == key {
		id = old.ID
	}
	return provision.DirRef{ID: id, Key: key}
}

// linkedTo is the pseudo-field diff that shows a link being written.
func linkedTo(old provision.DirRef, had bool, ref provision.DirRef) provision.FieldDiff {
	f := provision.FieldDiff{Name: fieldLinkedTo, New: ref.String()}
	if had {
		f.Old = old.String()
	} else {
		f.Old = ""
	}
	return f
}

// ---- members (rules 7, 9–13) ----

// reading is the roster reading: surname reading + " " + given-name reading.
func reading(u *directory.User) string {
	return strings.TrimSpace(strings.TrimSpace(u.SurnameReading) + " " + strings.TrimSpace(u.GivenNameReading))
}

// newLogin is a new member's roster login (rule 7).
func (p *planner) newLogin(u *directory.User) string {
	if p.cfg.LoginKey == LoginKeyEmail {
		return u.Email
	}
	return u.Login
}

// createMembers creates a member for each user no member corresponds to.
func (p *planner) createMembers(mm *memberMatch) {
	for _, u := range mm.unmatched {
		p.out.Changes = append(p.out.Changes, p.createMember(u))
	}
}

// updateMembers updates each matched member to its user.
func (p *planner) updateMembers(mm *memberMatch) {
	for i := range p.st.Members {
		m := &p.st.Members[i]
		if u := mm.memberUser[m.ID]; u != nil {
			if c, ok := p.updateMember(m, u, mm.reason[m.ID]); ok {
				p.out.Changes = append(p.out.Changes, c)
			}
		}
	}
}

// deleteMembers deletes the linked members whose user is gone (rule 12).
func (p *planner) deleteMembers(mm *memberMatch) {
	for i := range p.st.Members {
		m := &p.st.Members[i]
		if mm.deleted[m.ID] {
			p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindMember, Action: provision.Delete,
				Key: m.Login, Label: m.Name, Reason: provision.ReasonGone, ObjectID: id(m.ID)})
		}
	}
}

// userDepartments are the departments a user's organizations correspond
// to after the plan (rule 11), as refs, and their final codes.
func (p *planner) userDepartments(u *directory.User) ([]deptRef, []string) {
	var refs []deptRef
	var codes []string
	seen := map[string]bool{}
	for _, m := range u.Memberships {
		if seen[m.OrgCode] || p.in.Index.Orgs[m.OrgCode] == nil {
			continue
		}
		seen[m.OrgCode] = true
		if d, ok := p.dm.orgDept[m.OrgCode]; ok {
			refs = append(refs, deptRef{id: d})
		} else {
			refs = append(refs, deptRef{code: m.OrgCode})
		}
		codes = append(codes, m.OrgCode)
	}
	return refs, codes
}

func (p *planner) createMember(u *directory.User) provision.Change {
	_, codes := p.userDepartments(u)
	sort.Strings(codes)
	login := p.newLogin(u)
	fs := provision.Fields{{Name: "login", New: login}, {Name: "name", New: u.DisplayName}}
	if r := reading(u); r != "" {
		fs = append(fs, provision.FieldDiff{Name: "reading", New: r})
	}
	if u.Email != "" {
		fs = append(fs, provision.FieldDiff{Name: "email", New: u.Email})
	}
	if u.Phone != "" {
		fs = append(fs, provision.FieldDiff{Name: "phone", New: u.Phone})
	}
	if codes == nil {
		codes = []string{}
	}
	fs = append(fs, provision.FieldDiff{Name: "departments", New: codes})
	c := provision.Change{Kind: KindMember, Action: provision.Create, Key: login, Label: u.DisplayName, Reason: provision.ReasonNew,
		Fields: fs, Link: &provision.DirRef{ID: u.ID, Key: u.Login}}
	if !u.Valid {
		c.Flags = []string{provision.FlagSuspended}
	}
	return c
}

func (p *planner) updateMember(m *Member, u *directory.User, why string) (provision.Change, bool) {
	c := provision.Change{Kind: KindMember, Action: provision.Update, Key: m.Login, Label: u.DisplayName, Reason: why, ObjectID: id(m.ID)}
	str := func(name, old, new string) {
		if old != new {
			c.Fields = append(c.Fields, provision.FieldDiff{Name: name, Old: old, New: new})
		}
	}
	str("name", m.Name, u.DisplayName)
	str("reading", m.Reading, reading(u))
	str("email", m.Email, u.Email)
	str("phone", m.Phone, u.Phone)

	// Rule 11: memberships in departments that correspond to organizations
	// become exactly the user's; those in roster-only departments stay.
	refs, codes := p.userDepartments(u)
	same := true
	want := map[int64]bool{}
	for _, r := range refs {
		if r.id == 0 {
			same = false
		} else {
			want[r.id] = true
		}
	}
	for _, d := range m.Departments {
		if p.local(d) {
			want[d] = true
			codes = append(codes, p.currentCode(d))
		}
	}
	if len(want) != len(m.Departments) {
		same = false
	}
	for _, d := range m.Departments {
		if !want[d] {
			same = false
		}
	}
	if !same {
		old := make([]string, 0, len(m.Departments))
		for _, d := range m.Departments {
			old = append(old, p.currentCode(d))
		}
		sort.Strings(old)
		sort.Strings(codes)
		if codes == nil {
			codes = []string{}
		}
		c.Fields = append(c.Fields, provision.FieldDiff{Name: "departments", Old: old, New: codes})
	}
	old, had := p.memberLink[m.ID]
	if ref := desiredRef(u.ID, u.Login, old, had); !had || ref != old {
		c.Fields = append(c.Fields, linkedTo(old, had, ref))
		c.Link = &ref
	}
	if !u.Valid {
		c.Flags = []string{provision.FlagSuspended}
	}
	return c, len(c.Fields) > 0
}
