package scim

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar/scope"
	"github.com/cybridge/cybridge/targets/safety"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// The kinds of objects a SCIM target manages.
const (
	KindUser  = "user"
	KindGroup = "group"
)

// Reasons of this target's matches besides provision's.
const (
	ReasonExternalID = "external_id" // the remote externalId is the cybozu.com user id
	ReasonUserName   = "user_name"   // the remote userName matched
)

// Plan codes.
const (
	// CodeAmbiguousMatch: one object matches several (the roster's code).
	CodeAmbiguousMatch = safety.CodeAmbiguousMatch
	// WarnNoUserName: a user with no email when user_name = "email" is
	// not provisioned.
	WarnNoUserName = "scim_no_user_name"
	// WarnFilterUnknown: the user_filter names a code the directory does
	// not have (a typo would otherwise deactivate everyone it meant to
	// keep); its texts are by key (scim_filter_unknown_code.organization).
	WarnFilterUnknown = "scim_filter_unknown_code"
)

// Catalogue keys of the ambiguous matches.
const (
	KeyAmbiguousLinks  = "ambiguous_match.scim_links"  // several remote users linked to one cybozu.com user
	KeyAmbiguousRemote = "ambiguous_match.scim_remote" // one cybozu.com user matches several remote users
	KeyAmbiguousUser   = "ambiguous_match.scim_user"   // one remote user matches several cybozu.com users
)

// changeData is what Apply needs of a change besides its object id: what
// was read of the object (for the stale-plan check), the version to send
// as If-Match, and the request: PATCH operations, or the whole user (a
// create, or a replace where the app has no PATCH), or a group's members.
type changeData struct {
	Seen    string                   `json:"seen,omitempty"`
	Version string                   `json:"version,omitempty"`
	Patch   []scimapi.PatchOperation `json:"patch,omitempty"`
	User    *scimapi.User            `json:"user,omitempty"`
	Group   *groupData               `json:"group,omitempty"`
}

// groupData is a group's create or its member changes. A member created
// in the same run has no id yet: Apply finds it by login.
type groupData struct {
	ExternalID  string      `json:"external_id,omitempty"`
	DisplayName string      `json:"display_name,omitempty"`
	Add         []memberRef `json:"add,omitempty"`
	Remove      []string    `json:"remove,omitempty"` // member ids
}

type memberRef struct {
	Login string `json:"login"`
	ID    string `json:"id,omitempty"`
}

// planner is one Plan call's working state.
type planner struct {
	t    *Target
	in   provision.PlanInput
	st   *State
	sd   *scope.Directory
	tp   provision.TargetPlan
	ptch bool // the app supports PATCH

	// remote user id of each provisioned cybozu.com user (by login), ""
	// for one created by this plan; members of groups come from it.
	provisioned map[string]string
}

// Plan computes the changes that bring the app in step with the
// directory. It is pure.
func (t *Target) Plan(in provision.PlanInput, st provision.State) provision.TargetPlan {
	s, ok := st.(*State)
	if !ok {
		s = &State{}
	}
	p := &planner{t: t, in: in, st: s, sd: scope.NewDirectory(in.Snapshot, in.Index), ptch: s.Provider.Patch,
		provisioned: map[string]string{}}
	for _, r := range t.s.Filter.Unknown(p.sd) {
		p.tp.Warnings = append(p.tp.Warnings, provision.NewIssue(WarnFilterUnknown, WarnFilterUnknown+"."+string(r.Key),
			msg.Params{"target": t.Name(), "value": r.Value, "column": r.Column}))
	}
	p.users()
	if t.s.Groups || t.s.Organizations {
		p.groups()
	}
	if p.tp.Changes == nil {
		p.tp.Changes = []provision.Change{}
	}
	return p.tp
}

// dirUsers are the directory's users by login (duplicates left to
// Validate), sorted, with indexes by id.
func (p *planner) dirUsers() ([]*directory.User, map[string]*directory.User, map[string]*directory.User) {
	var users []*directory.User
	byID, byLogin := map[string]*directory.User{}, map[string]*directory.User{}
	for i := range p.in.Snapshot.Users {
		u := &p.in.Snapshot.Users[i]
		if p.in.Index.Users[u.Login] != u {
			continue
		}
		users = append(users, u)
		byLogin[u.Login] = u
		if u.ID != "" {
			byID[u.ID] = u
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Login < users[j].Login })
	return users, byID, byLogin
}

// userName is the userName u gets.
func (p *planner) userName(u *directory.User) string {
	if p.t.s.UserName == UserNameEmail {
		return u.Email
	}
	return u.Login
}

// match is a remote user matched to a directory user, and how.
type match struct {
	remote *scimapi.User
	reason string
	linked bool
}

func (p *planner) users() {
	users, byID, byLogin := p.dirUsers()
	links := map[string]provision.DirRef{}
	for _, l := range p.in.Links {
		if l.Kind == KindUser {
			links[l.ObjectID] = l.Dir
		}
	}
	remote := make([]*scimapi.User, len(p.st.Users))
	for i := range p.st.Users {
		remote[i] = &p.st.Users[i]
	}
	inScope := map[*directory.User]bool{}
	for _, u := range users {
		inScope[u] = p.t.s.Filter.Match(u, p.sd)
	}

	matched := map[*directory.User]match{}
	claimed := map[*scimapi.User]bool{}   // matched or skipped
	skipped := map[*directory.User]bool{} // in an ambiguous match
	var gone []*scimapi.User              // linked, their user gone or out of scope

	// Links first: what cybridge created or matched before.
	linked := map[*directory.User][]*scimapi.User{}
	for _, r := range remote {
		ref, ok := links[r.ID]
		if !ok {
			continue
		}
		claimed[r] = true
		u := ref.FindUser(byID, byLogin)
		if u == nil || !inScope[u] {
			gone = append(gone, r)
			continue
		}
		linked[u] = append(linked[u], r)
	}
	for _, u := range users {
		switch rs := linked[u]; {
		case len(rs) == 1:
			matched[u] = match{remote: rs[0], reason: provision.ReasonLink, linked: true}
		case len(rs) > 1:
			skipped[u] = true
			p.tp.Errors = append(p.tp.Errors, provision.NewIssue(CodeAmbiguousMatch, KeyAmbiguousLinks,
				msg.Params{"login": u.Login, "name": u.DisplayName, "remote": remoteItems(rs)}))
		}
	}

	// Then by key, strongest first. A 停止中 user takes part only by
	// externalId: a weaker key must not deactivate someone cybridge never
	// provisioned.
	steps := []struct {
		reason     string
		suspended  bool
		dirKey     func(u *directory.User) string
		remoteKeys func(r *scimapi.User) []string
	}{
		{ReasonExternalID, true, func(u *directory.User) string { return u.ID },
			func(r *scimapi.User) []string { return []string{r.ExternalID} }},
		{ReasonUserName, false, p.userName,
			func(r *scimapi.User) []string { return []string{r.UserName} }},
		{provision.ReasonEmail, false, func(u *directory.User) string { return u.Email },
			func(r *scimapi.User) []string {
				var out []string
				for _, e := range r.Emails {
					out = append(out, e.Value)
				}
				return out
			}},
	}
	for _, step := range steps {
		idx := map[string][]*scimapi.User{}
		for _, r := range remote {
			if claimed[r] {
				continue
			}
			for _, k := range step.remoteKeys(r) {
				if k = norm(k); k != "" && !slices.Contains(idx[k], r) {
					idx[k] = append(idx[k], r)
				}
			}
		}
		cands := map[*directory.User][]*scimapi.User{}
		claims := map[*scimapi.User][]*directory.User{}
		for _, u := range users {
			if _, ok := matched[u]; ok || skipped[u] || !inScope[u] || (!u.Valid && !step.suspended) {
				continue
			}
			k := norm(step.dirKey(u))
			if k == "" || len(idx[k]) == 0 {
				continue
			}
			cands[u] = idx[k]
			for _, r := range idx[k] {
				claims[r] = append(claims[r], u)
			}
		}
		for _, u := range users {
			cs := cands[u]
			switch {
			case len(cs) > 1:
				skipped[u] = true
				for _, r := range cs {
					claimed[r] = true
				}
				p.tp.Errors = append(p.tp.Errors, provision.NewIssue(CodeAmbiguousMatch, KeyAmbiguousRemote,
					msg.Params{"login": u.Login, "name": u.DisplayName, "by": step.reason, "remote": remoteItems(cs)}))
			case len(cs) == 1 && len(claims[cs[0]]) > 1:
				r := cs[0]
				if claimed[r] {
					skipped[u] = true
					continue
				}
				claimed[r] = true
				var names []string
				for _, o := range claims[r] {
					skipped[o] = true
					names = append(names, userItem(o))
				}
				p.tp.Errors = append(p.tp.Errors, provision.NewIssue(CodeAmbiguousMatch, KeyAmbiguousUser,
					msg.Params{"remote": remoteItem(r), "by": step.reason, "users": names}))
			case len(cs) == 1 && !claimed[cs[0]]:
				claimed[cs[0]] = true
				matched[u] = match{remote: cs[0], reason: step.reason}
			}
		}
	}

	for _, u := range users {
		if skipped[u] || !inScope[u] {
			continue
		}
		m, ok := matched[u]
		switch {
		case ok && u.Valid:
			p.update(u, m)
		case ok:
			p.suspend(u, m)
		case u.Valid:
			p.create(u)
		}
	}
	for _, r := range gone {
		p.leave(r, links[r.ID])
	}
}

// desired is what u's remote user should hold, by attribute field.
func (p *planner) desired(u *directory.User) map[string]string {
	primary := u.PrimaryOrg
	if primary == "" && len(u.Memberships) > 0 {
		primary = u.Memberships[0].OrgCode
	}
	var title, dept, org string
	if o := p.in.Index.Orgs[primary]; o != nil {
		dept = o.Name
		top := o
		for seen := 0; top.ParentCode != "" && seen < 64; seen++ {
			parent := p.in.Index.Orgs[top.ParentCode]
			if parent == nil {
				break
			}
			top = parent
		}
		org = top.Name
	}
	for _, m := range u.Memberships {
		if m.OrgCode == primary && m.TitleCode != "" {
			if t := p.in.Index.Titles[m.TitleCode]; t != nil {
				title = t.Name
			}
		}
	}
	d := map[string]string{
		"userName": p.userName(u), "externalId": u.ID, "familyName": u.Surname, "givenName": u.GivenName,
		"displayName": u.DisplayName, "email": u.Email, "workPhone": u.Phone, "mobilePhone": u.Mobile,
		"title": title, "employeeNumber": u.EmployeeNumber, "department": dept, "organization": org,
	}
	for to, code := range p.t.s.Custom {
		d[to] = ""
		for _, c := range u.CustomItems {
			if c.Code == code {
				d[to] = c.Value
			}
		}
	}
	return d
}

// ref is the link of u.
func ref(u *directory.User) provision.DirRef { return provision.DirRef{ID: u.ID, Key: u.Login} }

// newLink is the link a change sets: the user's, when it differs from the
// one the object has.
func (p *planner) newLink(objectID string, u *directory.User) *provision.DirRef {
	r := ref(u)
	for _, l := range p.in.Links {
		if l.Kind == KindUser && l.ObjectID == objectID && l.Dir == r {
			return nil
		}
	}
	return &r
}

func (p *planner) create(u *directory.User) {
	if p.userName(u) == "" {
		p.tp.Warnings = append(p.tp.Warnings, provision.NewIssue(WarnNoUserName, WarnNoUserName, msg.Params{"login": u.Login, "name": u.DisplayName}))
		return
	}
	d := p.desired(u)
	body := &scimapi.User{}
	var fields provision.Fields
	for _, a := range p.t.attrs {
		if v := d[a.field]; v != "" {
			a.set(body, v)
			fields = append(fields, provision.FieldDiff{Name: a.field, New: v})
		}
	}
	active := true
	body.Active = &active
	fields = append(fields, provision.FieldDiff{Name: "active", New: true})
	r := ref(u)
	p.provisioned[u.Login] = ""
	p.add(provision.Change{Kind: KindUser, Action: provision.Create, Key: u.Login, Label: u.DisplayName,
		Reason: provision.ReasonNew, Fields: fields, Link: &r}, changeData{User: body})
}

func (p *planner) update(u *directory.User, m match) {
	r := m.remote
	p.provisioned[u.Login] = r.ID
	d := p.desired(u)
	var fields provision.Fields
	var ops []scimapi.PatchOperation
	body := cloneUser(r)
	for _, a := range p.t.attrs {
		want, cur := d[a.field], a.get(r)
		if a.field == "externalId" && want == "" {
			continue // a CSV read has no ids: externalId is left alone
		}
		if a.equal(cur, want) {
			continue
		}
		fields = append(fields, provision.FieldDiff{Name: a.field, Old: orNil(cur), New: orNil(want)})
		ops = append(ops, a.op(r, want))
		a.set(body, want)
	}
	if r.Active == nil || !*r.Active {
		var old any
		if r.Active != nil {
			old = false
		}
		fields = append(fields, provision.FieldDiff{Name: "active", Old: old, New: true})
		ops = append(ops, scimapi.PatchOperation{Op: "replace", Path: "active", Value: true})
	}
	active := true
	body.Active = &active
	link := p.newLink(r.ID, u)
	if len(fields) == 0 && link == nil {
		return
	}
	c := provision.Change{Kind: KindUser, Action: provision.Update, Key: u.Login, Label: u.DisplayName,
		Reason: m.reason, Fields: fields, ObjectID: r.ID, Link: link}
	p.add(c, p.writeData(r, ops, body))
}

// suspend deactivates the remote user of a 停止中 user.
func (p *planner) suspend(u *directory.User, m match) {
	r := m.remote
	link := p.newLink(r.ID, u)
	if r.Active != nil && !*r.Active {
		if link != nil { // already inactive: only link it
			p.add(provision.Change{Kind: KindUser, Action: provision.Update, Key: u.Login, Label: u.DisplayName,
				Reason: m.reason, Flags: []string{provision.FlagSuspended}, ObjectID: r.ID, Link: link}, changeData{Seen: userSeen(r)})
		}
		return
	}
	p.deactivate(r, u.Login, u.DisplayName, m.reason, provision.FlagSuspended, link)
}

// leave deactivates (or deletes) the remote user of a linked user who
// left cybozu.com or the filter.
func (p *planner) leave(r *scimapi.User, was provision.DirRef) {
	reason, flag := provision.ReasonGone, ""
	if u := p.in.Index.Users[was.Key]; u != nil && (was.ID == "" || u.ID == "" || u.ID == was.ID) {
		reason, flag = provision.ReasonLink, "out_of_scope"
	}
	if p.t.s.Leavers == LeaversDelete {
		c := provision.Change{Kind: KindUser, Action: provision.Delete, Key: was.Key, Label: r.DisplayName,
			Reason: reason, ObjectID: r.ID, Fields: provision.Fields{{Name: "userName", Old: r.UserName}}}
		if flag != "" {
			c.Flags = []string{flag}
		}
		p.add(c, changeData{Seen: userSeen(r), Version: p.version(r.Meta)})
		return
	}
	if r.Active != nil && !*r.Active {
		return
	}
	p.deactivate(r, was.Key, r.DisplayName, reason, flag, nil)
}

func (p *planner) deactivate(r *scimapi.User, key, label, reason, flag string, link *provision.DirRef) {
	var old any
	if r.Active != nil {
		old = *r.Active
	}
	body := cloneUser(r)
	inactive := false
	body.Active = &inactive
	c := provision.Change{Kind: KindUser, Action: provision.Disable, Key: key, Label: label, Reason: reason,
		Fields: provision.Fields{{Name: "active", Old: old, New: false}}, ObjectID: r.ID, Link: link}
	if flag != "" {
		c.Flags = []string{flag}
	}
	p.add(c, p.writeData(r, []scimapi.PatchOperation{{Op: "replace", Path: "active", Value: false}}, body))
}

// writeData is the request of a change to r: PATCH ops when the app
// supports PATCH, else the whole user to PUT.
func (p *planner) writeData(r *scimapi.User, ops []scimapi.PatchOperation, body *scimapi.User) changeData {
	d := changeData{Seen: userSeen(r), Version: p.version(r.Meta)}
	if len(ops) == 0 {
		return d // a link only
	}
	if p.ptch {
		d.Patch = ops
	} else {
		body.ID, body.Meta = r.ID, scimapi.Meta{}
		d.User = body
	}
	return d
}

// version is the If-Match to send for an object read with meta m: its
// version, when the app serves ETags.
func (p *planner) version(m scimapi.Meta) string {
	if p.st.Provider.ETag {
		return m.Version
	}
	return ""
}

func (p *planner) add(c provision.Change, d changeData) {
	if c.Flags == nil {
		c.Flags = []string{}
	}
	if c.Fields == nil {
		c.Fields = provision.Fields{}
	}
	if b, err := json.Marshal(d); err == nil && string(b) != "{}" {
		c.Data = b
	}
	p.tp.Changes = append(p.tp.Changes, c)
}

func cloneUser(u *scimapi.User) *scimapi.User {
	b, _ := json.Marshal(*u)
	var c scimapi.User
	_ = json.Unmarshal(b, &c)
	c.Meta = u.Meta
	return &c
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// remoteItem names a remote user in a plan error.
func remoteItem(r *scimapi.User) string { return r.UserName + " (id " + r.ID + ")" }

func remoteItems(rs []*scimapi.User) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = remoteItem(r)
	}
	return out
}

func userItem(u *directory.User) string { return u.DisplayName + " (" + u.Login + ")" }

// Codes lists every catalogue key the target's plan issues, config
// problems and vocabulary render, for the test that each has a text in
// both languages.
func Codes() []string {
	keys := []string{KeyAmbiguousLinks, KeyAmbiguousRemote, KeyAmbiguousUser, KeyAmbiguousGroup, WarnNoUserName,
		WarnFilterUnknown + ".organization", WarnFilterUnknown + ".group", WarnFilterUnknown + ".title",
		WarnFilterUnknown + ".user", WarnFilterUnknown + ".employeeNumber",
		"reason." + ReasonExternalID, "reason." + ReasonUserName, "reason.display_name", "kind.users", "kind.groups",
		"config.scim_name", "config.scim_name_taken", "config.scim_url", "config.scim_url_https", "config.scim_url_userinfo",
		"config.scim_token_required", "config.scim_attribute_code", "config.scim_attribute_target", "config.scim_attribute_twice",
		"field.user.active", "field.group.members", "field.group.members_added", "field.group.members_removed"}
	for _, a := range coreAttrs {
		keys = append(keys, "field.user."+a.field)
	}
	return keys
}
