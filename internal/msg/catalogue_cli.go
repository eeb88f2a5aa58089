package msg

// cliTexts: advice only the command line gives. These, and only these,
// may name the CLI's flags and commands (keys start with "cli.").
var cliTexts = map[string]entry{
	"cli.error":      {"エラー", "error"},
	"cli.safeguards": {"働いた安全装置（この計画の適用には -allow-deletes が必要です）:", "Safeguards tripped (an apply of this plan needs -allow-deletes):"},
}
