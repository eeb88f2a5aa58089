package calendar

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar/scope"
)

// Flags a change can carry.
const (
	FlagResetsSync  = provision.FlagResetsSync // the calendar id or URL changes: sync state is discarded and starts over
	FlagSuspended   = provision.FlagSuspended  // the user is 停止中
	FlagOutOfScope  = "out_of_scope"           // the user is not in the scope
	FlagPinned      = "pinned"                 // a pin, not the scope, decides permitted
	FlagAutoStopped = "auto_stopped"           // the enrolment is auto-stopped (the bridge does not restart it)
)

// Warning codes.
const (
	WarnAutoStopped   = "auto_stopped"
	WarnScopeUnknown  = "scope_unknown_code"
	WarnDuplicateLink = "duplicate_enrolment"
	// CodeScopeMatchesNobody: a scope that no active user matches is a plan
	// error, not a plan that disables every enrolment (a misspelt
	// organization code in calendar.scope would otherwise switch the whole
	// company off on the next run, with no safeguard on a first import).
	CodeScopeMatchesNobody = "scope_matches_nobody"
)

// changeData is what Apply needs of a change: the bridge-owned values to
// write. Pointers are written only when set; the bridge never sends the
// fields it does not own.
type changeData struct {
	Login      string  `json:"login"`
	Email      string  `json:"email"`
	Name       string  `json:"name"`
	Permitted  bool    `json:"permitted"`
	Target     Kind    `json:"target,omitempty"`      // create only
	CalendarID *string `json:"calendar_id,omitempty"` // a defaulted id the bridge sets
	CalDAVURL  *string `json:"caldav_url,omitempty"`  // a defaulted URL the bridge sets
	// GoneSince: nil leaves it; 0 clears it (the user is back); else the
	// Unix ms when the user was found gone.
	GoneSince *int64 `json:"gone_since,omitempty"`
}

// Plan computes the enrolment changes (SPEC §6 rules 1–7). It is pure.
func (t *Target) Plan(in provision.PlanInput, st provision.State) provision.TargetPlan {
	ens, _ := st.(*Enrolments)
	if ens == nil {
		ens = &Enrolments{}
	}
	p := t.Policy
	out := provision.TargetPlan{Changes: make([]provision.Change, 0, len(in.Snapshot.Users))}
	sd := scope.NewDirectory(in.Snapshot, in.Index)
	for _, r := range p.Scope.Unknown(sd) {
		out.Warnings = append(out.Warnings, provision.NewIssue(WarnScopeUnknown, WarnScopeUnknown+"."+string(r.Key),
			msg.Params{"value": r.Value, "column": r.Column}))
	}

	users := make([]*directory.User, 0, len(in.Snapshot.Users))
	byID := make(map[string]*directory.User, len(in.Snapshot.Users))
	for i := range in.Snapshot.Users {
		u := &in.Snapshot.Users[i]
		if u.Login == directory.AdministratorLogin {
			continue // not a person (SPEC §2); never enrolled
		}
		users = append(users, u)
		if u.ID != "" {
			byID[u.ID] = u
		}
	}
	if p.Scope != nil && matchesNobody(p.Scope, users, sd) {
		var unknown []string
		for _, r := range p.Scope.Unknown(sd) {
			unknown = append(unknown, r.Value)
		}
		key := CodeScopeMatchesNobody
		params := msg.Params{"scope": p.Scope.Source()}
		if len(unknown) > 0 {
			key += ".unknown"
			params["unknown"] = unknown
		}
		out.Warnings = nil // the error names the unknown codes
		out.Errors = append(out.Errors, provision.NewIssue(CodeScopeMatchesNobody, key, params))
		return out
	}
	byLogin := make(map[string]*directory.User, len(users))
	for _, u := range users {
		byLogin[u.Login] = u
	}
	links := make(map[string]provision.Link, len(in.Links))
	for _, l := range in.Links {
		if l.Kind == KindEnrolment {
			links[l.ObjectID] = l
		}
	}

	// Match enrolments to users: by link (user id when known, else login
	// name), then unlinked enrolments by login name. Enrolments of present
	// users go first: a read without ids (CSV) finds a leaver's link and
	// the link of a new user who got the same login both naming that login,
	// and the new user's enrolment must keep him.
	type match struct {
		user   *directory.User
		reason string
		link   *provision.Link
	}
	matches := make([]match, len(ens.List))
	taken := make(map[*directory.User]int64, len(users))
	order := make([]int, 0, len(ens.List))
	for _, gone := range []bool{false, true} {
		for i := range ens.List {
			if ens.List[i].Gone() == gone {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		e := &ens.List[i]
		l, ok := links[e.objectID()]
		if !ok {
			continue
		}
		u := l.Dir.FindUser(byID, byLogin)
		if u != nil {
			if other, dup := taken[u]; dup {
				out.Warnings = append(out.Warnings, provision.NewIssue(WarnDuplicateLink, WarnDuplicateLink,
					msg.Params{"first": strconv.FormatInt(other, 10), "second": strconv.FormatInt(e.ID, 10), "login": u.Login}))
				u = nil
			} else {
				taken[u] = e.ID
			}
		}
		matches[i] = match{user: u, reason: provision.ReasonLink, link: &l}
	}
	for i := range ens.List {
		e := &ens.List[i]
		if matches[i].link != nil {
			continue
		}
		if u := byLogin[e.Login]; u != nil && taken[u] == 0 {
			taken[u] = e.ID
			matches[i] = match{user: u, reason: provision.ReasonLogin}
		}
	}

	now := in.Now.UTC().Truncate(time.Millisecond)
	for i := range ens.List {
		e := &ens.List[i]
		m := matches[i]
		if e.AutoStop.Stopped() {
			out.Warnings = append(out.Warnings, autoStopWarning(e))
		}
		var c *provision.Change
		if m.user == nil {
			c = p.planGone(e, now)
		} else {
			c = p.planPresent(e, m.user, m.reason, m.link, sd)
		}
		if c != nil {
			if e.AutoStop.Stopped() {
				c.Flags = append(c.Flags, FlagAutoStopped)
			}
			out.Changes = append(out.Changes, *c)
		}
	}
	for _, u := range users {
		if _, ok := taken[u]; !ok {
			out.Changes = append(out.Changes, p.planCreate(u, sd))
		}
	}
	return out
}

// autoStopWarning is the warning of an auto-stopped enrolment; its text
// is the auto-stop's (auto_stopped.<reason>), with the login and since
// when.
func autoStopWarning(e *Enrolment) provision.Issue {
	p := e.AutoStop.Params()
	p["login"], p["since"] = e.Login, e.AutoStop.At.UTC().Format(time.RFC3339)
	return provision.NewIssue(WarnAutoStopped, WarnAutoStopped+strings.TrimPrefix(e.AutoStop.Key(), "auto_stop"), p)
}

// planCreate is rule 1: a new enrolment with the user switch on, the
// default target and id/URL, permitted exactly when active and in scope.
func (p Policy) planCreate(u *directory.User, sd *scope.Directory) provision.Change {
	permitted := p.permitted(u, PinNone, sd)
	d := changeData{Login: u.Login, Email: u.Email, Name: u.DisplayName, Permitted: permitted, Target: p.DefaultTarget}
	fields := provision.Fields{
		{Name: "login", New: u.Login},
		{Name: "email", New: u.Email},
		{Name: "name", New: u.DisplayName},
		{Name: "permitted", New: permitted},
		{Name: "target", New: string(p.DefaultTarget)},
	}
	switch p.DefaultTarget {
	case KindGoogle:
		id := p.DefaultCalendarID(u.Email)
		d.CalendarID = &id
		fields = append(fields, provision.FieldDiff{Name: "calendar_id", New: id})
	case KindCalDAV:
		url := p.DefaultCalDAVURL(u.Login, u.Email)
		d.CalDAVURL = &url
		fields = append(fields, provision.FieldDiff{Name: "caldav_url", New: url})
	}
	c := provision.Change{
		Kind: KindEnrolment, Action: provision.Create, Key: u.Login, Label: u.DisplayName,
		Reason: provision.ReasonNew, Fields: fields, Link: &provision.DirRef{ID: u.ID, Key: u.Login},
		Data: mustJSON(d),
	}
	if !permitted {
		c.Flags = append(c.Flags, notPermittedFlag(u))
	}
	return c
}

// notPermittedFlag says why a present user is not permitted by the policy.
func notPermittedFlag(u *directory.User) string {
	if !u.Valid {
		return FlagSuspended
	}
	return FlagOutOfScope
}

// planPresent brings the enrolment of a present user in step: identity
// fields, permitted (rules 2 and 3), the defaulted calendar id or URL
// (rules 4 and 5), the link (rule 6). nil when nothing changes.
func (p Policy) planPresent(e *Enrolment, u *directory.User, reason string, link *provision.Link, sd *scope.Directory) *provision.Change {
	d := changeData{Login: u.Login, Email: u.Email, Name: u.DisplayName, Permitted: p.permitted(u, e.Pin, sd)}
	var fields provision.Fields
	var flags []string
	diff := func(name string, old, new any) {
		if old != new {
			fields = append(fields, provision.FieldDiff{Name: name, Old: old, New: new})
		}
	}
	diff("login", e.Login, u.Login)
	diff("email", e.Email, u.Email)
	diff("name", e.Name, u.DisplayName)
	diff("permitted", e.Permitted, d.Permitted)
	switch {
	case e.Target == KindGoogle && e.CalendarIDDefault:
		// Google addresses ignore case: an id that differs in case alone
		// names the same calendar, and changing it would discard sync state.
		if want := p.DefaultCalendarID(u.Email); !strings.EqualFold(want, e.CalendarID) {
			d.CalendarID = &want
			diff("calendar_id", e.CalendarID, want)
			if e.CalendarID != "" {
				flags = append(flags, FlagResetsSync)
			}
		}
	case e.Target == KindCalDAV && e.CalDAVURLDefault:
		if want := p.DefaultCalDAVURL(u.Login, u.Email); want != e.CalDAVURL {
			d.CalDAVURL = &want
			diff("caldav_url", e.CalDAVURL, want)
			if e.CalDAVURL != "" {
				flags = append(flags, FlagResetsSync)
			}
		}
	}
	if e.Gone() {
		zero := int64(0)
		d.GoneSince = &zero
		fields = append(fields, provision.FieldDiff{Name: "gone_since", Old: formatDay(e.GoneSince), New: ""})
	}
	var newLink *provision.DirRef
	ref := provision.DirRef{ID: u.ID, Key: u.Login}
	switch {
	case link == nil:
		newLink = &ref
	case link.Dir.Key != u.Login || (u.ID != "" && link.Dir.ID != u.ID):
		if u.ID == "" {
			ref.ID = link.Dir.ID // a CSV read knows no ids: keep the one we have
		}
		newLink = &ref
		if link.Dir.ID != ref.ID {
			fields = append(fields, provision.FieldDiff{Name: "user_id", Old: link.Dir.ID, New: ref.ID})
		}
	}
	if len(fields) == 0 && newLink == nil {
		return nil
	}
	action := provision.Update
	if e.Permitted && !d.Permitted {
		action = provision.Disable
	}
	if _, changed := fields.Get("permitted"); changed {
		switch {
		case e.Pin != PinNone && u.Valid:
			flags = append(flags, FlagPinned)
		case !d.Permitted:
			flags = append(flags, notPermittedFlag(u))
		}
	}
	return &provision.Change{
		Kind: KindEnrolment, Action: action, Key: u.Login, Label: u.DisplayName, Reason: reason,
		Flags: flags, Fields: fields, ObjectID: e.objectID(), Link: newLink, Data: mustJSON(d),
	}
}

// planGone is rule 2 for a user gone from the directory: disable at once
// (settings and history kept) and remember since when; delete once gone for
// more than DeleteAfterDays.
func (p Policy) planGone(e *Enrolment, now time.Time) *provision.Change {
	c := &provision.Change{Kind: KindEnrolment, Key: e.Login, Label: e.Name, Reason: provision.ReasonGone, ObjectID: e.objectID()}
	if e.Gone() {
		if p.DeleteAfterDays > 0 && now.Sub(e.GoneSince) > time.Duration(p.DeleteAfterDays)*24*time.Hour {
			c.Action = provision.Delete
			c.Fields = provision.Fields{{Name: "gone_since", Old: formatDay(e.GoneSince), New: nil}}
			return c
		}
		if !e.Permitted {
			return nil
		}
	}
	d := changeData{Login: e.Login, Email: e.Email, Name: e.Name, Permitted: false}
	c.Action = provision.Update
	if e.Permitted {
		c.Action = provision.Disable
		c.Fields = append(c.Fields, provision.FieldDiff{Name: "permitted", Old: true, New: false})
	}
	if !e.Gone() {
		ms := now.UnixMilli()
		d.GoneSince = &ms
		c.Fields = append(c.Fields, provision.FieldDiff{Name: "gone_since", Old: "", New: formatDay(now)})
	}
	c.Data = mustJSON(d)
	return c
}

// formatDay renders a time in reports.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("calendar: marshal change data: %v", err)) // plain structs: cannot fail
	}
	return b
}

// matchesNobody reports whether there are active users and s matches none
// of them. It stops at the first match, so a scope that matches anyone
// costs a few users' evaluation.
func matchesNobody(s *scope.Scope, users []*directory.User, d *scope.Directory) bool {
	active := false
	for _, u := range users {
		if !u.Valid {
			continue
		}
		active = true
		if s.Match(u, d) {
			return false
		}
	}
	return active
}
