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

	orgMembers   [][]member // per org: users (ascending id) and titles
	groupMembers [][]int    // per group: user positions, ascending id
	userOrgs     [][]member // per user: organizations and titles
	userGroups   [][]int    // per user: group positions

	titles   []json.RawMessage // by title index
	titleCSV []byte
}

// member is one membership: the other side's position (a user in
// orgMembers, an organization in userOrgs) and a title index, -1 for none.
// Entries are assembled per request rather than stored as JSON, which keeps
// a 100,000-user view to one copy of each user's JSON.
type member struct{ pos, title int32 }

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

// arena encodes many values into one buffer; finish hands out each value's
// JSON as a slice of it (one allocation instead of one per object).
type arena struct {
	buf   bytes.Buffer
	enc   *json.Encoder
	spans [][2]int
}

func newArena() *arena {
	a := &arena{}
	a.enc = json.NewEncoder(&a.buf)
	a.enc.SetEscapeHTML(false)
	return a
}

// add encodes v and returns its index.
func (a *arena) add(v any) int {
	start := a.buf.Len()
	// Encoding these plain values cannot fail.
	_ = a.enc.Encode(v)
	a.spans = append(a.spans, [2]int{start, a.buf.Len() - 1}) // drop Encode's newline
	return len(a.spans) - 1
}

func (a *arena) finish() []json.RawMessage {
	data := a.buf.Bytes()
	out := make([]json.RawMessage, len(a.spans))
	for i, sp := range a.spans {
		out[i] = data[sp[0]:sp[1]:sp[1]]
	}
	return out
}

func marshal(v any) json.RawMessage {
	a := newArena()
	a.add(v)
	return a.finish()[0]
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
	titleIdx := make(map[string]int32, len(s.Titles))
	var csvBuf bytes.Buffer
	cw := csv.NewWriter(&csvBuf)
	_ = cw.Write([]string{"code", "name", "description"})
	for _, t := range s.Titles {
		id := titleIDs.take(t.ID)
		if _, dup := titleIdx[t.Code]; !dup {
			titleIdx[t.Code] = int32(len(v.titles))
			v.titles = append(v.titles, marshal(apiTitle{ID: id, Code: t.Code, Name: t.Name}))
		}
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
	v.orgMembers = make([][]member, len(v.orgs))
	v.userOrgs = make([][]member, len(order))
	userJSON := newArena()
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
		// Empty text fields alternate between "" and null by position; the
		// built-in Administrator has them all null, as Cybozu's Swift
		// client's fixture shows it.
		tp := pos
		if u.Login == directory.AdministratorLogin {
			tp = 1
		}
		custom := make([]apiCustomItem, len(u.CustomItems))
		for i, c := range u.CustomItems {
			custom[i] = apiCustomItem(c)
		}
		userJSON.add(apiUser{
			ID: id, Code: u.Login, Ctime: "2019-04-01T00:33:58Z", Mtime: "2024-10-02T08:15:30Z",
			Valid: u.Valid, Name: u.DisplayName,
			SurName: text(u.Surname, tp), GivenName: text(u.GivenName, tp),
			SurNameReading: text(u.SurnameReading, tp), GivenNameReading: text(u.GivenNameReading, tp),
			LocalName: text("", tp), LocalNameLocale: "ja", Timezone: "Asia/Tokyo", Locale: "ja",
			Description: text("", tp), Phone: text(u.Phone, tp), MobilePhone: text(u.Mobile, tp),
			ExtensionNumber: text(u.Extension, tp), Email: text(u.Email, tp), Callto: text("", tp),
			URL: text("", tp), EmployeeNumber: text(u.EmployeeNumber, tp),
			BirthDate: date(u.BirthDate), JoinDate: date(u.JoinDate),
			PrimaryOrganization: primary, SortOrder: u.SortOrder, CustomItemValues: custom,
		})
		v.users[pos] = item{id: id, code: u.Login}
		if _, dup := v.userByLogin[u.Login]; !dup {
			v.userByLogin[u.Login] = pos
		}
		for _, m := range u.Memberships {
			oi, ok := v.orgByCode[m.OrgCode]
			if !ok {
				continue
			}
			title := int32(-1)
			if t, ok := titleIdx[m.TitleCode]; ok && m.TitleCode != "" {
				title = t
			}
			v.orgMembers[oi] = append(v.orgMembers[oi], member{pos: int32(pos), title: title})
			v.userOrgs[pos] = append(v.userOrgs[pos], member{pos: int32(oi), title: title})
		}
	}
	for i, j := range userJSON.finish() {
		v.users[i].json = j
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

// title is the JSON of title index t, or null.
func (v *view) title(t int32) json.RawMessage {
	if t < 0 {
		return json.RawMessage("null")
	}
	return v.titles[t]
}

// list writes {"key":[e(0),e(1),...]} for n elements.
func list(key string, n int, elem func(b []byte, i int) []byte) []byte {
	b := make([]byte, 0, 64+n*1024)
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, i)
	}
	return append(b, "]}"...)
}
