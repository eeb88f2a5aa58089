package directory

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// SourceKind says which reader produced a snapshot.
type SourceKind string

// The source kinds.
const (
	SourceAPI SourceKind = "api"
	SourceCSV SourceKind = "csv"
)

// AdministratorLogin is the built-in administrator every cybozu.com domain
// has. It is not a person, so it is excluded from snapshots by default.
const AdministratorLogin = "Administrator"

// EveryoneGroup is the built-in group whose members are all users; readers
// skip its member list.
const EveryoneGroup = "everyone"

// Source describes where a snapshot came from.
type Source struct {
	Kind   SourceKind `json:"kind"`
	Domain string     `json:"domain"`
}

// Location says where an object was read from: an API object id, or a CSV
// file, line and column. It is used only in problem reports and never takes
// part in comparisons or the digest.
type Location struct {
	File   string `json:"file,omitempty"`   // CSV file name (base name), or API resource for API objects
	Line   int    `json:"line,omitempty"`   // 1-based CSV line
	Column int    `json:"column,omitempty"` // 1-based CSV column
	ID     string `json:"id,omitempty"`     // API object id
}

// String renders the location for a message: "user.csv:12:3" or
// "users.json id 42".
func (l Location) String() string {
	switch {
	case l.File != "" && l.Line > 0 && l.Column > 0:
		return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
	case l.File != "" && l.Line > 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	case l.File != "" && l.ID != "":
		return fmt.Sprintf("%s id %s", l.File, l.ID)
	case l.ID != "":
		return "id " + l.ID
	default:
		return l.File
	}
}

// Organization is one cybozu.com organization (組織).
type Organization struct {
	ID          string   `json:"id,omitempty"` // absent for CSV
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	LocalName   string   `json:"local_name,omitempty"`
	ParentCode  string   `json:"parent_code,omitempty"` // "" for a top-level organization
	Description string   `json:"description,omitempty"`
	Origin      Location `json:"-"`
}

// Membership is a user's place in one organization, with the title held
// there ("" when none).
type Membership struct {
	OrgCode   string `json:"org"`
	TitleCode string `json:"title,omitempty"`
}

// CustomItem is one custom profile item value.
type CustomItem struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

// User is one cybozu.com user.
type User struct {
	ID               string       `json:"id,omitempty"` // absent for CSV
	Login            string       `json:"login"`        // ログイン名 (the API's "code")
	DisplayName      string       `json:"name"`
	Surname          string       `json:"surname,omitempty"`
	GivenName        string       `json:"given_name,omitempty"`
	SurnameReading   string       `json:"surname_reading,omitempty"`
	GivenNameReading string       `json:"given_name_reading,omitempty"`
	Email            string       `json:"email,omitempty"`
	Phone            string       `json:"phone,omitempty"`
	Mobile           string       `json:"mobile,omitempty"`
	Extension        string       `json:"extension,omitempty"`
	EmployeeNumber   string       `json:"employee_number,omitempty"`
	BirthDate        string       `json:"birth_date,omitempty"`  // YYYY-MM-DD
	JoinDate         string       `json:"join_date,omitempty"`   // YYYY-MM-DD
	Valid            bool         `json:"valid"`                 // true = 使用中, false = 停止中
	PrimaryOrg       string       `json:"primary_org,omitempty"` // organization code
	SortOrder        *int         `json:"sort_order,omitempty"`
	CustomItems      []CustomItem `json:"custom_items,omitempty"`
	Memberships      []Membership `json:"memberships,omitempty"` // order kept; first is primary for CSV
	Origin           Location     `json:"-"`
}

// OrgCodes returns the codes of the user's organizations in membership order.
func (u *User) OrgCodes() []string {
	out := make([]string, len(u.Memberships))
	for i, m := range u.Memberships {
		out[i] = m.OrgCode
	}
	return out
}

// Title is a job title (役職).
type Title struct {
	ID     string   `json:"id,omitempty"`
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Origin Location `json:"-"`
}

// Group is a cybozu.com group (グループ/ロール).
type Group struct {
	ID      string   `json:"id,omitempty"`
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Type    string   `json:"type,omitempty"`    // "static" / "dynamic" when known
	Members []string `json:"members,omitempty"` // login names, sorted
	Origin  Location `json:"-"`
}

// Snapshot is a complete read of one directory.
type Snapshot struct {
	Source        Source         `json:"source"`
	ReadAt        time.Time      `json:"read_at"`
	Organizations []Organization `json:"organizations"`
	Users         []User         `json:"users"`
	Titles        []Title        `json:"titles"`
	Groups        []Group        `json:"groups"`
}

// Sort puts every list in canonical order (organizations, users, titles and
// groups by code; group members by login). Membership order is meaningful
// and kept. Readers call Sort before returning so that equal directories
// compare equal whatever order the source listed them in.
func (s *Snapshot) Sort() {
	sort.SliceStable(s.Organizations, func(i, j int) bool { return s.Organizations[i].Code < s.Organizations[j].Code })
	sort.SliceStable(s.Users, func(i, j int) bool { return s.Users[i].Login < s.Users[j].Login })
	sort.SliceStable(s.Titles, func(i, j int) bool { return s.Titles[i].Code < s.Titles[j].Code })
	sort.SliceStable(s.Groups, func(i, j int) bool { return s.Groups[i].Code < s.Groups[j].Code })
	for i := range s.Groups {
		sort.Strings(s.Groups[i].Members)
	}
}

// DropUser removes a user (by login) and its group memberships. It reports
// whether the user was present. Used to exclude the built-in Administrator.
func (s *Snapshot) DropUser(login string) bool {
	found := false
	users := s.Users[:0]
	for _, u := range s.Users {
		if u.Login == login {
			found = true
			continue
		}
		users = append(users, u)
	}
	s.Users = users
	for gi := range s.Groups {
		m := s.Groups[gi].Members[:0]
		for _, l := range s.Groups[gi].Members {
			if l != login {
				m = append(m, l)
			}
		}
		s.Groups[gi].Members = m
	}
	return found
}

// digestView is what the digest covers: content, not read time or locations.
type digestView struct {
	Domain        string         `json:"domain"`
	Organizations []Organization `json:"organizations"`
	Users         []User         `json:"users"`
	Titles        []Title        `json:"titles"`
	Groups        []Group        `json:"groups"`
}

// Digest returns a stable hash of the snapshot's content: the same directory
// read twice gives the same digest whatever the read time or list order.
// The source kind is not part of it; ids are.
func (s *Snapshot) Digest() string {
	c := *s
	c.Organizations = append([]Organization(nil), s.Organizations...)
	c.Users = append([]User(nil), s.Users...)
	c.Titles = append([]Title(nil), s.Titles...)
	c.Groups = make([]Group, len(s.Groups))
	for i, g := range s.Groups {
		g.Members = append([]string(nil), g.Members...)
		c.Groups[i] = g
	}
	c.Sort()
	h := sha256.New()
	// json.Marshal of these plain structs cannot fail.
	_ = json.NewEncoder(h).Encode(digestView{
		Domain: s.Source.Domain, Organizations: c.Organizations, Users: c.Users,
		Titles: c.Titles, Groups: c.Groups,
	})
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Index gives lookups over a snapshot. Build it once with NewIndex; it does
// not follow later changes to the snapshot.
type Index struct {
	Orgs   map[string]*Organization // by code
	Users  map[string]*User         // by login
	Titles map[string]*Title        // by code
	// Children lists child organization codes by parent code ("" = top level), sorted.
	Children map[string][]string
}

// NewIndex indexes the snapshot. On duplicate codes the first wins (Validate
// reports duplicates).
func NewIndex(s *Snapshot) *Index {
	ix := &Index{
		Orgs:     make(map[string]*Organization, len(s.Organizations)),
		Users:    make(map[string]*User, len(s.Users)),
		Titles:   make(map[string]*Title, len(s.Titles)),
		Children: make(map[string][]string),
	}
	for i := range s.Organizations {
		o := &s.Organizations[i]
		if _, dup := ix.Orgs[o.Code]; !dup {
			ix.Orgs[o.Code] = o
			ix.Children[o.ParentCode] = append(ix.Children[o.ParentCode], o.Code)
		}
	}
	for k := range ix.Children {
		sort.Strings(ix.Children[k])
	}
	for i := range s.Users {
		u := &s.Users[i]
		if _, dup := ix.Users[u.Login]; !dup {
			ix.Users[u.Login] = u
		}
	}
	for i := range s.Titles {
		t := &s.Titles[i]
		if _, dup := ix.Titles[t.Code]; !dup {
			ix.Titles[t.Code] = t
		}
	}
	return ix
}

// Level returns an organization's depth: 1 for a top-level organization,
// 0 if the code is unknown or its ancestry has a cycle.
func (ix *Index) Level(code string) int {
	level := 0
	seen := map[string]bool{}
	for code != "" {
		o, ok := ix.Orgs[code]
		if !ok || seen[code] {
			return 0
		}
		seen[code] = true
		level++
		code = o.ParentCode
	}
	return level
}

// IsBelow reports whether org code is a strict descendant of ancestor.
func (ix *Index) IsBelow(code, ancestor string) bool {
	seen := map[string]bool{}
	for {
		o, ok := ix.Orgs[code]
		if !ok || seen[code] || o.ParentCode == "" {
			return false
		}
		seen[code] = true
		if o.ParentCode == ancestor {
			return true
		}
		code = o.ParentCode
	}
}
