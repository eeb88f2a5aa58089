package csvfile

import (
	"github.com/cybridge/cybridge/internal/msg"

	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
)

// The row structs gocsv decodes into: one string field per column that
// fills the snapshot (or is checked); the tags are the column keys.

type userRow struct {
	Login            string `csv:"login"`
	Name             string `csv:"name"`
	NewLogin         string `csv:"new_login"`
	Surname          string `csv:"surname"`
	GivenName        string `csv:"given_name"`
	SurnameReading   string `csv:"surname_reading"`
	GivenNameReading string `csv:"given_name_reading"`
	Email            string `csv:"email"`
	Valid            string `csv:"valid"`
	Phone            string `csv:"phone"`
	Extension        string `csv:"extension"`
	Mobile           string `csv:"mobile"`
	EmployeeNumber   string `csv:"employee_number"`
	JoinDate         string `csv:"join_date"`
	BirthDate        string `csv:"birth_date"`
	SortOrder        string `csv:"sort_order"`
	Delete           string `csv:"delete"`
}

type orgRow struct {
	Code        string `csv:"code"`
	Name        string `csv:"name"`
	NewCode     string `csv:"new_code"`
	LocalName   string `csv:"local_name"`
	ParentCode  string `csv:"parent_code"`
	Description string `csv:"description"`
}

type titleRow struct {
	Code    string `csv:"code"`
	Name    string `csv:"name"`
	NewCode string `csv:"new_code"`
	Delete  string `csv:"delete"`
}

type groupRow struct {
	Code    string `csv:"code"`
	Name    string `csv:"name"`
	NewCode string `csv:"new_code"`
	Type    string `csv:"type"`
	Delete  string `csv:"delete"`
}

// origin is where a row's object came from: its key column.
func (c *rowCtx) origin(key string) directory.Location {
	col := c.l.col(key)
	return directory.Location{File: c.t.file, Line: c.rec.lineOf(col), Column: col + 1}
}

func (r *reader) userRow(c *rowCtx, v *userRow) {
	login := c.code("login", v.Login)
	switch login {
	case "":
		c.fail("login", newProblem("csv.empty_value.login", nil))
	case "*":
		c.fail("login", newProblem("csv.invalid_value.asterisk_login", nil))
	}
	c.noRename("new_login", v.NewLogin, login)
	u := directory.User{
		Login:            login,
		DisplayName:      c.required("name", v.Name, "name"),
		Surname:          c.text("surname", v.Surname),
		GivenName:        c.text("given_name", v.GivenName),
		SurnameReading:   c.text("surname_reading", v.SurnameReading),
		GivenNameReading: c.text("given_name_reading", v.GivenNameReading),
		Email:            c.text("email", v.Email),
		Phone:            c.text("phone", v.Phone),
		Extension:        c.text("extension", v.Extension),
		Mobile:           c.text("mobile", v.Mobile),
		EmployeeNumber:   c.text("employee_number", v.EmployeeNumber),
		JoinDate:         c.date("join_date", v.JoinDate),
		BirthDate:        c.date("birth_date", v.BirthDate),
		Origin:           c.origin("login"),
	}
	switch s := c.code("valid", v.Valid); s {
	case "1":
		u.Valid = true
	case "0":
	default:
		c.fail("valid", newProblem("csv.invalid_value.valid", msg.Params{"value": s}))
	}
	if s := c.text("sort_order", v.SortOrder); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 99999999 {
			c.fail("sort_order", newProblem("csv.invalid_value.sort_order", msg.Params{"value": s}))
		} else {
			u.SortOrder = &n
		}
	}
	c.noDelete("delete", v.Delete)
	for _, cc := range c.l.custom {
		// Custom items are not trimmed (trim table: カスタマイズ項目 ×).
		// An empty or 「*」 cell means the item has no value, and the item
		// is left out, as the User API leaves out items never set.
		val := ""
		if cc.col < len(c.rec.fields) {
			val = c.rec.fields[cc.col]
		}
		if val == "" || val == "*" {
			continue
		}
		u.CustomItems = append(u.CustomItems, directory.CustomItem{Code: cc.code, Value: val})
	}
	if !c.ok {
		r.skippedUsers[login] = true
		return
	}
	r.userList.add(u)
}

// userList collects users in chunks: appending 100,000 users (each a
// few hundred bytes) to one slice would copy it over and over, leaving
// several times its size in garbage.
type userList struct {
	chunks [][]directory.User
	n      int
}

func (l *userList) add(u directory.User) {
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == cap(l.chunks[len(l.chunks)-1]) {
		l.chunks = append(l.chunks, make([]directory.User, 0, 4096))
	}
	l.chunks[len(l.chunks)-1] = append(l.chunks[len(l.chunks)-1], u)
	l.n++
}

// take returns the users in one slice and empties the list.
func (l *userList) take() []directory.User {
	out := make([]directory.User, 0, l.n)
	for _, c := range l.chunks {
		out = append(out, c...)
	}
	*l = userList{}
	return out
}

// date reads 入社日 / 誕生日: YYYY-MM-DD or YYYY/MM/DD (the manual), also
// with one-digit month and day (what a spreadsheet writes back), returned
// as YYYY-MM-DD.
func (c *rowCtx) date(key, raw string) string {
	s := c.text(key, raw)
	if s == "" {
		return ""
	}
	d, ok := normalizeDate(s)
	if !ok {
		c.fail(key, newProblem("csv.invalid_value.date", msg.Params{"value": s}))
	}
	return d
}

func normalizeDate(s string) (string, bool) {
	sep := "-"
	if strings.Contains(s, "/") {
		sep = "/"
	}
	parts := strings.Split(s, sep)
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) < 1 || len(parts[2]) > 2 {
		return "", false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || strings.ContainsAny(p, "+-") {
			return "", false
		}
		n[i] = v
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// parentRef is a 親組織コード to check once every organization is known.
type parentRef struct {
	file   string
	rec    *record
	col    int
	org    string
	parent string
}

func (r *reader) orgRow(c *rowCtx, v *orgRow) {
	o := directory.Organization{
		Code:        c.code("code", v.Code),
		Name:        c.required("name", v.Name, "org_name"),
		LocalName:   c.text("local_name", v.LocalName),
		ParentCode:  c.code("parent_code", v.ParentCode),
		Description: c.text("description", v.Description),
		Origin:      c.origin("code"),
	}
	if o.Code == "" {
		c.fail("code", newProblem("csv.empty_value.org_code", nil))
	}
	c.noRename("new_code", v.NewCode, o.Code)
	if !c.ok {
		r.skippedOrgs[o.Code] = true
		return
	}
	if o.ParentCode != "" {
		r.parents = append(r.parents, parentRef{file: c.t.file, rec: c.rec, col: c.l.col("parent_code"), org: o.Code, parent: o.ParentCode})
	}
	r.orgs[o.Code] = true
	r.snap.Organizations = append(r.snap.Organizations, o)
}

func (r *reader) titleRow(c *rowCtx, v *titleRow) {
	code, name := c.codeAndName(v.Code, v.Name, v.NewCode, v.Delete, "title")
	t := directory.Title{Code: code, Name: name, Origin: c.origin("code")}
	if first, dup := r.titles[t.Code]; dup && c.ok {
		c.fail("code", newProblem("csv.duplicate.title_code", msg.Params{"code": t.Code, "first": fmt.Sprint(first)}))
	}
	if !c.ok {
		r.skippedTitles[t.Code] = true
		return
	}
	r.titles[t.Code] = t.Origin
	r.snap.Titles = append(r.snap.Titles, t)
}

func (r *reader) groupRow(c *rowCtx, v *groupRow) {
	code, name := c.codeAndName(v.Code, v.Name, v.NewCode, v.Delete, "group")
	g := directory.Group{Code: code, Name: name, Origin: c.origin("code")}
	switch typ := strings.ToLower(c.text("type", v.Type)); typ {
	case "", "static", "dynamic":
		g.Type = typ
	default:
		c.fail("type", newProblem("csv.invalid_value.group_type", msg.Params{"value": typ}))
	}
	if !c.ok {
		r.skippedGroups[g.Code] = true
		return
	}
	if _, dup := r.groups[g.Code]; !dup {
		r.groups[g.Code] = len(r.snap.Groups)
	}
	r.snap.Groups = append(r.snap.Groups, g)
}

// codeAndName reads the columns titles and groups share: a code and a
// name, both required, a 新…コード that must not rename, and 削除.
// what is "title" or "group", and names the texts of its problems
// (csv.empty_value.title_name, csv.empty_value.title_code).
func (c *rowCtx) codeAndName(rawCode, rawName, newCode, del, what string) (code, name string) {
	code = c.code("code", rawCode)
	name = c.required("name", rawName, what+"_name")
	if code == "" {
		c.fail("code", newProblem("csv.empty_value."+what+"_code", nil))
	}
	c.noRename("new_code", newCode, code)
	c.noDelete("delete", del)
	return code, name
}
