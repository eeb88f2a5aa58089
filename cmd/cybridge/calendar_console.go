package main

import (
	"context"

	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/calendar"
)

// calendarConsole adapts the calendar Editor to what the console and the
// JSON API need (web.Calendar).
type calendarConsole struct {
	ed *calendar.Editor
}

var _ web.Calendar = (*calendarConsole)(nil)

// consoleError gives an enrolment error the console's codes: the editor's
// own (an unknown login is not_found, as the console's).
func consoleError(err error) error { return err }

func (c *calendarConsole) Enrolments(ctx context.Context) ([]web.Enrolment, error) {
	ens, err := c.ed.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]web.Enrolment, len(ens))
	for i := range ens {
		out[i] = toJSON(&ens[i])
	}
	return out, nil
}

func (c *calendarConsole) Enrolment(ctx context.Context, login string) (web.EnrolmentDetail, error) {
	en, hist, err := c.ed.Show(ctx, login)
	if err != nil {
		return web.EnrolmentDetail{}, consoleError(err)
	}
	return toShow(en, hist), nil
}

func (c *calendarConsole) SetTarget(ctx context.Context, login string, t web.TargetEdit) error {
	var err error
	switch t.Target {
	case string(calendar.KindGoogle):
		_, err = c.ed.SetGoogle(ctx, login, calendar.GoogleSettings{CalendarID: t.CalendarID})
	case string(calendar.KindCalDAV):
		_, err = c.ed.SetCalDAV(ctx, login, calendar.CalDAVSettings{URL: t.URL, AuthID: t.AuthID, Password: t.Password, KeepPassword: !t.Password.IsSet()})
	default:
		_, err = calendar.ParseKind(t.Target)
	}
	return consoleError(err)
}

func (c *calendarConsole) Permit(ctx context.Context, login string) error {
	_, err := c.ed.Permit(ctx, login)
	return consoleError(err)
}

func (c *calendarConsole) Revoke(ctx context.Context, login string) error {
	_, err := c.ed.Revoke(ctx, login)
	return consoleError(err)
}

func (c *calendarConsole) Unpin(ctx context.Context, login string) error {
	_, err := c.ed.Unpin(ctx, login)
	return consoleError(err)
}

// CheckCalDAV reports the check's outcome as a result (reachable or not);
// only a check that could not be made (no such login, not CalDAV, no key)
// is an error.
func (c *calendarConsole) CheckCalDAV(ctx context.Context, login string) (web.CheckResult, error) {
	res, err := c.ed.Check(ctx, login)
	if err != nil {
		return web.CheckResult{}, consoleError(err)
	}
	return web.CheckResult{Outcome: string(res.Outcome), Message: res.Message}, nil
}

// RecordError records a sync engine error as the sync engine (actor sync).
func (c *calendarConsole) RecordError(ctx context.Context, login, kind string) (web.Enrolment, error) {
	k, err := calendar.ParseSyncError(kind)
	if err != nil {
		return web.Enrolment{}, err
	}
	ed := *c.ed
	ed.Actor = calendar.ActorSync
	en, _, err := ed.RecordError(ctx, login, k)
	if err != nil {
		return web.Enrolment{}, consoleError(err)
	}
	return toJSON(en), nil
}
