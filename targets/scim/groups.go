package scim

import (
	"sort"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// KeyAmbiguousGroup: one cybozu.com group or organization matches several
// remote groups.
const KeyAmbiguousGroup = "ambiguous_match.scim_group"

// wantGroup is a SCIM group cybridge keeps: a cybozu.com group or
// organization with its provisioned members.
type wantGroup struct {
	externalID string // group:<code> or organization:<code>
	dirID      string
	name       string
	members    []string // logins, sorted
}

// wantGroups are the groups the directory asks for, by externalId.
func (p *planner) wantGroups() []wantGroup {
	var out []wantGroup
	keep := func(logins []string) []string {
		var ms []string
		for _, l := range logins {
			if _, ok := p.provisioned[l]; ok {
				ms = append(ms, l)
			}
		}
		sort.Strings(ms)
		return ms
	}
	if p.t.s.Groups {
		for _, g := range p.in.Snapshot.Groups {
			if g.Code == directory.EveryoneGroup {
				continue // every user: the app has that already
			}
			out = append(out, wantGroup{externalID: "group:" + g.Code, dirID: g.ID, name: g.Name, members: keep(g.Members)})
		}
	}
	if p.t.s.Organizations {
		byOrg := map[string][]string{}
		for _, u := range p.in.Snapshot.Users {
			for _, m := range u.Memberships {
				byOrg[m.OrgCode] = append(byOrg[m.OrgCode], u.Login)
			}
		}
		for _, o := range p.in.Snapshot.Organizations {
			out = append(out, wantGroup{externalID: "organization:" + o.Code, dirID: o.ID, name: o.Name, members: keep(byOrg[o.Code])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].externalID < out[j].externalID })
	return out
}

func (p *planner) groups() {
	want := p.wantGroups()
	byExt := map[string]*wantGroup{}
	for i := range want {
		byExt[want[i].externalID] = &want[i]
	}
	links := map[string]provision.DirRef{}
	for _, l := range p.in.Links {
		if l.Kind == KindGroup {
			links[l.ObjectID] = l.Dir
		}
	}
	// Remote user ids → logins of the users cybridge provisions (or
	// provisioned: a linked leaver stays a member until removed).
	loginOf := map[string]string{}
	for login, id := range p.provisioned {
		if id != "" {
			loginOf[id] = login
		}
	}
	for _, l := range p.in.Links {
		if l.Kind == KindUser && loginOf[l.ObjectID] == "" {
			loginOf[l.ObjectID] = l.Dir.Key
		}
	}

	matched := map[string]*scimapi.Group{} // externalId → remote group
	reason := map[string]string{}
	claimed := map[*scimapi.Group]bool{}
	skipped := map[string]bool{}
	var gone []*scimapi.Group
	for i := range p.st.Groups {
		g := &p.st.Groups[i]
		ref, ok := links[g.ID]
		if !ok {
			continue
		}
		claimed[g] = true
		if byExt[ref.Key] == nil || matched[ref.Key] != nil {
			gone = append(gone, g) // its group left, or a second link to one: removed
			continue
		}
		matched[ref.Key], reason[ref.Key] = g, provision.ReasonLink
	}
	for _, step := range []struct {
		reason string
		key    func(g *scimapi.Group) string
		want   func(w *wantGroup) string
	}{
		{ReasonExternalID, func(g *scimapi.Group) string { return g.ExternalID }, func(w *wantGroup) string { return w.externalID }},
		{"display_name", func(g *scimapi.Group) string { return g.DisplayName }, func(w *wantGroup) string { return w.name }},
	} {
		idx := map[string][]*scimapi.Group{}
		for i := range p.st.Groups {
			g := &p.st.Groups[i]
			if k := norm(step.key(g)); k != "" && !claimed[g] {
				idx[k] = append(idx[k], g)
			}
		}
		for i := range want {
			w := &want[i]
			if matched[w.externalID] != nil || skipped[w.externalID] {
				continue
			}
			cs := idx[norm(step.want(w))]
			var free []*scimapi.Group
			for _, g := range cs {
				if !claimed[g] {
					free = append(free, g)
				}
			}
			switch {
			case len(free) == 1:
				claimed[free[0]] = true
				matched[w.externalID], reason[w.externalID] = free[0], step.reason
			case len(free) > 1:
				skipped[w.externalID] = true
				var names []string
				for _, g := range free {
					claimed[g] = true
					names = append(names, g.DisplayName+" (id "+g.ID+")")
				}
				p.tp.Errors = append(p.tp.Errors, provision.NewIssue(CodeAmbiguousMatch, KeyAmbiguousGroup,
					msg.Params{"group": w.name, "key": w.externalID, "remote": names}))
			}
		}
	}

	for i := range want {
		w := &want[i]
		if skipped[w.externalID] {
			continue
		}
		dir := provision.DirRef{ID: w.dirID, Key: w.externalID}
		g := matched[w.externalID]
		if g == nil {
			var add []memberRef
			for _, l := range w.members {
				add = append(add, memberRef{Login: l, ID: p.provisioned[l]})
			}
			p.add(provision.Change{Kind: KindGroup, Action: provision.Create, Key: w.externalID, Label: w.name, Reason: provision.ReasonNew,
				Fields: provision.Fields{{Name: "displayName", New: w.name}, {Name: "members", New: w.members}}, Link: &dir},
				changeData{Group: &groupData{ExternalID: w.externalID, DisplayName: w.name, Add: add}})
			continue
		}
		p.updateGroup(g, w, dir, reason[w.externalID], loginOf)
	}
	for _, g := range gone {
		p.add(provision.Change{Kind: KindGroup, Action: provision.Delete, Key: links[g.ID].Key, Label: g.DisplayName, Reason: provision.ReasonGone,
			ObjectID: g.ID, Fields: provision.Fields{{Name: "displayName", Old: g.DisplayName}}},
			changeData{Seen: groupSeen(g), Version: p.version(g.Meta)})
	}
}

// updateGroup plans a matched group's name and members. Only members
// cybridge provisions are added or removed: a member the app's admins
// added stays.
func (p *planner) updateGroup(g *scimapi.Group, w *wantGroup, dir provision.DirRef, reason string, loginOf map[string]string) {
	has := map[string]bool{} // logins of current members cybridge knows
	var keep []string        // member ids after the change (for a PUT)
	wantSet := map[string]bool{}
	for _, l := range w.members {
		wantSet[l] = true
	}
	var removed []string
	var removeIDs []string
	for _, m := range g.Members {
		login, ours := loginOf[m.Value]
		if ours && !wantSet[login] {
			removed, removeIDs = append(removed, login), append(removeIDs, m.Value)
			continue
		}
		if ours {
			has[login] = true
		}
		keep = append(keep, m.Value)
	}
	var added []string
	var add []memberRef
	for _, l := range w.members {
		if !has[l] {
			added = append(added, l)
			add = append(add, memberRef{Login: l, ID: p.provisioned[l]})
		}
	}
	var fields provision.Fields
	var ops []scimapi.PatchOperation
	if g.DisplayName != w.name {
		fields = append(fields, provision.FieldDiff{Name: "displayName", Old: orNil(g.DisplayName), New: w.name})
		ops = append(ops, scimapi.PatchOperation{Op: "replace", Path: "displayName", Value: w.name})
	}
	if !strings.EqualFold(g.ExternalID, w.externalID) {
		fields = append(fields, provision.FieldDiff{Name: "externalId", Old: orNil(g.ExternalID), New: w.externalID})
		ops = append(ops, scimapi.PatchOperation{Op: "replace", Path: "externalId", Value: w.externalID})
	}
	if len(added) > 0 {
		fields = append(fields, provision.FieldDiff{Name: "members_added", New: added})
	}
	if len(removed) > 0 {
		fields = append(fields, provision.FieldDiff{Name: "members_removed", New: removed})
	}
	var link *provision.DirRef
	if l, ok := linkOf(p.in.Links, KindGroup, g.ID); !ok || l != dir {
		link = &dir
	}
	if len(fields) == 0 && link == nil {
		return
	}
	d := changeData{Seen: groupSeen(g), Version: p.version(g.Meta)}
	if len(fields) > 0 {
		d.Group = &groupData{Add: add, Remove: removeIDs}
		if p.ptch {
			d.Patch = ops
		} else {
			d.Group.ExternalID, d.Group.DisplayName = w.externalID, w.name
			for _, id := range keep {
				d.Group.Add = append(d.Group.Add, memberRef{ID: id})
			}
		}
	}
	p.add(provision.Change{Kind: KindGroup, Action: provision.Update, Key: w.externalID, Label: w.name, Reason: reason,
		Fields: fields, ObjectID: g.ID, Link: link}, d)
}

func linkOf(links []provision.Link, kind, id string) (provision.DirRef, bool) {
	for _, l := range links {
		if l.Kind == kind && l.ObjectID == id {
			return l.Dir, true
		}
	}
	return provision.DirRef{}, false
}
