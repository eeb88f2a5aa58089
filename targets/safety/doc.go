// Package safety is the safety-confirmation (安否確認) roster as a
// provision target: a root department with the cybozu.com organization
// tree under it, members made from users, and memberships — SPEC §5,
// restating "cybozu.com との連携マニュアル".
//
// The roster lives in the bridge's database (tables safety_*, created by
// provision/sqlite's migrations). Whether an object came from the
// directory is its link (provision links, target "safety"); objects
// without one are roster-only ("local") and the planner never changes or
// deletes them (rules 4, 12) — except that a roster-only department whose
// parent is deleted moves up (rule 3), and memberships in a deleted
// department go with it.
//
// Matching (rules 2, 8), decided where SPEC §5 is silent:
//   - A live link wins: an object linked to a directory object that still
//     exists is matched by that link only. Code, login and email matching
//     is for the rest — unlinked objects, and linked ones whose directory
//     object is gone (a user deleted and created again keeps the member).
//   - Logins and emails compare case-insensitively and trimmed; empty
//     values never match. Department codes compare exactly.
//   - A roster member left unmatched that holds the email of a user matched
//     to another member is email_conflict; a new member's login already
//     held by another member is login_conflict; an organization code held
//     by a roster-only department while another department takes it is
//     department_code_conflict. Users with no email when login_key = email
//     are missing_email.
//   - Membership is a set (the roster shows no order); a member's
//     departments are listed by code.
//   - A matched object whose link must be written (first match, a login
//     rename, an id learnt) is an update with the pseudo-field linked_to,
//     so the plan shows it and a second run has nothing to do.
//   - The reading is surname reading + " " + given-name reading, trimmed.
//   - Suspended users are imported (rule 13) and flagged "suspended" in the
//     plan; with include_suspended = false they count as absent, so a
//     linked member whose user is suspended is deleted.
//   - Errors and warnings are a code, the parameters their text needs
//     (codes, names, logins, counts) and, when one code covers several
//     situations, the Key of the situation's text in the catalogue
//     (internal/msg/catalogue_safety.go); the English message is rendered
//     from it. A single object is named by its own parameters, a list as
//     "login (name)" items, the same in both languages. Roster edit errors
//     are *msg.Error (not_found, already_exists with what and name) or an
//     *InputError listing every problem, naming fields as the safety
//     service does (ログイン名 / login name). No text names a CLI flag: the
//     CLI adds its own. Codes lists every key, and a test checks each.
//
// # Layout
//
// target.go holds Target, Config and New; state.go the roster as the
// planner reads it (State, Load, the digest); plan.go the planner, which
// plans each kind in three steps — match.go matches departments to
// organizations and members to users (pure, returning the decisions and
// the ambiguous matches), changes.go emits the create, update and delete
// changes, conflicts.go adds the errors and warnings about the result.
// apply.go writes a plan in the run's transaction. export.go is the
// roster as `roster export` shows it, edit.go the admin's edits (Roster,
// EditRoster), validate.go the checks on their input and codes.go the
// list of every catalogue key the package renders. targets/calendar
// is laid out the same way.
package safety
