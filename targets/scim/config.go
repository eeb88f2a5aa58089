package scim

import (
	"errors"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar/scope"
)

// Defaults of the [[scim]] settings left out.
const (
	UserNameLogin     = "login"
	UserNameEmail     = "email"
	LeaversDeactivate = "deactivate"
	LeaversDelete     = "delete"
	GroupsGroups      = "groups"
	GroupsOrgs        = "organizations"
)

// nameRE is an instance name: it becomes part of the target's name and of
// its token's environment variable.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// customCodeRE is a cybozu.com custom item code.
var customCodeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// CheckConfig is every problem of the [[scim]] instances beyond their
// tags: names (unique, lower-case letters, digits, - and _), the URL
// (https, or http on loopback; no user or password in it), the token, the
// user_filter (the calendar scope's syntax and its own error), and the
// attribute mapping. app.Validate reports them with every other problem.
func CheckConfig(list []config.SCIM) []config.Problem {
	var ps []config.Problem
	seen := map[string]bool{}
	for i, c := range list {
		key := func(k string) string { return "scim[" + strconv.Itoa(i) + "]." + k }
		problem := func(k, code string, p msg.Params) {
			ps = append(ps, config.Problem{Key: key(k), Code: code, Params: p, File: true})
		}
		switch {
		case c.Name == "":
			// the tag reported it
		case !nameRE.MatchString(c.Name):
			problem("name", "config.scim_name", msg.Params{"value": c.Name})
		case seen[c.Name]:
			problem("name", "config.scim_name_taken", msg.Params{"value": c.Name})
		}
		seen[c.Name] = true
		if c.URL != "" {
			if err := checkURL(c.URL); err != "" {
				problem("url", err, msg.Params{"url": c.URL})
			}
		}
		if !c.Token.IsSet() && c.Name != "" {
			problem("token_file", "config.scim_token_required", msg.Params{"env": config.SCIMTokenEnv(c.Name)})
		}
		if _, err := scope.Parse(c.UserFilter); err != nil {
			p := config.Problem{Key: key("user_filter"), Code: "config.invalid", Params: msg.Params{"value": c.UserFilter}, File: true}
			var se *scope.SyntaxError
			if errors.As(err, &se) {
				p.Code, p.Params = se.TextKey(), se.ErrorParams()
			}
			ps = append(ps, p)
		}
		targets := map[string]string{}
		for _, code := range slices.Sorted(maps.Keys(c.Attributes)) {
			to := c.Attributes[code]
			switch {
			case !customCodeRE.MatchString(code):
				problem("attributes."+code, "config.scim_attribute_code", msg.Params{"code": code})
			case !slices.Contains(CustomTargets(), to):
				problem("attributes."+code, "config.scim_attribute_target", msg.Params{"value": to, "allowed": CustomTargets()})
			case targets[to] != "":
				problem("attributes."+code, "config.scim_attribute_twice", msg.Params{"value": to, "other": targets[to]})
			default:
				targets[to] = code
			}
		}
	}
	return ps
}

// checkURL is the catalogue code of what is wrong with a SCIM base URL,
// "" when nothing is.
func checkURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return "config.scim_url"
	case u.User != nil:
		return "config.scim_url_userinfo"
	case u.RawQuery != "" || u.Fragment != "":
		return "config.scim_url"
	case u.Scheme == "http" && config.IsLoopback(u.Hostname()):
		return ""
	case u.Scheme != "https":
		return "config.scim_url_https"
	}
	return ""
}

// Settings are one instance's settings as the planner reads them, with
// the defaults filled in.
type Settings struct {
	// Instance is the [[scim]] name; the target is "scim.<Instance>".
	Instance string
	UserName string // UserNameLogin or UserNameEmail
	Filter   *scope.Scope
	// Groups and Organizations provision cybozu.com groups and
	// organizations as SCIM groups.
	Groups, Organizations bool
	Leavers               string // LeaversDeactivate or LeaversDelete
	// Custom maps SCIM attribute names to custom item codes.
	Custom map[string]string
}

// SettingsOf checks c (CheckConfig) and returns its settings.
func SettingsOf(c config.SCIM) (Settings, error) {
	ps := CheckConfig([]config.SCIM{c})
	for _, p := range ps {
		if !strings.HasSuffix(p.Key, ".token_file") { // a target is built also to show a plan without a token
			return Settings{}, config.NewError(nil, ps)
		}
	}
	s := Settings{Instance: c.Name, UserName: c.UserName, Leavers: c.Leavers, Custom: map[string]string{}}
	s.Filter, _ = scope.Parse(c.UserFilter)
	if s.UserName == "" {
		s.UserName = UserNameLogin
	}
	if s.Leavers == "" {
		s.Leavers = LeaversDeactivate
	}
	s.Groups = slices.Contains(c.Groups, GroupsGroups)
	s.Organizations = slices.Contains(c.Groups, GroupsOrgs)
	for code, to := range c.Attributes {
		s.Custom[to] = code
	}
	return s, nil
}
