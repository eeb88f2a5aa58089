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

// emailAttr is the work email, primary. A user without a work email gets
// one added; one that has it, its value replaced; removing it removes the
// work email only (RFC 7644 §3.5.2: value filters in paths).
var emailAttr = attr{
	field: "email", name: `emails[type eq "work"].value`, fold: true,
	get: func(u *scimapi.User) string {
		for _, e := range u.Emails {
			if e.Type == "work" {
				return e.Value
			}
		}
		return ""
	},
	set: func(u *scimapi.User, v string) {
		for i := range u.Emails {
			if u.Emails[i].Type == "work" {
				if v == "" {
					u.Emails = append(u.Emails[:i:i], u.Emails[i+1:]...)
				} else {
					u.Emails[i].Value = v
				}
				return
			}
		}
		if v != "" {
			for i := range u.Emails {
				u.Emails[i].Primary = false
			}
			u.Emails = append(u.Emails, scimapi.Email{Value: v, Type: "work", Primary: true})
		}
	},
	patch: func(remote *scimapi.User, v string) scimapi.PatchOperation {
		has := false
		for _, e := range remote.Emails {
			has = has || e.Type == "work"
		}
		switch {
		case v == "":
			return scimapi.PatchOperation{Op: "remove", Path: `emails[type eq "work"]`}
		case has:
			return scimapi.PatchOperation{Op: "replace", Path: `emails[type eq "work"].value`, Value: v}
		}
		return scimapi.PatchOperation{Op: "add", Path: "emails", Value: []map[string]any{{"value": v, "type": "work", "primary": true}}}
	},
}

// phoneAttr is the phone number of type typ (work: 電話番号, mobile:
// 携帯電話), handled as the work email is.
func phoneAttr(typ string) attr {
	filter := `phoneNumbers[type eq "` + typ + `"]`
	return attr{
		field: typ + "Phone", name: filter + ".value", fold: true,
		get: func(u *scimapi.User) string {
			for _, p := range u.PhoneNumbers {
				if p.Type == typ {
					return p.Value
				}
			}
			return ""
		},
		set: func(u *scimapi.User, v string) {
			for i := range u.PhoneNumbers {
				if u.PhoneNumbers[i].Type == typ {
					if v == "" {
						u.PhoneNumbers = append(u.PhoneNumbers[:i:i], u.PhoneNumbers[i+1:]...)
					} else {
						u.PhoneNumbers[i].Value = v
					}
					return
				}
			}
			if v != "" {
				u.PhoneNumbers = append(u.PhoneNumbers, scimapi.Phone{Value: v, Type: typ})
			}
		},
		patch: func(remote *scimapi.User, v string) scimapi.PatchOperation {
			has := false
			for _, p := range remote.PhoneNumbers {
				has = has || p.Type == typ
			}
			switch {
			case v == "":
				return scimapi.PatchOperation{Op: "remove", Path: filter}
			case has:
				return scimapi.PatchOperation{Op: "replace", Path: filter + ".value", Value: v}
			}
			return scimapi.PatchOperation{Op: "add", Path: "phoneNumbers", Value: []map[string]any{{"value": v, "type": typ}}}
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

// CustomTargets are the SCIM attributes [scim.attributes] may map a
// custom item to: the core User schema's simple string attributes that
// cybridge does not otherwise manage (RFC 7643 §4.1.1).
var CustomTargets = []string{"nickName", "profileUrl", "userType", "preferredLanguage", "locale", "timezone"}
