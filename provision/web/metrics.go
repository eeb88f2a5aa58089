package web

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// metrics writes the Prometheus text exposition format (version 0.0.4) by
// hand: a handful of gauges does not need a client library.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, err := s.o.Backend.Metrics(ctx)
	if err != nil {
		s.log.Error("metrics", "error", err)
		http.Error(w, "metrics unavailable; see the server log", http.StatusInternalServerError)
		return
	}
	in, err := s.o.Backend.Info(ctx)
	if err != nil {
		s.log.Error("metrics", "error", err)
		http.Error(w, "metrics unavailable; see the server log", http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	gauge := func(name, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
	}
	gauge("cybridge_runs", "Runs in run history (kept history.days), by status.")
	// Every status is listed, zero or not (a folded no-change row counts once).
	var statuses []string
	for _, st := range []provision.Status{provision.StatusApplied, provision.StatusBlocked, provision.StatusDryRun, provision.StatusFailed, provision.StatusNoChanges, provision.StatusPartial} {
		statuses = append(statuses, string(st))
	}
	for st := range m.RunsByStatus {
		if !slices.Contains(statuses, st) {
			statuses = append(statuses, st)
		}
	}
	sort.Strings(statuses)
	for _, st := range statuses {
		fmt.Fprintf(&b, "cybridge_runs{status=%q} %d\n", st, m.RunsByStatus[st])
	}
	gauge("cybridge_last_success_timestamp_seconds", "When the last successful run (applied or no changes) finished, as a Unix time; 0 if none.")
	fmt.Fprintf(&b, "cybridge_last_success_timestamp_seconds %d\n", unix(m.LastSuccess))
	gauge("cybridge_changes_applied", "Changes applied by the runs in run history.")
	fmt.Fprintf(&b, "cybridge_changes_applied %d\n", m.ChangesApplied)
	gauge("cybridge_source_read_duration_seconds", "How long the last run took to read the directory.")
	fmt.Fprintf(&b, "cybridge_source_read_duration_seconds %g\n", m.SourceReadDuration.Seconds())
	gauge("cybridge_paused", "1 when scheduled runs are paused.")
	fmt.Fprintf(&b, "cybridge_paused %d\n", boolInt(in.Pause.Paused))
	gauge("cybridge_schedule_next_run_timestamp_seconds", "When the next scheduled run is due, as a Unix time; 0 if the schedule is off.")
	fmt.Fprintf(&b, "cybridge_schedule_next_run_timestamp_seconds %d\n", unix(in.Next))
	fmt.Fprintf(&b, "# HELP cybridge_schedule_skipped_total Scheduled triggers skipped because the previous run was still going.\n# TYPE cybridge_schedule_skipped_total counter\ncybridge_schedule_skipped_total %d\n", in.Skipped)
	certificateMetrics(&b, s.certificate())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
