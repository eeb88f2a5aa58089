// Package app is cybridge's application layer: the use cases that the CLI
// (cmd/cybridge), the console and JSON API (provision/web) and the
// scheduler (provision/schedule) share — read the configured source, check
// it, plan, apply (afresh or a stored plan), run on schedule, preview and
// apply CSV uploads, read the run history, edit the roster and the
// calendar enrolments.
//
// Ownership: app owns the use cases and their rules; provision owns the
// engine (planner, runner, store interfaces); directory/csvfile owns every
// decision about CSV bytes; cmd/cybridge owns flags and output;
// provision/web owns HTTP.
//
// Decisions where the specification is silent:
//
//   - An App is built from the loaded configuration and the opened store;
//     it does not open or close the store (the caller owns it). Its only
//     state is the figures /metrics shows (how long the last read took,
//     when a run last found nothing to do) and the jobs: every run it
//     makes, in memory while it goes and for a while after (jobs.go), so
//     that the console and the API can start one in the background
//     (Start), show its stage and counts from the runner's and the User
//     API reader's own progress hooks, and cancel it.
//   - A configuration with no target enabled still makes an App: the run
//     history, the roster export and `resume` need none. The use cases that
//     run the targets refuse with no_targets, and `serve` asks CheckTargets
//     at start so that it does not start to fail every run.
//   - The web.Backend of the console and the API is Console, a thin adapter
//     over *App in this package (console.go): App's use cases speak the
//     engine's types (provision.Run, provision.Result), which the CLI
//     prints as they are, and Console converts them to the console's wire
//     types. Console is here, not in provision/web, so that web keeps
//     importing neither app nor the targets.
//   - A stored plan is marked applied in the apply transaction
//     (provision.Request.AfterApply): a plan is never applied without its
//     mark, nor marked without being applied, and a second apply of the
//     same run's plan is refused (stale_plan) even when two race.
//   - A plan file (plan -out, or a run's plan downloaded from the console)
//     does not name its run. ApplyPlan recognises the run that made it
//     (sqlite.Store.PlanRunOf: same creation time, source and state
//     digests) and marks that run applied, as the console's "apply this
//     plan" does; a file whose run was pruned, or that comes from another
//     database, is applied without a mark. The plan format is not changed
//     for this, so files written by earlier versions work the same way.
//   - The process-wide Go memory limit is not set here: that is the
//     process's decision (cmd/cybridge sets it before it runs anything).
package app
