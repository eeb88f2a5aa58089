package web

import (
	"net/http"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Runs in the background.
//
// Decisions:
//   - 「テスト実行」 and 「今すぐ同期」 (POST /runs) and POST /api/v1/runs start
//     the run and answer at once: the console with 303 to the job's page
//     (/jobs/{id}), the API with 202, the job and its Location
//     (/api/v1/jobs/{id}). A script that wants the old answer — the
//     recorded run, once it ended — sends {"wait": true}.
//   - The job's page refreshes itself every JobRefreshSeconds with
//     <meta http-equiv="refresh"> (the CSP forbids scripts); once the job
//     ended with a recorded run it redirects to that run's page, which is
//     the result. A job that ended without one (refused before it started)
//     stays on its page with the reason.
//   - One run at a time: a start while a job runs answers with the
//     running job — the console goes to its page with a message, the API
//     answers 409 run_in_progress whose params.job is the running job's id. The schedule's runs are jobs too and show on
//     the same page; the overview links to every running job.
//   - Cancel is a POST (the console's forms are guarded against cross-site
//     posts like every other); the run ends canceled and writes nothing,
//     unless it was past its commit, when it is reported applied.

// JobRefreshSeconds is how often a running job's page reloads itself.
const JobRefreshSeconds = 2

func jobPath(id string) string    { return "/jobs/" + id }
func apiJobPath(id string) string { return "/api/v1/jobs/" + id }

// jobView is the running job's page.
type jobView struct {
	Job      Job
	Elapsed  string
	Refresh  int // seconds; 0 once it ended
	Stages   []stageView
	Problem  *problem
	Canceled bool
}

type stageView struct {
	Stage   provision.Stage
	Current bool
	Done    bool
}

// runNow is 「テスト実行」/「今すぐ同期」: it starts the run and shows its job.
func (s *Server) runNow(w http.ResponseWriter, r *http.Request, sess *session) {
	dry := r.PostFormValue("mode") != "sync"
	job, err := s.o.Backend.StartRun(r.Context(), RunRequest{Trigger: provision.TriggerConsole, DryRun: dry})
	if err != nil {
		to := "/"
		if job.ID != "" {
			to = jobPath(job.ID) // the run already going
		}
		s.redirectFlash(w, r, sess, to, s.flashError(r, err))
		return
	}
	seeOther(w, jobPath(job.ID))
}

// jobPage shows a job while it runs, and sends to its run once ended.
func (s *Server) jobPage(w http.ResponseWriter, r *http.Request, sess *session) {
	job, err := s.o.Backend.Job(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := s.localizer(r)
	if job.State == JobEnded || job.State == JobCanceled {
		if job.Run != nil {
			f := s.runFlash(l, job.Run, l.T("run.done", "run", job.Run.ID, "status", l.Opt("status.", job.Run.Status)))
			if job.State == JobCanceled {
				f = flash{Kind: "error", Text: l.T("job.canceled_run", "run", job.Run.ID), Code: msg.CodeCanceled}
			}
			s.redirectFlash(w, r, sess, runPath(job.Run.ID), f)
			return
		}
	}
	v := jobView{Job: job, Canceled: job.State == JobCanceled}
	if job.State == JobRunning || job.State == JobCanceling {
		v.Refresh = JobRefreshSeconds
	}
	v.Elapsed = l.Duration(job.StartedAt, job.StartedAt.Add(time.Duration(job.ElapsedSeconds*float64(time.Second))))
	if job.Err != nil {
		p := s.problemOf(l.lang, job.Err)
		v.Problem = &p
	}
	current := true
	for _, st := range []provision.Stage{provision.StageReading, provision.StagePlanning, provision.StageApplying} {
		sv := stageView{Stage: st}
		if st == job.Progress.Stage {
			sv.Current, current = v.Refresh > 0, false
		} else {
			sv.Done = current
		}
		v.Stages = append(v.Stages, sv)
	}
	s.render(w, r, http.StatusOK, "job", sess, v)
}

// cancelJob asks a job to stop and shows it again.
func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	if err := s.o.Backend.CancelJob(r.Context(), id); err != nil {
		s.redirectFlash(w, r, sess, "/", s.flashError(r, err))
		return
	}
	s.redirectFlash(w, r, sess, jobPath(id), flash{Kind: "ok", Text: s.localizer(r).T("job.cancel_asked")})
}

// jobJSON is a job as the API answers it: its error as every error is.
type jobJSON struct {
	Job
	Error *problem `json:"error,omitempty"`
}

func (s *Server) jobReply(r *http.Request, job Job) jobJSON {
	out := jobJSON{Job: job}
	if job.Err != nil {
		p := s.problemOf(apiLang(r), job.Err)
		out.Error = &p
	}
	return out
}

// apiRunNow starts a run (202 and its job), or with {"wait": true} runs it
// and answers the recorded run.
func (s *Server) apiRunNow(r *http.Request) (reply, error) {
	var req struct {
		DryRun       bool `json:"dry_run"`
		AllowDeletes bool `json:"allow_deletes"`
		Wait         bool `json:"wait"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		return reply{}, err
	}
	rr := RunRequest{Trigger: provision.TriggerAPI, DryRun: req.DryRun, AllowDeletes: req.AllowDeletes}
	if req.Wait {
		return runCreated(s.o.Backend.RunNow(r.Context(), rr))
	}
	job, err := s.o.Backend.StartRun(r.Context(), rr)
	if err != nil {
		return reply{}, err
	}
	return reply{Status: http.StatusAccepted, Body: s.jobReply(r, job), Location: apiJobPath(job.ID)}, nil
}

func (s *Server) apiJob(r *http.Request) (reply, error) {
	job, err := s.o.Backend.Job(r.Context(), r.PathValue("id"))
	if err != nil {
		return reply{}, err
	}
	return ok(s.jobReply(r, job)), nil
}

func (s *Server) apiJobs(r *http.Request) (reply, error) {
	jobs := s.o.Backend.RunningJobs(r.Context())
	out := make([]jobJSON, len(jobs))
	for i, j := range jobs {
		out[i] = s.jobReply(r, j)
	}
	return ok(map[string]any{"jobs": out}), nil
}

func (s *Server) apiCancelJob(r *http.Request) (reply, error) {
	id := r.PathValue("id")
	if err := s.o.Backend.CancelJob(r.Context(), id); err != nil {
		return reply{}, err
	}
	job, err := s.o.Backend.Job(r.Context(), id)
	if err != nil {
		return reply{}, err
	}
	return reply{Status: http.StatusAccepted, Body: s.jobReply(r, job), Location: apiJobPath(id)}, nil
}
