package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// benchConfig is the configuration the bench plans with: the defaults
// (both targets on, safety roster keyed by login with suspended users
// imported, calendar enrolments for every active user), plus an initial
// password (a plan that creates members needs one) and the generated
// domain's email domain as a Google Workspace domain, so that every
// enrolment gets a defaulted calendar id.
func benchConfig() config.Config {
	c := config.Default()
	c.Safety.InitialPassword = "bench-initial-password"
	c.Calendar.GoogleDomains = []string{"example.co.jp"}
	return c
}

// newRunner opens a database at path with both targets, as `cybridge
// apply` does.
func newRunner(ctx context.Context, path string) (*provision.Runner, *sqlite.Store, error) {
	c := benchConfig()
	cal, err := calendar.New(c.Calendar)
	if err != nil {
		return nil, nil, err
	}
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	r := &provision.Runner{
		Store:   store,
		Targets: []provision.Target{safety.FromConfig(&c), cal},
		Safeguards: provision.Safeguards{
			MaxDeletes: c.Safeguards.MaxDeletes, MaxDeletePercent: c.Safeguards.MaxDeletePercent, MinSourceRatio: c.Safeguards.MinSourceRatio,
		},
		HistoryDays: c.History.Days,
	}
	return r, store, nil
}

// timedPlan loads the state and plans snap, timing the two apart.
func timedPlan(ctx context.Context, r *provision.Runner, store *sqlite.Store, snap *directory.Snapshot) (plan *provision.Plan, load, planning time.Duration, err error) {
	start := time.Now()
	req, err := r.PlanRequest(ctx, snap, false)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("load state: %w", err)
	}
	load = time.Since(start)
	start = time.Now()
	plan = provision.MakePlan(req)
	planning = time.Since(start)
	if len(plan.Errors) > 0 {
		return nil, 0, 0, &provision.PlanError{Issues: plan.Errors}
	}
	return plan, load, planning, nil
}

// applyRun is one run's plan and apply measurements.
type applyRun struct {
	FirstLoad, FirstPlan time.Duration // empty database
	Apply                time.Duration // first apply of the plan
	ApplyCPU             time.Duration // its CPU time (user + system, all threads)
	Changes              int           // changes in the first plan
	Rows                 int64         // rows the first apply wrote
	RerunLoad, RerunPlan time.Duration // the directory again, nothing changed
	Rerun                time.Duration // the whole no-change run (Runner.Run, read excluded)
	RerunRows            int64         // rows the no-change run wrote
	RerunStatus          provision.Status
	FirstStatus          provision.Status
	Members, Enrolments  int
	Departments          int
}

// measureApply plans snap against a fresh database, applies the plan
// (Runner.Run with the stored plan: lease, freshness check, one
// transaction, run record), then plans again and runs once more with the
// same directory, which must write nothing. Rows written are SQLite's
// total_changes() of the store's writer connection.
func measureApply(ctx context.Context, snap *directory.Snapshot, path string) (applyRun, error) {
	var m applyRun
	r, store, err := newRunner(ctx, path)
	if err != nil {
		return m, err
	}
	defer store.Close()

	plan, load, planning, err := timedPlan(ctx, r, store, snap)
	if err != nil {
		return m, err
	}
	m.FirstLoad, m.FirstPlan, m.Changes = load, planning, len(plan.Changes)

	before, err := store.Changes(ctx)
	if err != nil {
		return m, err
	}
	start, cpu := time.Now(), processCPU()
	res, err := r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Plan: plan})
	m.Apply, m.ApplyCPU = time.Since(start), processCPU()-cpu
	if err != nil {
		return m, fmt.Errorf("first apply: %w", err)
	}
	m.FirstStatus = res.Status
	after, err := store.Changes(ctx)
	if err != nil {
		return m, err
	}
	m.Rows = after - before

	if _, m.RerunLoad, m.RerunPlan, err = timedPlan(ctx, r, store, snap); err != nil {
		return m, err
	}
	before = after
	start = time.Now()
	res, err = r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }})
	m.Rerun = time.Since(start)
	if err != nil {
		return m, fmt.Errorf("no-change run: %w", err)
	}
	m.RerunStatus = res.Status
	if after, err = store.Changes(ctx); err != nil {
		return m, err
	}
	m.RerunRows = after - before
	for _, c := range plan.Changes {
		switch c.Kind {
		case safety.KindMember:
			m.Members++
		case safety.KindDepartment:
			m.Departments++
		case calendar.KindEnrolment:
			m.Enrolments++
		}
	}
	return m, nil
}

// planApplyResult is what the memory child reports of its plan + apply.
type planApplyResult struct {
	Plan, Apply time.Duration
	Applied     bool
	// PlanHWMKB is the peak resident set size after planning, before
	// applying.
	PlanHWMKB int64
}

// planApply plans snap against a fresh database at path and applies it in
// one Runner.Run (load, plan, safeguards, apply), as `cybridge apply` does.
func planApply(ctx context.Context, snap *directory.Snapshot, path string) (planApplyResult, error) {
	r, store, err := newRunner(ctx, path)
	if err != nil {
		return planApplyResult{}, err
	}
	defer store.Close()
	start := time.Now()
	plan, err := r.Plan(ctx, snap, false)
	if err != nil {
		return planApplyResult{}, err
	}
	planned := time.Since(start)
	hwm, err := vmHWM()
	if err != nil {
		return planApplyResult{}, err
	}
	start = time.Now()
	res, err := r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Plan: plan})
	if err != nil {
		return planApplyResult{}, fmt.Errorf("apply: %w", err)
	}
	return planApplyResult{Plan: planned, Apply: time.Since(start), Applied: res.Status == provision.StatusApplied, PlanHWMKB: hwm}, nil
}

// benchApply measures plan, first apply and the no-change re-run, each run
// in a fresh database.
func benchApply(ctx context.Context, p Params, full *directory.Snapshot, logf func(string, ...any)) ([]Figure, error) {
	dir, err := os.MkdirTemp("", "cybridge-bench-db-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// The generated snapshot is what the API reader returns for it, the
	// built-in Administrator left out as `cybridge apply` leaves it out.
	snap := full
	var firstPlan, rerunPlan, firstLoad, rerunLoad, apply, applyCPU, rows, rerun, rerunRows []float64
	var last applyRun
	for i := range p.Runs {
		m, err := measureApply(ctx, snap, filepath.Join(dir, fmt.Sprintf("run%d.db", i)))
		if err != nil {
			return nil, err
		}
		if m.FirstStatus != provision.StatusApplied || m.RerunStatus != provision.StatusNoChanges {
			return nil, fmt.Errorf("apply: first run %s, second %s; want applied, no_changes", m.FirstStatus, m.RerunStatus)
		}
		logf("apply run %d: plan %.2f s (load %.2f s), %d changes applied in %.2f s writing %d rows; no-change plan %.2f s (load %.2f s), run %.2f s writing %d rows",
			i+1, m.FirstPlan.Seconds(), m.FirstLoad.Seconds(), m.Changes, m.Apply.Seconds(), m.Rows, m.RerunPlan.Seconds(), m.RerunLoad.Seconds(), m.Rerun.Seconds(), m.RerunRows)
		firstPlan, rerunPlan = append(firstPlan, m.FirstPlan.Seconds()), append(rerunPlan, m.RerunPlan.Seconds())
		firstLoad, rerunLoad = append(firstLoad, m.FirstLoad.Seconds()), append(rerunLoad, m.RerunLoad.Seconds())
		apply, rows = append(apply, m.Apply.Seconds()), append(rows, float64(m.Rows))
		applyCPU = append(applyCPU, m.ApplyCPU.Seconds())
		rerun, rerunRows = append(rerun, m.Rerun.Seconds()), append(rerunRows, float64(m.RerunRows))
		last = m
	}
	n := thousands(int64(p.Users))
	figs := []Figure{
		atMost("plan.first_s", "plan "+n+" users, empty database", median(firstPlan), "s", firstPlan, targetPlan, "< 2 s"),
		atMost("plan.rerun_s", "plan "+n+" users, all linked, no change", median(rerunPlan), "s", rerunPlan, targetPlan, "< 2 s"),
		info("plan.rerun_load_s", "load roster + enrolments + links before that plan", median(rerunLoad), "s", rerunLoad),
		atMost("apply.first_s", "first apply into SQLite", median(apply), "s", apply, targetFirstApply, "< 15 s"),
		info("apply.first_cpu_s", "first apply: CPU time (user + system, all threads)", median(applyCPU), "s", applyCPU),
		info("apply.first_rows", "first apply: rows written", median(rows), "rows", rows),
		info("apply.rerun_s", "no-change run (load + plan, read excluded)", median(rerun), "s", rerun),
		atMost("apply.rerun_rows", "no-change run: rows written (its history row only)", median(rerunRows), "rows", rerunRows, 1, "1"),
	}
	figs[0].Note = fmt.Sprintf("MakePlan only (the pure planner, both targets); loading the empty state took %.3f s", median(firstLoad))
	figs[3].Note = fmt.Sprintf("%s changes: %s departments, %s members, %s enrolments; Runner.Run with the stored plan (lease, freshness check, one transaction, run record with the plan)",
		thousands(int64(last.Changes)), thousands(int64(last.Departments)), thousands(int64(last.Members)), thousands(int64(last.Enrolments)))
	return figs, nil
}
