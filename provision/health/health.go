// Package health says at a glance whether cybridge keeps the targets
// current: 正常 (ok), 注意 (warning) or 停止中 (stopped), with the reason as a
// catalogue key and parameters, so that the overview, /healthz?verbose and
// any other surface say the same thing in their reader's language.
//
// Of is a pure function of the newest runs, the schedule's state and the
// client certificate's state; it reads no clock and no store.
//
// Decisions:
//   - Only the newest run that applied, found nothing to do, failed or was
//     blocked counts (a dry run that planned changes says nothing about
//     whether the roster is current). Once a later run succeeded, an older
//     failure is history, not the current state.
//   - Stopped is "nothing will update the targets until an admin acts": the
//     schedule is paused, or the client certificate has expired (every run
//     fails at the TLS handshake).
//   - Warning is "still running, but look": the newest run failed or was
//     blocked while the schedule is not paused, the certificate expires
//     soon, the schedule is off (only manual runs update the targets), no
//     run was ever recorded, or the schedule is overdue.
//   - Overdue: two scheduled triggers have passed since the last run
//     finished, plus OverdueGrace. One missed trigger is normal (a trigger
//     that fires while a long run holds the lease is skipped); two mean the
//     scheduler is not running. Counting triggers rather than a fixed
//     multiple of an interval keeps an irregular cron right (weekdays at
//     09:00 is not overdue on Monday morning).
package health

import (
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// Level is how healthy the sync is.
type Level string

// The levels, from best to worst.
const (
	LevelOK      Level = "ok"
	LevelWarning Level = "warning"
	LevelStopped Level = "stopped"
)

// Text is the level's label in l (正常, 注意, 停止中).
func (v Level) Text(l msg.Lang) string { return msg.Text(l, "health.level."+string(v), nil) }

// The causes: stable codes an API client may compare (Reason.Code).
const (
	CauseInSync             = "in_sync"             // ok: the newest run found nothing to do
	CauseSynced             = "synced"              // ok: the newest run applied changes
	CausePaused             = "paused"              // stopped: the schedule is paused
	CauseCertificateExpired = "certificate_expired" // stopped
	CauseRunFailed          = "run_failed"          // warning
	CauseRunBlocked         = "run_blocked"         // warning
	CauseRunPartial         = "run_partial"         // warning: some remote changes failed
	CauseCertificateExpires = "certificate_expires" // warning
	CauseOverdue            = "overdue"             // warning
	CauseScheduleOff        = "schedule_off"        // warning
	CauseNeverRun           = "never_run"           // warning
)

// CauseTokenExpires and CauseTokenExpired: the API token's day by
// cybozu.token_expires is near, or has come. Both are warnings: the day is
// what the admin noted, not what cybozu.com enforces — a token that really
// stopped working fails the runs, which say so.
const (
	CauseTokenExpires = "token_expires" // warning
	CauseTokenExpired = "token_expired" // warning
)

// OverdueGrace is added to the second missed trigger before a schedule is
// overdue: a run in progress, a slow read of a large directory.
const OverdueGrace = 30 * time.Minute

// TimeLayout is how the reasons' times read (12/04 23:22), in
// Input.Location.
const TimeLayout = "01/02 15:04"

// Reason is one reason for a level: a stable code, the catalogue key of
// its text (health.<code>, or a finer key) and the text's parameters.
type Reason struct {
	Code   string     `json:"code"`
	Key    string     `json:"-"`
	Params msg.Params `json:"params"`
}

// Text is the reason in l; a finer key whose parameters are missing falls
// back to the code's general text.
func (r Reason) Text(l msg.Lang) string {
	general := msg.Text(l, "health."+r.Code, r.Params)
	if r.Key == "" {
		return general
	}
	return msg.TextOr(l, r.Key, r.Params, general)
}

// Input is what Of decides from.
type Input struct {
	Now      time.Time
	Location *time.Location // the times in the texts; nil is UTC
	// Newest is the newest run that applied, found nothing to do, failed
	// or was blocked (nil when none); LastSuccess the newest that applied
	// or found nothing to do.
	Newest      *provision.Run
	LastSuccess *provision.Run
	// Schedule: on or off, its pause state, whether a run is going, when
	// this process last finished one.
	Schedule schedule.Info
	// Next is the schedule's next trigger after a time (nil when off).
	Next func(time.Time) time.Time
	// Certificate is the client certificate when it has expired or expires
	// soon (directory/cybozu.ExpiryWarning), nil when none is configured or
	// it has long to run.
	Certificate *Certificate
	// Token is the API token when its day (cybozu.token_expires) has come
	// or is within 30 days, nil otherwise.
	Token *Certificate
}

// Certificate is a client certificate (or an API token) that needs
// renewing.
type Certificate struct {
	Expired bool
	// Days are the whole days left, or since it expired.
	Days     int
	NotAfter time.Time
}

// Health is the state at a glance.
type Health struct {
	Level Level `json:"state"`
	// Reason is the headline: the worst reason, or why all is well.
	Reason Reason `json:"reason"`
	// Others are the further reasons, worst first, and last the newest
	// success when the level is not ok.
	Others []Reason `json:"others"`
}

// Text is the headline in l: 「正常: 12/04 23:22 以降変更なし」 (the colon is a
// separator both languages write alike).
func (h Health) Text(l msg.Lang) string { return h.Level.Text(l) + ": " + h.Reason.Text(l) }

// Of is the health of in.
func Of(in Input) Health {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	at := func(t time.Time) string { return t.In(loc).Format(TimeLayout) }
	var stopped, warnings []Reason

	if p := in.Schedule.Pause; p.Paused {
		params := msg.Params{"reason": p.Reason, "since": at(p.Since)}
		for k, v := range p.Params {
			params[k] = v
		}
		stopped = append(stopped, Reason{Code: CausePaused, Key: "health.paused." + p.Reason, Params: params})
	}
	if c := in.Certificate; c != nil {
		r := Reason{Code: CauseCertificateExpires, Params: msg.Params{"days": c.Days, "not_after": at(c.NotAfter)}}
		if c.Expired {
			r.Code = CauseCertificateExpired
			stopped = append(stopped, r)
		} else {
			warnings = append(warnings, r)
		}
	}
	if c := in.Token; c != nil {
		r := Reason{Code: CauseTokenExpires, Params: msg.Params{"days": c.Days, "not_after": c.NotAfter.In(loc).Format(time.DateOnly)}}
		if c.Expired {
			r.Code = CauseTokenExpired
		}
		warnings = append(warnings, r)
	}
	if n := in.Newest; n != nil && !in.Schedule.Pause.Paused {
		switch n.Status {
		case provision.StatusPartial:
			failed := 0
			if n.Error != nil {
				failed, _ = n.Error.Params["failed"].(int)
				if f, ok := n.Error.Params["failed"].(float64); ok { // read back from JSON
					failed = int(f)
				}
			}
			warnings = append(warnings, Reason{Code: CauseRunPartial, Params: msg.Params{"run": n.ID, "at": at(n.FinishedAt), "failed": failed}})
		case provision.StatusFailed:
			p := msg.Params{"run": n.ID, "at": at(n.FinishedAt), "error": ""}
			if n.Error != nil {
				p["error"] = n.Error.Code
			}
			warnings = append(warnings, Reason{Code: CauseRunFailed, Params: p})
		case provision.StatusBlocked:
			warnings = append(warnings, Reason{Code: CauseRunBlocked, Params: msg.Params{"run": n.ID, "at": at(n.FinishedAt)}})
		}
	}
	if in.Schedule.Enabled && !in.Schedule.Pause.Paused && !in.Schedule.Running && in.Next != nil {
		last := in.Schedule.LastFinished
		if in.Newest != nil && in.Newest.FinishedAt.After(last) {
			last = in.Newest.FinishedAt
		}
		if !last.IsZero() {
			due := in.Next(in.Next(last))
			if in.Now.After(due.Add(OverdueGrace)) {
				warnings = append(warnings, Reason{Code: CauseOverdue, Params: msg.Params{"last": at(last), "missed": at(in.Next(last))}})
			}
		}
	}
	if !in.Schedule.Enabled {
		warnings = append(warnings, Reason{Code: CauseScheduleOff, Params: msg.Params{}})
	}
	var success *Reason
	if s := in.LastSuccess; s != nil {
		r := Reason{Code: CauseInSync, Params: msg.Params{"run": s.ID, "since": at(s.StartedAt), "checked": at(s.FinishedAt), "count": max(s.Repeats, 1)}}
		if s.Status == provision.StatusApplied {
			r = Reason{Code: CauseSynced, Params: msg.Params{"run": s.ID, "at": at(s.FinishedAt), "changes": s.Summary.Total()}}
		}
		success = &r
	} else if in.Newest == nil {
		warnings = append(warnings, Reason{Code: CauseNeverRun, Params: msg.Params{}})
	}

	h := Health{Level: LevelOK}
	all := append(stopped, warnings...)
	switch {
	case len(stopped) > 0:
		h.Level = LevelStopped
	case len(warnings) > 0:
		h.Level = LevelWarning
	}
	if len(all) == 0 {
		if success == nil { // a newest run of another status: not expected
			success = &Reason{Code: CauseNeverRun, Params: msg.Params{}}
		}
		h.Reason, h.Others = *success, []Reason{}
		return h
	}
	h.Reason, h.Others = all[0], append([]Reason{}, all[1:]...)
	if success != nil {
		h.Others = append(h.Others, *success)
	}
	return h
}
