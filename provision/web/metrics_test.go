package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelPair  = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"$`)
)

// exposition is a parsed Prometheus text exposition (format 0.0.4).
type exposition struct {
	types   map[string]string  // family → counter, gauge, …
	samples map[string]float64 // name{labels} → value
}

// parseExposition parses and checks the Prometheus text format strictly:
// HELP and TYPE at most once per family and before its samples, a
// family's samples together, valid names, labels and values, no series
// twice, a final newline.
func parseExposition(body string) (*exposition, error) {
	if !strings.HasSuffix(body, "\n") {
		return nil, fmt.Errorf("does not end with a newline")
	}
	ex := &exposition{types: map[string]string{}, samples: map[string]float64{}}
	helps := map[string]bool{}
	done := map[string]bool{} // families whose samples are over
	current := ""
	for i, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		n := i + 1
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 3 || (f[1] != "HELP" && f[1] != "TYPE") {
				continue // a plain comment
			}
			name := f[2]
			if !metricName.MatchString(name) {
				return nil, fmt.Errorf("line %d: bad metric name %q", n, name)
			}
			if _, seen := ex.types[name]; seen && f[1] == "TYPE" || helps[name] && f[1] == "HELP" {
				return nil, fmt.Errorf("line %d: second %s for %s", n, f[1], name)
			}
			if done[name] || current == name {
				return nil, fmt.Errorf("line %d: %s for %s after its samples", n, f[1], name)
			}
			if len(f) < 4 || strings.TrimSpace(f[3]) == "" {
				return nil, fmt.Errorf("line %d: empty %s for %s", n, f[1], name)
			}
			if f[1] == "HELP" {
				helps[name] = true
				continue
			}
			switch f[3] {
			case "counter", "gauge", "histogram", "summary", "untyped":
				ex.types[name] = f[3]
			default:
				return nil, fmt.Errorf("line %d: unknown type %q", n, f[3])
			}
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("line %d: no value: %q", n, line)
		}
		name, labels := series, ""
		if j := strings.IndexByte(series, '{'); j >= 0 {
			if !strings.HasSuffix(series, "}") {
				return nil, fmt.Errorf("line %d: unclosed labels: %q", n, line)
			}
			name, labels = series[:j], series[j+1:len(series)-1]
		}
		if !metricName.MatchString(name) {
			return nil, fmt.Errorf("line %d: bad metric name %q", n, name)
		}
		if labels != "" {
			for _, p := range strings.Split(labels, ",") {
				if !labelPair.MatchString(p) {
					return nil, fmt.Errorf("line %d: bad label %q", n, p)
				}
			}
		}
		if f := strings.Fields(value); len(f) == 0 || len(f) > 2 {
			return nil, fmt.Errorf("line %d: bad value %q", n, value)
		} else if v, err := strconv.ParseFloat(f[0], 64); err != nil {
			return nil, fmt.Errorf("line %d: value %q is not a number", n, f[0])
		} else {
			if _, dup := ex.samples[series]; dup {
				return nil, fmt.Errorf("line %d: series %s twice", n, series)
			}
			ex.samples[series] = v
		}
		if name != current {
			if done[name] {
				return nil, fmt.Errorf("line %d: samples of %s are not together", n, name)
			}
			if current != "" {
				done[current] = true
			}
			current = name
		}
	}
	return ex, nil
}

// TestMetricsExposition: /metrics is valid Prometheus text format, every
// family has HELP and TYPE, names follow the conventions (cybridge_
// prefix, counters end in _total, timestamps and durations in seconds),
// and the values follow the backend.
func TestMetricsExposition(t *testing.T) {
	e := newTestEnv(t)
	e.api("POST", "/api/v1/runs", nil)
	e.api("POST", "/api/v1/pause", nil)
	st, _, body := e.get("/metrics")
	if st != 200 {
		t.Fatalf("/metrics = %d", st)
	}
	ex, err := parseExposition(body)
	if err != nil {
		t.Fatalf("/metrics is not valid Prometheus text format: %v\n%s", err, body)
	}
	for series := range ex.samples {
		name, _, _ := strings.Cut(series, "{")
		typ, ok := ex.types[name]
		switch {
		case !ok:
			t.Errorf("%s has no TYPE", name)
		case !strings.HasPrefix(name, "cybridge_"):
			t.Errorf("%s lacks the cybridge_ prefix", name)
		case typ == "counter" && !strings.HasSuffix(name, "_total"):
			t.Errorf("counter %s does not end in _total", name)
		case typ != "counter" && strings.HasSuffix(name, "_total"):
			t.Errorf("%s ends in _total but is a %s", name, typ)
		case strings.Contains(name, "timestamp") || strings.Contains(name, "duration"):
			if !strings.HasSuffix(name, "_seconds") {
				t.Errorf("%s is a time but not in _seconds", name)
			}
		}
	}
	for series, want := range map[string]float64{
		`cybridge_runs{status="applied"}`: 1,
		`cybridge_runs{status="failed"}`:  0,
		"cybridge_paused":                 1,
		"cybridge_changes_applied":        4,
		"cybridge_schedule_skipped_total": 0,
	} {
		if got, ok := ex.samples[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
}

// TestParseExpositionRejects: the checker above can fail.
func TestParseExpositionRejects(t *testing.T) {
	for _, body := range []string{
		"a 1",
		"# TYPE a gauge\na 1\n# TYPE a gauge\n",
		"# TYPE a gauge\na 1\nb 2\na 3\n",
		"a{x=\"1\"} 1\na{x=\"1\"} 2\n",
		"a{x=1} 1\n",
		"a one\n",
		"1a 1\n",
		"a 1\n# HELP a late\n",
		"# TYPE a meter\na 1\n",
	} {
		if _, err := parseExposition(body); err == nil {
			t.Errorf("accepted %q", body)
		}
	}
	if _, err := parseExposition("# HELP a x\n# TYPE a gauge\na{b=\"q\\\"\"} 1 1700000000\n"); err != nil {
		t.Errorf("rejected a valid exposition: %v", err)
	}
}
