// Package schedule runs cybridge's full imports on a cron schedule
// (`cybridge serve`, SPEC §7.1) and pauses them by itself when something is
// persistently wrong.
//
// Each trigger runs the same runner as the CLI (read → plan → safeguards →
// apply) with trigger "schedule". The job chain is robfig/cron's Recover
// outside SkipIfStillRunning outside our own recover: a trigger that fires
// while the previous run is still going is skipped (and counted), and a panic
// in a run is recovered and recorded in run history as a failed run.
//
// Auto-pause: after Config.PauseAfterFailures consecutive failed scheduled
// runs, or FailureLimit (120) failed scheduled runs within FailureWindow
// (24 h), or at once when a safeguard blocks a run, scheduled runs stop until
// an admin resumes (`cybridge resume`, the console button or the API). The
// pause and the failure counters live in a Store (SQLite in production), so
// a restart does not lift a pause, and `cybridge resume` run in another
// process is seen at the next trigger.
//
// Decisions where the spec is silent:
//   - Only scheduled runs count towards auto-pause; runs the admin starts by
//     hand (console, API, CLI) are watched by the admin already, and are
//     allowed while paused.
//   - A trigger that finds another run holding the lease (run_in_progress)
//     is a skip, not a failure; so is a run canceled by shutdown.
//   - Resume clears both counters: the admin has looked, so the 24-hour
//     window starts again.
//   - The schedule "off" disables scheduled runs (console and API only).
package schedule
