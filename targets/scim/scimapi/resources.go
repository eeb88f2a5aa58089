package scimapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Schema URNs (RFC 7643 §8.7.1, RFC 7644 §3.5.2).
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
)

// Meta is a resource's metadata (RFC 7643 §3.1); read-only, never sent.
type Meta struct{ ResourceType, Created, LastModified, Location, Version string }

// Name is a user's name (RFC 7643 §4.1.1).
type Name struct{ FamilyName, GivenName, Formatted string }

// Email is one of a user's addresses.
type Email struct {
	Value, Type string
	Primary     bool
}

// Phone is one of a user's phone numbers.
type Phone struct {
	Value, Type string
	Primary     bool
}

// Enterprise is the enterprise extension's attributes cybridge maps (RFC
// 7643 §4.3).
type Enterprise struct{ EmployeeNumber, Department, Organization string }

// User is a SCIM User. Attributes the type has no field for are kept in
// Extra by their JSON name (extension URNs included) and sent back as they
// came, so a replace does not drop what cybridge does not manage. Names
// are matched case-insensitively on reading (RFC 7643 §2.1).
type User struct {
	ID, ExternalID, UserName, DisplayName, Title string
	Name                                         *Name
	Emails                                       []Email
	PhoneNumbers                                 []Phone
	Active                                       *bool
	Enterprise                                   *Enterprise
	Extra                                        map[string]json.RawMessage
	Meta                                         Meta
}

// Member is a group member (RFC 7643 §4.2): Value is the member's id.
type Member struct{ Value, Display, Type string }

// Group is a SCIM Group.
type Group struct {
	ID, ExternalID, DisplayName string
	Members                     []Member
	Meta                        Meta
}

type wireName struct {
	FamilyName string `json:"familyName,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	Formatted  string `json:"formatted,omitempty"`
}

type wireMulti struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

type wireEnterprise struct {
	EmployeeNumber string `json:"employeeNumber,omitempty"`
	Department     string `json:"department,omitempty"`
	Organization   string `json:"organization,omitempty"`
}

type wireMember struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

type wireMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Location     string `json:"location"`
	Version      string `json:"version"`
}

// MarshalJSON is u as a request body: schemas, then the set attributes;
// meta is never sent (RFC 7643 §3.1: read-only). Active is sent whenever
// it is set, false included.
func (u User) MarshalJSON() ([]byte, error) {
	out := map[string]any{}
	for k, v := range u.Extra {
		out[k] = v
	}
	schemas := []string{SchemaUser}
	if u.Enterprise != nil {
		ext := map[string]any{}
		if raw, ok := u.Extra[SchemaEnterprise]; ok {
			// The extension's attributes cybridge does not map (manager,
			// costCenter, …), kept from reading, go back as they came.
			if err := json.Unmarshal(raw, &ext); err != nil {
				return nil, fmt.Errorf("user attribute %s: %w", SchemaEnterprise, err)
			}
		}
		e := u.Enterprise
		for k, v := range map[string]string{"employeeNumber": e.EmployeeNumber, "department": e.Department, "organization": e.Organization} {
			delete(ext, k)
			setString(ext, k, v)
		}
		schemas = append(schemas, SchemaEnterprise)
		out[SchemaEnterprise] = ext
	}
	for _, k := range slices.Sorted(maps.Keys(u.Extra)) {
		if strings.HasPrefix(strings.ToLower(k), "urn:") && !slices.Contains(schemas, k) {
			schemas = append(schemas, k)
		}
	}
	out["schemas"] = schemas
	setString(out, "id", u.ID)
	setString(out, "externalId", u.ExternalID)
	setString(out, "userName", u.UserName)
	setString(out, "displayName", u.DisplayName)
	setString(out, "title", u.Title)
	if u.Name != nil {
		out["name"] = wireName(*u.Name)
	}
	if u.Emails != nil {
		out["emails"] = multi(u.Emails, func(e Email) wireMulti { return wireMulti(e) })
	}
	if u.PhoneNumbers != nil {
		out["phoneNumbers"] = multi(u.PhoneNumbers, func(p Phone) wireMulti { return wireMulti(p) })
	}
	if u.Active != nil {
		out["active"] = *u.Active
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a User resource.
func (u *User) UnmarshalJSON(data []byte) error {
	fields, err := fieldsOf(data)
	if err != nil {
		return err
	}
	*u = User{}
	for key, raw := range fields {
		var err error
		switch strings.ToLower(key) {
		case "schemas":
		case "id":
			err = json.Unmarshal(raw, &u.ID)
		case "externalid":
			err = json.Unmarshal(raw, &u.ExternalID)
		case "username":
			err = json.Unmarshal(raw, &u.UserName)
		case "displayname":
			err = json.Unmarshal(raw, &u.DisplayName)
		case "title":
			err = json.Unmarshal(raw, &u.Title)
		case "name":
			var n wireName
			if err = json.Unmarshal(raw, &n); err == nil {
				u.Name = (*Name)(&n)
			}
		case "emails":
			var l []wireMulti
			if err = json.Unmarshal(raw, &l); err == nil {
				u.Emails = unmulti(l, func(w wireMulti) Email { return Email(w) })
			}
		case "phonenumbers":
			var l []wireMulti
			if err = json.Unmarshal(raw, &l); err == nil {
				u.PhoneNumbers = unmulti(l, func(w wireMulti) Phone { return Phone(w) })
			}
		case "active":
			var b bool
			if err = json.Unmarshal(raw, &b); err == nil {
				u.Active = &b
			}
		case strings.ToLower(SchemaEnterprise):
			err = u.readEnterprise(raw)
		case "meta":
			err = u.Meta.read(raw)
		default:
			if u.Extra == nil {
				u.Extra = map[string]json.RawMessage{}
			}
			u.Extra[key] = raw
		}
		if err != nil && string(raw) != "null" {
			return fmt.Errorf("user attribute %s: %w", key, err)
		}
	}
	return nil
}

// readEnterprise reads the enterprise extension: the attributes Enterprise
// has fields for, and the others into Extra under the extension's URN.
func (u *User) readEnterprise(raw json.RawMessage) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil || all == nil {
		return err
	}
	var e wireEnterprise
	if err := json.Unmarshal(raw, &e); err != nil {
		return err
	}
	u.Enterprise = (*Enterprise)(&e)
	for k := range all {
		switch strings.ToLower(k) {
		case "employeenumber", "department", "organization":
			delete(all, k)
		}
	}
	if len(all) == 0 {
		return nil
	}
	rest, err := json.Marshal(all)
	if err != nil {
		return err
	}
	if u.Extra == nil {
		u.Extra = map[string]json.RawMessage{}
	}
	u.Extra[SchemaEnterprise] = rest
	return nil
}

// MarshalJSON is g as a request body; meta is never sent.
func (g Group) MarshalJSON() ([]byte, error) {
	out := map[string]any{"schemas": []string{SchemaGroup}}
	setString(out, "id", g.ID)
	setString(out, "externalId", g.ExternalID)
	setString(out, "displayName", g.DisplayName)
	if g.Members != nil {
		out["members"] = multi(g.Members, func(m Member) wireMember { return wireMember(m) })
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a Group resource.
func (g *Group) UnmarshalJSON(data []byte) error {
	fields, err := fieldsOf(data)
	if err != nil {
		return err
	}
	*g = Group{}
	for key, raw := range fields {
		var err error
		switch strings.ToLower(key) {
		case "id":
			err = json.Unmarshal(raw, &g.ID)
		case "externalid":
			err = json.Unmarshal(raw, &g.ExternalID)
		case "displayname":
			err = json.Unmarshal(raw, &g.DisplayName)
		case "members":
			var l []wireMember
			if err = json.Unmarshal(raw, &l); err == nil {
				g.Members = unmulti(l, func(w wireMember) Member { return Member(w) })
			}
		case "meta":
			err = g.Meta.read(raw)
		}
		if err != nil && string(raw) != "null" {
			return fmt.Errorf("group attribute %s: %w", key, err)
		}
	}
	return nil
}

func (m *Meta) read(raw json.RawMessage) error {
	var w wireMeta
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	*m = Meta(w)
	return nil
}

// fieldsOf is a JSON object's members; a key given twice in different
// case is the first one (sorted), so reading is deterministic.
func fieldsOf(data []byte) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if seen[strings.ToLower(k)] {
			delete(fields, k)
		}
		seen[strings.ToLower(k)] = true
	}
	return fields, nil
}

func setString(out map[string]any, key, v string) {
	if v != "" {
		out[key] = v
	}
}

func multi[T, W any](l []T, f func(T) W) []W {
	out := make([]W, len(l))
	for i, v := range l {
		out[i] = f(v)
	}
	return out
}

func unmulti[W, T any](l []W, f func(W) T) []T {
	if l == nil {
		return nil
	}
	return multi(l, f)
}
