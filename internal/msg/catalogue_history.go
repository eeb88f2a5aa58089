package msg

// historyTexts: the per-person change history (変更履歴, package
// provision/history) as the CLI and the console show it.
var historyTexts = map[string]entry{
	// One entry.
	"person_history.by_run":          {"同期 {run}（{trigger}）", "run {run} ({trigger})"},
	"person_history.what":            {"{target}：{action}", "{target}: {action}"},
	"person_history.reason":          {"（{reason}）", "({reason})"},
	"person_history.person":          {"{name}（{login}、{email}）", "{name} ({login}, {email})"},
	"person_history.person_no_email": {"{name}（{login}）", "{name} ({login})"},

	// A search.
	"person_history.none": {"「{query}」に一致する人の変更履歴はありません。ログイン名、表示名、メールアドレスの一部で検索できます。",
		"No change history matches {query}. Search by part of a login name, display name or e-mail address."},
	"person_history.narrow": {"「{query}」に一致する人が {count} 人います。最初の {shown} 人だけを一覧にしました。ログイン名かメールアドレスで絞り込んでください。",
		"{count} {count|person matches|people match} {query}; only the first {shown} are listed. Narrow the search by login name or e-mail address."},
	"person_history.more":    {"これより前の変更は省略しました（新しい順に {limit} 件を表示）。", "Older changes are left out (the newest {limit} are shown)."},
	"person_history.changes": {"変更 {count} 件", "{count} {count|change|changes}"},
	"person_history.header":  {"日時\t実行\t内容\t詳細", "TIME\tBY\tWHAT\tDETAIL"},
	"person_history.empty":   {"変更履歴はありません。", "No changes recorded."},

	// The API.
	"api.history_query": {"検索する語を q に指定してください（ログイン名、表示名、メールアドレスの一部）。", "Give the text to search for in q (part of a login name, display name or e-mail address)."},
	"api.history_limit": {"limit「{limit}」は 1 以上の整数で指定してください。", "limit {limit} must be a whole number of 1 or more."},

	// The console page.
	"nav.history":             {"変更履歴", "History"},
	"person_history.title":    {"変更履歴", "Change history"},
	"person_history.query":    {"ログイン名、表示名、メールアドレス", "Login name, display name or e-mail address"},
	"person_history.search":   {"検索", "Search"},
	"person_history.help":     {"同期で行った変更と、カレンダー連携の設定変更を、人ごとに新しい順に表示します。", "Shows what the runs changed for a person, and the edits of their calendar sync settings, newest first."},
	"person_history.when":     {"日時", "When"},
	"person_history.who":      {"実行", "By"},
	"person_history.what_col": {"内容", "What"},
	"person_history.detail":   {"詳細", "Detail"},
	"person_history.link":     {"この人の変更履歴", "Change history of this person"},
	"cli.summary.history":     {"人ごとの変更履歴を新しい順に表示します", "a person's change history, newest first"},
	"cli.flag.history_limit":  {"1 人あたりに表示する変更の最大件数 `N`", "show at most `N` changes per person"},
}
