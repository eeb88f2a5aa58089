package app

import (
	"errors"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/scim"
)

// Use is what a command is about to do with the configuration: some
// settings are needed only for some uses, so that CSV-only and roster-only
// use need no cybozu.com settings and only serve needs the admin password.
type Use struct {
	API   bool // reads the directory from the cybozu.com User API
	Serve bool // runs the console and the schedule: needs admin_password
}

// Validate is every problem of cfg that its components find, for use, as
// one *config.Error (nil when there is none): the cybozu.com credentials
// (directory/cybozu), the calendar scope and URL template
// (targets/calendar), the schedule's cron and time zone
// (provision/schedule), the notification channels and console.base_url
// (notify), and the console's settings (provision/web): the admin
// password's presence and strength when serving, the API token's
// strength, trusted proxies and allowed hosts.
// config.Decode has checked each key's type and tags; LoadConfig joins
// both.
func Validate(cfg *config.Config, use Use) error {
	return config.NewError(cfg, problems(cfg, use))
}

func problems(cfg *config.Config, use Use) []config.Problem {
	ps := cybozu.CheckConfig(cfg.Cybozu, use.API)
	ps = append(ps, calendar.CheckConfig(cfg.Calendar)...)
	ps = append(ps, schedule.CheckConfig(cfg.Schedule)...)
	ps = append(ps, notify.CheckConfig(cfg.Notify, cfg.Console.BaseURL)...)
	ps = append(ps, scim.CheckConfig(cfg.SCIM)...)
	return append(ps, web.CheckConfig(cfg.Console, cfg.AdminPassword, use.Serve)...)
}

// LoadConfig reads the configuration from path (config.Decode: the file,
// optional unless required, then the environment through lookup), names
// every CYBRIDGE_* variable of environ that is no key (a mistyped name
// would otherwise leave a setting silently not made), and runs every
// component's checks for use: every problem at once, as one
// *config.Error.
func LoadConfig(path string, required bool, lookup func(string) (string, bool), environ []string, use Use) (*config.Config, error) {
	unknown := config.UnknownEnv(environ)
	cfg, ps, err := config.Decode(path, required, lookup)
	if err != nil {
		// The file cannot be read or is not TOML: nothing more to check
		// but the environment's names.
		var ce *config.Error
		if errors.As(err, &ce) {
			ce.Problems = append(ce.Problems, unknown...)
		}
		return nil, err
	}
	ps = append(ps, unknown...)
	ps = append(ps, problems(cfg, use)...)
	if err := config.NewError(cfg, ps); err != nil {
		return nil, err
	}
	return cfg, nil
}
