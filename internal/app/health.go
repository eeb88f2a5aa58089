package app

import (
	"context"
	"time"

	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// Health is the sync's health at a glance with what it was decided from
// and the figures the overview shows.
type Health struct {
	health.Health
	// Source is the configured source; Domain is empty for CSV files.
	Source provision.RunSource
	// Newest and LastSuccess are health.Input's.
	Newest, LastSuccess *provision.Run
	// Members is nil while the roster is disabled, Enrolments while the
	// calendar target is.
	Members    *int
	Enrolments *calendar.Counts
}

// Health decides the health (health.Of) at now from the run history, the
// schedule's state in and the client certificate, in the schedule's time
// zone. Two indexed queries find the runs; the counts are count(*)
// queries, never a read of the roster.
func (a *App) Health(ctx context.Context, in schedule.Info, now time.Time) (Health, error) {
	newest, err := a.store.NewestRun(ctx, provision.StatusApplied, provision.StatusNoChanges, provision.StatusFailed, provision.StatusBlocked, provision.StatusPartial)
	if err != nil {
		return Health{}, err
	}
	success, err := a.store.NewestRun(ctx, provision.StatusApplied, provision.StatusNoChanges)
	if err != nil {
		return Health{}, err
	}
	loc := a.Location()
	hin := health.Input{Now: now, Location: loc, Newest: newest, LastSuccess: success, Schedule: in}
	if sched, err := schedule.ParseSpec(in.Spec); err == nil && sched != nil && in.Enabled {
		hin.Next = func(t time.Time) time.Time { return sched.Next(t.In(loc)) }
	}
	// A certificate that cannot be read is not reported here: every run
	// fails saying why, and the newest failed run says it.
	if c, _ := CertificateState(a.cfg.Cybozu, now); c != nil && c.Code != "" {
		hin.Certificate = &health.Certificate{Expired: c.Code == cybozu.CodeCertificateExpired, Days: max(c.Days, -c.Days), NotAfter: c.NotAfter}
	}
	if t := TokenStateOf(a.cfg, now); t != nil && t.Code != "" {
		hin.Token = &health.Certificate{Expired: t.Code == WarnTokenExpired, Days: max(t.Days, -t.Days), NotAfter: t.Expires}
	}
	h := Health{Health: health.Of(hin), Source: a.Source().Describe(), Newest: newest, LastSuccess: success}
	if h.Source.Kind == SourceCSV {
		h.Source.Domain = ""
	}
	err = a.store.View(ctx, func(q provision.Querier) error {
		if a.cfg.Safety.Enabled {
			n, err := safety.CountMembers(ctx, q)
			if err != nil {
				return err
			}
			h.Members = &n
		}
		if a.cfg.Calendar.Enabled {
			c, err := calendar.Count(ctx, q)
			if err != nil {
				return err
			}
			h.Enrolments = &c
		}
		return nil
	})
	if err != nil {
		return Health{}, err
	}
	return h, nil
}

// Trend is the run history per day over the last days days that end
// with now's, in the schedule's time zone (health.Trend), from one query.
func (a *App) Trend(ctx context.Context, now time.Time, days int) ([]health.Day, error) {
	loc := a.Location()
	runs, err := a.store.RunsSince(ctx, now.In(loc).AddDate(0, 0, -days))
	if err != nil {
		return nil, err
	}
	return health.Trend(runs, now, days, loc), nil
}

// Location is the time zone the surfaces show times in: schedule.time_zone
// (as serve's), UTC when it cannot be loaded (check reports why).
func (a *App) Location() *time.Location {
	loc, err := time.LoadLocation(a.cfg.Schedule.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
