package cybozutest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/cybridge/cybridge/directory"
)

// everyoneID is the id cybozu.com gives the built-in everyone group; it is
// above 2^53, which is why clients must decode ids as strings.
const everyoneID = "7532782697181632513"

// view is a snapshot turned into what the API serves: objects in ascending
// id order, each pre-encoded as JSON, with the lookups the endpoints need.
// It is built once per SetSnapshot and read concurrently afterwards.
type view struct {
	users  []item // ascending id
	orgs   []item
	groups []item

	userByLogin map[string]int
	orgByCode   map[string]int
	groupByCode map[string]int

	orgMembers   [][]json.RawMessage // per org: userTitles entries, ascending user id
	groupMembers [][]int             // per group: user positions, ascending id
	userOrgs     [][]json.RawMessage // per user: organizationTitles entries
	userGroups   [][]int             // per user: group positions

	titleCSV []byte
}

// item is one listed object: its id, code and JSON encoding.
type item struct {
	id   string
	code string
	json json.RawMessage
}

// idLess orders ids as numbers when both are decimal (shorter is smaller),
// else as strings.
func idLess(a, b string) bool {
	if isDecimal(a) && isDecimal(b) && len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// idAllocator hands out ids for objects the snapshot gave none.
type idAllocator struct{ next uint64 }

func newIDAllocator(ids func(yield func(string))) *idAllocator {
	a := &idAllocator{next: 1}
	ids(func(id string) {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil && n >= a.next && id != everyoneID {
			a.next = n + 1
		}
	})
	return a
}

func (a *idAllocator) take(id string) string {
	if id != "" {
		return id
	}
	id = strconv.FormatUint(a.next, 10)
	a.next++
	return id
}

// text renders an optional text field: the value, or for an empty one ""
// or null depending on the object's position (both happen in real answers).
func text(s string, pos int) any {
	if s == "" && pos%2 == 1 {
		return nil
	}
	return s
}

func marshal(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	// Encoding these plain values cannot fail.
	_ = enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n")
}

type apiOrg struct {
	ID              string `json:"id"`
	Code            string `json:"code"`
	Name            string `json:"name"`
	LocalName       any    `json:"localName"`
	LocalNameLocale any    `json:"localNameLocale"`
	ParentCode      any    `json:"parentCode"`
	Description     any    `json:"description"`
}

type apiCustomItem struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

type apiUser struct {
	ID                  string          `json:"id"`
	Code                string          `json:"code"`
	Ctime               string          `json:"ctime"`
	Mtime               string          `json:"mtime"`
	Valid               bool            `json:"valid"`
	Name                string          `json:"name"`
	SurName             any             `json:"surName"`
	GivenName           any             `json:"givenName"`
	SurNameReading      any             `json:"surNameReading"`
	GivenNameReading    any             `json:"givenNameReading"`
	LocalName           any             `json:"localName"`
	LocalNameLocale     any             `json:"localNameLocale"`
	Timezone            string          `json:"timezone"`
	Locale              string          `json:"locale"`
	Description         any             `json:"description"`
	Phone               any             `json:"phone"`
	MobilePhone         any             `json:"mobilePhone"`
	ExtensionNumber     any             `json:"extensionNumber"`
	Email               any             `json:"email"`
	Callto              any             `json:"callto"`
	URL                 any             `json:"url"`
	EmployeeNumber      any             `json:"employeeNumber"`
	BirthDate           any             `json:"birthDate"`
	JoinDate            any             `json:"joinDate"`
	PrimaryOrganization any             `json:"primaryOrganization"`
	SortOrder           *int            `json:"sortOrder"`
	CustomItemValues    []apiCustomItem `json:"customItemValues"`
}

type apiGroup struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description any    `json:"description"`
}

type apiTitle struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// date renders a YYYY-MM-DD field: the value or null.
func date(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// newView builds what the API serves for s. s is only read.
func newView(s *directory.Snapshot) *view {
	v := &view{
		userByLogin: make(map[string]int, len(s.Users)),
		orgByCode:   make(map[string]int, len(s.Organizations)),
		groupByCode: make(map[string]int, len(s.Groups)),
	}

	// Organizations, ascending id.
	orgIDs := newIDAllocator(func(yield func(string)) {
		for _, o := range s.Organizations {
			yield(o.ID)
		}
	})
	orgs := make([]directory.Organization, len(s.Organizations))
	copy(orgs, s.Organizations)
	for i := range orgs {
		orgs[i].ID = orgIDs.take(orgs[i].ID)
	}
	sort.SliceStable(orgs, func(i, j int) bool { return idLess(orgs[i].ID, orgs[j].ID) })
	v.orgs = make([]item, len(orgs))
	for i, o := range orgs {
		var parent any
		if o.ParentCode != "" {
			parent = o.ParentCode
		}
		var locale any = text("", i)
		if o.LocalName != "" {
			locale = "en"
		}
		v.orgs[i] = item{id: o.ID, code: o.Code, json: marshal(apiOrg{
			ID: o.ID, Code: o.Code, Name: o.Name, LocalName: text(o.LocalName, i),
			LocalNameLocale: locale, ParentCode: parent, Description: text(o.Description, i),
		})}
		if _, dup := v.orgByCode[o.Code]; !dup {
			v.orgByCode[o.Code] = i
		}
	}

	// Titles.
	titleIDs := newIDAllocator(func(yield func(string)) {
		for _, t := range s.Titles {
			yield(t.ID)
		}
	})
	titles := make(map[string]json.RawMessage, len(s.Titles))
	var csvBuf bytes.Buffer
	cw := csv.NewWriter(&csvBuf)
	_ = cw.Write([]string{"code", "name", "description"})
	for _, t := range s.Titles {
		id := titleIDs.take(t.ID)
		titles[t.Code] = marshal(apiTitle{ID: id, Code: t.Code, Name: t.Name})
		_ = cw.Write([]string{t.Code, t.Name, ""})
	}
	cw.Flush()
	v.titleCSV = csvBuf.Bytes()

	// Users, ascending id.
	userIDs := newIDAllocator(func(yield func(string)) {
		for _, u := range s.Users {
			yield(u.ID)
		}
	})
	order := make([]int, len(s.Users))
	ids := make([]string, len(s.Users))
	for i := range s.Users {
		order[i] = i
		ids[i] = userIDs.take(s.Users[i].ID)
	}
	sort.SliceStable(order, func(a, b int) bool { return idLess(ids[order[a]], ids[order[b]]) })
	v.users = make([]item, len(order))
	v.orgMembers = make([][]json.RawMessage, len(v.orgs))
	v.userOrgs = make([][]json.RawMessage, len(order))
	for pos, si := range order {
		u := &s.Users[si]
		id := ids[si]
		var primary any
		if oi, ok := v.orgByCode[u.PrimaryOrg]; ok && u.PrimaryOrg != "" {
			primary = v.orgs[oi].id
			if n, err := strconv.ParseInt(v.orgs[oi].id, 10, 64); err == nil && pos%5 == 2 {
				primary = n
			}
		}
		custom := make([]apiCustomItem, len(u.CustomItems))
		for i, c := range u.CustomItems {
			custom[i] = apiCustomItem(c)
		}
		uj := marshal(apiUser{
			ID: id, Code: u.Login, Ctime: "2019-04-01T00:33:58Z", Mtime: "2024-10-02T08:15:30Z",
			Valid: u.Valid, Name: u.DisplayName,
			SurName: text(u.Surname, pos), GivenName: text(u.GivenName, pos),
			SurNameReading: text(u.SurnameReading, pos), GivenNameReading: text(u.GivenNameReading, pos),
			LocalName: text("", pos), LocalNameLocale: "ja", Timezone: "Asia/Tokyo", Locale: "ja",
			Description: text("", pos), Phone: text(u.Phone, pos), MobilePhone: text(u.Mobile, pos),
			ExtensionNumber: text(u.Extension, pos), Email: text(u.Email, pos), Callto: text("", pos),
			URL: text("", pos), EmployeeNumber: text(u.EmployeeNumber, pos),
			BirthDate: date(u.BirthDate), JoinDate: date(u.JoinDate),
			PrimaryOrganization: primary, SortOrder: u.SortOrder, CustomItemValues: custom,
		})
		v.users[pos] = item{id: id, code: u.Login, json: uj}
		if _, dup := v.userByLogin[u.Login]; !dup {
			v.userByLogin[u.Login] = pos
		}
		for _, m := range u.Memberships {
			oi, ok := v.orgByCode[m.OrgCode]
			if !ok {
				continue
			}
			title := json.RawMessage("null")
			if t, ok := titles[m.TitleCode]; ok && m.TitleCode != "" {
				title = t
			}
			v.orgMembers[oi] = append(v.orgMembers[oi], concat(`{"user":`, uj, `,"title":`, title, `}`))
			v.userOrgs[pos] = append(v.userOrgs[pos], concat(`{"organization":`, v.orgs[oi].json, `,"title":`, title, `}`))
		}
	}

	// Groups, ascending id.
	groupIDs := newIDAllocator(func(yield func(string)) {
		for _, g := range s.Groups {
			yield(g.ID)
		}
	})
	groups := make([]directory.Group, len(s.Groups))
	copy(groups, s.Groups)
	for i := range groups {
		if groups[i].ID == "" && groups[i].Code == directory.EveryoneGroup {
			groups[i].ID = everyoneID
		}
		groups[i].ID = groupIDs.take(groups[i].ID)
	}
	sort.SliceStable(groups, func(i, j int) bool { return idLess(groups[i].ID, groups[j].ID) })
	v.groups = make([]item, len(groups))
	v.groupMembers = make([][]int, len(groups))
	v.userGroups = make([][]int, len(v.users))
	for gi, g := range groups {
		v.groups[gi] = item{id: g.ID, code: g.Code, json: marshal(apiGroup{ID: g.ID, Code: g.Code, Name: g.Name, Description: text("", gi)})}
		if _, dup := v.groupByCode[g.Code]; !dup {
			v.groupByCode[g.Code] = gi
		}
		var members []int
		if g.Code == directory.EveryoneGroup {
			members = make([]int, len(v.users))
			for i := range members {
				members[i] = i
			}
		} else {
			for _, l := range g.Members {
				if p, ok := v.userByLogin[l]; ok {
					members = append(members, p)
				}
			}
			sort.Ints(members)
		}
		v.groupMembers[gi] = members
		for _, p := range members {
			v.userGroups[p] = append(v.userGroups[p], gi)
		}
	}
	return v
}

func concat(parts ...any) json.RawMessage {
	n := 0
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			n += len(p)
		case json.RawMessage:
			n += len(p)
		}
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			b = append(b, p...)
		case json.RawMessage:
			b = append(b, p...)
		}
	}
	return b
}

// list writes {"key":[a,b,...]}.
func list(key string, elems []json.RawMessage) []byte {
	n := len(key) + 8
	for _, e := range elems {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, e := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return append(b, "]}"...)
}
