package directory

import (
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
)

// Problem codes reported by Validate.
const (
	CodeInvalidDirectory    = "invalid_directory" // the ValidationError's code
	ProblemDuplicateLogin   = "duplicate_login"
	ProblemDuplicateOrgCode = "duplicate_org_code"
	ProblemDuplicateGroup   = "duplicate_group_code"
	ProblemUnknownParent    = "unknown_parent"
	ProblemOrgCycle         = "org_cycle"
	ProblemUnknownOrg       = "unknown_org"
	ProblemUnknownUser      = "unknown_user"
	ProblemEmptyCode        = "empty_code"
	ProblemControlCharacter = "control_character"
)

// Problem is one thing wrong with a snapshot, with where it came from: a
// code, the catalogue key of its text (ProblemKey), the parameters the text
// names, and the English Message rendered from them.
type Problem struct {
	Code     string     `json:"code"`
	Location Location   `json:"location"`
	Message  string     `json:"message"`
	Params   msg.Params `json:"params,omitempty"`
	// Key is the catalogue key when the code covers several situations
	// (empty_code of an organization or of a user); "" means
	// "directory."+Code.
	Key string `json:"key,omitempty"`
}

// TextKey is the catalogue key of the problem's text.
func (p Problem) TextKey() string {
	if p.Key != "" {
		return p.Key
	}
	return "directory." + p.Code
}

func (p Problem) String() string { return p.Localize(msg.En) }

// Localize renders the problem in lang, after its location.
func (p Problem) Localize(lang msg.Lang) string {
	text := msg.TextOr(lang, p.TextKey(), p.Params, p.Message)
	if loc := p.Location.String(); loc != "" {
		return loc + ": " + text
	}
	return text
}

// ValidationError carries every problem Validate found. Its error code for
// the admin is "invalid_directory", its kind invalid.
type ValidationError struct {
	Problems []Problem
}

// ErrorCode is the stable error code.
func (e *ValidationError) ErrorCode() string { return CodeInvalidDirectory }

// ErrorKind: the directory must be fixed in cybozu.com (or the files).
func (e *ValidationError) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams is the number of problems.
func (e *ValidationError) ErrorParams() msg.Params { return msg.Params{"count": len(e.Problems)} }

func (e *ValidationError) Error() string { return e.Localize(msg.En) }

// Localize renders the error in lang: a heading and the first 20
// problems, the rest counted.
func (e *ValidationError) Localize(lang msg.Lang) string {
	const show = 20
	var b strings.Builder
	b.WriteString(msg.Text(lang, CodeInvalidDirectory, e.ErrorParams()))
	for i, p := range e.Problems {
		if i == show {
			b.WriteString("\n  ")
			b.WriteString(msg.Text(lang, "directory.more", msg.Params{"count": len(e.Problems) - show}))
			break
		}
		b.WriteString("\n  ")
		// One problem is one line: a line break or control character in
		// a name it quotes is shown escaped, never forges a line.
		b.WriteString(termtext.Escape(p.Localize(lang)))
	}
	return b.String()
}

// Codes lists every catalogue key Validate's errors render, for the test
// that each has a text in both languages.
func Codes() []string {
	return []string{CodeInvalidDirectory, "directory.more",
		"directory." + ProblemDuplicateLogin, "directory." + ProblemDuplicateOrgCode, "directory." + ProblemDuplicateGroup,
		"directory." + ProblemUnknownParent, "directory." + ProblemOrgCycle, "directory." + ProblemUnknownUser,
		keyUnknownOrgMember, keyUnknownOrgPrimary, keyEmptyOrgCode, keyEmptyLogin,
		keyControlLogin, keyControlOrg, keyControlGroup}
}

// The keys of the codes that cover two situations.
const (
	keyUnknownOrgMember  = "directory.unknown_org.member"
	keyUnknownOrgPrimary = "directory.unknown_org.primary"
	keyEmptyOrgCode      = "directory.empty_code.org"
	keyEmptyLogin        = "directory.empty_code.login"
	keyControlLogin      = "directory.control_character.login"
	keyControlOrg        = "directory.control_character.org"
	keyControlGroup      = "directory.control_character.group"
)

// Validate reports every problem of the snapshot at once: empty or duplicate
// login names and organization codes, parent codes that do not exist, cycles
// in the organization tree, memberships naming unknown organizations, group
// members naming unknown users, and logins and codes holding a control
// character. It returns nil or a *ValidationError. A snapshot with
// problems is never planned from.
//
// A login or code is a key: it is printed in reports, compared, and
// written to the targets. A control character in one (a line break, ESC,
// a bidi override: termtext.Unsafe) is refused, from cybozu.com and CSV
// files alike, as the roster refuses it in codes typed by an admin; the
// problem shows the value escaped.
func (s *Snapshot) Validate() error {
	var ps []Problem
	add := func(code, key string, loc Location, p msg.Params) {
		pr := Problem{Code: code, Location: loc, Params: p}
		if key != "" {
			pr.Key = key
		}
		pr.Message = msg.Text(msg.En, pr.TextKey(), p)
		ps = append(ps, pr)
	}

	orgs := make(map[string]*Organization, len(s.Organizations))
	for i := range s.Organizations {
		o := &s.Organizations[i]
		if o.Code == "" {
			add(ProblemEmptyCode, keyEmptyOrgCode, o.Origin, msg.Params{"name": o.Name})
			continue
		}
		if !termtext.Safe(o.Code, false) {
			add(ProblemControlCharacter, keyControlOrg, o.Origin, msg.Params{"code": termtext.Escape(o.Code)})
		}
		if first, dup := orgs[o.Code]; dup {
			add(ProblemDuplicateOrgCode, "", o.Origin, msg.Params{"code": o.Code, "first": first.Origin.String()})
			continue
		}
		orgs[o.Code] = o
	}
	for i := range s.Organizations {
		o := &s.Organizations[i]
		if o.ParentCode != "" && orgs[o.ParentCode] == nil {
			add(ProblemUnknownParent, "", o.Origin, msg.Params{"code": o.Code, "parent": o.ParentCode})
		}
	}
	// Cycles: walk each organization's ancestry; report each cycle once, at
	// its smallest code, so the report is stable.
	reported := map[string]bool{}
	for i := range s.Organizations {
		o := &s.Organizations[i]
		seen := map[string]bool{}
		code := o.Code
		for code != "" && !seen[code] {
			seen[code] = true
			p := orgs[code]
			if p == nil {
				break
			}
			code = p.ParentCode
		}
		if code == "" || orgs[code] == nil || code != o.Code {
			continue
		}
		// o is on a cycle: collect it.
		cycle := []string{o.Code}
		for c := orgs[o.Code].ParentCode; c != o.Code; c = orgs[c].ParentCode {
			cycle = append(cycle, c)
		}
		min := cycle[0]
		for _, c := range cycle {
			if c < min {
				min = c
			}
		}
		if reported[min] {
			continue
		}
		reported[min] = true
		add(ProblemOrgCycle, "", o.Origin, msg.Params{"cycle": strings.Join(append(cycle, o.Code), " → ")})
	}

	users := make(map[string]*User, len(s.Users))
	for i := range s.Users {
		u := &s.Users[i]
		if u.Login == "" {
			add(ProblemEmptyCode, keyEmptyLogin, u.Origin, msg.Params{"name": u.DisplayName})
			continue
		}
		if !termtext.Safe(u.Login, false) {
			add(ProblemControlCharacter, keyControlLogin, u.Origin, msg.Params{"login": termtext.Escape(u.Login)})
		}
		if first, dup := users[u.Login]; dup {
			add(ProblemDuplicateLogin, "", u.Origin, msg.Params{"login": u.Login, "first": first.Origin.String()})
			continue
		}
		users[u.Login] = u
		for _, m := range u.Memberships {
			if orgs[m.OrgCode] == nil {
				add(ProblemUnknownOrg, keyUnknownOrgMember, u.Origin, msg.Params{"login": u.Login, "org": m.OrgCode})
			}
		}
		if u.PrimaryOrg != "" && orgs[u.PrimaryOrg] == nil {
			add(ProblemUnknownOrg, keyUnknownOrgPrimary, u.Origin, msg.Params{"login": u.Login, "org": u.PrimaryOrg})
		}
	}

	groups := make(map[string]bool, len(s.Groups))
	for i := range s.Groups {
		g := &s.Groups[i]
		if !termtext.Safe(g.Code, false) {
			add(ProblemControlCharacter, keyControlGroup, g.Origin, msg.Params{"code": termtext.Escape(g.Code)})
		}
		if groups[g.Code] {
			add(ProblemDuplicateGroup, "", g.Origin, msg.Params{"code": g.Code})
			continue
		}
		groups[g.Code] = true
		for _, l := range g.Members {
			if users[l] == nil {
				add(ProblemUnknownUser, "", g.Origin, msg.Params{"group": g.Code, "login": l})
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}
