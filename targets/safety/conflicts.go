package safety

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/directory"
)

// ---- departments (rules 3, 5, 6) ----

// checkFirstLevel: rule 5, a first-level department stays under the root,
// so an organization that moved under another one is an error.
func (p *planner) checkFirstLevel() {
	for i := range p.st.Departments {
		d := &p.st.Departments[i]
		o := p.dm.deptOrg[d.ID]
		if o == nil || d.ParentID != p.st.RootID || !p.reparents(d, o) {
			continue
		}
		p.errorf(CodeFirstLevelReparent,
			"department %s is at the first level of the roster and cannot be moved under another department, but its organization %s now has the parent %q in cybozu.com; "+
				"delete department %q in the roster (cybridge roster dept rm -code %s) and run again: it is then created again under its parent",
			describeDept(d), describeOrg(o), o.ParentCode, d.Code, d.Code)
	}
}

// checkDepartmentCodes reports codes that two departments would share
// after the plan: an organization's code already held by a roster-only
// department that does not correspond to it.
func (p *planner) checkDepartmentCodes() {
	local := map[string]*Department{}
	for i := range p.st.Departments {
		d := &p.st.Departments[i]
		if p.local(d.ID) {
			local[d.Code] = d
		}
	}
	check := func(o *directory.Organization, holder string) {
		if d := local[o.Code]; d != nil {
			p.errorf(CodeDepartmentCodeConflict,
				"organization %s corresponds to %s, but roster-only department %s already has the code %q; change that department's code (cybridge roster dept edit -code %s -new-code NEW) or remove it, and run again",
				describeOrg(o), holder, describeDept(d), o.Code, d.Code)
		}
	}
	for _, o := range p.dm.unmatched {
		check(o, "a department this run creates")
	}
	for _, d := range p.st.Departments {
		if o := p.dm.deptOrg[d.ID]; o != nil && o.Code != d.Code {
			check(o, "department "+describeDept(&d))
		}
	}
}

// ---- members (rules 9, 14) ----

// checkDuplicateEmails: rule 14, two directory users with one email.
func (p *planner) checkDuplicateEmails(users []*directory.User) {
	byEmail := map[string][]*directory.User{}
	var order []string
	for _, u := range users {
		k := norm(u.Email)
		if k == "" {
			continue
		}
		if len(byEmail[k]) == 0 {
			order = append(order, k)
		}
		byEmail[k] = append(byEmail[k], u)
	}
	sort.Strings(order)
	for _, k := range order {
		us := byEmail[k]
		if len(us) < 2 {
			continue
		}
		names := make([]string, len(us))
		for i, u := range us {
			names[i] = describeUser(u)
		}
		p.errorf(CodeDuplicateEmail, "email address %q cannot be used twice, but cybozu.com users %s all have it; change or remove it in cybozu.com "+
			"(export the users from 一括操作 > ファイルへの書き出し to find duplicates) and run again",
			us[0].Email, strings.Join(names, ", "))
	}
}

// checkMemberConflicts: rule 14, a roster member outside the match holding
// an email or login a directory user would get.
func (p *planner) checkMemberConflicts(mm *memberMatch) {
	// Members that stay as they are: roster-only, or in an error already.
	emailHolder := map[string]*Member{}
	loginHolder := map[string]*Member{}
	for i := range p.st.Members {
		m := &p.st.Members[i]
		if mm.deleted[m.ID] {
			continue
		}
		loginHolder[norm(m.Login)] = m
		if mm.memberUser[m.ID] == nil && !mm.skippedMember[m.ID] {
			if e := norm(m.Email); e != "" {
				emailHolder[e] = m
			}
		}
	}
	for _, u := range mm.users {
		e := norm(u.Email)
		if e == "" {
			continue
		}
		if m := emailHolder[e]; m != nil && mm.memberUser[m.ID] != u {
			p.errorf(CodeEmailConflict, "email address %q of cybozu.com user %s already belongs to roster member %s, which is not linked to that user; "+
				"an address belongs to one member only: remove it from the member (cybridge roster member edit -login %s -email NEW) or from the user in cybozu.com, and run again",
				u.Email, describeUser(u), describeMember(m), m.Login)
		}
	}
	newLogins := map[string]*directory.User{}
	for _, u := range mm.unmatched {
		login := p.newLogin(u)
		if login == "" {
			p.errorf(CodeMissingEmail, "cybozu.com user %s has no email address, and login_key = email makes the email the roster login; add an email address in cybozu.com or set safety.login_key = login", describeUser(u))
			continue
		}
		k := norm(login)
		if m := loginHolder[k]; m != nil {
			p.errorf(CodeLoginConflict, "the roster login %q for cybozu.com user %s is already taken by roster member %s, which is not linked to that user; "+
				"remove or rename that member in the roster (cybridge roster member rm -login %s), or change the user in cybozu.com, and run again",
				login, describeUser(u), describeMember(m), m.Login)
		} else if o := newLogins[k]; o != nil {
			p.errorf(CodeLoginConflict, "cybozu.com users %s and %s would both get the roster login %q; change one of them in cybozu.com and run again",
				describeUser(o), describeUser(u), login)
		} else {
			newLogins[k] = u
		}
	}
}

// warnLocalMemberships warns about roster-only members that lose a
// membership because its department is deleted.
func (p *planner) warnLocalMemberships(mm *memberMatch) {
	if len(p.dm.deleted) == 0 {
		return
	}
	lost := map[int64][]string{}
	for i := range p.st.Members {
		m := &p.st.Members[i]
		if mm.memberUser[m.ID] != nil {
			continue
		}
		if _, hasLink := p.memberLink[m.ID]; hasLink {
			continue
		}
		for _, d := range m.Departments {
			if p.dm.deleted[d] {
				lost[d] = append(lost[d], strconv.Quote(m.Login))
			}
		}
	}
	for _, d := range p.st.Departments {
		if ls := lost[d.ID]; len(ls) > 0 {
			p.warnf(WarnLocalMembershipsRemoved, "department %s is deleted because its organization is gone from cybozu.com; roster-only members %s lose that membership",
				describeDept(&d), strings.Join(ls, ", "))
		}
	}
}

// checkInitialPassword: rule 9, new members need an initial password.
func (p *planner) checkInitialPassword(creates int) {
	if creates > 0 && !p.cfg.InitialPassword.IsSet() {
		p.errorf(CodeInitialPasswordRequired, "this run creates %d members, and new members need an initial password: set safety.initial_password (CYBRIDGE_SAFETY_INITIAL_PASSWORD, at least 6 characters; the same for every new member)", creates)
	}
}
