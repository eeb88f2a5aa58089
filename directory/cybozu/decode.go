package cybozu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/cybridge/cybridge/directory"
)

// The User API's JSON quirks (cybozu-user-api.md §4): ids are strings (and
// may exceed 2^53), primaryOrganization is a string, a number or null,
// sortOrder is a number or null, text fields are null or "" alike. Plain
// string fields already read null as "" (encoding/json leaves them unset);
// flexString and flexInt take the fields that vary in type.

// flexString reads a JSON string, number or null ("" for null). Numbers are
// kept as written, so large ids do not lose digits.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string, number or null, got %.20s", b)
		}
		*f = flexString(n.String())
	}
	return nil
}

// flexInt reads a JSON number, a numeric string or null (nil).
type flexInt struct{ v *int }

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		f.v = nil
		return nil
	}
	n, err := strconv.Atoi(string(s))
	if err != nil {
		return fmt.Errorf("want a whole number or null, got %.20q", string(s))
	}
	f.v = &n
	return nil
}

// apiUser is the User object (users.json, group/users.json).
type apiUser struct {
	ID                  flexString `json:"id"`
	Code                string     `json:"code"`
	Valid               *bool      `json:"valid"`
	Name                string     `json:"name"`
	SurName             string     `json:"surName"`
	GivenName           string     `json:"givenName"`
	SurNameReading      string     `json:"surNameReading"`
	GivenNameReading    string     `json:"givenNameReading"`
	Email               string     `json:"email"`
	Phone               string     `json:"phone"`
	MobilePhone         string     `json:"mobilePhone"`
	ExtensionNumber     string     `json:"extensionNumber"`
	EmployeeNumber      string     `json:"employeeNumber"`
	BirthDate           string     `json:"birthDate"`
	JoinDate            string     `json:"joinDate"`
	PrimaryOrganization flexString `json:"primaryOrganization"` // organization id
	SortOrder           flexInt    `json:"sortOrder"`
	CustomItemValues    []struct {
		Code  string `json:"code"`
		Value string `json:"value"`
	} `json:"customItemValues"`
}

// apiUserRef is the part of a User object a member list needs.
type apiUserRef struct {
	ID   flexString `json:"id"`
	Code string     `json:"code"`
}

type apiOrg struct {
	ID          flexString `json:"id"`
	Code        string     `json:"code"`
	Name        string     `json:"name"`
	LocalName   string     `json:"localName"`
	ParentCode  string     `json:"parentCode"`
	Description string     `json:"description"`
}

type apiTitle struct {
	ID   flexString `json:"id"`
	Code string     `json:"code"`
	Name string     `json:"name"`
}

type apiGroup struct {
	ID   flexString `json:"id"`
	Code string     `json:"code"`
	Name string     `json:"name"`
	Type string     `json:"type"` // not sent by GET in any known sample; kept when present
}

// apiUserTitle is one entry of organization/users.json.
type apiUserTitle struct {
	User  *apiUserRef `json:"user"`
	Title *apiTitle   `json:"title"` // null when the user holds no title there
}

// errNoList is returned when a 2xx body lacks the expected list: not a
// User API answer (a proxy page, a wrong URL).
var errNoList = errors.New("the response has no list")

// The page bodies: {"<key>": [...]}. A pointer tells a missing or null
// list (errNoList) from an empty one; one Unmarshal per page.
type (
	usersBody struct {
		Users *[]apiUser `json:"users"`
	}
	userRefsBody struct {
		Users *[]apiUserRef `json:"users"`
	}
	orgsBody struct {
		Organizations *[]apiOrg `json:"organizations"`
	}
	groupsBody struct {
		Groups *[]apiGroup `json:"groups"`
	}
	userTitlesBody struct {
		UserTitles *[]apiUserTitle `json:"userTitles"`
	}
	orgTitlesBody struct {
		OrganizationTitles *[]apiOrgTitle `json:"organizationTitles"`
	}
)

// decodeList unmarshals body into b and returns the list list(b) points
// at, or errNoList when the body lacks it.
func decodeList[B any, T any](body []byte, key string, list func(*B) *[]T) ([]T, error) {
	var b B
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, err
	}
	l := list(&b)
	if l == nil {
		return nil, fmt.Errorf("%w %q", errNoList, key)
	}
	return *l, nil
}

func decodeUsers(body []byte) ([]apiUser, error) {
	return decodeList(body, "users", func(b *usersBody) *[]apiUser { return b.Users })
}

func decodeUserRefs(body []byte) ([]apiUserRef, error) {
	return decodeList(body, "users", func(b *userRefsBody) *[]apiUserRef { return b.Users })
}

func decodeOrgs(body []byte) ([]apiOrg, error) {
	return decodeList(body, "organizations", func(b *orgsBody) *[]apiOrg { return b.Organizations })
}

func decodeGroups(body []byte) ([]apiGroup, error) {
	return decodeList(body, "groups", func(b *groupsBody) *[]apiGroup { return b.Groups })
}

func decodeUserTitles(body []byte) ([]apiUserTitle, error) {
	return decodeList(body, "userTitles", func(b *userTitlesBody) *[]apiUserTitle { return b.UserTitles })
}

func decodeOrgTitles(body []byte) ([]apiOrgTitle, error) {
	return decodeList(body, "organizationTitles", func(b *orgTitlesBody) *[]apiOrgTitle { return b.OrganizationTitles })
}

// errUnknownPrimary is returned by resolvePrimary when primaryOrganization
// names an organization id that is not in the organization list.
var errUnknownPrimary = errors.New("primary organization not in the organization list")

// toUser converts a User object. PrimaryOrg is left empty: the API gives
// an organization id, which resolvePrimary turns into the code once every
// organization is known.
func (u *apiUser) toUser() directory.User {
	out := directory.User{
		ID:               string(u.ID),
		Login:            u.Code,
		DisplayName:      u.Name,
		Surname:          u.SurName,
		GivenName:        u.GivenName,
		SurnameReading:   u.SurNameReading,
		GivenNameReading: u.GivenNameReading,
		Email:            u.Email,
		Phone:            u.Phone,
		Mobile:           u.MobilePhone,
		Extension:        u.ExtensionNumber,
		EmployeeNumber:   u.EmployeeNumber,
		BirthDate:        u.BirthDate,
		JoinDate:         u.JoinDate,
		// The API always sends valid; a user without it is read as 使用中,
		// cybozu.com's default for a new user.
		Valid:     u.Valid == nil || *u.Valid,
		SortOrder: u.SortOrder.v,
		Origin:    directory.Location{File: "users.json", ID: string(u.ID)},
	}
	for _, c := range u.CustomItemValues {
		out.CustomItems = append(out.CustomItems, directory.CustomItem{Code: c.Code, Value: c.Value})
	}
	return out
}

// resolvePrimary sets u.PrimaryOrg from the primaryOrganization id ("" =
// none) through codeByID.
func resolvePrimary(u *directory.User, id string, codeByID map[string]string) error {
	if id == "" {
		return nil
	}
	code, ok := codeByID[id]
	if !ok {
		return fmt.Errorf("user %q: primary organization id %s: %w", u.Login, id, errUnknownPrimary)
	}
	u.PrimaryOrg = code
	return nil
}

func (o *apiOrg) toOrg() directory.Organization {
	return directory.Organization{
		ID:          string(o.ID),
		Code:        o.Code,
		Name:        o.Name,
		LocalName:   o.LocalName,
		ParentCode:  o.ParentCode,
		Description: o.Description,
		Origin:      directory.Location{File: "organizations.json", ID: string(o.ID)},
	}
}

func (t *apiTitle) toTitle() directory.Title {
	return directory.Title{ID: string(t.ID), Code: t.Code, Name: t.Name,
		Origin: directory.Location{File: "organization/users.json", ID: string(t.ID)}}
}

func (g *apiGroup) toGroup() directory.Group {
	return directory.Group{ID: string(g.ID), Code: g.Code, Name: g.Name, Type: g.Type,
		Origin: directory.Location{File: "groups.json", ID: string(g.ID)}}
}

// apiOrgTitle is one entry of user/organizations.json.
type apiOrgTitle struct {
	Organization *apiOrg   `json:"organization"`
	Title        *apiTitle `json:"title"`
}
