package main

// commands lists every subcommand; each lives in its own file.
func commands() []command {
	return []command{
		{name: "version", summary: "print the version", run: runVersion},
		{name: "check", summary: "connect, read and validate the directory; print a summary", run: runCheck},
		{name: "calendar", summary: "calendar-sync enrolments: list, show, set, stop/resume, permit/revoke/unpin, check", run: runCalendar},
		{name: "serve", summary: "run scheduled imports, the admin console and the JSON API", run: runServe},
		{name: "resume", summary: "lift an auto-pause of scheduled runs", run: runResume},
	}
}
