package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// maxJSONBody caps API request bodies other than uploads.
const maxJSONBody = 1 << 20

// reply is an API answer: its status, its body, and the Location of what
// it created.
type reply struct {
	Status   int
	Body     any
	Location string
}

func ok(v any) reply { return reply{Status: http.StatusOK, Body: v} }

// apiFunc is one API endpoint: it decodes, calls the backend and says what
// to answer, or fails. api turns it into a handler: every endpoint
// answers errors the same way.
type apiFunc func(r *http.Request) (reply, error)

func (s *Server) api(h apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep, err := h(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		if run, isRun := rep.Body.(*provision.Run); isRun && run != nil && r.Context().Err() != nil {
			// The client left (or the server is shutting down) after the
			// run was recorded: what it did stands, say so.
			s.log.Warn("run recorded; the answer could not be sent", "run", run.ID, "status", run.Status, "path", r.URL.Path)
		}
		if rep.Location != "" {
			w.Header().Set("Location", rep.Location)
		}
		writeJSON(w, rep.Status, rep.Body)
	}
}

// apiError answers {"error":{"code","message","params"}}: the status by
// the error's kind, the message in the request's Accept-Language
// (see apiLang),
// and always the code and its parameters so that a client can render its
// own text. A request that names neither Japanese nor English (a script
// that sends no Accept-Language) gets English, as the API answered before
// it spoke Japanese; the console falls back to Japanese.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problemOf(apiLang(r), err)
	st := statusOf(err)
	if st >= 500 {
		s.log.Error("API request failed", "path", r.URL.Path, "code", p.Code, "error", s.scrub(err.Error()))
	}
	writeJSON(w, st, map[string]problem{"error": p})
}

// apiLang is the language of an API answer: the request's
// Accept-Language, English when it names neither language.
func apiLang(r *http.Request) msg.Lang {
	return msg.FromAcceptLanguage(r.Header.Get("Accept-Language"), msg.En)
}

// invalid is the API's bad-request error: code invalid, the text by key.
func invalid(key string, p msg.Params) error {
	return &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: key, Params: p}
}

// decodeJSON decodes one JSON object from r into v, strictly: unknown
// fields, trailing data and oversized bodies are errors naming the problem.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(r, maxJSONBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errEmptyBody
		}
		return invalid("api.body_json", msg.Params{"detail": err.Error()})
	}
	if dec.InputOffset() > maxJSONBody {
		return invalid("api.body_too_large", msg.Params{"limit": maxJSONBody})
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid("api.body_trailing", nil)
	}
	return nil
}

var errEmptyBody = invalid("api.body_empty", nil)

// decodeOptionalJSON is decodeJSON that accepts an empty body.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	if err := decodeJSON(r.Body, v); err != errEmptyBody {
		return err
	}
	return nil
}

type statusJSON struct {
	Schedule any  `json:"schedule"`
	Paused   bool `json:"paused"`
	// PauseText and PauseCause are why scheduled runs are paused and the
	// causing run's error, in the request's language; schedule.pause has
	// the reason code and parameters.
	PauseText  string         `json:"pause_text,omitempty"`
	PauseCause string         `json:"pause_cause,omitempty"`
	LastRun    *provision.Run `json:"last_run"`
}

func (s *Server) apiStatus(r *http.Request) (reply, error) {
	in, err := s.o.Backend.Info(r.Context())
	if err != nil {
		return reply{}, err
	}
	runs, err := s.o.Backend.ListRuns(r.Context(), 1)
	if err != nil {
		return reply{}, err
	}
	lang := apiLang(r)
	out := statusJSON{Schedule: in, Paused: in.Pause.Paused, PauseText: in.Pause.Text(lang), PauseCause: s.scrub(in.Pause.CauseText(lang))}
	if len(runs) > 0 {
		out.LastRun = runs[0]
	}
	return ok(out), nil
}

func (s *Server) apiResume(r *http.Request) (reply, error) {
	was, err := s.o.Backend.Resume(r.Context())
	return ok(map[string]bool{"resumed": was}), err
}

// apiPause pauses scheduled runs; the message is the admin's own words,
// shown as they are (none: the reason says it, in the reader's language).
func (s *Server) apiPause(r *http.Request) (reply, error) {
	var req struct {
		Message string `json:"message"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		return reply{}, err
	}
	err := s.o.Backend.Pause(r.Context(), strings.TrimSpace(req.Message))
	return ok(map[string]bool{"paused": true}), err
}

func (s *Server) apiRuns(r *http.Request) (reply, error) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return reply{}, invalid("api.limit", msg.Params{"value": v, "max": 1000})
		}
		limit = n
	}
	runs, err := s.o.Backend.ListRuns(r.Context(), limit)
	if err != nil {
		return reply{}, err
	}
	return ok(provision.ListOf(runs)), nil
}

func (s *Server) apiRun(r *http.Request) (reply, error) {
	run, err := s.getRun(r)
	return ok(run), err
}

// runCreated answers a request that recorded a run (or, for a run that
// found nothing to do, did not).
func runCreated(run *provision.Run, err error) (reply, error) {
	if err != nil {
		return reply{}, err
	}
	if run.Repeats > 1 {
		// folded into the newest no-change run: no new row
		return reply{Status: http.StatusOK, Body: run, Location: "/api/v1/runs/" + strconv.FormatInt(run.ID, 10)}, nil
	}
	return reply{Status: http.StatusCreated, Body: run, Location: "/api/v1/runs/" + strconv.FormatInt(run.ID, 10)}, nil
}

func (s *Server) apiPlan(r *http.Request) (reply, error) {
	run, err := s.o.Backend.LatestPlan(r.Context())
	return ok(run), err
}

func (s *Server) apiApply(r *http.Request) (reply, error) {
	var req struct {
		RunID        int64 `json:"run_id"`
		AllowDeletes bool  `json:"allow_deletes"`
	}
	if err := decodeJSON(r.Body, &req); err != nil {
		return reply{}, err
	}
	if req.RunID == 0 {
		return reply{}, invalid("api.run_id", nil)
	}
	return runCreated(s.o.Backend.ApplyPlan(r.Context(), ApplyRequest{RunID: req.RunID, Trigger: provision.TriggerAPI, AllowDeletes: req.AllowDeletes}))
}

type csvResultJSON struct {
	CSVPreview
	Applied *provision.Run `json:"applied,omitempty"`
}

// apiCSV previews uploaded CSV exports and, with apply=true, applies the
// plan at once when it has no errors.
func (s *Server) apiCSV(w http.ResponseWriter, r *http.Request) {
	s.api(func(r *http.Request) (reply, error) {
		up, form, remove, err := s.readUpload(w, r)
		defer remove()
		if err != nil {
			return reply{}, err
		}
		pv, err := s.o.Backend.PreviewCSV(r.Context(), up)
		if err != nil {
			return reply{}, err
		}
		out := csvResultJSON{CSVPreview: pv}
		if len(pv.LineErrors) > 0 {
			lang := apiLang(r)
			for i := range out.LineErrors {
				out.LineErrors[i].Message = s.scrub(out.LineErrors[i].Text(lang))
			}
			return reply{Status: http.StatusBadRequest, Body: out}, nil
		}
		if apply, _ := strconv.ParseBool(form.Get("apply")); apply && pv.Run != nil {
			run, err := s.o.Backend.ApplyPlan(r.Context(), ApplyRequest{RunID: pv.Run.ID, Trigger: provision.TriggerCSVUpload, AllowDeletes: form.Get("allow_deletes") == "true"})
			if err != nil {
				return reply{}, err
			}
			out.Applied = run
		}
		return ok(out), nil
	})(w, r)
}

func (s *Server) apiRoster(r *http.Request) (reply, error) {
	v, err := s.o.Backend.Roster(r.Context())
	return ok(v), err
}

// apiAddDepartment adds a roster-only department:
// {"code":…,"name":…,"parent":…} → 201 with the department.
func (s *Server) apiAddDepartment(r *http.Request) (reply, error) {
	var d safety.ExportDepartment
	if err := decodeJSON(r.Body, &d); err != nil {
		return reply{}, err
	}
	d.Code, d.Name, d.Origin = strings.TrimSpace(d.Code), strings.TrimSpace(d.Name), safety.OriginLocal // added here: roster-only
	if err := s.o.Backend.AddDepartment(r.Context(), d); err != nil {
		return reply{}, err
	}
	return s.apiDepartment(r, http.StatusCreated, d.Code)
}

// apiEditDepartment edits a department: the fields given change, the
// others stay; "parent":"" moves it to the first level.
func (s *Server) apiEditDepartment(r *http.Request) (reply, error) {
	var e DepartmentEdit
	if err := decodeJSON(r.Body, &e); err != nil {
		return reply{}, err
	}
	code := r.PathValue("code")
	if err := s.o.Backend.EditDepartment(r.Context(), code, e); err != nil {
		return reply{}, err
	}
	return s.apiDepartment(r, http.StatusOK, code)
}

// apiDepartment answers with the department as the roster now has it.
func (s *Server) apiDepartment(r *http.Request, status int, code string) (reply, error) {
	d, _, err := s.findDepartment(r.Context(), code)
	return reply{Status: status, Body: d}, err
}

// apiAddMember adds a roster-only member: {"login","name","reading",
// "email","phone","departments":[codes]} → 201 with the member.
func (s *Server) apiAddMember(r *http.Request) (reply, error) {
	var m safety.ExportMember
	if err := decodeJSON(r.Body, &m); err != nil {
		return reply{}, err
	}
	for _, f := range []*string{&m.Login, &m.Name, &m.Reading, &m.Email, &m.Phone} {
		*f = strings.TrimSpace(*f)
	}
	m.Origin = safety.OriginLocal // added here: roster-only
	if m.Departments == nil {
		m.Departments = []string{}
	}
	if err := s.o.Backend.AddMember(r.Context(), m); err != nil {
		return reply{}, err
	}
	return s.apiMember(r, http.StatusCreated, m.Login)
}

// apiEditMember edits a member (imported ones too): the fields given
// change, "departments" replaces the list.
func (s *Server) apiEditMember(r *http.Request) (reply, error) {
	var e MemberEdit
	if err := decodeJSON(r.Body, &e); err != nil {
		return reply{}, err
	}
	login := r.PathValue("login")
	if err := s.o.Backend.EditMember(r.Context(), login, e); err != nil {
		return reply{}, err
	}
	return s.apiMember(r, http.StatusOK, login)
}

// apiMember answers with the member as the roster now has it.
func (s *Server) apiMember(r *http.Request, status int, login string) (reply, error) {
	m, err := s.findMember(r.Context(), login)
	return reply{Status: status, Body: m}, err
}

func (s *Server) apiEnrolments(r *http.Request) (reply, error) {
	state := r.URL.Query().Get("state")
	states := s.o.Backend.EnrolmentStates()
	if state != "" && !slices.Contains(states, state) {
		return reply{}, invalid("api.state", msg.Params{"value": state, "values": states})
	}
	es, err := s.o.Backend.Enrolments(r.Context())
	if err != nil {
		return reply{}, err
	}
	return ok(calendar.ListOf(filterEnrolments(es, state, r.URL.Query().Get("q")))), nil
}

func (s *Server) apiEnrolment(r *http.Request) (reply, error) {
	e, err := s.o.Backend.Enrolment(r.Context(), r.PathValue("login"))
	return ok(e), err
}

func (s *Server) apiSetTarget(r *http.Request) (reply, error) {
	var t TargetEdit
	if err := decodeJSON(r.Body, &t); err != nil {
		return reply{}, err
	}
	if err := s.o.Backend.SetTarget(r.Context(), r.PathValue("login"), t); err != nil {
		return reply{}, err
	}
	return s.apiEnrolment(r)
}

// apiEnrolmentAction is permit, revoke, unpin, check or errors
// (record-error).
func (s *Server) apiEnrolmentAction(r *http.Request) (reply, error) {
	ctx := r.Context()
	login := r.PathValue("login")
	action := r.PathValue("action")
	if done, err := s.changePermission(ctx, action, login); done {
		if err != nil {
			return reply{}, err
		}
		return s.apiEnrolment(r)
	}
	switch action {
	case "check":
		res, err := s.o.Backend.CheckCalDAV(ctx, login)
		res.Message = s.scrub(res.Text(apiLang(r)))
		return ok(res), err
	case "errors":
		var req struct {
			Kind string `json:"kind"`
		}
		if err := decodeJSON(r.Body, &req); err != nil {
			return reply{}, err
		}
		if _, err := calendar.ParseSyncError(req.Kind); err != nil {
			return reply{}, invalid("api.error_kind", msg.Params{"value": req.Kind})
		}
		e, err := s.o.Backend.RecordError(ctx, login, req.Kind)
		return ok(e), err
	}
	return reply{}, &msg.Error{Kind: msg.KindNotFound, Code: msg.CodeNotFound, Key: "api.no_action", Params: msg.Params{"action": action}}
}
