// Package calendar is the calendar-sync enrolment target (SPEC §6): one
// enrolment per directory user for a product that syncs groupware schedules
// to Google Calendar or CalDAV, gated by the admin permission 利用許可.
//
// Target plans and applies enrolments as the second target of a provision
// run (same plan, same transaction, same run history as the safety roster).
// Editor carries out what the product's admin and user screens do — set a
// target, the user's sync switch, permit / revoke / unpin, the sync
// engine's error reports, and the CalDAV check. Subpackages: scope (the
// cybozu.com dynamic-group condition language the scope is written in) and
// caldav (the CalDAV check and URL rules).
//
// # Rules (SPEC §6) and where they live
//
//  1. planCreate: every directory user but Administrator gets an enrolment:
//     switch 同期, the default target and id/URL, auth status none,
//     permitted exactly when active and in scope.
//  2. planPresent / planGone: out of scope, suspended or gone → disable
//     (settings and history kept); back → update; gone for more than
//     delete_after_days → delete.
//  3. Pins: Policy.permitted.
//  4. Field ownership: the bridge writes only login, email, name,
//     permitted, gone_since, and calendar_id / caldav_url while their
//     *_default flag is set (changeData carries nothing else).
//  5. resets_sync: planPresent.
//  6. Login renames: provision.DirRef.FindUser (by user id when known).
//  7. Auto-stop: AutoStop; the planner never touches it, and warns.
//  8. Input validation: GoogleSettings, CalDAVSettings (validator tags).
//  9. CalDAV check: Editor.Check → caldav.Check.
//
// # Decisions where the specification is silent
//
//   - Pins override the scope, not suspension or absence: a pinned-permit
//     user who becomes 停止中 is disabled (and permitted again when active,
//     the pin still in place). Permit and revoke take effect at once (as
//     the admin manual's 利用許可 radio buttons do); unpin leaves permitted
//     as it is until the next run applies the scope. A gone user cannot be
//     permitted.
//   - The target (google / caldav) is chosen once, at creation, from
//     default_target; changing default_target later affects new enrolments
//     only. The bridge keeps the defaulted value of the enrolment's current
//     target only.
//   - google_domains empty means no Google calendar id is defaulted (the
//     user sets it), as SPEC §6 says the id defaults only for those domains.
//   - An email whose case alone changed leaves a defaulted Google calendar
//     id as it is: Google addresses ignore case, so it names the same
//     calendar, and a new id would discard the sync state (resets_sync).
//   - A defaulted CalDAV URL that changes (its template uses {email} and the
//     email changed) is flagged resets_sync like a calendar id: it points
//     at another calendar. Setting an id where there was none is not.
//   - An enrolment follows its user by the link (user id, else login); an
//     unlinked enrolment is matched by login name. A user whose login now
//     belongs to a different user id is someone else: the old enrolment is
//     disabled as gone and the new user gets a new one.
//   - An id or URL set to exactly the default the enrolment already
//     follows stays defaulted: the admin form shows the current value, and
//     saving it unchanged must not stop the id following the email.
//   - When a user leaves the directory the plan records gone_since (the
//     plan's time); delete_after_days counts from it.
//   - An admin setting a Google target or calendar id resets the auth
//     status to none (the admin manual: users authenticate again after an
//     admin set their calendar). The bridge never changes auth status.
//   - stop / resume are refused while the enrolment is not permitted (the
//     user manual: the switch cannot be chosen then). Resume clears an
//     auto-stop and the error count.
//   - CalDAV passwords are sealed with AES-256-GCM under
//     CYBRIDGE_SECRET_KEY, bound to the enrolment id; without a key none is
//     stored (secret_key_missing), and no output, export, history row or
//     plan ever holds one.
//   - The plan's state digest leaves out the sync engine's error count, so
//     error reports between plan and apply do not make the plan stale.
//   - Errors are *msg.Error and warnings provision.Issue: a code, a kind,
//     the parameters, and a Key naming the situation's text in the
//     catalogue (internal/msg/catalogue_calendar.go); the English message
//     is rendered from it. An enrolment that is not there is not_found, the
//     roster's code, with what = enrolment. No text names a CLI flag: the
//     CLI adds its own. Codes and Vocabulary list every key the package can
//     render, and a test checks each has both languages.
//   - A history row's note (an unpin, a sync error, a CalDAV check's
//     outcome) is stored in its JSON detail as a catalogue key and
//     parameters, with the English text beside it for older readers; no
//     schema change. Vocabulary values in the parameters (the sync error
//     kind, the stop reason) are stored as codes and rendered at the edge.
//     A row written before notes had keys shows its English message.
//     HistoryEntry.Summary renders a whole line (actor, run, action, field
//     changes with the plan report's names, flags, note) in the admin's
//     language for every surface; the time is the surface's, in its zone.
//   - A CalDAV check's outcomes are caldav.Result keys and parameters too,
//     and a check that finds a bad URL says what the editor says about the
//     same URL (caldav.URLKey).
//
// # Layout
//
// As in targets/safety: target.go holds Target and New; state.go the
// enrolments as the planner reads them (Enrolments, the digest, loading);
// plan.go the planner; apply.go writes a plan in the run's transaction;
// list.go reads enrolments for list and show (safety's export.go); edit.go
// is the Editor's commands, history.go the history rows they and apply
// write, and historytext.go how a row reads. Besides these: enrolment.go is the Enrolment record, policy.go the
// settings and input validation (safety's validate.go), autostop.go the
// sync engine's auto-stop, secret.go the CalDAV password cipher, errors.go
// the error codes, vocabulary.go the catalogue keys of the enrolment's
// values, codes.go the list of every key.
package calendar
