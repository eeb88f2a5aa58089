package app

import (
	"context"
	"time"

	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
	"github.com/cybridge/cybridge/provision/planindex"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/safety"
)

// Console is the console's and the API's web.Backend: a thin adapter that
// calls App's use cases and converts their results to web's wire types.
// It holds no rules of its own (see the package doc for why it is an
// adapter and not *App itself).
type Console struct {
	app   *App
	sched *schedule.Scheduler
	// Channels, when set, says where a notification channel sends
	// (notify.Notifier.Where), for the list of notifications.
	Channels func(name string) string
	// plans are the plan indexes of the runs looked at last.
	plans *planindex.Cache
}

var _ web.Backend = (*Console)(nil)

// NewConsole adapts a and the scheduler running a.Scheduled().
func NewConsole(a *App, sched *schedule.Scheduler) *Console {
	return &Console{app: a, sched: sched, plans: planindex.NewCache(PlanCacheBytes)}
}

// --- runs ---

// outcome converts the result of a run (see App.RunOutcome).
func (c *Console) outcome(ctx context.Context, res *provision.Result, err error) (*provision.Run, error) {
	// A recorded run is read back whatever became of the request: a sync
	// whose client left (or whose serve is shutting down) after the commit
	// applied, and its answer and log say so, not "canceled".
	ctx = context.WithoutCancel(ctx)
	run, err := c.app.RunOutcome(ctx, res, err)
	if err != nil {
		return nil, err
	}
	return c.withAppliedBy(ctx, run)
}

// withAppliedBy fills in which run applied a recorded run's plan, and
// who made each (from the audit log).
func (c *Console) withAppliedBy(ctx context.Context, r *provision.Run) (*provision.Run, error) {
	var err error
	if r.AppliedBy, err = c.app.PlanAppliedBy(ctx, r.ID); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		id  int64
		out **access.Actor
	}{{r.ID, &r.By}, {r.AppliedBy, &r.AppliedByActor}} {
		if x.id == 0 {
			continue
		}
		a, ok, err := c.app.RunActor(ctx, x.id)
		if err != nil {
			return nil, err
		}
		if ok {
			*x.out = &a
		}
	}
	return r, nil
}

// Targets are the enabled targets with their kinds, in report order.
func (c *Console) Targets() []provision.TargetInfo { return c.app.Targets() }

// ListRuns returns the newest runs without plans.
func (c *Console) ListRuns(ctx context.Context, limit int) ([]*provision.Run, error) {
	return c.app.ListRuns(ctx, limit)
}

// GetRun returns one run with its plan and who applied that plan.
func (c *Console) GetRun(ctx context.Context, id int64) (*provision.Run, error) {
	r, err := c.app.GetRun(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.withAppliedBy(ctx, r)
}

// LatestPlan is the newest dry run or blocked run.
func (c *Console) LatestPlan(ctx context.Context) (*provision.Run, error) {
	r, err := c.app.LatestPlan(ctx)
	if err != nil {
		return nil, err
	}
	return c.withAppliedBy(ctx, r)
}

// RunNow runs from the configured source.
func (c *Console) RunNow(ctx context.Context, req web.RunRequest) (*provision.Run, error) {
	res, err := c.app.Run(ctx, RunRequest{Trigger: req.Trigger, DryRun: req.DryRun, AllowDeletes: req.AllowDeletes})
	return c.outcome(ctx, res, err)
}

// ApplyPlan applies the plan stored with a dry run (or a blocked run).
func (c *Console) ApplyPlan(ctx context.Context, req web.ApplyRequest) (*provision.Run, error) {
	res, err := c.app.ApplyPlan(ctx, ApplyRequest{Trigger: req.Trigger, RunID: req.RunID, AllowDeletes: req.AllowDeletes})
	if res == nil {
		return nil, err
	}
	return c.outcome(ctx, res, err)
}

// PreviewCSV previews an upload and records its dry run.
func (c *Console) PreviewCSV(ctx context.Context, up web.CSVUpload) (web.CSVPreview, error) {
	in := Upload{Dir: up.Dir, Encoding: up.Encoding, Separator: up.Separator, Header: up.Header}
	for _, f := range up.Files {
		in.Files = append(in.Files, UploadFile{Name: f.Name, Path: f.Path})
	}
	pv, err := c.app.PreviewCSV(ctx, in)
	var out web.CSVPreview
	for _, f := range pv.Files {
		out.Files = append(out.Files, web.CSVFilePreview{Name: f.Name, Kind: f.Kind, Encoding: f.Encoding, Rows: f.Rows, Total: f.Total,
			Columns: f.Columns, PasswordsMasked: f.Passwords})
	}
	if err != nil {
		return out, err
	}
	if ce := pv.Problems; ce != nil {
		for _, p := range ce.Problems {
			out.LineErrors = append(out.LineErrors, web.LineError{File: p.File, Line: p.Line, Column: p.Column, Code: ce.ErrorCode(),
				Problem: p.ErrorCode(), Params: p.ErrorParams(), Message: p.Error(), Err: p})
		}
		if ce.More > 0 {
			more := &msg.Error{Kind: msg.KindInvalid, Code: ce.ErrorCode(), Key: "csv.more", Params: msg.Params{"count": ce.More}}
			out.LineErrors = append(out.LineErrors, web.LineError{Code: ce.ErrorCode(), Params: more.Params, Message: more.Error(), Err: more})
		}
		return out, nil
	}
	if pv.Run != nil {
		run, err := c.withAppliedBy(ctx, pv.Run)
		if err != nil {
			return out, err
		}
		out.Run = run
	}
	return out, nil
}

// Metrics reads the run-history figures.
func (c *Console) Metrics(ctx context.Context) (web.Metrics, error) {
	s, err := c.app.Stats(ctx)
	if err != nil {
		return web.Metrics{}, err
	}
	return web.Metrics{RunsByStatus: s.RunsByStatus, LastSuccess: s.LastSuccess, ChangesApplied: s.ChangesApplied,
		SourceReadDuration: s.SourceReadDuration}, nil
}

// --- roster ---

// Roster reads the roster as `roster export -format json` shows it.
func (c *Console) Roster(ctx context.Context) (*safety.Export, error) { return c.app.Roster(ctx) }

// AddDepartment adds a roster-only department.
func (c *Console) AddDepartment(ctx context.Context, d safety.ExportDepartment) error {
	return c.app.EditRoster(ctx, "department "+d.Code, func(r *safety.Roster) error {
		return r.AddDepartment(ctx, safety.DepartmentInput{Code: d.Code, Name: d.Name, Parent: d.Parent})
	})
}

// EditDepartment edits a department.
func (c *Console) EditDepartment(ctx context.Context, code string, e web.DepartmentEdit) error {
	return c.app.EditRoster(ctx, "department "+code, func(r *safety.Roster) error {
		return r.EditDepartment(ctx, safety.DepartmentPatch{Code: code, Name: e.Name, Parent: e.Parent})
	})
}

// AddMember adds a roster-only member.
func (c *Console) AddMember(ctx context.Context, m safety.ExportMember) error {
	return c.app.EditRoster(ctx, "member "+m.Login, func(r *safety.Roster) error {
		return r.AddMember(ctx, safety.MemberInput{Login: m.Login, Name: m.Name, Reading: m.Reading, Email: m.Email, Phone: m.Phone, Departments: m.Departments})
	})
}

// EditMember edits a member.
func (c *Console) EditMember(ctx context.Context, login string, e web.MemberEdit) error {
	return c.app.EditRoster(ctx, "member "+login, func(r *safety.Roster) error {
		return r.EditMember(ctx, safety.MemberPatch{Login: login, Name: e.Name, Reading: e.Reading, Email: e.Email, Phone: e.Phone, Departments: e.Departments})
	})
}

// --- calendar ---

// editor is the enrolment editor, or calendar_disabled.
func (c *Console) editor() (*calendar.Editor, error) { return c.app.Calendar() }

// Enrolments lists every enrolment.
func (c *Console) Enrolments(ctx context.Context) ([]calendar.EnrolmentView, error) {
	ed, err := c.editor()
	if err != nil {
		return nil, err
	}
	ens, err := ed.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]calendar.EnrolmentView, len(ens))
	for i := range ens {
		out[i] = ens[i].View()
	}
	return out, nil
}

// Enrolment returns one enrolment with its history.
func (c *Console) Enrolment(ctx context.Context, login string) (calendar.EnrolmentDetail, error) {
	ed, err := c.editor()
	if err != nil {
		return calendar.EnrolmentDetail{}, err
	}
	en, hist, err := ed.Show(ctx, login)
	if err != nil {
		return calendar.EnrolmentDetail{}, err
	}
	return en.WithHistory(hist), nil
}

// SetTarget is the admin edit of a user's sync target.
func (c *Console) SetTarget(ctx context.Context, login string, t web.TargetEdit) error {
	_, err := c.app.EditEnrolment(ctx, login, "target", func(ed *calendar.Editor) (*calendar.Enrolment, error) {
		switch t.Target {
		case string(calendar.KindGoogle):
			return ed.SetGoogle(ctx, login, calendar.GoogleSettings{CalendarID: t.CalendarID})
		case string(calendar.KindCalDAV):
			return ed.SetCalDAV(ctx, login, calendar.CalDAVSettings{URL: t.URL, AuthID: t.AuthID, Password: t.Password, KeepPassword: !t.Password.IsSet()})
		}
		_, err := calendar.ParseKind(t.Target)
		return nil, err
	})
	return err
}

// edit runs one of the editor's permission edits.
func (c *Console) edit(ctx context.Context, login, action string, op func(*calendar.Editor, context.Context, string) (*calendar.Enrolment, error)) error {
	_, err := c.app.EditEnrolment(ctx, login, action, func(ed *calendar.Editor) (*calendar.Enrolment, error) { return op(ed, ctx, login) })
	return err
}

// Permit permits the user (a pin).
func (c *Console) Permit(ctx context.Context, login string) error {
	return c.edit(ctx, login, "permit", (*calendar.Editor).Permit)
}

// Revoke revokes the user's permission (a pin).
func (c *Console) Revoke(ctx context.Context, login string) error {
	return c.edit(ctx, login, "revoke", (*calendar.Editor).Revoke)
}

// Unpin lets the scope decide again.
func (c *Console) Unpin(ctx context.Context, login string) error {
	return c.edit(ctx, login, "unpin", (*calendar.Editor).Unpin)
}

// CheckCalDAV reports the check's outcome as a result (reachable or not);
// only a check that could not be made (no such login, not CalDAV, no key)
// is an error.
func (c *Console) CheckCalDAV(ctx context.Context, login string) (caldav.Result, error) {
	ed, err := c.editor()
	if err != nil {
		return caldav.Result{}, err
	}
	return ed.Check(ctx, login)
}

// EnrolmentStates are calendar's displayed states, in filter order.
func (c *Console) EnrolmentStates() []string {
	var out []string
	for _, s := range calendar.DisplayStates() {
		out = append(out, string(s))
	}
	return out
}

// RecordError records a sync engine error as the sync engine (actor sync).
func (c *Console) RecordError(ctx context.Context, login, kind string) (calendar.EnrolmentView, error) {
	ed, err := c.editor()
	if err != nil {
		return calendar.EnrolmentView{}, err
	}
	k, err := calendar.ParseSyncError(kind)
	if err != nil {
		return calendar.EnrolmentView{}, err
	}
	sync := *ed
	sync.Actor = calendar.ActorSync
	en, _, err := sync.RecordError(ctx, login, k)
	if err != nil {
		return calendar.EnrolmentView{}, err
	}
	return en.View(), nil
}

// --- schedule ---

// Info reports the schedule and the pause state.
func (c *Console) Info(ctx context.Context) (schedule.Info, error) { return c.sched.Info(ctx) }

// Resume lifts a pause (audited when there was one).
func (c *Console) Resume(ctx context.Context) (was bool, err error) {
	defer func() { c.app.recordPause(ctx, access.ActionResume, was, err) }()
	return c.sched.Resume(ctx)
}

// Pause pauses scheduled runs by hand (audited).
func (c *Console) Pause(ctx context.Context, msg string) (err error) {
	defer func() { c.app.recordPause(ctx, access.ActionPause, true, err) }()
	return c.sched.Pause(ctx, msg)
}

// --- health ---

// Health is the sync's health now, from the scheduler's state (the
// schedule is off when the console runs without one).
func (c *Console) Health(ctx context.Context) (web.HealthReport, error) {
	var in schedule.Info
	if c.sched != nil {
		var err error
		if in, err = c.sched.Info(ctx); err != nil {
			return web.HealthReport{}, err
		}
	}
	h, err := c.app.Health(ctx, in, c.app.store.Now())
	if err != nil {
		return web.HealthReport{}, err
	}
	return web.HealthReport{Health: h.Health, Source: h.Source, Newest: h.Newest, LastSuccess: h.LastSuccess, Members: h.Members, Enrolments: h.Enrolments}, nil
}

// Trend is the run history per day.
func (c *Console) Trend(ctx context.Context, days int) ([]health.Day, error) {
	return c.app.Trend(ctx, c.app.store.Now(), days)
}

// --- jobs ---

// StartRun starts a run in the background (App.Start).
func (c *Console) StartRun(ctx context.Context, req web.RunRequest) (web.Job, error) {
	j, err := c.app.Start(ctx, RunRequest{Trigger: req.Trigger, DryRun: req.DryRun, AllowDeletes: req.AllowDeletes})
	if j.ID == "" {
		return web.Job{}, err
	}
	return c.job(ctx, j), err
}

// Job returns a job with, once it ended, its recorded run.
func (c *Console) Job(ctx context.Context, id string) (web.Job, error) {
	j, ok := c.app.Job(id)
	if !ok {
		return web.Job{}, newError(msg.CodeNotFound, KeyNoJob, msg.Params{"job": id})
	}
	return c.job(ctx, j), nil
}

// CancelJob cancels a running job.
func (c *Console) CancelJob(ctx context.Context, id string) error {
	err := c.app.Cancel(id)
	c.app.Record(ctx, access.ActionCancel, "job "+id, 0, err)
	return err
}

// RunningJobs are the jobs running now.
func (c *Console) RunningJobs(ctx context.Context) []web.Job {
	var out []web.Job
	for _, j := range c.app.RunningJobs() {
		out = append(out, c.job(ctx, j))
	}
	return out
}

// job converts a job; an ended one gets its recorded run (without its
// plan), or the error of a run that was not recorded.
func (c *Console) job(ctx context.Context, j Job) web.Job {
	out := web.Job{ID: j.ID, Trigger: j.Trigger, DryRun: j.DryRun, State: web.JobRunning, Progress: j.Progress,
		Read: web.ReadProgress{Requests: j.Read.Requests, Pending: j.Read.Pending, Organizations: j.Read.Organizations,
			Users: j.Read.Users, Groups: j.Read.Groups, Retries: j.Read.Retries},
		StartedAt: j.StartedAt, EndedAt: j.EndedAt, RunID: j.RunID}
	end := j.EndedAt
	switch {
	case !j.Done && j.CancelAsked:
		out.State = web.JobCanceling
	case j.Canceled():
		out.State = web.JobCanceled
	case j.Done:
		out.State = web.JobEnded
	}
	if !j.Done {
		end = time.Now()
	}
	out.ElapsedSeconds = end.Sub(j.StartedAt).Seconds()
	if !j.Done {
		return out
	}
	if j.RunID != 0 {
		// Read back whatever became of the request (see outcome).
		if run, err := c.app.store.RunHead(context.WithoutCancel(ctx), j.RunID); err == nil {
			if r, err := c.withAppliedBy(ctx, run); err == nil {
				out.Run = r
			}
		}
	}
	if out.Run == nil && j.Err != nil {
		out.Err = j.Err
	}
	return out
}

// --- notifications ---

// Notifications lists notifications, newest first.
func (c *Console) Notifications(ctx context.Context, before int64, limit int) ([]web.Notification, error) {
	ds, err := c.app.Notifications(ctx, before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]web.Notification, len(ds))
	for i, d := range ds {
		n := web.Notification{ID: d.ID, Channel: d.Channel, Kind: string(d.Event.Kind), Code: d.Event.Code, RunID: d.Event.RunID,
			Status: DeliveryState(d), Attempts: d.Attempts, LastError: d.LastError, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
		if c.Channels != nil {
			n.Where = c.Channels(d.Channel)
		}
		if n.Status == web.NotificationRetrying {
			n.NextAt = d.NextAt
		}
		out[i] = n
	}
	return out, nil
}
