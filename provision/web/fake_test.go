package web

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/planindex"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/safety"
)

// fakeBackend is an in-memory Backend for the console and API tests. The
// browser tests in cmd/cybridge run the real stack.
type fakeBackend struct {
	mu         sync.Mutex
	now        time.Time
	runs       []*provision.Run // newest last
	roster     safety.Export
	enrolments map[string]*calendar.EnrolmentDetail
	sched      *schedule.MemoryStore
	secret     string // a value that must never be shown
	block      bool   // the next sync is blocked by a safeguard
	calls      []string
	jobs       map[string]*Job
	// hold, when set, keeps every started job running until it is closed.
	hold       chan struct{}
	deliveries []Notification // newest last
	// uploaded are the files PreviewCSV saw: path, its mode and its
	// folder's.
	uploaded []string
}

// codedErr is a backend error of the fake: the kind by the code, as the
// real backend's errors carry theirs.
type codedErr struct{ code, msg string }

func (e *codedErr) Error() string     { return e.msg }
func (e *codedErr) ErrorCode() string { return e.code }
func (e *codedErr) ErrorKind() msg.Kind {
	switch e.code {
	case "not_found":
		return msg.KindNotFound
	case "stale_plan", "department_exists", "run_in_progress":
		return msg.KindConflict
	}
	return msg.KindInvalid
}

func newFakeBackend() *fakeBackend {
	f := &fakeBackend{
		now:    time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC),
		sched:  &schedule.MemoryStore{},
		secret: "caldav-pass-S3CRET",
		roster: safety.Export{
			Departments: []safety.ExportDepartment{
				{Code: "sales", Name: "営業部", Origin: "directory"},
				{Code: "sales-1", Name: "営業1課", Parent: "sales", Origin: "directory"},
				{Code: "drill", Name: "防災訓練班", Origin: "local"},
			},
			Members: []safety.ExportMember{
				{Login: "sato", Name: "佐藤 一郎", Email: "sato@example.com", Departments: []string{"sales-1"}, Origin: "directory"},
				{Login: "suzuki", Name: "鈴木 花子", Email: "suzuki@example.com", Departments: []string{"sales", "drill"}, Origin: "directory"},
			},
		},
		enrolments: map[string]*calendar.EnrolmentDetail{},
	}
	for _, e := range []calendar.EnrolmentView{
		{Login: "sato", Email: "sato@example.com", Name: "佐藤 一郎", Permitted: true, State: "syncing", Target: "google", CalendarID: "sato@example.com", AuthStatus: "authenticated"},
		{Login: "suzuki", Email: "suzuki@example.com", Name: "鈴木 花子", Permitted: true, State: "syncing", Target: "caldav", CalDAVURL: "https://dav.example.com/suzuki/", AuthStatus: "none"},
		{Login: "tanaka", Email: "tanaka@example.com", Name: "田中 次郎", Permitted: false, State: "disabled", Target: "google", CalendarID: "tanaka@example.com", AuthStatus: "none"},
	} {
		e.UserSwitch, e.CalDAVAuthID, e.CalDAVPasswordSet = "sync", e.Login, e.Target == "caldav"
		f.enrolments[e.Login] = &calendar.EnrolmentDetail{EnrolmentView: e}
	}
	return f
}

func (f *fakeBackend) call(s string) {
	f.calls = append(f.calls, s)
}

// targets are the fake's targets, as safety and calendar describe
// themselves.
var fakeTargets = []provision.TargetInfo{
	{Name: "safety", Kinds: []provision.KindInfo{
		{Kind: "department", Plural: "departments", Actions: []provision.Action{provision.Create, provision.Update, provision.Delete}},
		{Kind: "member", Plural: "members", Actions: []provision.Action{provision.Create, provision.Update, provision.Delete}},
	}},
	{Name: "calendar", Kinds: []provision.KindInfo{
		{Kind: "enrolment", Plural: "enrolments", Actions: []provision.Action{provision.Create, provision.Update, provision.Disable, provision.Delete}},
	}},
}

func (f *fakeBackend) Targets() []provision.TargetInfo { return fakeTargets }

func (f *fakeBackend) EnrolmentStates() []string { return []string{"syncing", "stopped", "disabled"} }

func (f *fakeBackend) plan() *provision.Plan {
	return &provision.Plan{
		FormatVersion: 1,
		Source:        provision.Source{Kind: "api", Domain: "demo.cybozu.com"},
		CreatedAt:     f.now,
		Targets:       fakeTargets,
		Summary:       provision.Summary{"safety": {"members": {"create": 1, "update": 1, "delete": 1}}, "calendar": {"enrolments": {"disable": 1}}},
		Changes: []provision.Change{
			{Target: "safety", Kind: "member", Action: "create", Key: "kato", Fields: provision.Fields{{Name: "departments", New: []any{"sales"}}, {Name: "name", New: "加藤 三郎"}}},
			{Target: "safety", Kind: "member", Action: "update", Key: "sato", Reason: "link", Fields: provision.Fields{{Name: "email", Old: "sato@example.com", New: "ichiro.sato@example.com"}}},
			{Target: "safety", Kind: "member", Action: "delete", Key: "ito", Reason: "link"},
			{Target: "calendar", Kind: "enrolment", Action: "disable", Key: "tanaka", Fields: provision.Fields{{Name: "permitted", Old: true, New: false}}},
		},
		Errors:   []provision.Issue{},
		Warnings: []provision.Issue{{Code: "local_child_moved", Message: "department drill moves up"}},
	}
}

func (f *fakeBackend) addRun(r *provision.Run) *provision.Run {
	f.now = f.now.Add(time.Minute)
	r.ID = int64(len(f.runs) + 1)
	r.StartedAt, r.FinishedAt = f.now, f.now.Add(2*time.Second)
	r.Source = provision.RunSource{Kind: "api", Domain: "demo.cybozu.com"}
	f.runs = append(f.runs, r)
	c := *r
	return &c
}

func (f *fakeBackend) ListRuns(_ context.Context, limit int) ([]*provision.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*provision.Run
	for i := len(f.runs) - 1; i >= 0 && len(out) < limit; i-- {
		r := *f.runs[i]
		r.Plan, r.AppliedBy = nil, 0
		out = append(out, &r)
	}
	return out, nil
}

func (f *fakeBackend) findRun(id int64) (int, error) {
	for i, r := range f.runs {
		if r.ID == id {
			return i, nil
		}
	}
	return 0, &codedErr{"not_found", fmt.Sprintf("no run %d; list the runs to find its id", id)}
}

func (f *fakeBackend) GetRun(_ context.Context, id int64) (*provision.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findRun(id)
	if err != nil {
		return nil, err
	}
	r := *f.runs[i]
	return &r, nil
}

func (f *fakeBackend) LatestPlan(context.Context) (*provision.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.runs) - 1; i >= 0; i-- {
		if r := *f.runs[i]; r.Plan != nil && (r.Status == provision.StatusDryRun || r.Status == provision.StatusBlocked) {
			return &r, nil
		}
	}
	return nil, &codedErr{"not_found", "no plan yet: run a dry run"}
}

// head is r with its plan's head only, as RunHead returns it.
func head(r *provision.Run, err error) (*provision.Run, error) {
	if err != nil || r.Plan == nil {
		return r, err
	}
	h := *r.Plan
	h.Changes = nil
	r.Plan = &h
	return r, nil
}

func (f *fakeBackend) RunHead(ctx context.Context, id int64) (*provision.Run, error) {
	return head(f.GetRun(ctx, id))
}

func (f *fakeBackend) LatestPlanHead(ctx context.Context) (*provision.Run, error) {
	return head(f.LatestPlan(ctx))
}

// PlanChanges pages the run's plan with the index the real backend uses.
func (f *fakeBackend) PlanChanges(ctx context.Context, id int64, flt provision.ChangeFilter, offset, limit int) (ChangePage, error) {
	r, err := f.GetRun(ctx, id)
	if err != nil {
		return ChangePage{}, err
	}
	x, err := planindex.FromPlan(r.Plan)
	if err != nil {
		return ChangePage{}, err
	}
	cs, n, err := x.Page(flt, offset, limit)
	return ChangePage{Changes: cs, Matched: n, Total: x.Len()}, err
}

// EnrolmentPage pages the fake's enrolments as the console's filter did.
func (f *fakeBackend) EnrolmentPage(ctx context.Context, q EnrolmentQuery) (EnrolmentPage, error) {
	es, err := f.Enrolments(ctx)
	if err != nil {
		return EnrolmentPage{}, err
	}
	p := EnrolmentPage{All: len(es), Counts: map[string]int{}}
	for _, e := range es {
		p.Counts[e.State]++
	}
	list := filterEnrolments(es, q.State, q.Text)
	p.Matched = len(list)
	p.Enrolments = list[min(q.Offset, len(list)):min(q.Offset+q.Limit, len(list))]
	return p, nil
}

// RosterPage pages the fake's roster as the store does.
func (f *fakeBackend) RosterPage(ctx context.Context, q safety.PageQuery) (*safety.Page, error) {
	v, err := f.Roster(ctx)
	if err != nil {
		return nil, err
	}
	p := &safety.Page{Departments: v.Departments, Counts: map[string]int{}, All: len(v.Members)}
	var ms []safety.ExportMember
	for _, m := range v.Members {
		if len(m.Departments) == 0 {
			p.NoDept++
		}
		for _, d := range m.Departments {
			p.Counts[d]++
		}
		if q.NoDept && len(m.Departments) > 0 || !q.NoDept && q.Dept != "" && !slices.Contains(m.Departments, q.Dept) ||
			!strings.Contains(strings.ToLower(m.Login+"\x00"+m.Name+"\x00"+m.Email+"\x00"+m.Reading), strings.ToLower(strings.TrimSpace(q.Text))) {
			continue
		}
		ms = append(ms, m)
	}
	p.Matched = len(ms)
	p.Members = ms[min(q.Offset, len(ms)):min(q.Offset+q.Limit, len(ms))]
	return p, nil
}

func (f *fakeBackend) WritePlanJSON(ctx context.Context, id int64, w io.Writer) error {
	r, err := f.GetRun(ctx, id)
	if err != nil {
		return err
	}
	return r.Plan.WriteJSON(w)
}

func (f *fakeBackend) RunNow(_ context.Context, req RunRequest) (*provision.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("run " + string(req.Trigger))
	p := f.plan()
	r := &provision.Run{Trigger: req.Trigger, Summary: p.Summary, Plan: p, Status: provision.StatusApplied}
	switch {
	case req.DryRun:
		r.Status = provision.StatusDryRun
	case f.block:
		f.block = false
		p.Safeguards = []provision.Issue{{Code: "max_deletes", Message: "3 deletes exceed max_deletes = 2", Params: msg.Params{"target": "safety", "count": 3, "limit": 2}}}
		r.Status, r.Error = provision.StatusBlocked, &provision.Issue{Code: "blocked", Message: "a safeguard blocked this run"}
	}
	return f.addRun(r), nil
}

// StartRun runs RunNow as a job: at once, or once hold is closed.
func (f *fakeBackend) StartRun(ctx context.Context, req RunRequest) (Job, error) {
	f.mu.Lock()
	for _, j := range f.jobs {
		if j.State == JobRunning {
			f.mu.Unlock()
			return *j, &codedErr{"run_in_progress", "a run is already in progress"}
		}
	}
	if f.jobs == nil {
		f.jobs = map[string]*Job{}
	}
	j := &Job{ID: fmt.Sprintf("job%d", len(f.jobs)+1), Trigger: req.Trigger, DryRun: req.DryRun, State: JobRunning, StartedAt: f.now,
		Progress: provision.Progress{Stage: provision.StageReading}, Read: ReadProgress{Users: 41, Requests: 3, Pending: 2}}
	f.jobs[j.ID] = j
	snap, hold := *j, f.hold
	f.mu.Unlock()
	finish := func() {
		f.mu.Lock()
		canceled := j.State == JobCanceling
		f.mu.Unlock()
		if canceled {
			f.mu.Lock()
			j.State, j.Err = JobCanceled, &codedErr{"canceled", "the run was canceled"}
			f.mu.Unlock()
			return
		}
		run, err := f.RunNow(ctx, req)
		f.mu.Lock()
		defer f.mu.Unlock()
		j.State, j.Err, j.EndedAt = JobEnded, err, f.now.Add(time.Second)
		if run != nil {
			j.Run, j.RunID = run, run.ID
		}
	}
	if hold == nil {
		finish()
		f.mu.Lock()
		snap = *j
		f.mu.Unlock()
	} else {
		go func() { <-hold; finish() }()
	}
	return snap, nil
}

func (f *fakeBackend) Job(_ context.Context, id string) (Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[id]
	if !ok {
		return Job{}, &codedErr{"not_found", "no such job"}
	}
	return *j, nil
}

func (f *fakeBackend) CancelJob(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("cancel " + id)
	j, ok := f.jobs[id]
	if !ok {
		return &codedErr{"not_found", "no such job"}
	}
	if j.State == JobRunning {
		j.State = JobCanceling
	}
	return nil
}

func (f *fakeBackend) RunningJobs(context.Context) []Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Job
	for _, j := range f.jobs {
		if j.State == JobRunning || j.State == JobCanceling {
			out = append(out, *j)
		}
	}
	return out
}

func (f *fakeBackend) Notifications(_ context.Context, before int64, limit int) ([]Notification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Notification
	for i := len(f.deliveries) - 1; i >= 0 && len(out) < limit; i-- {
		if before == 0 || f.deliveries[i].ID < before {
			out = append(out, f.deliveries[i])
		}
	}
	return out, nil
}

func (f *fakeBackend) ApplyPlan(_ context.Context, req ApplyRequest) (*provision.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	allow := ""
	if req.AllowDeletes {
		allow = " allow"
	}
	f.call(fmt.Sprintf("apply %d %s%s", req.RunID, req.Trigger, allow))
	i, err := f.findRun(req.RunID)
	if err != nil {
		return nil, err
	}
	if f.runs[i].AppliedBy != 0 {
		return nil, &codedErr{"stale_plan", "the plan is stale: the targets changed since it was made; run a dry run again"}
	}
	r := f.addRun(&provision.Run{Trigger: req.Trigger, Status: provision.StatusApplied, Summary: f.runs[i].Summary, Plan: f.runs[i].Plan})
	f.runs[i].AppliedBy = r.ID
	return r, nil
}

func (f *fakeBackend) PreviewCSV(_ context.Context, up CSVUpload) (CSVPreview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	header := "auto"
	if up.Header != nil {
		header = fmt.Sprint(*up.Header)
	}
	f.call(fmt.Sprintf("csv %d %s %s %s", len(up.Files), up.Encoding, up.Separator, header))
	var pv CSVPreview
	for _, file := range up.Files {
		data, err := os.ReadFile(file.Path)
		if err != nil {
			return pv, err
		}
		fi, err := os.Stat(file.Path)
		di, derr := os.Stat(up.Dir)
		if err != nil || derr != nil || filepath.Dir(file.Path) != up.Dir {
			return pv, fmt.Errorf("upload %s not in %s: %v %v", file.Path, up.Dir, err, derr)
		}
		f.uploaded = append(f.uploaded, fmt.Sprintf("%s %v %v", file.Path, fi.Mode().Perm(), di.Mode().Perm()))
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		fp := CSVFilePreview{Name: file.Name, Kind: "users", Encoding: "utf-8", Total: len(lines),
			PasswordsMasked: strings.Contains(lines[0], "password")}
		for i, l := range lines {
			if i < 5 {
				fp.Rows = append(fp.Rows, strings.Split(l, ","))
			}
			if strings.Contains(l, "BAD") {
				pv.LineErrors = append(pv.LineErrors, LineError{File: file.Name, Line: i + 1, Column: 2, Code: "csv_field", Message: "column 2: not a valid value"})
			}
		}
		pv.Files = append(pv.Files, fp)
	}
	if len(pv.LineErrors) == 0 {
		p := f.plan()
		pv.Run = f.addRun(&provision.Run{Trigger: provision.TriggerCSVUpload, Status: provision.StatusDryRun, Summary: p.Summary, Plan: p})
	}
	return pv, nil
}

func (f *fakeBackend) Metrics(context.Context) (Metrics, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := Metrics{RunsByStatus: map[string]int{}, SourceReadDuration: 1500 * time.Millisecond}
	for _, r := range f.runs {
		m.RunsByStatus[string(r.Status)]++
		if r.Status == "applied" {
			m.LastSuccess = r.FinishedAt
			m.ChangesApplied += r.Summary.Total()
		}
	}
	return m, nil
}

func (f *fakeBackend) Roster(context.Context) (*safety.Export, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := &safety.Export{Departments: slices.Clone(f.roster.Departments), Members: slices.Clone(f.roster.Members)}
	return v, nil
}

func (f *fakeBackend) AddDepartment(_ context.Context, d safety.ExportDepartment) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.roster.Departments {
		if x.Code == d.Code {
			return &codedErr{"department_exists", "department " + d.Code + " exists; choose another code"}
		}
	}
	f.roster.Departments = append(f.roster.Departments, d)
	return nil
}

func (f *fakeBackend) EditDepartment(_ context.Context, code string, e DepartmentEdit) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.roster.Departments {
		if x.Code == code {
			if e.Name != nil {
				f.roster.Departments[i].Name = *e.Name
			}
			if e.Parent != nil {
				f.roster.Departments[i].Parent = *e.Parent
			}
			return nil
		}
	}
	return &codedErr{"not_found", "no department " + code}
}

func (f *fakeBackend) AddMember(_ context.Context, m safety.ExportMember) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.roster.Members = append(f.roster.Members, m)
	sort.Slice(f.roster.Members, func(i, j int) bool { return f.roster.Members[i].Login < f.roster.Members[j].Login })
	return nil
}

func (f *fakeBackend) EditMember(_ context.Context, login string, e MemberEdit) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.roster.Members {
		if x.Login == login {
			m := &f.roster.Members[i]
			if e.Name != nil {
				m.Name = *e.Name
			}
			if e.Email != nil {
				m.Email = *e.Email
			}
			if e.Departments != nil {
				m.Departments = *e.Departments
			}
			return nil
		}
	}
	return &codedErr{"not_found", "no member " + login}
}

func (f *fakeBackend) Enrolments(context.Context) ([]calendar.EnrolmentView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []calendar.EnrolmentView
	for _, e := range f.enrolments {
		out = append(out, e.EnrolmentView)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Login < out[j].Login })
	return out, nil
}

func (f *fakeBackend) get(login string) (*calendar.EnrolmentDetail, error) {
	e, ok := f.enrolments[login]
	if !ok {
		return nil, &codedErr{"not_found", "no enrolment for " + login}
	}
	return e, nil
}

func (f *fakeBackend) Enrolment(_ context.Context, login string) (calendar.EnrolmentDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.get(login)
	if err != nil {
		return calendar.EnrolmentDetail{}, err
	}
	return *e, nil
}

func (f *fakeBackend) SetTarget(_ context.Context, login string, t TargetEdit) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.get(login)
	if err != nil {
		return err
	}
	if t.Target != "google" && t.Target != "caldav" {
		return &codedErr{"target_invalid", "target: give google or caldav"}
	}
	e.Target, e.CalendarID, e.CalDAVURL, e.CalDAVAuthID = t.Target, t.CalendarID, t.URL, t.AuthID
	if t.Password.IsSet() {
		f.secret = t.Password.Reveal()
		e.CalDAVPasswordSet = true
	}
	e.History = append(e.History, calendar.HistoryEntry{At: f.now, Actor: "admin", Action: "set target"})
	return nil
}

func (f *fakeBackend) setPermitted(login string, permitted, pinned bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.get(login)
	if err != nil {
		return err
	}
	e.Permitted, e.Pinned = permitted, pinned
	e.State = "syncing"
	if !permitted {
		e.State = "disabled"
	}
	return nil
}

func (f *fakeBackend) Permit(_ context.Context, login string) error {
	return f.setPermitted(login, true, true)
}
func (f *fakeBackend) Revoke(_ context.Context, login string) error {
	return f.setPermitted(login, false, true)
}
func (f *fakeBackend) Unpin(_ context.Context, login string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.get(login)
	if err != nil {
		return err
	}
	e.Pinned = false
	return nil
}

func (f *fakeBackend) CheckCalDAV(_ context.Context, login string) (caldav.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.get(login)
	if err != nil {
		return caldav.Result{}, err
	}
	if e.Target != "caldav" {
		return caldav.Result{}, &codedErr{"not_caldav", login + " syncs to Google Calendar; only CalDAV targets can be checked"}
	}
	return caldav.Result{Outcome: caldav.Unauthorized, Message: "the server answered 401 for auth id " + e.CalDAVAuthID}, nil
}

func (f *fakeBackend) RecordError(_ context.Context, login, kind string) (calendar.EnrolmentView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.get(login)
	if err != nil {
		return calendar.EnrolmentView{}, err
	}
	if kind == "forbidden" {
		e.State, e.AutoStopReason = "stopped", "forbidden"
	}
	return e.EnrolmentView, nil
}

func (f *fakeBackend) Info(ctx context.Context) (schedule.Info, error) {
	st, err := f.sched.LoadState(ctx)
	return schedule.Info{Spec: "*/10 * * * *", TimeZone: "Asia/Tokyo", Enabled: true, Next: f.now.Add(10 * time.Minute), Pause: st}, err
}

func (f *fakeBackend) Resume(ctx context.Context) (bool, error) { return schedule.Resume(ctx, f.sched) }
func (f *fakeBackend) Pause(ctx context.Context, msg string) error {
	return schedule.Pause(ctx, f.sched, msg, f.now)
}
