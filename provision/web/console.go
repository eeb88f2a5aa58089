package web

import (
	"encoding/json"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"net/http"
	"strconv"

	"github.com/cybridge/cybridge/provision/schedule"
)

// maxPlanRows caps each plan table on a page; the JSON download has all.
const maxPlanRows = 1000

type overviewData struct {
	Info   schedule.Info
	Last   *provision.Run
	Recent []*provision.Run
	// Safeguards are the reasons the last run was blocked, if it was.
	Safeguards []provision.Issue
	// Certificate is the Secure Access client certificate, when one is
	// configured (its Issue is shown above everything).
	Certificate *Certificate
	// Health is the state at a glance, shown first; Trend the last
	// TrendDays days of the history.
	Health HealthReport
	Trend  *trendView
	// Jobs are the runs going on now (the schedule's too): each links to
	// its page.
	Jobs []Job
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
	rep, err := s.o.Backend.Health(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	days, err := s.o.Backend.Trend(ctx, TrendDays)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := overviewData{Info: in, Recent: runs, Certificate: s.certificate(), Health: rep, Trend: newTrendView(s.localizer(r), days),
		Jobs: s.o.Backend.RunningJobs(ctx)}
	if len(runs) > 0 {
		d.Last = runs[0]
		if d.Last.Status == provision.StatusBlocked {
			// The last run card says why a safeguard stopped it: the
			// reasons are in its plan, which the list leaves out. This is
			// the one place the overview says them (the pause banner
			// says only that the schedule waits).
			if full, err := s.o.Backend.GetRun(ctx, d.Last.ID); err == nil && full.Plan != nil {
				d.Safeguards = full.Plan.Safeguards
			}
		}
	}
	s.render(w, r, http.StatusOK, "overview", sess, d)
}

// runFlash is the message after a run: ok, or the run's error in the
// page's language (its details are on the run's page).
func (s *Server) runFlash(l *localizer, run *provision.Run, ok string) flash {
	if run.Error == nil {
		return flash{Kind: "ok", Text: ok}
	}
	return flash{Kind: "error", Text: l.T("run.done", "run", run.ID, "status", l.Opt("status.", run.Status)) + " " + s.scrub(l.Issue(*run.Error)), Code: run.Error.Code}
}

func (s *Server) resume(w http.ResponseWriter, r *http.Request, sess *session) {
	was, err := s.o.Backend.Resume(r.Context())
	if err != nil {
		s.redirectFlash(w, r, sess, "/", s.flashError(r, err))
		return
	}
	key := "pause.resumed"
	if !was {
		key = "pause.not_paused"
	}
	s.redirectFlash(w, r, sess, "/", flash{Kind: "ok", Text: s.localizer(r).T(key)})
}

func (s *Server) pause(w http.ResponseWriter, r *http.Request, sess *session) {
	// No message: the reason (admin) says it in the reader's language;
	// a message is what an admin types (the API takes one).
	if err := s.o.Backend.Pause(r.Context(), ""); err != nil {
		s.redirectFlash(w, r, sess, "/", s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, "/", flash{Kind: "ok", Text: s.localizer(r).T("pause.paused")})
}

// planView is a plan laid out as the console's tables.
type planView struct {
	Run      *provision.Run
	Plan     *provision.Plan
	Targets  []targetView
	CanApply bool
	Blocked  bool
	Total    int
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
	Kind   provision.KindInfo
	Change *provision.Change
	Field  string
	Old    any
	New    any
}

func (t *table) add(r row) {
	if len(t.Rows) >= maxPlanRows {
		t.More++
		return
	}
	t.Rows = append(t.Rows, r)
}

// newPlanView groups a run's plan into adds, changes and deletes per
// target, in the plan's target order (the targets' report order).
func newPlanView(run *provision.Run) planView {
	v := planView{Run: run, Plan: run.Plan, Blocked: run.Status == provision.StatusBlocked}
	if run.Plan == nil {
		return v
	}
	// A dry run reports the safeguards its plan trips; applying it needs
	// the deletes allowed, as for a blocked run.
	v.Blocked = v.Blocked || len(run.Plan.Safeguards) > 0
	byTarget := map[string]*targetView{}
	var order []string
	for _, t := range run.Plan.Targets {
		byTarget[t.Name] = &targetView{Name: t.Name}
		order = append(order, t.Name)
	}
	for i := range run.Plan.Changes {
		c := &run.Plan.Changes[i]
		tv := byTarget[c.Target]
		if tv == nil {
			tv = &targetView{Name: c.Target}
			byTarget[c.Target] = tv
			order = append(order, c.Target)
		}
		info, _ := run.Plan.Target(c.Target)
		base := row{Kind: kindOf(info, c.Kind), Change: c}
		switch c.Action {
		case provision.Create:
			tv.Adds.add(base)
		case provision.Delete, provision.Disable:
			tv.Deletes.add(base)
			if c.Action == provision.Disable {
				// A disable also changes fields (permitted true → false):
				// show them beside the other changes too.
				for _, f := range c.Fields {
					r := base
					r.Field, r.Old, r.New = f.Name, f.Old, f.New
					tv.Updates.add(r)
				}
			}
		default:
			if len(c.Fields) == 0 {
				tv.Updates.add(base)
			}
			for _, f := range c.Fields {
				r := base
				r.Field, r.Old, r.New = f.Name, f.Old, f.New
				tv.Updates.add(r)
			}
		}
	}
	for _, name := range order {
		if tv := byTarget[name]; len(tv.Adds.Rows)+len(tv.Updates.Rows)+len(tv.Deletes.Rows) > 0 {
			v.Targets = append(v.Targets, *tv)
		}
	}
	v.Total = len(run.Plan.Changes)
	v.CanApply = run.AppliedBy == 0 && len(run.Plan.Errors) == 0 && v.Total > 0 &&
		(run.Status == provision.StatusDryRun || run.Status == provision.StatusBlocked)
	return v
}

// kindOf is the target's info on a kind of object (its plural and empty
// texts), or the kind as its own plural.
func kindOf(t provision.TargetInfo, kind string) provision.KindInfo {
	for _, k := range t.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return provision.KindInfo{Kind: kind, Plural: kind}
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
	return err != nil && msg.KindOf(err) == msg.KindNotFound
}

func (s *Server) applyPlan(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue("run_id"), 10, 64)
	back := runPath(id)
	src, err := s.o.Backend.GetRun(ctx, id)
	if err != nil {
		s.redirectFlash(w, r, sess, "/plan", s.flashError(r, err))
		return
	}
	trigger := provision.TriggerConsole
	if src.Trigger == provision.TriggerCSVUpload {
		trigger = provision.TriggerCSVUpload
	}
	run, err := s.o.Backend.ApplyPlan(ctx, ApplyRequest{RunID: id, Trigger: trigger, AllowDeletes: r.PostFormValue("allow_deletes") == "on"})
	if err != nil {
		s.redirectFlash(w, r, sess, back, s.flashError(r, err))
		return
	}
	l := s.localizer(r)
	s.redirectFlash(w, r, sess, runPath(run.ID), s.runFlash(l, run, l.T("plan.applied", "run", run.ID)))
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
		err = &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "run_no_plan", Params: msg.Params{"run": run.ID}}
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// As plan -out writes it: apply -plan takes it.
	w.Header().Set("Content-Disposition", `attachment; filename="cybridge-plan-`+strconv.FormatInt(run.ID, 10)+`.json"`)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := run.Plan.WriteJSON(w); err != nil {
		s.log.Error("write plan", "run", run.ID, "error", err)
	}
}

// runPath is a run's console page.
func runPath(id int64) string { return "/runs/" + strconv.FormatInt(id, 10) }

// getRun reads the run named by the {id} path segment.
func (s *Server) getRun(r *http.Request) (*provision.Run, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "run_not_found", Params: msg.Params{"run": r.PathValue("id")}}
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
