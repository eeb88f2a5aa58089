package safety

import (
	"sort"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// deptMatch is how the roster's departments correspond to the directory's
// organizations (rules 2–4): what the change builders and checks read.
type deptMatch struct {
	unmatched   []*directory.Organization         // organizations no department corresponds to, by code: created (rule 1)
	deptOrg     map[int64]*directory.Organization // existing department → its organization
	orgDept     map[string]int64                  // organization code → existing department
	reason      map[int64]string                  // how a department matched: link or code
	deleted     map[int64]bool                    // linked departments whose organization is gone (rule 3)
	skippedOrg  map[string]bool                   // in an ambiguous match: nothing planned
	skippedDept map[int64]bool
	errors      []provision.Issue // the ambiguous matches
}

// matchDepartments matches departments to organizations: by link first
// (rule 2 a), then by code (rule 2 b). It is pure.
func matchDepartments(snap *directory.Snapshot, ix *directory.Index, st *State, links map[int64]provision.DirRef) deptMatch {
	m := deptMatch{
		deptOrg:     map[int64]*directory.Organization{},
		orgDept:     map[string]int64{},
		reason:      map[int64]string{},
		deleted:     map[int64]bool{},
		skippedOrg:  map[string]bool{},
		skippedDept: map[int64]bool{},
	}
	byID := map[string]*directory.Organization{}
	orgs := make([]*directory.Organization, 0, len(snap.Organizations))
	for i := range snap.Organizations {
		o := &snap.Organizations[i]
		if ix.Orgs[o.Code] != o {
			continue // a duplicate code; Validate reports it
		}
		orgs = append(orgs, o)
		if o.ID != "" {
			byID[o.ID] = o
		}
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i].Code < orgs[j].Code })

	// Rule 2 (a): departments the bridge created or updated from an
	// organization, found by its id (or code).
	linked := map[string][]*Department{}
	for i := range st.Departments {
		d := &st.Departments[i]
		if ref, ok := links[d.ID]; ok {
			if o := ref.FindOrg(byID, ix.Orgs); o != nil {
				linked[o.Code] = append(linked[o.Code], d)
			}
		}
	}
	for _, o := range orgs {
		ds := linked[o.Code]
		switch {
		case len(ds) == 1:
			m.orgDept[o.Code], m.deptOrg[ds[0].ID], m.reason[ds[0].ID] = ds[0].ID, o, provision.ReasonLink
		case len(ds) > 1:
			names := make([]string, len(ds))
			for i, d := range ds {
				names[i] = deptItem(d)
				m.skippedDept[d.ID] = true
			}
			m.skippedOrg[o.Code] = true
			m.errors = append(m.errors, provision.NewIssue(CodeAmbiguousMatch, KeyAmbiguousOrg,
				msg.Params{"code": o.Code, "name": o.Name, "departments": names}))
		}
	}
	// Rule 2 (b): any other department whose code equals the organization
	// code. Codes are unique in the roster, so this matches at most one.
	byCode := map[string]*Department{}
	for i := range st.Departments {
		d := &st.Departments[i]
		if !d.IsRoot && m.deptOrg[d.ID] == nil && !m.skippedDept[d.ID] {
			byCode[d.Code] = d
		}
	}
	for _, o := range orgs {
		if _, ok := m.orgDept[o.Code]; ok || m.skippedOrg[o.Code] {
			continue
		}
		if d := byCode[o.Code]; d != nil {
			m.orgDept[o.Code], m.deptOrg[d.ID], m.reason[d.ID] = d.ID, o, provision.ReasonCode
			continue
		}
		m.unmatched = append(m.unmatched, o)
	}
	// Rule 3: linked departments whose organization is gone are deleted.
	// Rule 4: departments without a link that match nothing are roster-only.
	for _, d := range st.Departments {
		if d.IsRoot || m.deptOrg[d.ID] != nil || m.skippedDept[d.ID] {
			continue
		}
		if _, ok := links[d.ID]; ok {
			m.deleted[d.ID] = true
		}
	}
	return m
}

// memberMatch is how the roster's members correspond to the directory's
// users (rules 8, 12, 13): what the change builders and checks read.
type memberMatch struct {
	users         []*directory.User // the users the roster is made from, by login (rule 13)
	unmatched     []*directory.User // users no member corresponds to, by login: created
	userMember    map[*directory.User]*Member
	memberUser    map[int64]*directory.User
	reason        map[int64]string // how a member matched: link, login or email
	deleted       map[int64]bool   // linked members whose user is gone (rule 12)
	skippedUser   map[*directory.User]bool
	skippedMember map[int64]bool    // in an ambiguous match: nothing planned
	errors        []provision.Issue // the ambiguous matches
}

// matchMembers matches members to users: by link first (rule 8 a), then
// one-to-one by login and email (rule 8 b). Suspended users take part only
// with includeSuspended (rule 13). It is pure.
func matchMembers(all []directory.User, includeSuspended bool, members []Member, links map[int64]provision.DirRef) memberMatch {
	users := make([]*directory.User, 0, len(all))
	byID := make(map[string]*directory.User, len(all))
	byLogin := make(map[string]*directory.User, len(all))
	for i := range all {
		u := &all[i]
		if !u.Valid && !includeSuspended {
			continue
		}
		if _, dup := byLogin[u.Login]; dup {
			continue // Validate reports duplicates
		}
		users = append(users, u)
		byLogin[u.Login] = u
		if u.ID != "" {
			byID[u.ID] = u
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Login < users[j].Login })

	m := memberMatch{
		users:         users,
		userMember:    make(map[*directory.User]*Member, len(users)),
		memberUser:    make(map[int64]*directory.User, len(members)),
		reason:        make(map[int64]string, len(members)),
		deleted:       map[int64]bool{},
		skippedUser:   map[*directory.User]bool{},
		skippedMember: map[int64]bool{},
	}
	m.matchLinks(members, links, byID, byLogin)
	m.matchKeys(members)
	for _, u := range users {
		if m.userMember[u] == nil && !m.skippedUser[u] {
			m.unmatched = append(m.unmatched, u)
		}
	}
	// Rule 12: a linked member whose user is gone is deleted; a member
	// without a link (roster-only) is never touched.
	for i := range members {
		mb := &members[i]
		if _, hasLink := links[mb.ID]; hasLink && m.memberUser[mb.ID] == nil && !m.skippedMember[mb.ID] {
			m.deleted[mb.ID] = true
		}
	}
	return m
}

// matchLinks is rule 8 (a): the link, by user id when known, else login
// name.
func (m *memberMatch) matchLinks(members []Member, links map[int64]provision.DirRef, byID, byLogin map[string]*directory.User) {
	linked := map[*directory.User][]*Member{}
	for i := range members {
		mb := &members[i]
		if ref, ok := links[mb.ID]; ok {
			if u := ref.FindUser(byID, byLogin); u != nil {
				linked[u] = append(linked[u], mb)
			}
		}
	}
	for _, u := range m.users {
		ms := linked[u]
		switch {
		case len(ms) == 1:
			m.userMember[u], m.memberUser[ms[0].ID], m.reason[ms[0].ID] = ms[0], u, provision.ReasonLink
		case len(ms) > 1:
			m.skippedUser[u] = true
			names := make([]string, len(ms))
			for i, mb := range ms {
				m.skippedMember[mb.ID] = true
				names[i] = memberItem(mb)
			}
			m.errors = append(m.errors, provision.NewIssue(CodeAmbiguousMatch, KeyAmbiguousUserLinks,
				msg.Params{"login": u.Login, "name": u.DisplayName, "members": names}))
		}
	}
}

// matchKeys is rule 8 (b): any of the member's login and email equals any
// of the user's login and email. Only objects not already matched by a
// link take part; a match must be one-to-one.
func (m *memberMatch) matchKeys(members []Member) {
	byKey := map[string][]*directory.User{}
	for _, u := range m.users {
		if m.userMember[u] != nil || m.skippedUser[u] {
			continue
		}
		for _, k := range [2]string{norm(u.Login), norm(u.Email)} {
			if k != "" && (len(byKey[k]) == 0 || byKey[k][len(byKey[k])-1] != u) {
				byKey[k] = append(byKey[k], u)
			}
		}
	}
	cands := map[int64][]*directory.User{}
	claimedBy := map[*directory.User][]*Member{}
	for i := range members {
		mb := &members[i]
		if m.memberUser[mb.ID] != nil || m.skippedMember[mb.ID] {
			continue
		}
		var cs []*directory.User
		for _, k := range [2]string{norm(mb.Login), norm(mb.Email)} {
			if k == "" {
				continue
			}
			for _, u := range byKey[k] {
				if !containsUser(cs, u) {
					cs = append(cs, u)
				}
			}
		}
		if len(cs) == 0 {
			continue
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].Login < cs[j].Login })
		cands[mb.ID] = cs
		for _, u := range cs {
			claimedBy[u] = append(claimedBy[u], mb)
		}
	}
	for i := range members {
		mb := &members[i]
		cs := cands[mb.ID]
		if len(cs) > 1 {
			m.skippedMember[mb.ID] = true
			byLogin, byEmail := []string{}, []string{}
			for _, u := range cs {
				if matchReason(mb, u) == provision.ReasonLogin {
					byLogin = append(byLogin, userItem(u))
				} else {
					byEmail = append(byEmail, userItem(u))
				}
				m.skippedUser[u] = true
			}
			m.errors = append(m.errors, ambiguousByKeys(KeyAmbiguousMember, mb.Login, mb.Name, byLogin, byEmail))
		}
	}
	for _, u := range m.users {
		ms := claimedBy[u]
		if len(ms) > 1 && !m.skippedUser[u] {
			m.skippedUser[u] = true
			byLogin, byEmail := []string{}, []string{}
			for _, mb := range ms {
				if matchReason(mb, u) == provision.ReasonLogin {
					byLogin = append(byLogin, memberItem(mb))
				} else {
					byEmail = append(byEmail, memberItem(mb))
				}
				m.skippedMember[mb.ID] = true
			}
			m.errors = append(m.errors, ambiguousByKeys(KeyAmbiguousUser, u.Login, u.DisplayName, byLogin, byEmail))
		}
	}
	for i := range members {
		mb := &members[i]
		if cs := cands[mb.ID]; len(cs) == 1 && !m.skippedMember[mb.ID] && !m.skippedUser[cs[0]] {
			u := cs[0]
			m.userMember[u], m.memberUser[mb.ID], m.reason[mb.ID] = mb, u, matchReason(mb, u)
		}
	}
}

// ambiguousByKeys is an ambiguous match by login and email (rule 8 b):
// the object (login, name) and the candidates it matches by login and by
// email. The text is key's, or key.login / key.email when every candidate
// matched the same way (a text cannot leave out an empty list).
func ambiguousByKeys(key, login, name string, byLogin, byEmail []string) provision.Issue {
	p := msg.Params{"login": login, "name": name}
	switch {
	case len(byEmail) == 0:
		key += ".login"
		p["by_login"] = byLogin
	case len(byLogin) == 0:
		key += ".email"
		p["by_email"] = byEmail
	default:
		p["by_login"], p["by_email"] = byLogin, byEmail
	}
	return provision.NewIssue(CodeAmbiguousMatch, key, p)
}

// norm is how logins and emails compare: case-insensitively, trimmed.
func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func containsUser(us []*directory.User, u *directory.User) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}

// matchReason says which keys matched: "login" when the member's login
// equals the user's login or email, else "email".
func matchReason(m *Member, u *directory.User) string {
	if l := norm(m.Login); l != "" && (l == norm(u.Login) || l == norm(u.Email)) {
		return provision.ReasonLogin
	}
	return provision.ReasonEmail
}
