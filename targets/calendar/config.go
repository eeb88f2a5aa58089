package calendar

import (
	"errors"
	"regexp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/calendar/scope"
)

// CheckConfig is every problem of the [calendar] settings beyond their
// tags: the scope must parse, and the CalDAV URL template must use known
// placeholders and make a usable URL. app.Validate reports them with every
// other configuration problem at load time; NewPolicy refuses the same.
// (default_target is checked by its tag, oneof=google caldav.)
func CheckConfig(c config.Calendar) []config.Problem {
	var problems []config.Problem
	if _, err := scope.Parse(c.Scope); err != nil {
		p := config.Problem{Key: "calendar.scope", Code: "config.calendar_scope_syntax", Params: msg.Params{"detail": err.Error()}}
		var se *scope.SyntaxError
		if errors.As(err, &se) {
			p.Params = msg.Params{"column": se.Column, "detail": se.Msg}
			if se.Line > 0 {
				p.Code, p.Params["line"], p.Params["column"] = "config.calendar_scope_syntax_line", se.Line, se.LineColumn
			}
		}
		problems = append(problems, p)
	}
	if t := c.CalDAVURLTemplate; t != "" {
		problems = append(problems, templateProblems(t)...)
	}
	return problems
}

// placeholderRE finds the placeholders of a URL template.
var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

func templateProblems(t string) []config.Problem {
	const key = "calendar.caldav_url_template"
	for _, p := range placeholderRE.FindAllString(t, -1) {
		switch p {
		case caldav.PlaceholderLogin, caldav.PlaceholderEmail, caldav.PlaceholderEmailLocal:
		default:
			return []config.Problem{{Key: key, Code: "config.calendar_template_placeholder", Params: msg.Params{"placeholder": p}}}
		}
	}
	if err := caldav.CheckTemplate(t); err != nil {
		detail := err.Error()
		var ue *caldav.URLError
		if errors.As(err, &ue) {
			detail = ue.Msg
		}
		return []config.Problem{{Key: key, Code: "config.calendar_template_url", Params: msg.Params{"detail": detail}}}
	}
	return nil
}
