// Package provision turns a directory snapshot into a Plan for each target
// app and applies plans, the terraform way: planning is a pure function
// (MakePlan) over the snapshot, the targets' loaded states and the links the
// bridge keeps; the dry-run report is that plan rendered (RenderText,
// JSON); apply executes exactly one stored plan in one database transaction
// (Runner).
//
// Targets (the safety roster, calendar enrolments) implement Target. Each
// owns its tables in the bridge's database; provision/sqlite implements the
// Store the Runner needs (transactions, links, run history, the run lease).
// A RemoteTarget (a SCIM app) keeps its state in another system: it is read
// before planning, its changes are sent one by one with an outcome each,
// and a run some of whose changes failed ends StatusPartial (remote.go).
//
// Decisions where the specification is silent:
//
//   - A run whose plan has no changes writes nothing at all: no run row, no
//     lease, no link refresh. The Result says no_changes; callers that want
//     a "last checked" time keep it themselves.
//   - Dry runs (plan) with changes, blocked runs and failed runs each write
//     one run row (in their own short transaction) so the history and the
//     console show them; only applies take the lease.
//   - The lease is taken after planning, just before applying, so that a
//     no-change run never writes. A second run that reaches apply while a
//     lease is held gets run_in_progress at once; one that reaches it after
//     the first committed gets stale_plan (its plan no longer matches the
//     state), so no two plans are ever applied on top of each other.
//   - Safeguards count a target's deletes plus disables against that
//     target's linked objects. max_deletes = 0 means any delete blocks.
//     A dry run reports tripped safeguards in the report; it is not blocked.
//   - Plans with errors are recorded as failed runs (dry run or not).
//   - The summary lists exactly the targets that took part in the plan
//     (a disabled target is absent), each with zeros for every action it has.
//
// Files: the plan is a plain value (plan.go); its JSON form — the
// order-keeping Fields codec, EncodeCompact and ReadPlan — is planjson.go,
// over the hand-written encoder in encode.go (terraform's plans vs
// planfile, in one package). MakePlan is planner.go, the text report
// render.go, the Runner runner.go (remote targets remote.go) and the
// safeguards safeguard.go.
package provision
