package schedule

import (
	"strings"
	"time"
	_ "time/tzdata" // schedule.time_zone works on hosts without a zoneinfo database

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
)

// CheckConfig is every problem of the [schedule] settings beyond their
// tags: the cron spec must parse (robfig/cron decides; explain says what is
// wrong in the admin's words) and the time zone must exist. app.Validate
// reports them at load time with every other configuration problem, so
// that `check` finds them and serve never stops on them one at a time.
// An empty value is left to its tag (required).
func CheckConfig(c config.Schedule) []config.Problem {
	var problems []config.Problem
	if c.Cron != "" {
		if _, err := ParseSpec(c.Cron); err != nil {
			spec := strings.TrimSpace(c.Cron)
			code, params := explain(spec)
			if code == "" {
				code, params = "config.schedule_cron", msg.Params{"value": spec}
			}
			problems = append(problems, config.Problem{Key: "schedule.cron", Code: code, Params: params})
		}
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			problems = append(problems, config.Problem{Key: "schedule.time_zone", Code: "config.schedule_time_zone", Params: msg.Params{"value": c.TimeZone}})
		}
	}
	return problems
}
