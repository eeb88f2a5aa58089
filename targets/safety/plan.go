package safety

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
)

// Plan error and warning codes.
const (
	CodeFirstLevelReparent      = "first_level_reparent"
	CodeAmbiguousMatch          = "ambiguous_match"
	CodeDuplicateEmail          = "duplicate_email"
	CodeEmailConflict           = "email_conflict"
	CodeLoginConflict           = "login_conflict"
	CodeInitialPasswordRequired = "initial_password_required"
	CodeMissingEmail            = "missing_email"
	CodeDepartmentCodeConflict  = "department_code_conflict"

	WarnLocalChildrenMoved      = "local_children_moved"
	WarnLocalMembershipsRemoved = "local_memberships_removed"
)

// ReasonParentDeleted marks a roster-only department moved up because its
// parent is deleted (rule 3).
const ReasonParentDeleted = "parent_deleted"

// fieldLinkedTo is the pseudo-field that shows a link being written.
const fieldLinkedTo = "linked_to"

// Plan computes the roster changes (rules 1–16 of SPEC §5). It is pure.
func (t *Target) Plan(in provision.PlanInput, st provision.State) provision.TargetPlan {
	p := newPlanner(t.cfg, in, st.(*State))
	p.planDepartments()
	p.planMembers()
	return p.out
}

// deptRef is a department after this plan: an existing one (id) or one
// the plan creates (code).
type deptRef struct {
	id   int64
	code string // set for a created department
}

type planner struct {
	cfg Config
	in  provision.PlanInput
	st  *State
	out provision.TargetPlan

	depts      map[int64]*Department
	deptLink   map[int64]provision.DirRef
	memberLink map[int64]provision.DirRef

	// Department decisions.
	deptOrg     map[int64]*directory.Organization // existing department → its organization
	orgDept     map[string]int64                  // organization code → existing department
	deleted     map[int64]bool                    // departments the plan deletes
	skippedOrg  map[string]bool                   // in an error: nothing planned
	skippedDept map[int64]bool
}

func newPlanner(cfg Config, in provision.PlanInput, st *State) *planner {
	p := &planner{
		cfg: cfg, in: in, st: st,
		depts:       make(map[int64]*Department, len(st.Departments)),
		deptLink:    map[int64]provision.DirRef{},
		memberLink:  make(map[int64]provision.DirRef, len(st.Members)),
		deptOrg:     map[int64]*directory.Organization{},
		orgDept:     map[string]int64{},
		deleted:     map[int64]bool{},
		skippedOrg:  map[string]bool{},
		skippedDept: map[int64]bool{},
	}
	for i := range st.Departments {
		p.depts[st.Departments[i].ID] = &st.Departments[i]
	}
	for _, l := range in.Links {
		id, err := strconv.ParseInt(l.ObjectID, 10, 64)
		if err != nil {
			continue
		}
		switch l.Kind {
		case KindDepartment:
			if d := p.depts[id]; d != nil && !d.IsRoot {
				p.deptLink[id] = l.Dir
			}
		case KindMember:
			p.memberLink[id] = l.Dir
		}
	}
	return p
}

func (p *planner) errorf(code, format string, args ...any) {
	p.out.Errors = append(p.out.Errors, provision.Issue{Code: code, Message: fmt.Sprintf(format, args...)})
}

func (p *planner) warnf(code, format string, args ...any) {
	p.out.Warnings = append(p.out.Warnings, provision.Issue{Code: code, Message: fmt.Sprintf(format, args...)})
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// ---- departments (rules 1–6) ----

func describeDept(d *Department) string { return fmt.Sprintf("%q (%s)", d.Code, d.Name) }

func describeOrg(o *directory.Organization) string { return fmt.Sprintf("%q (%s)", o.Code, o.Name) }

// desiredRef is the link a matched object should have: the directory
// object's id and key, keeping a known id when the source has none (CSV).
func desiredRef(id, key string, old provision.DirRef, hadLink bool) provision.DirRef {
	if id == "" && hadLink && old.Key == key {
		id = old.ID
	}
	return provision.DirRef{ID: id, Key: key}
}

func (p *planner) planDepartments() {
	snap, ix := p.in.Snapshot, p.in.Index
	root := p.st.RootID
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
	reason := map[int64]string{}

	// Rule 2 (a): departments the bridge created or updated from an
	// organization, found by its id (or code).
	linked := map[string][]int64{}
	for _, d := range p.st.Departments {
		if ref, ok := p.deptLink[d.ID]; ok {
			if o := ref.FindOrg(byID, ix.Orgs); o != nil {
				linked[o.Code] = append(linked[o.Code], d.ID)
			}
		}
	}
	for _, o := range orgs {
		ids := linked[o.Code]
		switch {
		case len(ids) == 1:
			p.orgDept[o.Code], p.deptOrg[ids[0]], reason[ids[0]] = ids[0], o, provision.ReasonLink
		case len(ids) > 1:
			names := make([]string, len(ids))
			for i, d := range ids {
				names[i] = describeDept(p.depts[d])
				p.skippedDept[d] = true
			}
			p.skippedOrg[o.Code] = true
			p.errorf(CodeAmbiguousMatch, "organization %s matches several roster departments: %s; remove all but one of them in the roster (cybridge roster dept rm -code CODE) and run again",
				describeOrg(o), strings.Join(names, ", "))
		}
	}
	// Rule 2 (b): any other department whose code equals the organization
	// code. Codes are unique in the roster, so this matches at most one.
	byCode := map[string]*Department{}
	for i := range p.st.Departments {
		d := &p.st.Departments[i]
		if !d.IsRoot && p.deptOrg[d.ID] == nil && !p.skippedDept[d.ID] {
			byCode[d.Code] = d
		}
	}
	var created []*directory.Organization
	for _, o := range orgs {
		if _, ok := p.orgDept[o.Code]; ok || p.skippedOrg[o.Code] {
			continue
		}
		if d := byCode[o.Code]; d != nil {
			p.orgDept[o.Code], p.deptOrg[d.ID], reason[d.ID] = d.ID, o, provision.ReasonCode
			continue
		}
		created = append(created, o)
	}
	// Rule 3: linked departments whose organization is gone are deleted.
	// Rule 4: departments without a link that match nothing are roster-only.
	for _, d := range p.st.Departments {
		if d.IsRoot || p.deptOrg[d.ID] != nil || p.skippedDept[d.ID] {
			continue
		}
		if _, ok := p.deptLink[d.ID]; ok {
			p.deleted[d.ID] = true
		}
	}

	// The parent a department has after the plan, for an organization.
	parentOf := func(o *directory.Organization) (deptRef, bool) {
		if o.ParentCode == "" {
			return deptRef{id: root}, true
		}
		if p.skippedOrg[o.ParentCode] {
			return deptRef{}, false
		}
		if d, ok := p.orgDept[o.ParentCode]; ok {
			return deptRef{id: d}, true
		}
		return deptRef{code: o.ParentCode}, true
	}

	for _, o := range created {
		c := provision.Change{Kind: KindDepartment, Action: provision.Create, Key: o.Code, Label: o.Name, Reason: provision.ReasonNew,
			Fields: provision.Fields{{Name: "code", New: o.Code}, {Name: "name", New: o.Name}, {Name: "parent", New: o.ParentCode}},
			Link:   &provision.DirRef{ID: o.ID, Key: o.Code}}
		p.out.Changes = append(p.out.Changes, c)
	}

	for _, d := range p.st.Departments {
		o := p.deptOrg[d.ID]
		if o == nil {
			continue
		}
		c := provision.Change{Kind: KindDepartment, Action: provision.Update, Key: o.Code, Label: o.Name, Reason: reason[d.ID], ObjectID: id(d.ID)}
		if d.Code != o.Code {
			c.Fields = append(c.Fields, provision.FieldDiff{Name: "code", Old: d.Code, New: o.Code})
		}
		if d.Name != o.Name {
			c.Fields = append(c.Fields, provision.FieldDiff{Name: "name", Old: d.Name, New: o.Name})
		}
		if want, ok := parentOf(o); ok && (want.id == 0 || want.id != d.ParentID) {
			if d.ParentID == root {
				// Rule 5: a first-level department stays under the root.
				p.errorf(CodeFirstLevelReparent,
					"department %s is at the first level of the roster and cannot be moved under another department, but its organization %s now has the parent %q in cybozu.com; "+
						"delete department %q in the roster (cybridge roster dept rm -code %s) and run again: it is then created again under its parent",
					describeDept(&d), describeOrg(o), o.ParentCode, d.Code, d.Code)
			} else {
				c.Fields = append(c.Fields, provision.FieldDiff{Name: "parent", Old: p.currentCode(d.ParentID), New: o.ParentCode})
			}
		}
		old, had := p.deptLink[d.ID]
		if ref := desiredRef(o.ID, o.Code, old, had); !had || ref != old {
			c.Fields = append(c.Fields, linkedTo(old, had, ref))
			c.Link = &ref
		}
		if len(c.Fields) > 0 {
			p.out.Changes = append(p.out.Changes, c)
		}
	}

	for _, d := range p.st.Departments {
		if p.deleted[d.ID] {
			p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindDepartment, Action: provision.Delete,
				Key: d.Code, Label: d.Name, Reason: provision.ReasonGone, ObjectID: id(d.ID)})
		}
	}
	p.moveLocalChildren()
	p.checkDepartmentCodes(created)
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

// currentCode is a department's code now ("" for the root).
func (p *planner) currentCode(deptID int64) string {
	if d := p.depts[deptID]; d != nil && !d.IsRoot {
		return d.Code
	}
	return ""
}

// finalCode is an existing department's code after the plan.
func (p *planner) finalCode(deptID int64) string {
	if o := p.deptOrg[deptID]; o != nil {
		return o.Code
	}
	return p.currentCode(deptID)
}

// local reports whether an existing department is roster-only after the
// plan: not the root, not corresponding to an organization, not deleted.
func (p *planner) local(deptID int64) bool {
	d := p.depts[deptID]
	return d != nil && !d.IsRoot && p.deptOrg[deptID] == nil && !p.deleted[deptID]
}

// moveLocalChildren moves departments that stay (roster-only ones) whose
// parent is deleted up to the nearest ancestor that stays (rule 3).
func (p *planner) moveLocalChildren() {
	for _, d := range p.st.Departments {
		if d.IsRoot || p.deleted[d.ID] || p.deptOrg[d.ID] != nil || !p.deleted[d.ParentID] {
			continue
		}
		up := d.ParentID
		for hops := 0; p.deleted[up] && hops <= len(p.depts); hops++ {
			up = p.depts[up].ParentID
		}
		newCode := p.finalCode(up)
		p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindDepartment, Action: provision.Update,
			Key: d.Code, Label: d.Name, Reason: ReasonParentDeleted, ObjectID: id(d.ID),
			Fields: provision.Fields{{Name: "parent", Old: p.currentCode(d.ParentID), New: newCode}}})
		where := fmt.Sprintf("department %q", newCode)
		if newCode == "" {
			where = "the root department"
		}
		p.warnf(WarnLocalChildrenMoved, "roster-only department %s is under %s, which is deleted because its organization is gone from cybozu.com; it moves up to %s",
			describeDept(&d), describeDept(p.depts[d.ParentID]), where)
	}
}

// checkDepartmentCodes reports codes that two departments would share
// after the plan: an organization's code already held by a roster-only
// department that does not correspond to it.
func (p *planner) checkDepartmentCodes(created []*directory.Organization) {
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
	for _, o := range created {
		check(o, "a department this run creates")
	}
	for _, d := range p.st.Departments {
		if o := p.deptOrg[d.ID]; o != nil && o.Code != d.Code {
			check(o, "department "+describeDept(&d))
		}
	}
}

// ---- members (rules 7–14) ----

// norm is how logins and emails compare: case-insensitively, trimmed.
func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func describeUser(u *directory.User) string { return fmt.Sprintf("%q (%s)", u.Login, u.DisplayName) }

func describeMember(m *Member) string { return fmt.Sprintf("%q (%s)", m.Login, m.Name) }

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

func (p *planner) planMembers() {
	snap := p.in.Snapshot
	// Rule 13: suspended users are imported unless configured otherwise.
	users := make([]*directory.User, 0, len(snap.Users))
	byID := make(map[string]*directory.User, len(snap.Users))
	byLogin := make(map[string]*directory.User, len(snap.Users))
	for i := range snap.Users {
		u := &snap.Users[i]
		if !u.Valid && !p.cfg.IncludeSuspended {
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
	members := p.st.Members // by id

	userMember := make(map[*directory.User]*Member, len(users))
	memberUser := make(map[int64]*directory.User, len(members))
	reason := make(map[int64]string, len(members))
	skippedUser := map[*directory.User]bool{}
	skippedMember := map[int64]bool{}

	// Rule 8 (a): the link, by user id when known, else login name.
	linked := map[*directory.User][]*Member{}
	for i := range members {
		m := &members[i]
		if ref, ok := p.memberLink[m.ID]; ok {
			if u := ref.FindUser(byID, byLogin); u != nil {
				linked[u] = append(linked[u], m)
			}
		}
	}
	for _, u := range users {
		ms := linked[u]
		switch {
		case len(ms) == 1:
			userMember[u], memberUser[ms[0].ID], reason[ms[0].ID] = ms[0], u, provision.ReasonLink
		case len(ms) > 1:
			skippedUser[u] = true
			names := make([]string, len(ms))
			for i, m := range ms {
				skippedMember[m.ID] = true
				names[i] = describeMember(m)
			}
			p.errorf(CodeAmbiguousMatch, "cybozu.com user %s matches several roster members: %s; remove all but one of them in the roster (cybridge roster member rm -login LOGIN) and run again",
				describeUser(u), strings.Join(names, ", "))
		}
	}

	// Rule 8 (b): any of the member's login and email equals any of the
	// user's login and email. Only objects not already matched by a link
	// take part; a match must be one-to-one.
	byKey := map[string][]*directory.User{}
	for _, u := range users {
		if userMember[u] != nil || skippedUser[u] {
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
		m := &members[i]
		if memberUser[m.ID] != nil || skippedMember[m.ID] {
			continue
		}
		var cs []*directory.User
		for _, k := range [2]string{norm(m.Login), norm(m.Email)} {
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
		cands[m.ID] = cs
		for _, u := range cs {
			claimedBy[u] = append(claimedBy[u], m)
		}
	}
	for i := range members {
		m := &members[i]
		cs := cands[m.ID]
		if len(cs) > 1 {
			skippedMember[m.ID] = true
			names := make([]string, len(cs))
			for i, u := range cs {
				names[i] = describeUser(u) + " by " + matchReason(m, u)
				skippedUser[u] = true
			}
			p.errorf(CodeAmbiguousMatch, "roster member %s matches several cybozu.com users: %s; change the login name or email of the member (cybridge roster member edit) or of the users so that it matches one, and run again",
				describeMember(m), strings.Join(names, ", "))
		}
	}
	for _, u := range users {
		ms := claimedBy[u]
		if len(ms) > 1 && !skippedUser[u] {
			skippedUser[u] = true
			names := make([]string, len(ms))
			for i, m := range ms {
				names[i] = describeMember(m) + " by " + matchReason(m, u)
				skippedMember[m.ID] = true
			}
			p.errorf(CodeAmbiguousMatch, "cybozu.com user %s matches several roster members: %s; change the login or email of all but one of them in the roster (cybridge roster member edit) and run again",
				describeUser(u), strings.Join(names, ", "))
		}
	}
	for i := range members {
		m := &members[i]
		if cs := cands[m.ID]; len(cs) == 1 && !skippedMember[m.ID] && !skippedUser[cs[0]] {
			u := cs[0]
			userMember[u], memberUser[m.ID], reason[m.ID] = m, u, matchReason(m, u)
		}
	}

	p.checkDuplicateEmails(users)

	// Changes.
	var creates []*directory.User
	for _, u := range users {
		if userMember[u] == nil && !skippedUser[u] {
			creates = append(creates, u)
		}
	}
	for _, u := range creates {
		p.out.Changes = append(p.out.Changes, p.createMember(u))
	}
	for i := range members {
		m := &members[i]
		if u := memberUser[m.ID]; u != nil {
			if c, ok := p.updateMember(m, u, reason[m.ID]); ok {
				p.out.Changes = append(p.out.Changes, c)
			}
		}
	}
	for i := range members {
		m := &members[i]
		// Rule 12: a linked member whose user is gone is deleted; a member
		// without a link (roster-only) is never touched.
		if _, hasLink := p.memberLink[m.ID]; hasLink && memberUser[m.ID] == nil && !skippedMember[m.ID] {
			p.out.Changes = append(p.out.Changes, provision.Change{Kind: KindMember, Action: provision.Delete,
				Key: m.Login, Label: m.Name, Reason: provision.ReasonGone, ObjectID: id(m.ID)})
		}
	}

	p.checkMemberConflicts(users, creates, memberUser, skippedMember)
	p.warnLocalMemberships(memberUser)

	if len(creates) > 0 && !p.cfg.InitialPassword.IsSet() {
		p.errorf(CodeInitialPasswordRequired, "this run creates %d members, and new members need an initial password: set safety.initial_password (CYBRIDGE_SAFETY_INITIAL_PASSWORD, at least 6 characters; the same for every new member)", len(creates))
	}
}

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
func (p *planner) checkMemberConflicts(users, creates []*directory.User, memberUser map[int64]*directory.User, skippedMember map[int64]bool) {
	// Members that stay as they are: roster-only, or in an error already.
	emailHolder := map[string]*Member{}
	loginHolder := map[string]*Member{}
	for i := range p.st.Members {
		m := &p.st.Members[i]
		_, hasLink := p.memberLink[m.ID]
		stays := memberUser[m.ID] != nil || !hasLink || skippedMember[m.ID]
		if !stays {
			continue // deleted
		}
		loginHolder[norm(m.Login)] = m
		if memberUser[m.ID] == nil && !skippedMember[m.ID] {
			if e := norm(m.Email); e != "" {
				emailHolder[e] = m
			}
		}
	}
	for _, u := range users {
		e := norm(u.Email)
		if e == "" {
			continue
		}
		if m := emailHolder[e]; m != nil && memberUser[m.ID] != u {
			p.errorf(CodeEmailConflict, "email address %q of cybozu.com user %s already belongs to roster member %s, which is not linked to that user; "+
				"an address belongs to one member only: remove it from the member (cybridge roster member edit -login %s -email NEW) or from the user in cybozu.com, and run again",
				u.Email, describeUser(u), describeMember(m), m.Login)
		}
	}
	newLogins := map[string]*directory.User{}
	for _, u := range creates {
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
func (p *planner) warnLocalMemberships(memberUser map[int64]*directory.User) {
	if len(p.deleted) == 0 {
		return
	}
	lost := map[int64][]string{}
	for i := range p.st.Members {
		m := &p.st.Members[i]
		if memberUser[m.ID] != nil {
			continue
		}
		if _, hasLink := p.memberLink[m.ID]; hasLink {
			continue
		}
		for _, d := range m.Departments {
			if p.deleted[d] {
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
		if d, ok := p.orgDept[m.OrgCode]; ok {
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
		c.Flags = []string{"suspended"}
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
		c.Flags = []string{"suspended"}
	}
	return c, len(c.Fields) > 0
}
