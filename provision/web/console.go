package web

import (
	"encoding/json"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"net/http"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/provision/schedule"
)

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
			if full, err := s.o.Backend.RunHead(ctx, d.Last.ID); err == nil && full.Plan != nil {
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

// planView is one page of a plan's changes laid out as the console's
// tables, with the filter that selected them.
type planView struct {
	Run      *provision.Run
	Plan     *provision.Plan // the plan's head: Changes is nil
	Targets  []targetView    // this page's changes
	CanApply bool
	Blocked  bool
	Total    int // changes in the plan
	Matched  int // changes the filter selects
	Filter   provision.ChangeFilter
	Actions  []provision.Action
	Pager    pager
	// Path is the page the filter form and the pager link to.
	Path string
}

type targetView struct {
	Name    string
	Adds    table
	Updates table
	Deletes table
}

type table struct {
	Rows []row
}

// row is one line of a plan table: a change, or one field of an update.
// N is the change's number among those the filter selects (1-based): a
// disable shows in two tables, an update one row per field.
type row struct {
	N      int
	Kind   provision.KindInfo
	Change *provision.Change
	Field  string
	Old    any
	New    any
}

func (t *table) add(r row) { t.Rows = append(t.Rows, r) }

// planActions are the actions the plan filter offers, in report order.
var planActions = []provision.Action{provision.Create, provision.Update, provision.Disable, provision.Delete}

// changeFilter is the plan filter the request gives (target, kind,
// action, q).
func changeFilter(r *http.Request) provision.ChangeFilter {
	q := r.URL.Query()
	return provision.ChangeFilter{Target: q.Get("target"), Kind: q.Get("kind"), Action: provision.Action(q.Get("action")), Text: strings.TrimSpace(q.Get("q"))}
}

// newPlanView lays out one page of run's plan (run.Plan is its head):
// the page's changes grouped into adds, changes and deletes per target,
// in the plan's target order (the targets' report order).
func newPlanView(run *provision.Run, f provision.ChangeFilter, pg ChangePage, p pager) planView {
	v := planView{Run: run, Plan: run.Plan, Blocked: run.Status == provision.StatusBlocked, Filter: f, Actions: planActions, Pager: p, Path: p.path}
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
	for i := range pg.Changes {
		c := &pg.Changes[i]
		tv := byTarget[c.Target]
		if tv == nil {
			tv = &targetView{Name: c.Target}
			byTarget[c.Target] = tv
			order = append(order, c.Target)
		}
		info, _ := run.Plan.Target(c.Target)
		base := row{N: p.From + i + 1, Kind: kindOf(info, c.Kind), Change: c}
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
	v.Total, v.Matched = pg.Total, pg.Matched
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

// planPageView reads the page of run's plan the request asks for (run
// has the plan's head) and lays it out.
func (s *Server) planPageView(r *http.Request, run *provision.Run) (*planView, error) {
	f := changeFilter(r)
	if run.Plan == nil {
		v := newPlanView(run, f, ChangePage{}, paginate(0, PageSize, r.URL))
		return &v, nil
	}
	var pg ChangePage
	p, err := pageOf(r, PageSize, func(offset int) (int, error) {
		var err error
		pg, err = s.o.Backend.PlanChanges(r.Context(), run.ID, f, offset, PageSize)
		return pg.Matched, err
	})
	if err != nil {
		return nil, err
	}
	v := newPlanView(run, f, pg, p)
	return &v, nil
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, sess *session) {
	run, err := s.o.Backend.LatestPlanHead(r.Context())
	if isNotFound(err) {
		s.render(w, r, http.StatusOK, "plan", sess, (*planView)(nil))
		return
	}
	var v *planView
	if err == nil {
		v, err = s.planPageView(r, run)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan", sess, v)
}

func isNotFound(err error) bool {
	return err != nil && msg.KindOf(err) == msg.KindNotFound
}

func (s *Server) applyPlan(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue("run_id"), 10, 64)
	back := runPath(id)
	src, err := s.o.Backend.RunHead(ctx, id)
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
	id, err := runID(r)
	var run *provision.Run
	if err == nil {
		run, err = s.o.Backend.RunHead(r.Context(), id)
	}
	var v *planView
	if err == nil {
		v, err = s.planPageView(r, run)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "run", sess, v)
}

// runPlanJSON downloads a run's whole plan, as `cybridge plan -out` writes
// it.
func (s *Server) runPlanJSON(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := runID(r)
	var run *provision.Run
	if err == nil {
		run, err = s.o.Backend.RunHead(r.Context(), id)
	}
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
	if err := s.o.Backend.WritePlanJSON(r.Context(), run.ID, w); err != nil {
		s.log.Error("write plan", "run", run.ID, "error", err)
	}
}

// runPath is a run's console page.
func runPath(id int64) string { return "/runs/" + strconv.FormatInt(id, 10) }

// getRun reads the run named by the {id} path segment.
func (s *Server) getRun(r *http.Request) (*provision.Run, error) {
	id, err := runID(r)
	if err != nil {
		return nil, err
	}
	return s.o.Backend.GetRun(r.Context(), id)
}

// runID is the run id the {id} path segment names.
func runID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "run_not_found", Params: msg.Params{"run": r.PathValue("id")}}
	}
	return id, nil
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
