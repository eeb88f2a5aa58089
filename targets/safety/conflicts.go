package safety

import (
	"sort"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
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
		p.errorOf(CodeFirstLevelReparent, CodeFirstLevelReparent, msg.Params{"code": d.Code, "name": d.Name,
			"org_code": o.Code, "org_name": o.Name, "parent": o.ParentCode})
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
	// holder is the department the organization corresponds to; nil for
	// one this run creates.
	check := func(o *directory.Organization, holder *Department) {
		d := local[o.Code]
		if d == nil {
			return
		}
		params := msg.Params{"code": o.Code, "name": o.Name, "local_name": d.Name}
		key := KeyDepartmentCodeConflictNew
		if holder != nil {
			key = CodeDepartmentCodeConflict
			params["dept_code"], params["dept_name"] = holder.Code, holder.Name
		}
		p.errorOf(CodeDepartmentCodeConflict, key, params)
	}
	for _, o := range p.dm.unmatched {
		check(o, nil)
	}
	for i := range p.st.Departments {
		d := &p.st.Departments[i]
		if o := p.dm.deptOrg[d.ID]; o != nil && o.Code != d.Code {
			check(o, d)
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
			names[i] = userItem(u)
		}
		p.errorOf(CodeDuplicateEmail, CodeDuplicateEmail, msg.Params{"email": us[0].Email, "users": names})
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
			p.errorOf(CodeEmailConflict, CodeEmailConflict, msg.Params{"email": u.Email, "login": u.Login, "name": u.DisplayName,
				"member_login": m.Login, "member_name": m.Name})
		}
	}
	newLogins := map[string]*directory.User{}
	for _, u := range mm.unmatched {
		login := p.newLogin(u)
		if login == "" {
			p.errorOf(CodeMissingEmail, CodeMissingEmail, msg.Params{"login": u.Login, "name": u.DisplayName})
			continue
		}
		k := norm(login)
		if m := loginHolder[k]; m != nil {
			p.errorOf(CodeLoginConflict, CodeLoginConflict, msg.Params{"roster_login": login, "login": u.Login, "name": u.DisplayName,
				"member_login": m.Login, "member_name": m.Name})
		} else if o := newLogins[k]; o != nil {
			p.errorOf(CodeLoginConflict, KeyLoginConflictUsers, msg.Params{"roster_login": login,
				"login_a": o.Login, "name_a": o.DisplayName, "login_b": u.Login, "name_b": u.DisplayName})
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
				lost[d] = append(lost[d], m.Login)
			}
		}
	}
	for _, d := range p.st.Departments {
		if ls := lost[d.ID]; len(ls) > 0 {
			p.warningOf(WarnLocalMembershipsRemoved, WarnLocalMembershipsRemoved, msg.Params{"code": d.Code, "name": d.Name, "logins": ls})
		}
	}
}

// checkInitialPassword: rule 9, new members need an initial password.
func (p *planner) checkInitialPassword(creates int) {
	if creates > 0 && !p.cfg.InitialPassword.IsSet() {
		p.errorOf(CodeInitialPasswordRequired, CodeInitialPasswordRequired, msg.Params{"count": creates})
	}
}
