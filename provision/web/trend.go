package web

import (
	"strconv"

	"github.com/cybridge/cybridge/provision/health"
)

// The trend charts are drawn here, as numbers the overview's template puts
// into SVG elements: no JavaScript (the CSP forbids scripts), a viewBox
// that scales to a phone's width, a <title> and <desc> for screen readers
// and a table of the same figures under them.
const (
	chartW    = 300.0
	chartLeft = 4.0
	chartTop  = 14.0 // room for the maximum's label
	chartBase = 80.0 // the baseline; the day labels are under it
)

// trendView is the overview's trend: three charts of one history.
type trendView struct {
	Days   []health.Day
	Charts []chart
	Any    bool // a run in the period
}

// chart is one series drawn as bars (per-day counts) or a line (a level).
type chart struct {
	ID, Title, Desc, Color string
	Max                    int
	Bars                   []bar
	Points                 []bar  // the line's points: X, Y, Label
	Line                   string // the polyline's points
	From, To               string // the first and last day's labels
}

// bar is one day's mark; the coordinates are formatted for the SVG.
type bar struct {
	X, Y, W, H string
	Label      string
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// newTrendView lays out days (oldest first) in l's language.
func newTrendView(l *localizer, days []health.Day) *trendView {
	v := &trendView{Days: days}
	if len(days) == 0 {
		return v
	}
	for _, d := range days {
		v.Any = v.Any || d.Runs > 0
	}
	label := func(d health.Day) string { return d.Date.Format("01/02") }
	from, to := label(days[0]), label(days[len(days)-1])
	slot := (chartW - 2*chartLeft) / float64(len(days))
	height := func(n, top int) float64 {
		if top == 0 {
			return 0
		}
		return float64(n) / float64(top) * (chartBase - chartTop)
	}
	series := func(id, key, color string, value func(health.Day) (int, bool), line bool) chart {
		c := chart{ID: id, Title: l.T(key), Color: color, From: from, To: to}
		for _, d := range days {
			if n, ok := value(d); ok {
				c.Max = max(c.Max, n)
			}
		}
		c.Desc = l.T("trend.desc", "from", from, "to", to, "series", c.Title, "max", c.Max)
		for i, d := range days {
			n, ok := value(d)
			if !ok {
				continue
			}
			x := chartLeft + slot*float64(i)
			h := height(n, c.Max)
			mark := bar{Label: label(d) + ": " + strconv.Itoa(n)}
			if line {
				mark.X, mark.Y = coord(x+slot/2), coord(chartBase-h)
				c.Points = append(c.Points, mark)
				c.Line += mark.X + "," + mark.Y + " "
				continue
			}
			mark.X, mark.Y, mark.W, mark.H = coord(x+slot*0.15), coord(chartBase-h), coord(slot*0.7), coord(h)
			c.Bars = append(c.Bars, mark)
		}
		return c
	}
	v.Charts = []chart{
		series("trend-users", "trend.users", "#2563eb", func(d health.Day) (int, bool) { return d.Users, d.Read }, true),
		series("trend-changes", "trend.changes", "#15803d", func(d health.Day) (int, bool) { return d.Changes, d.Changes > 0 }, false),
		series("trend-failed", "trend.failed", "#b91c1c", func(d health.Day) (int, bool) { return d.Failed, d.Failed > 0 }, false),
	}
	return v
}
