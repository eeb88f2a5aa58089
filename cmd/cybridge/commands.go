package main

// commands lists every subcommand; each lives in its own file.
func commands() []command {
	return []command{
		{name: "version", summary: "print the version", run: runVersion},
		{name: "plan", summary: "dry run: read the directory and show what apply would change", run: runPlan},
		{name: "apply", summary: "plan and apply (or apply a saved plan) in one transaction", run: runApply},
		{name: "runs", summary: "run history (同期履歴); runs show ID", run: runRuns},
		{name: "roster", summary: "safety roster: export; add, edit, remove roster-only departments and members", run: runRoster},
		{name: "check", summary: "connect, read and validate the directory; print a summary", run: runCheck},
		{name: "calendar", summary: "calendar-sync enrolments: list, show, set, stop/resume, permit/revoke/unpin, check", run: runCalendar},
		{name: "serve", summary: "run scheduled imports, the admin console and the JSON API", run: runServe},
		{name: "resume", summary: "lift an auto-pause of scheduled runs", run: runResume},
	}
}
