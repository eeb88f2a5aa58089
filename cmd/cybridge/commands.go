package main

import "github.com/cybridge/cybridge/cmd/cybridge/internal/cli"

// commands is the command tree; each command lives in its own file with
// its options.
func (e *env) commands() *cli.Command {
	return &cli.Command{Summary: "cli.summary.root", Sub: []*cli.Command{
		newVersionCommand(e),
		newPlanCommand(e, &planOptions{}),
		newApplyCommand(e, &applyOptions{}),
		newRunsCommand(e, &runsOptions{}, &runShowOptions{}),
		newHistoryCommand(e, &historyOptions{}),
		newNotificationsCommand(e, &notificationsOptions{}),
		e.rosterCommand(),
		newCheckCommand(e, &checkOptions{}),
		e.calendarCommand(),
		newServeCommand(e, &serveOptions{}),
		newResumeCommand(e, &resumeOptions{}),
		newAdminCommand(e),
		newTokenCommand(e),
		newAuditCommand(e, &auditOptions{}),
	}}
}

// textAndJSON are the formats of most commands.
var textAndJSON = []string{"text", "json"}
