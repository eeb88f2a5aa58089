package scope

import (
	"fmt"

	"github.com/cybridge/cybridge/directory"
)

// Directory is what evaluation needs beyond the user: the organization tree
// and group memberships. Build it once per snapshot with NewDirectory.
type Directory struct {
	// ancestors lists each organization's code and its ancestors' codes
	// (for < and <=), computed once: a directory of 100,000 users asks
	// about the same few thousand organizations over and over.
	ancestors map[string][]string
	groups    map[string]map[string]bool // group code → member logins
	known     map[Key]map[string]bool    // codes the directory has, for Unknown
}

// NewDirectory indexes s for evaluation; ix must be directory.NewIndex(s).
func NewDirectory(s *directory.Snapshot, ix *directory.Index) *Directory {
	d := &Directory{
		ancestors: make(map[string][]string, len(s.Organizations)),
		groups:    make(map[string]map[string]bool, len(s.Groups)),
		known: map[Key]map[string]bool{
			KeyUser: {}, KeyOrganization: {}, KeyGroup: {directory.EveryoneGroup: true},
			KeyTitle: {NoTitle: true}, KeyEmployeeNumber: {},
		},
	}
	for _, g := range s.Groups {
		m := make(map[string]bool, len(g.Members))
		for _, l := range g.Members {
			m[l] = true
		}
		d.groups[g.Code] = m
		d.known[KeyGroup][g.Code] = true
	}
	for _, o := range s.Organizations {
		d.known[KeyOrganization][o.Code] = true
		d.ancestors[o.Code] = lineage(ix, o.Code)
	}
	for _, t := range s.Titles {
		d.known[KeyTitle][t.Code] = true
	}
	for _, u := range s.Users {
		d.known[KeyUser][u.Login] = true
		if u.EmployeeNumber != "" {
			d.known[KeyEmployeeNumber][u.EmployeeNumber] = true
		}
	}
	return d
}

// lineage returns code and its ancestors' codes, nearest first, stopping
// at an unknown parent or a cycle (Validate reports those).
func lineage(ix *directory.Index, code string) []string {
	var out []string
	for code != "" {
		o, ok := ix.Orgs[code]
		if !ok {
			break
		}
		for _, seen := range out {
			if seen == code {
				return out
			}
		}
		out = append(out, code)
		code = o.ParentCode
	}
	return out
}

// Match reports whether u is in the scope. A nil scope matches everyone.
// Whether the user is active is not the scope's business: the calendar
// policy checks that separately.
func (s *Scope) Match(u *directory.User, d *Directory) bool {
	if s == nil {
		return true
	}
	return eval(s.root, u, d)
}

func eval(n node, u *directory.User, d *Directory) bool {
	switch n := n.(type) {
	case *binary:
		if n.And {
			return eval(n.Left, u, d) && eval(n.Right, u, d)
		}
		return eval(n.Left, u, d) || eval(n.Right, u, d)
	case *cond:
		return n.match(u, d)
	}
	panic(fmt.Sprintf("scope: unknown node %T", n))
}

func (c *cond) match(u *directory.User, d *Directory) bool {
	switch c.Key {
	case KeyBirthDate:
		return compareDate(u.BirthDate, c.Op, c.Values[0])
	case KeyJoinDate:
		return compareDate(u.JoinDate, c.Op, c.Values[0])
	case KeyOrganization:
		switch c.Op {
		case OpLt, OpLe:
			for _, org := range userOrgs(u) {
				line := d.ancestors[org]
				if c.Op == OpLt && len(line) > 0 {
					line = line[1:] // strictly below: not the organization itself
				}
				for _, a := range line {
					if a == c.Values[0] {
						return true
					}
				}
			}
			return false
		}
	}
	has := c.anyValue(u, d)
	if c.Op == OpNotIn {
		return !has
	}
	return has
}

// anyValue reports whether the user has any of the condition's values.
func (c *cond) anyValue(u *directory.User, d *Directory) bool {
	for _, v := range c.Values {
		switch c.Key {
		case KeyUser:
			if u.Login == v {
				return true
			}
		case KeyEmployeeNumber:
			if u.EmployeeNumber != "" && u.EmployeeNumber == v {
				return true
			}
		case KeyGroup:
			if v == directory.EveryoneGroup || d.groups[v][u.Login] {
				return true
			}
		case KeyOrganization:
			for _, org := range userOrgs(u) {
				if org == v {
					return true
				}
			}
		case KeyTitle:
			titled := false
			for _, m := range u.Memberships {
				if m.TitleCode != "" {
					titled = true
					if m.TitleCode == v {
						return true
					}
				}
			}
			if v == NoTitle && !titled {
				return true
			}
		}
	}
	return false
}

// userOrgs returns the user's organization codes: every membership, and the
// primary organization should a reader have set it without a membership.
func userOrgs(u *directory.User) []string {
	orgs := u.OrgCodes()
	if u.PrimaryOrg != "" {
		for _, o := range orgs {
			if o == u.PrimaryOrg {
				return orgs
			}
		}
		orgs = append(orgs, u.PrimaryOrg)
	}
	return orgs
}

func compareDate(have string, op Op, want string) bool {
	if have == "" {
		return false
	}
	got, ok := parseDate(have)
	if !ok {
		return false
	}
	switch op {
	case OpEq:
		return got == want
	case OpLt:
		return got < want
	case OpLe:
		return got <= want
	case OpGt:
		return got > want
	case OpGe:
		return got >= want
	}
	return false
}

// Reference is a code named in the scope that the directory does not have.
type Reference struct {
	Key    Key
	Value  string
	Column int // of the condition naming it
}

func (r Reference) String() string {
	return fmt.Sprintf("the calendar scope names %s %q (column %d), which is not in the directory; it matches nobody", r.Key, r.Value, r.Column)
}

// Unknown lists the codes and login names the scope names that are not in
// the directory, in the order written (dates are not checked).
func (s *Scope) Unknown(d *Directory) []Reference {
	if s == nil {
		return nil
	}
	var out []Reference
	seen := map[string]bool{}
	var walk func(n node)
	walk = func(n node) {
		switch n := n.(type) {
		case *binary:
			walk(n.Left)
			walk(n.Right)
		case *cond:
			known, ok := d.known[n.Key]
			if !ok {
				return
			}
			for _, v := range n.Values {
				k := string(n.Key) + "\x00" + v
				if !known[v] && !seen[k] {
					seen[k] = true
					out = append(out, Reference{Key: n.Key, Value: v, Column: n.Col})
				}
			}
		}
	}
	walk(s.root)
	return out
}
