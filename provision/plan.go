package provision

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
)

// Action is what a change does to one target object. Its glyph is the diff
// mark in the text report.
type Action string

// The actions. Departments and members use Create, Update, Delete;
// enrolments also Disable.
const (
	Create  Action = "create"
	Update  Action = "update"
	Disable Action = "disable"
	Delete  Action = "delete"
)

// Glyph is the diff mark: + create, ~ update, ! disable, - delete.
func (a Action) Glyph() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Disable:
		return "!"
	case Delete:
		return "-"
	}
	return "?"
}

// rank orders actions within a kind: create, update, disable, delete.
func (a Action) rank() int {
	switch a {
	case Create:
		return 0
	case Update:
		return 1
	case Disable:
		return 2
	case Delete:
		return 3
	}
	return 4
}

// Removes reports whether the action takes an object away from its users
// (what the delete safeguards count).
func (a Action) Removes() bool { return a == Delete || a == Disable }

// Reasons say why a change touches an object: how it was matched to its
// directory object, or why it is created or deleted.
const (
	ReasonLink  = "link"  // the bridge created or last updated it from that object
	ReasonLogin = "login" // a login name matched
	ReasonEmail = "email" // an email address matched
	ReasonCode  = "code"  // a department code matched an organization code
	ReasonNew   = "new"   // no object matched: created
	ReasonGone  = "gone"  // linked earlier, its directory object is gone: deleted
)

// DirRef names the directory object a target object is linked to: by id
// when the source has ids (the API), always by key (organization code or
// login name).
type DirRef struct {
	ID  string `json:"id,omitempty"`
	Key string `json:"key"`
}

func (r DirRef) String() string {
	if r.ID != "" {
		return fmt.Sprintf("%s (id %s)", r.Key, r.ID)
	}
	return r.Key
}

// FindUser finds the user r names, given the directory's users by id and
// by login name: by id when r has one and the directory has ids; by login
// name when r has no id, or when the directory has no ids (a CSV read) and
// the user with that login has none.
func (r DirRef) FindUser(byID, byLogin map[string]*directory.User) *directory.User {
	return findRef(r, byID, byLogin, func(u *directory.User) string { return u.ID })
}

// FindOrg finds the organization r names, given the directory's
// organizations by id and by code, as FindUser finds a user.
func (r DirRef) FindOrg(byID, byCode map[string]*directory.Organization) *directory.Organization {
	return findRef(r, byID, byCode, func(o *directory.Organization) string { return o.ID })
}

// findRef is FindUser and FindOrg: byKey holds objects by r.Key's kind of
// key, id gives an object's id ("" when read without ids).
func findRef[T any](r DirRef, byID, byKey map[string]*T, id func(*T) string) *T {
	if r.ID != "" {
		if o := byID[r.ID]; o != nil {
			return o
		}
		if o := byKey[r.Key]; o != nil && id(o) == "" {
			return o
		}
		return nil
	}
	return byKey[r.Key]
}

// FieldDiff is one field's old and new value. Values are strings, string
// lists or booleans; nil means "none" (the old value of a created object).
// After a plan is read back from JSON, lists are []any: use String and
// Strings to read values.
type FieldDiff struct {
	Name string
	Old  any
	New  any
}

// Fields are a change's field diffs in the target's order. They marshal
// as a JSON object {"name":{"old":…,"new":…}} keeping that order.
type Fields []FieldDiff

// Get returns the diff of the named field.
func (fs Fields) Get(name string) (FieldDiff, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return FieldDiff{}, false
}

// String returns a string value ("" for nil or a non-string).
func String(v any) string {
	s, _ := v.(string)
	return s
}

// Strings returns a string-list value, whether it is a []string or came
// back from JSON as []any.
func Strings(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Change is one planned change to one target object.
type Change struct {
	Target string `json:"target"`
	Kind   string `json:"kind"` // singular: department, member, enrolment
	Action Action `json:"action"`
	// Key names the object for people: department code, member login.
	Key string `json:"key"`
	// Label is a display name (department name, member name), for reports.
	Label  string   `json:"label,omitempty"`
	Reason string   `json:"reason"`
	Flags  []string `json:"flags"`
	Fields Fields   `json:"fields"`
	// ObjectID is the target's id of the existing object (update, disable,
	// delete); empty for create.
	ObjectID string `json:"object_id,omitempty"`
	// Link, when set, is the directory object to link the object to once
	// the change is applied (created, matched for the first time, or the
	// directory object's key or id changed).
	Link *DirRef `json:"link,omitempty"`
	// Data is target-specific extra input for apply.
	Data json.RawMessage `json:"data,omitempty"`
}

// FlagResetsSync marks a change that discards the object's sync state (a
// calendar id or URL that changes: sync starts over). Such changes count
// toward the safeguards like deletes: a settings mistake (a wrong
// google_domains, say) must not reset the whole company unattended.
const FlagResetsSync = "resets_sync"

// HasFlag reports whether the change carries flag f.
func (c *Change) HasFlag(f string) bool {
	for _, x := range c.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// Issue is a plan error or warning: a stable code and a message that names
// the objects and says what to do.
type Issue struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
	// Params are what the message needs, by name: a surface renders the
	// code's text from them in the admin's language (msg.TextOr).
	Params msg.Params `json:"params,omitempty"`
	// Key is the catalogue key of the text when one code covers several
	// situations (ambiguous_match.org); empty means Code. It is to Issue
	// what msg.Error.Key is to an error.
	Key string `json:"key,omitempty"`
	// Texts are the issue already rendered, by language, for a run's error
	// that is not one text of the catalogue (a list of CSV or configuration
	// problems): the history keeps what the admin read, in both languages.
	Texts map[msg.Lang]string `json:"texts,omitempty"`
}

// ErrorIssue is a run's error as its history records it: its code and
// parameters, and its text in every language.
func ErrorIssue(err error) *Issue {
	i := &Issue{Code: msg.Code(err), Message: err.Error(), Params: msg.ParamsOf(err), Texts: map[msg.Lang]string{}}
	for _, l := range msg.Langs() {
		i.Texts[l] = msg.Localize(l, err)
	}
	return i
}

// NewIssue is an issue with code, the catalogue key of its text (a
// situation of the code, or the code itself) and the parameters the text
// needs. Its Message is the English text, rendered from the catalogue, so
// that the English lives in one place.
func NewIssue(code, key string, params msg.Params) Issue {
	i := Issue{Code: code, Params: params}
	if key != code {
		i.Key = key
	}
	i.Message = msg.Text(msg.En, i.TextKey(), params)
	return i
}

// TextKey is the catalogue key of the issue's text: Key, or Code.
func (i Issue) TextKey() string {
	if i.Key != "" {
		return i.Key
	}
	return i.Code
}

// Source says what directory a plan was computed from.
type Source struct {
	Kind          string    `json:"kind"`
	Domain        string    `json:"domain"`
	Digest        string    `json:"digest"`
	ReadAt        time.Time `json:"read_at"`
	Users         int       `json:"users"`
	Organizations int       `json:"organizations"`
}

// KindInfo describes one kind of object a target manages.
type KindInfo struct {
	Kind    string   `json:"kind"`    // singular, as in Change.Kind
	Plural  string   `json:"plural"`  // the summary key
	Actions []Action `json:"actions"` // every action this kind can have, in report order
	// EmptyText is how the text report shows a field's empty value, by
	// field name (e.g. a department's parent "" is the root department).
	EmptyText map[string]string `json:"empty_text,omitempty"`
}

// TargetInfo is what a plan records about one target: the digest of the
// state (objects and links) it was computed against, how many objects were
// linked (for the delete safeguards), and its kinds.
type TargetInfo struct {
	Name   string     `json:"name"`
	Digest string     `json:"digest"`
	Linked int        `json:"linked"`
	Kinds  []KindInfo `json:"kinds"`
}

// Summary counts changes: target → kind (plural) → action → n.
type Summary map[string]map[string]map[Action]int

// Total is the number of changes counted.
func (s Summary) Total() int {
	n := 0
	for _, kinds := range s {
		for _, acts := range kinds {
			for _, c := range acts {
				n += c
			}
		}
	}
	return n
}

// Plan is the value the planner computes and apply executes.
type Plan struct {
	FormatVersion int       `json:"format_version"`
	CreatedAt     time.Time `json:"created_at"`
	Source        Source    `json:"source"`
	// LinkedDomain is the domain the database was linked to when the plan
	// was made ("" before the first apply).
	LinkedDomain string       `json:"linked_domain"`
	SwitchDomain bool         `json:"switch_domain,omitempty"`
	Targets      []TargetInfo `json:"targets"`
	Summary      Summary      `json:"summary"`
	Changes      []Change     `json:"changes"`
	Errors       []Issue      `json:"errors"`
	Warnings     []Issue      `json:"warnings"`
	// Safeguards lists the safeguards this plan trips (filled by the
	// Runner; a dry run reports them, an apply is blocked by them).
	Safeguards []Issue `json:"safeguards,omitempty"`
}

// HasChanges reports whether applying the plan would change anything:
// a change to an object, or linking the database to another domain.
func (p *Plan) HasChanges() bool { return len(p.Changes) > 0 || p.SwitchesDomain() }

// SwitchesDomain reports whether applying the plan links the database to
// another cybozu.com domain (rule 16, -switch-domain) — a change even when
// every object matches again.
func (p *Plan) SwitchesDomain() bool {
	return p.SwitchDomain && p.LinkedDomain != "" && p.Source.Domain != "" && !strings.EqualFold(p.LinkedDomain, p.Source.Domain)
}

// Target returns the info of the named target.
func (p *Plan) Target(name string) (TargetInfo, bool) {
	for _, t := range p.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return TargetInfo{}, false
}

// ChangesFor returns the changes of one target, in plan order. Plans keep
// a target's changes together, so this is normally a sub-slice of Changes
// (no copy: a plan of a whole directory has hundreds of thousands).
func (p *Plan) ChangesFor(target string) []Change {
	first, last, n := -1, -1, 0
	for i := range p.Changes {
		if p.Changes[i].Target == target {
			if first < 0 {
				first = i
			}
			last = i
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if last-first+1 == n {
		return p.Changes[first : last+1 : last+1]
	}
	out := make([]Change, 0, n)
	for _, c := range p.Changes {
		if c.Target == target {
			out = append(out, c)
		}
	}
	return out
}

// Removals counts target's changes that lose something the target cannot
// get back: deletes and disables, and updates flagged FlagResetsSync (sync
// state discarded). The safeguards count them.
func (p *Plan) Removals(target string) int {
	n := 0
	for _, c := range p.Changes {
		if c.Target == target && (c.Action.Removes() || c.HasFlag(FlagResetsSync)) {
			n++
		}
	}
	return n
}
