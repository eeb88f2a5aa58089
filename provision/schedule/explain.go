package schedule

import (
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
)

// cronField is one field of a cron spec as the admin knows it: the
// catalogue key of its problem (which names the field in the admin's
// words, 分 / minute), its bounds and the names it accepts besides
// numbers. The bounds are robfig/cron's.
type cronField struct {
	key      string
	min, max int
	names    []string
}

var (
	secondField  = cronField{"config.schedule_cron_second", 0, 59, nil}
	minuteField  = cronField{"config.schedule_cron_minute", 0, 59, nil}
	hourField    = cronField{"config.schedule_cron_hour", 0, 23, nil}
	dayField     = cronField{"config.schedule_cron_day", 1, 31, nil}
	monthField   = cronField{"config.schedule_cron_month", 1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}}
	weekdayField = cronField{"config.schedule_cron_weekday", 0, 6, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}}
)

// descriptors are the named schedules robfig/cron accepts; "@every" takes
// an interval.
var descriptors = []string{"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@every"}

// explain says what is wrong with spec (trimmed, not Off) as a catalogue
// key and its parameters, or "" when it finds nothing wrong.
//
// Decision: robfig/cron's own errors are English sentences, so cybridge
// reads the spec itself, field by field, to say which field is wrong in
// the admin's words; robfig/cron stays the judge of what is valid, and a
// spec it rejects for a reason explain does not find gets the general
// text (config.schedule_cron). explain accepts everything robfig/cron
// accepts (TestExplainAcceptsValidSpecs).
func explain(spec string) (string, msg.Params) {
	p := msg.Params{"value": spec}
	rest := spec
	if strings.HasPrefix(rest, "TZ=") || strings.HasPrefix(rest, "CRON_TZ=") {
		tz, after, _ := strings.Cut(rest, " ")
		name := tz[strings.Index(tz, "=")+1:]
		if _, err := time.LoadLocation(name); err != nil {
			return "config.schedule_time_zone", msg.Params{"value": name}
		}
		rest = strings.TrimSpace(after)
	}
	if strings.HasPrefix(rest, "@") {
		return explainDescriptor(rest, p)
	}
	fields := strings.Fields(rest)
	var kinds []cronField
	switch len(fields) {
	case 5:
		kinds = []cronField{minuteField, hourField, dayField, monthField, weekdayField}
	case 6:
		kinds = []cronField{secondField, minuteField, hourField, dayField, monthField, weekdayField}
	default:
		p["found"], p["want"] = len(fields), 5
		return "config.schedule_cron_fields", p
	}
	for i, f := range fields {
		p["position"] = i + 1
		for _, part := range strings.Split(f, ",") {
			if key, q := explainPart(part, kinds[i]); key != "" {
				for k, v := range q {
					p[k] = v
				}
				return key, p
			}
		}
	}
	return "", nil
}

func explainDescriptor(d string, p msg.Params) (string, msg.Params) {
	if interval, ok := strings.CutPrefix(d, "@every "); ok {
		if _, err := time.ParseDuration(interval); err != nil {
			return "config.schedule_cron_every", p
		}
		return "", nil
	}
	for _, known := range descriptors {
		if d == known && known != "@every" {
			return "", nil
		}
	}
	if d == "@every" {
		return "config.schedule_cron_every", p
	}
	p["descriptors"] = descriptors
	return "config.schedule_cron_descriptor", p
}

// explainPart checks one comma-separated part of a field: *, ?, N, N-M,
// each optionally followed by /STEP, as robfig/cron reads it.
func explainPart(part string, f cronField) (string, msg.Params) {
	rng, step, hasStep := strings.Cut(part, "/")
	if hasStep {
		if n, err := strconv.Atoi(step); err != nil || n <= 0 {
			return "config.schedule_cron_step", msg.Params{"part": step}
		}
	}
	if rng == "*" || rng == "?" {
		return "", nil
	}
	ends := strings.Split(rng, "-")
	if len(ends) > 2 {
		return f.key, bounds(f, rng)
	}
	var nums []int
	for _, e := range ends {
		n, ok := f.value(e)
		if !ok {
			return f.key, bounds(f, e)
		}
		nums = append(nums, n)
	}
	if len(nums) == 2 && nums[0] > nums[1] {
		return "config.schedule_cron_range", msg.Params{"part": rng}
	}
	return "", nil
}

// value is s as a value of f: a number within its bounds or one of its
// names (any case).
func (f cronField) value(s string) (int, bool) {
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, true
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < f.min || n > f.max {
		return 0, false
	}
	return n, true
}

func bounds(f cronField, part string) msg.Params {
	return msg.Params{"part": part, "min": f.min, "max": f.max}
}
