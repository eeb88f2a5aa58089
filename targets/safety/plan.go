package safety

import (
	"strconv"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
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

// Catalogue keys of the situations a code covers, when one code has
// several texts (provision.Issue.Key). The by-keys ambiguous matches have
// .login and .email variants too (ambiguousByKeys).
const (
	KeyAmbiguousOrg              = "ambiguous_match.org"          // an organization linked to several departments
	KeyAmbiguousUserLinks        = "ambiguous_match.user_links"   // a user linked to several members
	KeyAmbiguousMember           = "ambiguous_match.member"       // a member matching several users by login and email
	KeyAmbiguousUser             = "ambiguous_match.user"         // a user matched by several members by login and email
	KeyDepartmentCodeConflictNew = "department_code_conflict.new" // the organization's department is created by this run
	KeyLoginConflictUsers        = "login_conflict.users"         // two users would get one roster login
	KeyLocalChildrenMovedRoot    = "local_children_moved.root"    // moved up to the root department
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

// planner builds one plan. Each kind is planned in three steps: match
// (match.go, pure, returns the decisions and the ambiguous matches), emit
// (changes.go, the create, update and delete changes), check (conflicts.go,
// the errors and warnings about the result). The order of the steps is the
// order of the plan's errors and warnings (MakePlan sorts the changes).
type planner struct {
	cfg Config
	in  provision.PlanInput
	st  *State
	out provision.TargetPlan

	depts      map[int64]*Department
	deptLink   map[int64]provision.DirRef
	memberLink map[int64]provision.DirRef

	dm deptMatch // the department decisions, which the member rules read
}

func newPlanner(cfg Config, in provision.PlanInput, st *State) *planner {
	p := &planner{
		cfg: cfg, in: in, st: st,
		depts:      make(map[int64]*Department, len(st.Departments)),
		deptLink:   map[int64]provision.DirRef{},
		memberLink: make(map[int64]provision.DirRef, len(st.Members)),
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

// planDepartments plans rules 1–6.
func (p *planner) planDepartments() {
	p.dm = matchDepartments(p.in.Snapshot, p.in.Index, p.st, p.deptLink)
	p.out.Errors = append(p.out.Errors, p.dm.errors...)

	p.createDepartments()
	p.updateDepartments()
	p.deleteDepartments()
	p.moveLocalChildren()

	p.checkFirstLevel()
	p.checkDepartmentCodes()
}

// planMembers plans rules 7–14.
func (p *planner) planMembers() {
	mm := matchMembers(p.in.Snapshot.Users, p.cfg.IncludeSuspended, p.st.Members, p.memberLink)
	p.out.Errors = append(p.out.Errors, mm.errors...)

	p.createMembers(&mm)
	p.updateMembers(&mm)
	p.deleteMembers(&mm)

	p.checkDuplicateEmails(mm.users)
	p.checkMemberConflicts(&mm)
	p.warnLocalMemberships(&mm)
	p.checkInitialPassword(len(mm.unmatched))
}

func (p *planner) errorOf(code, key string, params msg.Params) {
	p.out.Errors = append(p.out.Errors, provision.NewIssue(code, key, params))
}

func (p *planner) warningOf(code, key string, params msg.Params) {
	p.out.Warnings = append(p.out.Warnings, provision.NewIssue(code, key, params))
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// How messages list objects: "login (name)", the same in both languages,
// as a list parameter's items. A single object is named by separate
// parameters (login, name) so that each language quotes it its own way.

func deptItem(d *Department) string { return d.Code + " (" + d.Name + ")" }

func userItem(u *directory.User) string { return u.Login + " (" + u.DisplayName + ")" }

func memberItem(m *Member) string { return m.Login + " (" + m.Name + ")" }
