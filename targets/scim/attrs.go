package scim

import (
	"encoding/json"
	"strings"

	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// enterprise is the enterprise extension's attribute path prefix.
const enterprise = scimapi.SchemaEnterprise + ":"

// attr is one string attribute cybridge manages: its name in plans (the
// SCIM path), how to read it from a remote user, set it on a user to send
// whole, and change it by PATCH.
type attr struct {
	// field is the attribute's name in plans (field.user.<field>).
	field string
	name  string
	// fold compares values case-insensitively (emails, phone numbers).
	fold bool
	get  func(u *scimapi.User) string
	set  func(u *scimapi.User, v string)
	// patch is the operation that makes the attribute v on remote (v ""
	// removes it); nil means a replace (or remove) of path name.
	patch func(remote *scimapi.User, v string) scimapi.PatchOperation
}

func (a attr) op(remote *scimapi.User, v string) scimapi.PatchOperation {
	if a.patch != nil {
		return a.patch(remote, v)
	}
	if v == "" {
		return scimapi.PatchOperation{Op: "remove", Path: a.name}
	}
	return scimapi.PatchOperation{Op: "replace", Path: a.name, Value: v}
}

func (a attr) equal(x, y string) bool {
	if a.fold {
		return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(y))
	}
	return x == y
}

func name(u *scimapi.User) *scimapi.Name {
	if u.Name == nil {
		u.Name = &scimapi.Name{}
	}
	return u.Name
}

func ent(u *scimapi.User) *scimapi.Enterprise {
	if u.Enterprise == nil {
		u.Enterprise = &scimapi.Enterprise{}
	}
	return u.Enterprise
}

// coreAttrs are the user attributes every instance manages, in plan
// order (active is apart: a bool).
var coreAttrs = []attr{
	{field: "userName", name: "userName", get: func(u *scimapi.User) string { return u.UserName }, set: func(u *scimapi.User, v string) { u.UserName = v }},
	{field: "externalId", name: "externalId", get: func(u *scimapi.User) string { return u.ExternalID }, set: func(u *scimapi.User, v string) { u.ExternalID = v }},
	{field: "familyName", name: "name.familyName", get: func(u *scimapi.User) string {
		if u.Name == nil {
			return ""
		}
		return u.Name.FamilyName
	}, set: func(u *scimapi.User, v string) { name(u).FamilyName = v }},
	{field: "givenName", name: "name.givenName", get: func(u *scimapi.User) string {
		if u.Name == nil {
			return ""
		}
		return u.Name.GivenName
	}, set: func(u *scimapi.User, v string) { name(u).GivenName = v }},
	{field: "displayName", name: "displayName", get: func(u *scimapi.User) string { return u.DisplayName }, set: func(u *scimapi.User, v string) { u.DisplayName = v }},
	emailAttr,
	phoneAttr("work"),
	phoneAttr("mobile"),
	{field: "title", name: "title", get: func(u *scimapi.User) string { return u.Title }, set: func(u *scimapi.User, v string) { u.Title = v }},
	{field: "employeeNumber", name: enterprise + "employeeNumber", get: func(u *scimapi.User) string {
		if u.Enterprise == nil {
			return ""
		}
		return u.Enterprise.EmployeeNumber
	}, set: func(u *scimapi.User, v string) { ent(u).EmployeeNumber = v }},
	{field: "department", name: enterprise + "department", get: func(u *scimapi.User) string {
		if u.Enterprise == nil {
			return ""
		}
		return u.Enterprise.Department
	}, set: func(u *scimapi.User, v string) { ent(u).Department = v }},
	{field: "organization", name: enterprise + "organization", get: func(u *scimapi.User) string {
		if u.Enterprise == nil {
			return ""
		}
		return u.Enterprise.Organization
	}, set: func(u *scimapi.User, v string) { ent(u).Organization = v }},
}

// multi is an email or a phone number: the two have the same fields.
type multi struct {
	Value, Type string
	Primary     bool
}

// emailAttr is the work email, primary.
var emailAttr = typedAttr("email", "emails", "work", true,
	func(u *scimapi.User) []multi { return convert[multi](u.Emails) },
	func(u *scimapi.User, l []multi) { u.Emails = convert[scimapi.Email](l) })

// phoneAttr is the phone number of type typ (work: 電話番号, mobile:
// 携帯電話).
func phoneAttr(typ string) attr {
	return typedAttr(typ+"Phone", "phoneNumbers", typ, false,
		func(u *scimapi.User) []multi { return convert[multi](u.PhoneNumbers) },
		func(u *scimapi.User, l []multi) { u.PhoneNumbers = convert[scimapi.Phone](l) })
}

// multiValued is an email, a phone number or a multi.
type multiValued interface {
	~struct {
		Value, Type string
		Primary     bool
	}
}

// convert is l as a list of another of the multi-valued types.
func convert[B, A multiValued](l []A) []B {
	out := make([]B, len(l))
	for i, a := range l {
		out[i] = B(a)
	}
	return out
}

// typedAttr is the value of type typ of the multi-valued attribute list
// (emails, phoneNumbers), primary when the one cybridge adds should be. A
// user without one gets it added; one that has it, its value replaced;
// removing it removes that type only (RFC 7644 §3.5.2: value filters in
// paths).
func typedAttr(field, list, typ string, primary bool, get func(*scimapi.User) []multi, put func(*scimapi.User, []multi)) attr {
	filter := list + `[type eq "` + typ + `"]`
	find := func(l []multi) int {
		for i, m := range l {
			if m.Type == typ {
				return i
			}
		}
		return -1
	}
	return attr{
		field: field, name: filter + ".value", fold: true,
		get: func(u *scimapi.User) string {
			l := get(u)
			if i := find(l); i >= 0 {
				return l[i].Value
			}
			return ""
		},
		set: func(u *scimapi.User, v string) {
			l := get(u)
			switch i := find(l); {
			case i >= 0 && v == "":
				l = append(l[:i:i], l[i+1:]...)
			case i >= 0:
				l[i].Value = v
			case v != "":
				for j := range l {
					l[j].Primary = l[j].Primary && !primary
				}
				l = append(l, multi{Value: v, Type: typ, Primary: primary})
			default:
				return
			}
			put(u, l)
		},
		patch: func(remote *scimapi.User, v string) scimapi.PatchOperation {
			switch {
			case v == "":
				return scimapi.PatchOperation{Op: "remove", Path: filter}
			case find(get(remote)) >= 0:
				return scimapi.PatchOperation{Op: "replace", Path: filter + ".value", Value: v}
			}
			m := map[string]any{"value": v, "type": typ}
			if primary {
				m["primary"] = true
			}
			return scimapi.PatchOperation{Op: "add", Path: list, Value: []map[string]any{m}}
		},
	}
}

// customAttr is a core attribute cybridge does not otherwise manage
// (nickName, userType, locale, …), set from a cybozu.com custom item
// ([scim.attributes]). The client keeps it in User.Extra.
func customAttr(scimName string) attr {
	return attr{
		field: scimName, name: scimName,
		get: func(u *scimapi.User) string {
			for k, raw := range u.Extra {
				if strings.EqualFold(k, scimName) {
					var s string
					_ = json.Unmarshal(raw, &s)
					return s
				}
			}
			return ""
		},
		set: func(u *scimapi.User, v string) {
			for k := range u.Extra {
				if strings.EqualFold(k, scimName) {
					delete(u.Extra, k)
				}
			}
			if v == "" {
				return
			}
			if u.Extra == nil {
				u.Extra = map[string]json.RawMessage{}
			}
			b, _ := json.Marshal(v)
			u.Extra[scimName] = b
		},
	}
}

// enterpriseAttr is a string attribute of the enterprise extension
// cybridge does not otherwise manage (costCenter, division), set from a
// custom item: the client keeps it in User.Extra under the extension's
// URN.
func enterpriseAttr(short string) attr {
	read := func(u *scimapi.User) map[string]json.RawMessage {
		m := map[string]json.RawMessage{}
		if raw, ok := u.Extra[scimapi.SchemaEnterprise]; ok {
			_ = json.Unmarshal(raw, &m)
		}
		return m
	}
	return attr{
		field: enterprise + short, name: enterprise + short,
		get: func(u *scimapi.User) string {
			var s string
			for k, raw := range read(u) {
				if strings.EqualFold(k, short) {
					_ = json.Unmarshal(raw, &s)
				}
			}
			return s
		},
		set: func(u *scimapi.User, v string) {
			m := read(u)
			for k := range m {
				if strings.EqualFold(k, short) {
					delete(m, k)
				}
			}
			if v != "" {
				m[short], _ = json.Marshal(v)
			}
			if u.Extra == nil {
				u.Extra = map[string]json.RawMessage{}
			}
			u.Extra[scimapi.SchemaEnterprise], _ = json.Marshal(m)
			ent(u) // the extension goes out with its schema
		},
	}
}

// enterpriseCustom are the enterprise extension's attributes a custom item
// may map to, by their short names.
var enterpriseCustom = []string{"costCenter", "division"}

// CustomTargets are the SCIM attributes [scim.attributes] may map a
// custom item to: the core User schema's simple string attributes that
// cybridge does not otherwise manage (RFC 7643 §4.1.1), and the enterprise
// extension's costCenter and division (§4.3), by their full path.
func CustomTargets() []string {
	out := []string{"nickName", "profileUrl", "userType", "preferredLanguage", "locale", "timezone"}
	for _, a := range enterpriseCustom {
		out = append(out, enterprise+a)
	}
	return out
}

// custom is the attribute a custom item maps to.
func custom(to string) attr {
	if short, ok := strings.CutPrefix(to, enterprise); ok {
		return enterpriseAttr(short)
	}
	return customAttr(to)
}
