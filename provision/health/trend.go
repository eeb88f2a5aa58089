package health

import (
	"math"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// Day is one day of the run history, for the overview's trend chart.
type Day struct {
	Date time.Time `json:"date"` // the day's midnight in the chart's time zone
	// Runs finished this day; a row that folded consecutive no-change runs
	// counts its repeats, spread evenly over the days it spans (the history
	// keeps only its first start and last finish).
	Runs    int `json:"runs"`
	Failed  int `json:"failed"`
	Changes int `json:"changes_applied"`
	// Users are the users read by the day's last run that read the
	// directory; Read says whether any did (0 users is a figure too).
	Users int  `json:"users"`
	Read  bool `json:"read"`
}

// Trend lays runs (oldest first, as sqlite's RunsSince returns them) out
// over the days days that end with now's day, in loc, oldest first. Runs
// outside those days are left out.
func Trend(runs []*provision.Run, now time.Time, days int, loc *time.Location) []Day {
	if loc == nil {
		loc = time.UTC
	}
	if days < 1 {
		return nil
	}
	out := make([]Day, days)
	first := midnight(now.In(loc)).AddDate(0, 0, -(days - 1))
	for i := range out {
		out[i].Date = first.AddDate(0, 0, i)
	}
	// index is the day of t, or -1 outside the chart (days count in the
	// calendar, not in 24 h steps, so that a DST change does not shift them).
	index := func(t time.Time) int {
		d := midnight(t.In(loc))
		for i := range out {
			if out[i].Date.Equal(d) {
				return i
			}
		}
		return -1
	}
	lastRead := make([]time.Time, days)
	read := func(i int, r *provision.Run) {
		if i < 0 || r.Users == 0 && r.Status == provision.StatusFailed || r.FinishedAt.Before(lastRead[i]) {
			return
		}
		out[i].Users, out[i].Read, lastRead[i] = r.Users, true, r.FinishedAt
	}
	for _, r := range runs {
		end := index(r.FinishedAt)
		switch {
		case r.Repeats > 1:
			if end < 0 {
				continue
			}
			// The span in calendar days; a row that began before the chart
			// counts only its share of the days inside.
			span := int(math.Round(midnight(r.FinishedAt.In(loc)).Sub(midnight(r.StartedAt.In(loc))).Hours()/24)) + 1
			for i := max(end-span+1, 0); i <= end; i++ {
				out[i].Runs += r.Repeats / span
				read(i, r)
			}
			out[end].Runs += r.Repeats % span
			continue
		case end < 0:
			continue
		}
		out[end].Runs++
		switch r.Status {
		case provision.StatusFailed:
			out[end].Failed++
		case provision.StatusPartial:
			out[end].Failed++
			out[end].Changes += r.Summary.Total()
		case provision.StatusApplied:
			out[end].Changes += r.Summary.Total()
		}
		read(end, r)
	}
	return out
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
