package directory

import (
	"fmt"
	"strings"
)

// Problem codes reported by Validate.
const (
	ProblemDuplicateLogin   = "duplicate_login"
	ProblemDuplicateOrgCode = "duplicate_org_code"
	ProblemDuplicateGroup   = "duplicate_group_code"
	ProblemUnknownParent    = "unknown_parent"
	ProblemOrgCycle         = "org_cycle"
	ProblemUnknownOrg       = "unknown_org"
	ProblemUnknownUser      = "unknown_user"
	ProblemEmptyCode        = "empty_code"
)

// Problem is one thing wrong with a snapshot, with where it came from.
type Problem struct {
	Code     string   `json:"code"`
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

func (p Problem) String() string {
	if loc := p.Location.String(); loc != "" {
		return loc + ": " + p.Message
	}
	return p.Message
}

// ValidationError carries every problem Validate found. Its error code for
// the admin is "invalid_directory".
type ValidationError struct {
	Problems []Problem
}

// Code is the stable error code.
func (e *ValidationError) ErrorCode() string { return "invalid_directory" }

func (e *ValidationError) Error() string {
	const show = 20
	var b strings.Builder
	fmt.Fprintf(&b, "the directory has %d problem(s); fix them in cybozu.com (or the CSV files) and read again:", len(e.Problems))
	for i, p := range e.Problems {
		if i == show {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-show)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Validate reports every problem of the snapshot at once: empty or duplicate
// login names and organization codes, parent codes that do not exist, cycles
// in the organization tree, memberships naming unknown organizations, group
// members naming unknown users. It returns nil or a *ValidationError. A
// snapshot with problems is never planned from.
func (s *Snapshot) Validate() error {
	var ps []Problem
	add := func(code string, loc Location, format string, args ...any) {
		ps = append(ps, Problem{Code: code, Location: loc, Message: fmt.Sprintf(format, args...)})
	}

	orgs := make(map[string]*Organization, len(s.Organizations))
	for i := range s.Organizations {
		o := &s.Organizations[i]
		if o.Code == "" {
			add(ProblemEmptyCode, o.Origin, "organization %q has no code", o.Name)
			continue
		}
		if first, dup := orgs[o.Code]; dup {
			add(ProblemDuplicateOrgCode, o.Origin, "organization code %q is used twice (first at %s)", o.Code, first.Origin)
			continue
		}
		orgs[o.Code] = o
	}
	for i := range s.Organizations {
		o := &s.Organizations[i]
		if o.ParentCode != "" && orgs[o.ParentCode] == nil {
			add(ProblemUnknownParent, o.Origin, "organization %q names parent %q, which does not exist", o.Code, o.ParentCode)
		}
	}
	// Cycles: walk each organization's ancestry; report each cycle once, at
	// its smallest code, so the report is stable.
	reported := map[string]bool{}
	for i := range s.Organizations {
		o := &s.Organizations[i]
		seen := map[string]bool{}
		code := o.Code
		for code != "" && !seen[code] {
			seen[code] = true
			p := orgs[code]
			if p == nil {
				break
			}
			code = p.ParentCode
		}
		if code == "" || orgs[code] == nil || code != o.Code {
			continue
		}
		// o is on a cycle: collect it.
		cycle := []string{o.Code}
		for c := orgs[o.Code].ParentCode; c != o.Code; c = orgs[c].ParentCode {
			cycle = append(cycle, c)
		}
		min := cycle[0]
		for _, c := range cycle {
			if c < min {
				min = c
			}
		}
		if reported[min] {
			continue
		}
		reported[min] = true
		add(ProblemOrgCycle, o.Origin, "organizations form a cycle: %s → %s", strings.Join(cycle, " → "), o.Code)
	}

	users := make(map[string]*User, len(s.Users))
	for i := range s.Users {
		u := &s.Users[i]
		if u.Login == "" {
			add(ProblemEmptyCode, u.Origin, "user %q has no login name", u.DisplayName)
			continue
		}
		if first, dup := users[u.Login]; dup {
			add(ProblemDuplicateLogin, u.Origin, "login name %q is used twice (first at %s)", u.Login, first.Origin)
			continue
		}
		users[u.Login] = u
		for _, m := range u.Memberships {
			if orgs[m.OrgCode] == nil {
				add(ProblemUnknownOrg, u.Origin, "user %q belongs to organization %q, which does not exist", u.Login, m.OrgCode)
			}
		}
		if u.PrimaryOrg != "" && orgs[u.PrimaryOrg] == nil {
			add(ProblemUnknownOrg, u.Origin, "user %q has primary organization %q, which does not exist", u.Login, u.PrimaryOrg)
		}
	}

	groups := make(map[string]bool, len(s.Groups))
	for i := range s.Groups {
		g := &s.Groups[i]
		if groups[g.Code] {
			add(ProblemDuplicateGroup, g.Origin, "group code %q is used twice", g.Code)
			continue
		}
		groups[g.Code] = true
		for _, l := range g.Members {
			if users[l] == nil {
				add(ProblemUnknownUser, g.Origin, "group %q lists member %q, who is not a user of the directory", g.Code, l)
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}
