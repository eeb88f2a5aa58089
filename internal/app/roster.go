package app

import (
	"context"
	"fmt"
	"github.com/cybridge/cybridge/internal/access"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// Roster reads the safety roster as `roster export -format json` shows it
// (safety_disabled while the target is disabled).
func (a *App) Roster(ctx context.Context) (*safety.Export, error) {
	if !a.cfg.Safety.Enabled {
		return nil, errSafetyDisabled
	}
	ex, err := safety.ReadExport(ctx, a.store)
	if err != nil {
		return nil, fmt.Errorf("read the roster: %w", err)
	}
	return ex, nil
}

// EditRoster runs fn on the safety roster in one write transaction
// (safety_disabled while the target is disabled) and audits it as an edit
// of target ("member a.okada", "department sales").
func (a *App) EditRoster(ctx context.Context, target string, fn func(r *safety.Roster) error) (err error) {
	defer func() { a.Record(ctx, access.ActionRosterEdit, target, 0, err) }()
	if !a.cfg.Safety.Enabled {
		return errSafetyDisabled
	}
	return safety.EditRoster(ctx, a.store, fn)
}

// EditEnrolment runs one edit of login's enrolment with the editor and
// audits it as action (permit, revoke, unpin, stop, resume, target) by the
// actor in ctx; every surface's enrolment edits go through here.
func (a *App) EditEnrolment(ctx context.Context, login, action string, fn func(ed *calendar.Editor) (*calendar.Enrolment, error)) (en *calendar.Enrolment, err error) {
	defer func() { a.Record(ctx, access.ActionEnrolment, "enrolment "+login+" "+action, 0, err) }()
	ed, err := a.Calendar()
	if err != nil {
		return nil, err
	}
	return fn(ed)
}

// Calendar is the calendar enrolment editor (calendar_disabled while the
// target is disabled). The editor acts as the admin; a copy with Actor set
// acts as someone else (the sync engine).
func (a *App) Calendar() (*calendar.Editor, error) {
	switch {
	case !a.cfg.Calendar.Enabled:
		return nil, errCalendarDisabled
	case a.editorErr != nil:
		return nil, a.editorErr
	}
	return a.editor, nil
}

// newEditor builds the enrolment editor from cfg: the policy, and the
// cipher for CalDAV passwords when a secret key is set.
func newEditor(cfg *config.Config, store *sqlite.Store) (*calendar.Editor, error) {
	policy, err := calendar.NewPolicy(cfg.Calendar)
	if err != nil {
		return nil, err
	}
	var cipher *calendar.Cipher
	if cfg.SecretKey.IsSet() {
		if cipher, err = calendar.NewCipher(cfg.SecretKey); err != nil {
			return nil, err
		}
	}
	return calendar.NewEditor(store, policy, cipher), nil
}
