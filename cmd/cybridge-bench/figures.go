package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Figure is one measured (or computed) number with its SPEC §9 target.
type Figure struct {
	// Name is the stable key in the JSON file ("read.requests_ratio").
	Name string `json:"name"`
	// Label is what the table shows.
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	// Runs are the per-run values the median was taken over.
	Runs []float64 `json:"runs,omitempty"`
	// Target is the SPEC §9 target in words; Limit and Max make it
	// checkable (Value ≤ Limit, or Value ≥ Limit when !Max).
	Target string  `json:"target,omitempty"`
	Limit  float64 `json:"limit,omitempty"`
	Max    bool    `json:"-"`
	// Result is PASS, FAIL, or "" for figures without a target.
	Result string `json:"result,omitempty"`
	Note   string `json:"note,omitempty"`
}

// info is a figure without a target.
func info(name, label string, value float64, unit string, runs []float64) Figure {
	return Figure{Name: name, Label: label, Value: value, Unit: unit, Runs: runs}
}

// atMost is a figure that must stay at or under limit.
func atMost(name, label string, value float64, unit string, runs []float64, limit float64, target string) Figure {
	f := Figure{Name: name, Label: label, Value: value, Unit: unit, Runs: runs, Target: target, Limit: limit, Max: true}
	f.Result = "PASS"
	if value > limit {
		f.Result = "FAIL"
	}
	return f
}

// median of xs (the mean of the middle two for an even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Machine describes where the figures came from.
type Machine struct {
	CPUs  int    `json:"cpus"` // what nproc says
	CPU   string `json:"cpu"`  // model name from /proc/cpuinfo
	Go    string `json:"go"`
	OSArc string `json:"os_arch"`
}

// Report is the JSON file's content.
type Report struct {
	Date    time.Time `json:"date"`
	Machine Machine   `json:"machine"`
	Command string    `json:"command"`
	Params  Params    `json:"params"`
	Figures []Figure  `json:"figures"`
	// Missed names the figures whose target was not met.
	Missed []string `json:"missed"`
	// Wall is how long the whole bench took.
	WallSeconds float64 `json:"wall_seconds"`
}

func (r *Report) add(fs ...Figure) {
	for _, f := range fs {
		r.Figures = append(r.Figures, f)
		if f.Result == "FAIL" {
			r.Missed = append(r.Missed, f.Name)
		}
	}
}

// writeTable prints the figures, each with its target and result.
func writeTable(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "cybridge bench  %s\n", r.Date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "machine: %d CPUs (nproc), %s, %s %s\n", r.Machine.CPUs, r.Machine.CPU, r.Machine.Go, r.Machine.OSArc)
	fmt.Fprintf(w, "command: %s\n", r.Command)
	p := r.Params
	if p.Orgs > 0 { // the directory was generated (not for -only scim)
		fmt.Fprintf(w, "data:    %d users, %d organizations (5 levels), %.2f memberships/user, %d groups; simulator %s latency, %d concurrent; client pool %d; median of %d runs\n",
			p.Users, p.Orgs, p.MembershipsPerUser, p.Groups, p.Latency, p.MaxConcurrent, p.Pool, p.Runs)
	}
	if p.runs("scim") {
		fmt.Fprintf(w, "scim:    %d users pushed to scimtest, %s latency; median of %d runs\n", p.SCIMUsers, p.Latency, p.Runs)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue\ttarget (SPEC §9)\tresult\t")
	fmt.Fprintln(tw, "------\t-----\t----------------\t------\t")
	for _, f := range r.Figures {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", f.Label, formatValue(f.Value, f.Unit), f.Target, f.Result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	for _, f := range r.Figures {
		if f.Note != "" {
			notes = append(notes, "  "+f.Label+": "+f.Note)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\nnotes:\n%s\n", strings.Join(notes, "\n"))
	}
	if len(r.Missed) == 0 {
		fmt.Fprintf(w, "\nevery target met (bench took %.0f s)\n", r.WallSeconds)
	} else {
		fmt.Fprintf(w, "\ntargets missed: %s (bench took %.0f s)\n", strings.Join(r.Missed, ", "), r.WallSeconds)
	}
	return nil
}

// formatValue renders a value in its unit: counts with thousands
// separators, seconds and ratios with enough digits to compare.
func formatValue(v float64, unit string) string {
	switch unit {
	case "requests", "rows", "count":
		return thousands(int64(v + 0.5))
	case "s":
		if v < 10 {
			return fmt.Sprintf("%.3f s", v)
		}
		return fmt.Sprintf("%.1f s", v)
	case "x":
		return fmt.Sprintf("%.3f ×", v)
	case "MB":
		return fmt.Sprintf("%.1f MB", v)
	default:
		return fmt.Sprintf("%.3g %s", v, unit)
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// writeMarkdown writes the figures as a Markdown table (for BENCHMARKS.md),
// with the per-run values beside the median.
func writeMarkdown(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "Measured %s on %d CPUs (nproc), %s, %s %s, with `%s`.\n\n",
		r.Date.Format("2006-01-02 15:04 MST"), r.Machine.CPUs, r.Machine.CPU, r.Machine.Go, r.Machine.OSArc, r.Command)
	fmt.Fprintln(w, "| figure | median | runs | target (SPEC §9) | result |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, f := range r.Figures {
		runs := make([]string, len(f.Runs))
		for i, v := range f.Runs {
			runs[i] = formatValue(v, f.Unit)
		}
		result := f.Result
		if result != "" {
			result = "**" + result + "**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", f.Label, formatValue(f.Value, f.Unit), strings.Join(runs, ", "), f.Target, result)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// writeFile writes a report with write to path, creating its directory.
func writeFile(path string, r *Report, write func(io.Writer, *Report) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeJSON writes the report as indented JSON.
func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
