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
// tags: the scope must parse (its problem is the syntax error's own key
// and parameters), and the CalDAV URL template must use known
// placeholders and make a usable URL. app.Validate reports them with every
// other configuration problem at load time; NewPolicy refuses the same.
// (default_target is checked by its tag, oneof=google caldav.)
func CheckConfig(c config.Calendar) []config.Problem {
	var problems []config.Problem
	if _, err := scope.Parse(c.Scope); err != nil {
		// The syntax error's own text, place included (scope.*.at or
		// .at_line), so that it reads the same in a problem list as alone.
		p := config.Problem{Key: "calendar.scope", Code: "config.invalid", Params: msg.Params{"value": c.Scope}}
		var se *scope.SyntaxError
		if errors.As(err, &se) {
			p.Code, p.Params = se.TextKey(), se.ErrorParams()
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
