package cybozutest

import "github.com/cybridge/cybridge/directory"

// PageSize is the User API's largest page, which readers use.
const PageSize = 100

// Pages is how many requests a paged list of n items needs: floor(n/100)+1
// (a list ends at the first short page, which may be empty).
func Pages(n int) int { return n/PageSize + 1 }

// MinimumRequests is SPEC §9's minimum for reading snapshot s as served:
// one paged list per resource — users, organizations, groups, each
// organization's members, each group's members with everyone skipped.
func MinimumRequests(s *directory.Snapshot) int {
	members := make(map[string]int, len(s.Organizations))
	for _, u := range s.Users {
		for _, m := range u.Memberships {
			members[m.OrgCode]++
		}
	}
	n := Pages(len(s.Users)) + Pages(len(s.Organizations)) + Pages(len(s.Groups))
	for _, o := range s.Organizations {
		n += Pages(members[o.Code])
	}
	for _, g := range s.Groups {
		if g.Code != directory.EveryoneGroup {
			n += Pages(len(g.Members))
		}
	}
	return n
}
