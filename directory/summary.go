package directory

// Summary counts what a snapshot holds, for `cybridge check`.
type Summary struct {
	OrganizationsByLevel []int `json:"organizations_by_level"` // index 0 = level 1
	Organizations        int   `json:"organizations"`
	UsersActive          int   `json:"users_active"`
	UsersSuspended       int   `json:"users_suspended"`
	Titles               int   `json:"titles"`
	Groups               int   `json:"groups"`
	Memberships          int   `json:"memberships"`       // user–organization
	GroupMemberships     int   `json:"group_memberships"` // user–group
}

// Summarize counts the snapshot's contents.
func (s *Snapshot) Summarize() Summary {
	ix := NewIndex(s)
	sum := Summary{Organizations: len(s.Organizations), Titles: len(s.Titles), Groups: len(s.Groups), OrganizationsByLevel: []int{}}
	for _, o := range s.Organizations {
		l := ix.Level(o.Code)
		if l == 0 {
			continue
		}
		for len(sum.OrganizationsByLevel) < l {
			sum.OrganizationsByLevel = append(sum.OrganizationsByLevel, 0)
		}
		sum.OrganizationsByLevel[l-1]++
	}
	for _, u := range s.Users {
		if u.Valid {
			sum.UsersActive++
		} else {
			sum.UsersSuspended++
		}
		sum.Memberships += len(u.Memberships)
	}
	for _, g := range s.Groups {
		sum.GroupMemberships += len(g.Members)
	}
	return sum
}
