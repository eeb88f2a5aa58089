package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// maxJSONBody caps API request bodies other than uploads.
const maxJSONBody = 1 << 20

func (s *Server) apiError(w http.ResponseWriter, err error) {
	p := s.problemOf(err)
	st := statusOf(p.Code)
	if st >= 500 {
		s.log.Error("API request failed", "code", p.Code, "error", p.Message)
	}
	writeJSON(w, st, map[string]Problem{"error": p})
}

// decodeJSON decodes one JSON object from r into v, strictly: unknown
// fields, trailing data and oversized bodies are errors naming the problem.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(r, maxJSONBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return &Error{Code: "invalid", Msg: "the request body is empty: send a JSON object"}
		}
		return &Error{Code: "invalid", Msg: "the request body is not the expected JSON: " + err.Error()}
	}
	if dec.InputOffset() > maxJSONBody {
		return &Error{Code: "invalid", Msg: fmt.Sprintf("the request body is larger than %d bytes", maxJSONBody)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &Error{Code: "invalid", Msg: "the request body has data after the JSON object"}
	}
	return nil
}

// decodeOptionalJSON is decodeJSON that accepts an empty body.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	err := decodeJSON(r.Body, v)
	var e *Error
	if errors.As(err, &e) && strings.Contains(e.Msg, "is empty") {
		return nil
	}
	return err
}

type statusJSON struct {
	Schedule any  `json:"schedule"`
	Paused   bool `json:"paused"`
	LastRun  *Run `json:"last_run"`
}

func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) {
	in, err := s.o.Backend.Info(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	runs, err := s.o.Backend.ListRuns(r.Context(), 1)
	if err != nil {
		s.apiError(w, err)
		return
	}
	out := statusJSON{Schedule: in, Paused: in.Pause.Paused}
	if len(runs) > 0 {
		out.LastRun = &runs[0]
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiResume(w http.ResponseWriter, r *http.Request) {
	was, err := s.o.Backend.Resume(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"resumed": was})
}

func (s *Server) apiPause(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Message string `json:"message"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		s.apiError(w, err)
		return
	}
	if req.Message == "" {
		req.Message = "paused through the API"
	}
	if err := s.o.Backend.Pause(r.Context(), req.Message); err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"paused": true})
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.apiError(w, &Error{Code: "invalid", Msg: "limit: give a number from 1 to 1000"})
			return
		}
		limit = n
	}
	runs, err := s.o.Backend.ListRuns(r.Context(), limit)
	if err != nil {
		s.apiError(w, err)
		return
	}
	if runs == nil {
		runs = []Run{}
	}
	writeJSON(w, http.StatusOK, map[string][]Run{"runs": runs})
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.getRun(r)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

// runCreated answers a request that recorded a run (or, for a run that
// found nothing to do, did not).
func runCreated(w http.ResponseWriter, run Run) {
	if run.ID == 0 {
		writeJSON(w, http.StatusOK, run)
		return
	}
	w.Header().Set("Location", "/api/v1/runs/"+strconv.FormatInt(run.ID, 10))
	writeJSON(w, http.StatusCreated, run)
}

func (s *Server) apiRunNow(w http.ResponseWriter, r *http.Request) {
	var req struct {
		DryRun       bool `json:"dry_run"`
		AllowDeletes bool `json:"allow_deletes"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		s.apiError(w, err)
		return
	}
	run, err := s.o.Backend.RunNow(r.Context(), RunRequest{Trigger: TriggerAPI, DryRun: req.DryRun, AllowDeletes: req.AllowDeletes})
	if err != nil {
		s.apiError(w, err)
		return
	}
	runCreated(w, run)
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) {
	run, err := s.o.Backend.LatestPlan(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

func (s *Server) apiApply(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RunID        int64 `json:"run_id"`
		AllowDeletes bool  `json:"allow_deletes"`
	}
	if err := decodeJSON(r.Body, &req); err != nil {
		s.apiError(w, err)
		return
	}
	if req.RunID == 0 {
		s.apiError(w, &Error{Code: "invalid", Msg: "run_id: give the id of the run whose plan to apply (GET /api/v1/plan)"})
		return
	}
	run, err := s.o.Backend.ApplyPlan(r.Context(), ApplyRequest{RunID: req.RunID, Trigger: TriggerAPI, AllowDeletes: req.AllowDeletes})
	if err != nil {
		s.apiError(w, err)
		return
	}
	runCreated(w, run)
}

type csvResultJSON struct {
	CSVPreview
	Applied *Run `json:"applied,omitempty"`
}

// apiCSV previews uploaded CSV exports and, with apply=true, applies the
// plan at once when it has no errors.
func (s *Server) apiCSV(w http.ResponseWriter, r *http.Request) {
	up, err := s.readUpload(w, r)
	if err != nil {
		s.apiError(w, err)
		return
	}
	pv, err := s.o.Backend.PreviewCSV(r.Context(), up)
	if err != nil {
		s.apiError(w, err)
		return
	}
	out := csvResultJSON{CSVPreview: pv}
	if len(pv.LineErrors) > 0 {
		writeJSON(w, http.StatusBadRequest, out)
		return
	}
	if apply, _ := strconv.ParseBool(r.FormValue("apply")); apply && pv.Run != nil {
		run, err := s.o.Backend.ApplyPlan(r.Context(), ApplyRequest{RunID: pv.Run.ID, Trigger: TriggerCSVUpload, AllowDeletes: r.FormValue("allow_deletes") == "true"})
		if err != nil {
			s.apiError(w, err)
			return
		}
		out.Applied = &run
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRoster(w http.ResponseWriter, r *http.Request) {
	v, err := s.o.Backend.Roster(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// apiAddDepartment adds a roster-only department:
// {"code":…,"name":…,"parent":…} → 201 with the department.
func (s *Server) apiAddDepartment(w http.ResponseWriter, r *http.Request) {
	var d Department
	if err := decodeJSON(r.Body, &d); err != nil {
		s.apiError(w, err)
		return
	}
	d.Code, d.Name, d.Origin = strings.TrimSpace(d.Code), strings.TrimSpace(d.Name), "local" // added here: roster-only
	if err := s.o.Backend.AddDepartment(r.Context(), d); err != nil {
		s.apiError(w, err)
		return
	}
	s.apiDepartment(w, r, http.StatusCreated, d.Code)
}

// apiEditDepartment edits a department: the fields given change, the
// others stay; "parent":"" moves it to the first level.
func (s *Server) apiEditDepartment(w http.ResponseWriter, r *http.Request) {
	var e DepartmentEdit
	if err := decodeJSON(r.Body, &e); err != nil {
		s.apiError(w, err)
		return
	}
	code := r.PathValue("code")
	if err := s.o.Backend.EditDepartment(r.Context(), code, e); err != nil {
		s.apiError(w, err)
		return
	}
	s.apiDepartment(w, r, http.StatusOK, code)
}

// apiDepartment answers with the department as the roster now has it.
func (s *Server) apiDepartment(w http.ResponseWriter, r *http.Request, status int, code string) {
	d, _, err := s.findDepartment(r.Context(), code)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, status, d)
}

// apiAddMember adds a roster-only member: {"login","name","reading",
// "email","phone","departments":[codes]} → 201 with the member.
func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request) {
	var m Member
	if err := decodeJSON(r.Body, &m); err != nil {
		s.apiError(w, err)
		return
	}
	for _, f := range []*string{&m.Login, &m.Name, &m.Reading, &m.Email, &m.Phone} {
		*f = strings.TrimSpace(*f)
	}
	m.Origin = "local" // added here: roster-only
	if m.Departments == nil {
		m.Departments = []string{}
	}
	if err := s.o.Backend.AddMember(r.Context(), m); err != nil {
		s.apiError(w, err)
		return
	}
	s.apiMember(w, r, http.StatusCreated, m.Login)
}

// apiEditMember edits a member (imported ones too): the fields given
// change, "departments" replaces the list.
func (s *Server) apiEditMember(w http.ResponseWriter, r *http.Request) {
	var e MemberEdit
	if err := decodeJSON(r.Body, &e); err != nil {
		s.apiError(w, err)
		return
	}
	login := r.PathValue("login")
	if err := s.o.Backend.EditMember(r.Context(), login, e); err != nil {
		s.apiError(w, err)
		return
	}
	s.apiMember(w, r, http.StatusOK, login)
}

// apiMember answers with the member as the roster now has it.
func (s *Server) apiMember(w http.ResponseWriter, r *http.Request, status int, login string) {
	m, err := s.findMember(r.Context(), login)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, status, m)
}

func (s *Server) apiEnrolments(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state != "" && !slices.Contains(enrolmentStates, state) {
		s.apiError(w, &Error{Code: "invalid", Msg: fmt.Sprintf("state %q: give %s", state, strings.Join(enrolmentStates, ", "))})
		return
	}
	es, err := s.o.Backend.Enrolments(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	es = filterEnrolments(es, state, r.URL.Query().Get("q"))
	if es == nil {
		es = []Enrolment{}
	}
	writeJSON(w, http.StatusOK, map[string][]Enrolment{"enrolments": es})
}

func (s *Server) apiEnrolment(w http.ResponseWriter, r *http.Request) {
	e, err := s.o.Backend.Enrolment(r.Context(), r.PathValue("login"))
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiSetTarget(w http.ResponseWriter, r *http.Request) {
	var t TargetEdit
	if err := decodeJSON(r.Body, &t); err != nil {
		s.apiError(w, err)
		return
	}
	login := r.PathValue("login")
	if err := s.o.Backend.SetTarget(r.Context(), login, t); err != nil {
		s.apiError(w, err)
		return
	}
	s.apiEnrolment(w, r)
}

// apiEnrolmentAction is permit, revoke, unpin, check or errors
// (record-error).
func (s *Server) apiEnrolmentAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	login := r.PathValue("login")
	action := r.PathValue("action")
	if ok, err := s.changePermission(ctx, action, login); ok {
		if err != nil {
			s.apiError(w, err)
			return
		}
		s.apiEnrolment(w, r)
		return
	}
	switch action {
	case "check":
		res, err := s.o.Backend.CheckCalDAV(ctx, login)
		if err != nil {
			s.apiError(w, err)
			return
		}
		res.Message = s.scrub(res.Message)
		writeJSON(w, http.StatusOK, res)
		return
	case "errors":
		var req struct {
			Kind string `json:"kind"`
		}
		if err := decodeJSON(r.Body, &req); err != nil {
			s.apiError(w, err)
			return
		}
		if req.Kind != "forbidden" && req.Kind != "server" {
			s.apiError(w, &Error{Code: "invalid", Msg: `kind: give "forbidden" or "server"`})
			return
		}
		e, err := s.o.Backend.RecordError(ctx, login, req.Kind)
		if err != nil {
			s.apiError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, e)
		return
	default:
		s.apiError(w, &Error{Code: "not_found", Msg: "no such enrolment action: " + action + " (permit, revoke, unpin, check, errors)"})
	}
}
