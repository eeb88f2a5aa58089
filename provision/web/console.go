package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"github.com/cybridge/cybridge/provision/schedule"
)

// maxPlanRows caps each plan table on a page; the JSON download has all.
const maxPlanRows = 1000

type overviewData struct {
	Info   schedule.Info
	Last   *Run
	Recent []Run
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	in, err := s.o.Backend.Info(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	runs, err := s.o.Backend.ListRuns(ctx, 5)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := overviewData{Info: in, Recent: runs}
	if len(runs) > 0 {
		d.Last = &runs[0]
	}
	s.render(w, r, http.StatusOK, "overview", sess, d)
}

// runNow is "dry run now" / "sync now".
func (s *Server) runNow(w http.ResponseWriter, r *http.Request, sess *session) {
	dry := r.PostFormValue("mode") != "sync"
	run, err := s.o.Backend.RunNow(r.Context(), RunRequest{Trigger: TriggerConsole, DryRun: dry})
	if err != nil {
		s.redirectFlash(w, r, sess, "/", s.flashError(err))
		return
	}
	l := s.localizer(r)
	if run.ID == 0 {
		s.redirectFlash(w, r, sess, "/", flash{Kind: "ok", Text: l.T("run.no_changes")})
		return
	}
	f := flash{Kind: "ok", Text: l.T("run.done", run.ID, l.Opt("status.", run.Status))}
	if run.Error != nil {
		f = flash{Kind: "error", Text: l.T("run.done", run.ID, l.Opt("status.", run.Status)) + " — " + s.scrub(run.Error.Message), Code: run.Error.Code}
	}
	s.redirectFlash(w, r, sess, runPath(run.ID), f)
}

func (s *Server) resume(w http.ResponseWriter, r *http.Request, sess *session) {
	was, err := s.o.Backend.Resume(r.Context())
	if err != nil {
		s.redirectFlash(w, r, sess, "/", s.flashError(err))
		return
	}
	key := "pause.resumed"
	if !was {
		key = "pause.not_paused"
	}
	s.redirectFlash(w, r, sess, "/", flash{Kind: "ok", Text: s.localizer(r).T(key)})
}

func (s *Server) pause(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := s.o.Backend.Pause(r.Context(), s.localizer(r).T("pause.by_console")); err != nil {
		s.redirectFlash(w, r, sess, "/", s.flashError(err))
		return
	}
	s.redirectFlash(w, r, sess, "/", flash{Kind: "ok", Text: s.localizer(r).T("pause.paused")})
}

// planView is a plan laid out as the console's tables.
type planView struct {
	Run       Run
	Plan      *Plan
	Targets   []targetView
	CanApply  bool
	Blocked   bool
	AppliedBy int64
	Total     int
}

type targetView struct {
	Name    string
	Adds    table
	Updates table
	Deletes table
}

type table struct {
	Rows []row
	More int
}

// row is one line of a plan table: a change, or one field of an update.
type row struct {
	Kind, Key, Label, Action, Reason string
	Flags                            []string
	Field                            string
	Old, New                         any
	Fields                           []fieldRow // adds: the new values
}

type fieldRow struct {
	Name string
	New  any
}

func (t *table) add(r row) {
	if len(t.Rows) >= maxPlanRows {
		t.More++
		return
	}
	t.Rows = append(t.Rows, r)
}

func sortedFields(m map[string]FieldDiff) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// newPlanView groups a run's plan into adds, changes and deletes per
// target (safety first, then calendar, then any other).
func newPlanView(run Run) planView {
	v := planView{Run: run, Plan: run.Plan, AppliedBy: run.AppliedBy, Blocked: run.Status == schedule.StatusBlocked}
	if run.Plan == nil {
		return v
	}
	// A dry run reports the safeguards its plan trips; applying it needs
	// the deletes allowed, as for a blocked run.
	v.Blocked = v.Blocked || len(run.Plan.Safeguards) > 0
	byTarget := map[string]*targetView{}
	for _, c := range run.Plan.Changes {
		tv := byTarget[c.Target]
		if tv == nil {
			tv = &targetView{Name: c.Target}
			byTarget[c.Target] = tv
		}
		base := row{Kind: c.Kind, Key: c.Key, Label: c.Label, Action: c.Action, Reason: c.Reason, Flags: c.Flags}
		switch c.Action {
		case "create":
			for _, f := range sortedFields(c.Fields) {
				base.Fields = append(base.Fields, fieldRow{Name: f, New: c.Fields[f].New})
			}
			tv.Adds.add(base)
		case "delete", "disable":
			tv.Deletes.add(base)
			if c.Action == "disable" {
				// A disable also changes fields (permitted true → false):
				// show them beside the other changes too.
				for _, f := range sortedFields(c.Fields) {
					r := base
					r.Field, r.Old, r.New = f, c.Fields[f].Old, c.Fields[f].New
					tv.Updates.add(r)
				}
			}
		default:
			if len(c.Fields) == 0 {
				tv.Updates.add(base)
			}
			for _, f := range sortedFields(c.Fields) {
				r := base
				r.Field, r.Old, r.New = f, c.Fields[f].Old, c.Fields[f].New
				tv.Updates.add(r)
			}
		}
	}
	order := func(name string) int {
		switch name {
		case "safety":
			return 0
		case "calendar":
			return 1
		}
		return 2
	}
	for _, tv := range byTarget {
		v.Targets = append(v.Targets, *tv)
	}
	slices.SortFunc(v.Targets, func(a, b targetView) int {
		return cmp.Or(cmp.Compare(order(a.Name), order(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	v.Total = len(run.Plan.Changes)
	v.CanApply = run.AppliedBy == 0 && len(run.Plan.Errors) == 0 && v.Total > 0 &&
		(run.Status == schedule.StatusDryRun || run.Status == schedule.StatusBlocked)
	return v
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, sess *session) {
	run, err := s.o.Backend.LatestPlan(r.Context())
	if isNotFound(err) {
		s.render(w, r, http.StatusOK, "plan", sess, (*planView)(nil))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := newPlanView(run)
	s.render(w, r, http.StatusOK, "plan", sess, &v)
}

func isNotFound(err error) bool {
	return err != nil && errorCode(err) == "not_found"
}

func (s *Server) applyPlan(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue("run_id"), 10, 64)
	back := runPath(id)
	src, err := s.o.Backend.GetRun(ctx, id)
	if err != nil {
		s.redirectFlash(w, r, sess, "/plan", s.flashError(err))
		return
	}
	trigger := TriggerConsole
	if src.Trigger == TriggerCSVUpload {
		trigger = TriggerCSVUpload
	}
	run, err := s.o.Backend.ApplyPlan(ctx, ApplyRequest{RunID: id, Trigger: trigger, AllowDeletes: r.PostFormValue("allow_deletes") == "on"})
	if err != nil {
		s.redirectFlash(w, r, sess, back, s.flashError(err))
		return
	}
	l := s.localizer(r)
	f := flash{Kind: "ok", Text: l.T("plan.applied", run.ID)}
	if run.Error != nil {
		f = flash{Kind: "error", Text: l.T("run.done", run.ID, l.Opt("status.", run.Status)) + " — " + s.scrub(run.Error.Message), Code: run.Error.Code}
	}
	s.redirectFlash(w, r, sess, runPath(run.ID), f)
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request, sess *session) {
	runs, err := s.o.Backend.ListRuns(r.Context(), PageSize)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "runs", sess, runs)
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request, sess *session) {
	run, err := s.getRun(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := newPlanView(run)
	s.render(w, r, http.StatusOK, "run", sess, &v)
}

// runPlanJSON downloads a run's whole plan, as `cybridge plan -out` writes
// it.
func (s *Server) runPlanJSON(w http.ResponseWriter, r *http.Request, sess *session) {
	run, err := s.getRun(r)
	if err == nil && run.Plan == nil {
		err = &Error{Code: "not_found", Msg: "this run has no plan"}
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="cybridge-plan-`+strconv.FormatInt(run.ID, 10)+`.json"`)
	if len(run.Plan.Stored) == 0 {
		writeJSON(w, http.StatusOK, run.Plan)
		return
	}
	// As plan -out wrote it, byte for byte: apply -plan takes it.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(run.Plan.Stored)
}

// runPath is a run's console page.
func runPath(id int64) string { return "/runs/" + strconv.FormatInt(id, 10) }

// getRun reads the run named by the {id} path segment.
func (s *Server) getRun(r *http.Request) (Run, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return Run{}, &Error{Code: "not_found", Msg: fmt.Sprintf("there is no run %q; run ids are numbers (see the runs list)", r.PathValue("id"))}
	}
	return s.o.Backend.GetRun(r.Context(), id)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// scrub removes configured secrets from text shown.
func (s *Server) scrub(msg string) string { return s.o.Redactor.Redact(msg) }
