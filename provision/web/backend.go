package web

import (
	"context"
	"io"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"

	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision/schedule"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/safety"
)

// Backend is everything the console and the API do. It is declared here,
// where it is used; cmd/cybridge adapts the runner, the store and the
// targets to it. Errors that an admin can act on implement
// ErrorCode() string (a stable code: not_found, run_in_progress,
// stale_plan, ...); their Error() says what to do.
type Backend interface {
	Runs
	Jobs
	Notifications
	Roster
	Calendar
	Schedule
	History
	Monitor
}

// Runs is the run history, the runner and CSV uploads.
type Runs interface {
	// Targets are the enabled targets, in report order, with their kinds
	// in report order: the console lays out summaries by them.
	Targets() []provision.TargetInfo
	// ListRuns returns up to limit runs, newest first, without plans.
	ListRuns(ctx context.Context, limit int) ([]*provision.Run, error)
	// GetRun returns one run with its plan and AppliedBy.
	GetRun(ctx context.Context, id int64) (*provision.Run, error)
	// LatestPlan returns the newest run that produced a plan not applied
	// yet (a dry run, or a run a safeguard blocked), with that plan.
	LatestPlan(ctx context.Context) (*provision.Run, error)
	// RunHead is GetRun with the plan's head only (Plan.Changes is nil):
	// the console pages through the changes with PlanChanges instead of
	// decoding a whole directory's plan for every page.
	RunHead(ctx context.Context, id int64) (*provision.Run, error)
	// LatestPlanHead is LatestPlan with the plan's head only.
	LatestPlanHead(ctx context.Context) (*provision.Run, error)
	// WritePlanJSON writes run id's plan as `cybridge plan -out` writes
	// it (apply -plan takes it), streamed: the console's download.
	WritePlanJSON(ctx context.Context, id int64, w io.Writer) error
	// PlanChanges returns the changes of run id's plan that f selects,
	// from the offset-th (0-based), at most limit, in plan order.
	PlanChanges(ctx context.Context, id int64, f provision.ChangeFilter, offset, limit int) (ChangePage, error)
	// RunNow runs read → plan → safeguards → (apply unless DryRun) from the
	// configured source and records the run. A run that fails is returned
	// with status failed; err is for runs that could not be started or
	// recorded (run_in_progress, ...). A run that finds nothing to do is
	// not recorded: it comes back with status no_changes and ID 0.
	RunNow(ctx context.Context, req RunRequest) (*provision.Run, error)
	// ApplyPlan applies the plan stored with run id exactly; a plan whose
	// target states moved on is refused with stale_plan.
	ApplyPlan(ctx context.Context, req ApplyRequest) (*provision.Run, error)
	// PreviewCSV reads uploaded cybozu.com CSV exports and records a dry
	// run (trigger csv_upload) from them; apply it with ApplyPlan.
	PreviewCSV(ctx context.Context, up CSVUpload) (CSVPreview, error)
	// Metrics returns the figures /metrics exposes.
	Metrics(ctx context.Context) (Metrics, error)
}

// Jobs are runs as they go: started in the background by the console
// and the API, by the schedule, or by hand.
type Jobs interface {
	// StartRun starts a run from the configured source in the background
	// and returns its job at once. While another job runs it returns that
	// job with a run_in_progress error.
	StartRun(ctx context.Context, req RunRequest) (Job, error)
	// Job returns one job, once done with its recorded run (without its
	// plan); not_found when there is none (jobs are kept in memory, the
	// newest ended ones only).
	Job(ctx context.Context, id string) (Job, error)
	// CancelJob cancels a running job (one that ended stays as it is).
	CancelJob(ctx context.Context, id string) error
	// RunningJobs are the jobs running now, oldest first.
	RunningJobs(ctx context.Context) []Job
}

// JobState is where a job is.
type JobState string

// The states of a job.
const (
	JobRunning   JobState = "running"
	JobCanceling JobState = "canceling" // cancel asked, not ended yet
	JobCanceled  JobState = "canceled"  // ended by a cancel: nothing written
	JobEnded     JobState = "ended"     // ended: Run (or Error) says how
)

// Job is a run as it goes (GET /api/v1/jobs/{id}).
type Job struct {
	ID      string            `json:"id"`
	Trigger provision.Trigger `json:"trigger"`
	DryRun  bool              `json:"dry_run"`
	State   JobState          `json:"state"`
	// Progress is the stage (reading, planning, applying) and, applying,
	// the changes applied of the total.
	Progress provision.Progress `json:"progress"`
	// Read is what the User API read has read so far (zero for CSV).
	Read      ReadProgress `json:"read"`
	StartedAt time.Time    `json:"started_at"`
	EndedAt   time.Time    `json:"ended_at,omitzero"`
	// ElapsedSeconds is how long it has run (ran, once ended).
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	// RunID is the recorded run once ended (0: none was recorded); Run is
	// that run without its plan.
	RunID int64          `json:"run_id,omitempty"`
	Run   *provision.Run `json:"run,omitempty"`
	// Err is why it did not succeed, when no recorded run says it (a run
	// refused before it started).
	Err error `json:"-"`
}

// ReadProgress is the User API read's progress.
type ReadProgress struct {
	Requests      int `json:"requests"`
	Pending       int `json:"pending"` // pages known to be needed, not yet read
	Organizations int `json:"organizations"`
	Users         int `json:"users"`
	Groups        int `json:"groups"`
	Retries       int `json:"retries"`
}

// Notifications are the notifications queued to each channel: sent,
// retrying or failed.
type Notifications interface {
	// Notifications lists up to limit notifications, newest first, older
	// than the one with id before (0: from the newest).
	Notifications(ctx context.Context, before int64, limit int) ([]Notification, error)
}

// The states of a notification.
const (
	NotificationPending  = "pending"  // queued, not tried yet
	NotificationRetrying = "retrying" // tried, failed, to be tried again
	NotificationSent     = "sent"
	NotificationFailed   = "failed" // every attempt failed: given up
)

// Notification is one event queued to one channel, and how its delivery
// went (GET /api/v1/notifications).
type Notification struct {
	ID int64 `json:"id"`
	// Channel is its key in the configuration (email[0], webhook[1]);
	// Where says where it sends, without secrets ("" when the channel is
	// no longer configured).
	Channel string `json:"channel"`
	Where   string `json:"where,omitempty"`
	// Kind is the event (failed, blocked, paused, resumed, recovered,
	// cert_expiring, token_expiring, test); Code its error code.
	Kind  string `json:"kind"`
	Code  string `json:"code,omitempty"`
	RunID string `json:"run_id,omitempty"`
	// Status is pending, retrying, sent or failed; Attempts the attempts
	// made, LastError the last attempt's error (host only, no secrets),
	// NextAt the next attempt of one retrying.
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	NextAt    time.Time `json:"next_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Roster reads and edits the safety roster.
type Roster interface {
	// Roster is the roster as `roster export -format json` shows it.
	Roster(ctx context.Context) (*safety.Export, error)
	// RosterPage is the roster's departments with their direct member
	// counts and one page of the members q selects: the console's roster,
	// read a page at a time.
	RosterPage(ctx context.Context, q safety.PageQuery) (*safety.Page, error)
	// AddDepartment and AddMember add roster-only entries; Origin is
	// ignored.
	AddDepartment(ctx context.Context, d safety.ExportDepartment) error
	EditDepartment(ctx context.Context, code string, e DepartmentEdit) error
	AddMember(ctx context.Context, m safety.ExportMember) error
	EditMember(ctx context.Context, login string, e MemberEdit) error
}

// Calendar reads and edits calendar-sync enrolments.
type Calendar interface {
	Enrolments(ctx context.Context) ([]calendar.EnrolmentView, error)
	// EnrolmentPage is one page of the enrolments q selects, with the
	// counts per state: the console's list, read a page at a time.
	EnrolmentPage(ctx context.Context, q EnrolmentQuery) (EnrolmentPage, error)
	// Enrolment returns one enrolment with its history (not_found if none).
	Enrolment(ctx context.Context, login string) (calendar.EnrolmentDetail, error)
	// SetTarget is the admin edit of a user's sync target.
	SetTarget(ctx context.Context, login string, t TargetEdit) error
	// Permit, Revoke and Unpin change the admin permission (利用許可);
	// permit and revoke pin the enrolment against the scope.
	Permit(ctx context.Context, login string) error
	Revoke(ctx context.Context, login string) error
	Unpin(ctx context.Context, login string) error
	// CheckCalDAV checks a CalDAV target against its server.
	CheckCalDAV(ctx context.Context, login string) (caldav.Result, error)
	// EnrolmentStates are the states an enrolment can be in, in the order
	// the console's filter shows them.
	EnrolmentStates() []string
	// RecordError records an error the sync engine hit (kind forbidden or
	// server), which may auto-stop the enrolment.
	RecordError(ctx context.Context, login, kind string) (calendar.EnrolmentView, error)
}

// Schedule is the scheduler: its state and the auto-pause.
type Schedule interface {
	Info(ctx context.Context) (schedule.Info, error)
	Resume(ctx context.Context) (bool, error)
	Pause(ctx context.Context, message string) error
}

// RunRequest asks for a run from the configured source.
type RunRequest struct {
	Trigger      provision.Trigger
	DryRun       bool
	AllowDeletes bool
}

// ApplyRequest asks to apply a stored plan.
type ApplyRequest struct {
	RunID        int64 // the run that made the plan
	Trigger      provision.Trigger
	AllowDeletes bool
}

// ChangePage is one page of a plan's changes.
type ChangePage struct {
	Changes []provision.Change
	// Matched is how many changes the filter selects, Total how many the
	// plan holds.
	Matched, Total int
}

// EnrolmentQuery selects a page of enrolments: by state (one of
// EnrolmentStates, "" for any) and by text (a login, name or email
// address containing it).
type EnrolmentQuery struct {
	State, Text   string
	Offset, Limit int
}

// EnrolmentPage is one page of enrolments. Matched is how many the query
// selects, All how many there are, Counts how many are in each state.
type EnrolmentPage struct {
	Enrolments []calendar.EnrolmentView
	Matched    int
	All        int
	Counts     map[string]int
}

// CSVUpload is one upload of cybozu.com CSV exports, streamed to disk:
// Dir is a private folder that holds the uploaded files and nothing else,
// removed by the server when the request ends.
type CSVUpload struct {
	Dir       string
	Files     []CSVFile
	Encoding  string // one of csvfile.Encodings
	Separator string // one of csvfile.Separators
	Header    *bool  // the first row holds column names; nil detects it
}

// CSVFile is one uploaded file: the name it was uploaded as, and where it
// is (in CSVUpload.Dir, under a safe name of its own).
type CSVFile struct {
	Name string
	Path string
}

// CSVPreview is what an upload would do.
type CSVPreview struct {
	Files []CSVFilePreview `json:"files"`
	// LineErrors are the problems found, each naming file, line and column;
	// with any, Run is nil.
	LineErrors []LineError `json:"line_errors,omitempty"`
	// Run is the recorded dry run (trigger csv_upload) with its plan.
	Run *provision.Run `json:"run,omitempty"`
}

// CSVFilePreview shows the first rows of one file as read.
type CSVFilePreview struct {
	Name     string     `json:"name"`
	Kind     string     `json:"kind,omitempty"` // users, organizations, ...
	Encoding string     `json:"encoding,omitempty"`
	Rows     [][]string `json:"rows"` // the first rows, header included, at most 60 columns
	Total    int        `json:"total_rows"`
	// Columns is the widest shown row's column count (more than the
	// columns shown when some were cut).
	Columns int `json:"columns"`
	// PasswordsMasked: the file holds passwords (パスワード), shown masked.
	PasswordsMasked bool `json:"passwords_masked,omitempty"`
}

// LineError is a problem in an uploaded file. Code is the upload's code
// (csv_invalid); Problem and Params are this problem's own code and
// parameters; Message is its text (in the API, in the request's language).
type LineError struct {
	File    string     `json:"file"`
	Line    int        `json:"line,omitempty"`
	Column  int        `json:"column,omitempty"`
	Code    string     `json:"code"`
	Problem string     `json:"problem,omitempty"`
	Params  msg.Params `json:"params,omitempty"`
	Message string     `json:"message"`
	// Err is the problem, rendered in the reader's language by Text.
	Err error `json:"-"`
}

// Text is the problem in lang.
func (e LineError) Text(lang msg.Lang) string {
	if e.Err != nil {
		return msg.Localize(lang, e.Err)
	}
	return e.Message
}

// Metrics are the figures /metrics exposes.
type Metrics struct {
	RunsByStatus       map[string]int
	LastSuccess        time.Time
	ChangesApplied     int // total changes applied by recorded runs
	SourceReadDuration time.Duration
}

// DepartmentEdit changes a department; nil fields stay.
type DepartmentEdit struct {
	Name   *string `json:"name,omitempty"`
	Parent *string `json:"parent,omitempty"`
}

// MemberEdit changes a member; nil fields stay, Departments replaces the
// list.
type MemberEdit struct {
	Name        *string   `json:"name,omitempty"`
	Reading     *string   `json:"reading,omitempty"`
	Email       *string   `json:"email,omitempty"`
	Phone       *string   `json:"phone,omitempty"`
	Departments *[]string `json:"departments,omitempty"`
}

// TargetEdit is the admin edit of a user's target. Password is kept only
// by the backend, encrypted; empty keeps the stored one.
type TargetEdit struct {
	Target     string        `json:"target"` // google or caldav
	CalendarID string        `json:"calendar_id,omitempty"`
	URL        string        `json:"url,omitempty"`
	AuthID     string        `json:"auth_id,omitempty"`
	Password   secret.Secret `json:"password,omitempty"`
}
