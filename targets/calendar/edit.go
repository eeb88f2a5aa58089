package calendar

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
)

// DB is what the edit commands need of the database (provision/sqlite's
// Store has it).
type DB interface {
	Now() time.Time
	View(ctx context.Context, fn func(q provision.Querier) error) error
	Update(ctx context.Context, fn func(q provision.Querier) error) error
}

// Editor carries out the admin and user commands on enrolments — what the
// admin manual's ユーザー設定 / ユーザー同期設定 screens and the user's
// カレンダー同期設定 do — each in one transaction with a history row.
// These are the only writers of the fields the bridge does not own.
type Editor struct {
	DB     DB
	Policy Policy
	// Cipher seals CalDAV passwords; nil when no secret key is configured,
	// and then nothing stores or opens a password (secret_key_missing).
	Cipher *Cipher
	// HTTP is the client of CalDAV checks (nil: a default client).
	HTTP *http.Client
	// Actor is who the edits are recorded as (ActorAdmin by default).
	Actor string

	valid *inputValidator
}

// NewEditor makes an Editor. cipher may be nil (no secret key configured).
func NewEditor(db DB, p Policy, cipher *Cipher) *Editor {
	return &Editor{DB: db, Policy: p, Cipher: cipher, Actor: ActorAdmin, valid: newInputValidator()}
}

// edit runs fn on the enrolment of login in one write transaction. fn
// returns the columns to set and the history detail; nothing is written
// when it returns no columns.
func (ed *Editor) edit(ctx context.Context, login, action string, fn func(e *Enrolment, now time.Time) (cols []col, d historyDetail, err error)) (*Enrolment, error) {
	var out *Enrolment
	err := ed.DB.Update(ctx, func(q provision.Querier) error {
		e, err := find(ctx, q, login)
		if err != nil {
			return err
		}
		now := ed.DB.Now()
		cols, d, err := fn(e, now)
		if err != nil || len(cols) == 0 {
			out = e
			return err
		}
		if err := updateColumns(ctx, q, e.ID, now, cols); err != nil {
			return err
		}
		if err := addHistory(ctx, q, e.ID, now, ed.actor(), action, d); err != nil {
			return err
		}
		row := q.QueryRowContext(ctx, "SELECT "+enrolmentColumns+" FROM calendar_enrolments WHERE id = ?", e.ID)
		fresh, err := scanEnrolment(row)
		out = &fresh
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (ed *Editor) actor() string {
	if ed.Actor == "" {
		return ActorAdmin
	}
	return ed.Actor
}

// col is one column to set.
type col struct {
	name  string
	value any
}

func updateColumns(ctx context.Context, q provision.Querier, id int64, now time.Time, cols []col) error {
	query := "UPDATE calendar_enrolments SET "
	args := make([]any, 0, len(cols)+2)
	for _, c := range cols {
		query += c.name + " = ?, "
		args = append(args, c.value)
	}
	query += "updated_at = ? WHERE id = ?"
	args = append(args, now.UnixMilli(), id)
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("update enrolment %d: %w", id, err)
	}
	return nil
}

// fieldSet collects changed columns and their history diffs.
type fieldSet struct {
	cols   []col
	fields provision.Fields
}

func (f *fieldSet) set(name string, old, new any) {
	if old == new {
		return
	}
	f.cols = append(f.cols, col{name, new})
	f.fields = append(f.fields, provision.FieldDiff{Name: name, Old: old, New: new})
}

// SetGoogle makes Google Calendar the enrolment's target with the given
// calendar id, or the default id (the work email) when s.CalendarID is "".
// A hand-set id is never changed by the bridge afterwards (rule 4). When
// the target or id changes, the Google authorization starts over (auth
// status none): the admin manual says users authenticate again after an
// admin set their calendar.
func (ed *Editor) SetGoogle(ctx context.Context, login string, s GoogleSettings) (*Enrolment, error) {
	if err := ed.valid.check(s); err != nil {
		return nil, err
	}
	return ed.edit(ctx, login, HistorySet, func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		var f fieldSet
		id, def := s.CalendarID, false
		switch {
		case id == "":
			id, def = ed.Policy.DefaultCalendarID(e.Email), true
		case e.CalendarIDDefault && strings.EqualFold(id, ed.Policy.DefaultCalendarID(e.Email)):
			def = true // the form saved as shown: still the default
		}
		changed := e.Target != KindGoogle || e.CalendarID != id
		f.set("target", string(e.Target), string(KindGoogle))
		f.set("calendar_id", e.CalendarID, id)
		f.set("calendar_id_default", e.CalendarIDDefault, def)
		if changed {
			f.set("auth_status", string(e.AuthStatus), string(AuthNone))
		}
		d := historyDetail{Fields: f.fields}
		if changed && e.CalendarID != "" && e.CalendarID != id {
			d.Flags = []string{FlagResetsSync}
		}
		return f.cols, d, nil
	})
}

// SetCalDAV makes CalDAV the enrolment's target. The password is sealed
// with the secret key before it reaches the database; without a key the
// call fails with secret_key_missing and nothing is stored.
func (ed *Editor) SetCalDAV(ctx context.Context, login string, s CalDAVSettings) (*Enrolment, error) {
	if err := ed.valid.check(s); err != nil {
		return nil, err
	}
	if !s.KeepPassword && ed.Cipher == nil {
		_, err := NewCipher("")
		return nil, err
	}
	return ed.edit(ctx, login, HistorySet, func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		if s.KeepPassword && (!e.HasPassword || e.CalDAVAuthID != s.AuthID) {
			return nil, historyDetail{}, invalid(KeyPasswordNotStored, msg.Params{"auth_id": s.AuthID})
		}
		url, def := s.URL, false
		switch {
		case url == "":
			url, def = ed.Policy.DefaultCalDAVURL(e.Login, e.Email), true
			if url == "" {
				return nil, historyDetail{}, invalid(KeyNoDefaultURL, msg.Params{"login": e.Login})
			}
		case e.CalDAVURLDefault && url == ed.Policy.DefaultCalDAVURL(e.Login, e.Email):
			def = true // the form saved as shown: still the default
		}
		var f fieldSet
		f.set("target", string(e.Target), string(KindCalDAV))
		f.set("caldav_url", e.CalDAVURL, url)
		f.set("caldav_url_default", e.CalDAVURLDefault, def)
		f.set("caldav_auth_id", e.CalDAVAuthID, s.AuthID)
		d := historyDetail{Fields: f.fields}
		if e.Target == KindCalDAV && e.CalDAVURL != "" && e.CalDAVURL != url {
			d.Flags = []string{FlagResetsSync}
		}
		if !s.KeepPassword {
			sealed, err := ed.Cipher.Seal(s.Password.Reveal(), e.ID)
			if err != nil {
				return nil, historyDetail{}, err
			}
			f.cols = append(f.cols, col{"caldav_password", sealed})
			d.Fields = append(d.Fields, provision.FieldDiff{Name: "caldav_password", Old: passwordState(e.HasPassword), New: passwordChanged})
		}
		return f.cols, d, nil
	})
}

// The values of the caldav_password field in the history: whether a
// password was stored before, and that it changed — never the password.
const passwordChanged = "(changed)"

func passwordState(set bool) string {
	if set {
		return "(set)"
	}
	return "(none)"
}

// Stop is the user's switch to 停止.
func (ed *Editor) Stop(ctx context.Context, login string) (*Enrolment, error) {
	return ed.edit(ctx, login, HistoryStop, func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		if !e.Permitted {
			return nil, historyDetail{}, notPermitted(KeyNotPermittedSwitch, msg.Params{"login": e.Login})
		}
		var f fieldSet
		f.set("user_switch", string(e.Switch), string(SwitchStopped))
		return f.cols, historyDetail{Fields: f.fields}, nil
	})
}

// Resume is the user's switch back to 同期. It also clears an auto-stop
// and the error count — the one way out of an auto-stop (rule 7).
func (ed *Editor) Resume(ctx context.Context, login string) (*Enrolment, error) {
	return ed.edit(ctx, login, HistoryResume, func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		if !e.Permitted {
			return nil, historyDetail{}, notPermitted(KeyNotPermittedSwitch, msg.Params{"login": e.Login})
		}
		var f fieldSet
		f.set("user_switch", string(e.Switch), string(SwitchSync))
		f.set("auto_stop_reason", e.AutoStop.Reason, "")
		if len(f.cols) == 0 && len(e.AutoStop.Errors) == 0 {
			return nil, historyDetail{}, nil
		}
		f.cols = append(f.cols, col{"auto_stop_at", nil}, col{"sync_errors", "[]"})
		return f.cols, historyDetail{Fields: f.fields}, nil
	})
}

// Permit pins the enrolment to permitted, whatever the scope says
// (rule 3). It takes effect at once; a suspended user is still disabled by
// the next run (pins override the scope, not 停止中).
func (ed *Editor) Permit(ctx context.Context, login string) (*Enrolment, error) {
	return ed.pin(ctx, login, PinPermit)
}

// Revoke pins the enrolment to not permitted, whatever the scope says.
func (ed *Editor) Revoke(ctx context.Context, login string) (*Enrolment, error) {
	return ed.pin(ctx, login, PinRevoke)
}

func (ed *Editor) pin(ctx context.Context, login string, pin Pin) (*Enrolment, error) {
	return ed.edit(ctx, login, string(pin), func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		if e.Gone() && pin == PinPermit {
			return nil, historyDetail{}, notPermitted(KeyNotPermittedGone, msg.Params{"login": e.Login, "since": formatDay(e.GoneSince)})
		}
		var f fieldSet
		f.set("pin", string(e.Pin), string(pin))
		f.set("permitted", e.Permitted, pin == PinPermit)
		return f.cols, historyDetail{Fields: f.fields}, nil
	})
}

// Unpin returns the enrolment to the policy: the next run sets permitted
// from the scope again.
func (ed *Editor) Unpin(ctx context.Context, login string) (*Enrolment, error) {
	return ed.edit(ctx, login, HistoryUnpin, func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		var f fieldSet
		f.set("pin", string(e.Pin), string(PinNone))
		d := note(KeyHistoryUnpin, nil)
		d.Fields = f.fields
		return f.cols, d, nil
	})
}

// RecordError is the sync engine reporting one error; it reports whether
// the error auto-stopped the enrolment (a Forbidden answer, or the
// ErrorLimit-th error within ErrorWindow).
func (ed *Editor) RecordError(ctx context.Context, login string, kind SyncError) (*Enrolment, bool, error) {
	var stopped bool
	e, err := ed.edit(ctx, login, HistoryError, func(e *Enrolment, now time.Time) ([]col, historyDetail, error) {
		next, stop := e.AutoStop.Record(kind, now)
		stopped = stop
		ms := make([]int64, len(next.Errors))
		for i, t := range next.Errors {
			ms[i] = t.UnixMilli()
		}
		cols := []col{{"sync_errors", string(mustJSON(ms))}, {"auto_stop_reason", next.Reason}, {"auto_stop_at", nullMillis(next.At)}}
		key, p := KeyHistorySyncError, msg.Params{"error": string(kind), "count": len(next.Errors), "hours": int(ErrorWindow / time.Hour)}
		switch {
		case e.AutoStop.Stopped():
			key = KeyHistorySyncErrorAlready
		case stop:
			key, p["auto_stop"] = KeyHistorySyncErrorStopped, next.Reason
		}
		d := note(key, p)
		if stop {
			d.Flags = []string{FlagAutoStopped}
		}
		return cols, d, nil
	})
	return e, stopped, err
}

// Check asks the CalDAV server whether the enrolment's calendar is
// reachable with its stored credentials (SPEC §6 rule 9), and records the
// outcome in the history. The result's Err says what failed.
func (ed *Editor) Check(ctx context.Context, login string) (caldav.Result, error) {
	var e *Enrolment
	var sealed []byte
	err := ed.DB.View(ctx, func(q provision.Querier) error {
		var err error
		if e, err = find(ctx, q, login); err != nil {
			return err
		}
		return q.QueryRowContext(ctx, "SELECT caldav_password FROM calendar_enrolments WHERE id = ?", e.ID).Scan(&sealed)
	})
	if err != nil {
		return caldav.Result{}, err
	}
	if e.Target != KindCalDAV {
		return caldav.Result{}, invalid(KeyNotCalDAV, msg.Params{"login": e.Login, "target": string(e.Target)})
	}
	if e.CalDAVURL == "" || e.CalDAVAuthID == "" || sealed == nil {
		return caldav.Result{}, invalid(KeyCalDAVIncomplete, msg.Params{"login": e.Login})
	}
	if ed.Cipher == nil {
		_, err := NewCipher("")
		return caldav.Result{}, err
	}
	password, err := ed.Cipher.Open(sealed, e.ID)
	if err != nil {
		return caldav.Result{}, err
	}
	res := caldav.Check(ctx, ed.HTTP, caldav.Target{URL: e.CalDAVURL, AuthID: e.CalDAVAuthID, Password: password.Reveal()})
	err = ed.DB.Update(ctx, func(q provision.Querier) error {
		return addHistory(ctx, q, e.ID, ed.DB.Now(), ed.actor(), HistoryCheck, historyDetail{Key: res.Key, Params: res.Params, Message: res.Message})
	})
	return res, err
}
