package msg

// catalogue holds every text an admin reads, by key: a stable code (an
// error, warning or safeguard reason), or a prefixed name for the
// vocabulary of plans and runs (status., trigger., action., reason.,
// flag., state., kind., field., target.). It is read-only.
//
// Japanese follows cybozu.com's own terms (表示名, よみがな, 組織, 役職,
// ログイン名, 停止中), full-width （） in sentences, and 「テスト実行（変更なし）」
// rather than ドライラン. English is sentence case. Neither names a CLI
// flag, a command or a console button: the surface adds its own advice.
var catalogue = join(coreTexts, configTexts, directoryTexts, csvTexts, planTexts, safetyTexts, calendarTexts, scopeTexts, consoleTexts, reportTexts, cliTexts, notifyTexts, historyTexts, healthTexts, scimTexts, accountsTexts, jobTexts, scimTargetTexts, uploadTexts, pagesTexts)

// join merges the per-area tables into one; a key in two tables is a bug
// that TestCatalogueKeysUnique reports.
func join(tables ...map[string]entry) map[string]entry {
	out := map[string]entry{}
	for _, t := range tables {
		for k, v := range t {
			out[k] = v
		}
	}
	return out
}

// coreTexts: failures any surface shows, runs and the plan's vocabulary.
var coreTexts = map[string]entry{
	// Failures any surface can show.
	"internal": {"内部エラーが発生しました。何も変更していません。繰り返し起きる場合はログを添えて管理者にお問い合わせください。",
		"An internal error occurred; nothing was changed. If it happens again, report it with the log."},
	"canceled":       {"処理が中断されました。何も変更していません。", "The operation was canceled; nothing was changed."},
	"not_found":      {"{what}「{name}」が見つかりません。", "{what} {name} was not found."},
	"already_exists": {"{what}「{name}」はすでに存在します。", "{what} {name} already exists."},

	// The use cases (internal/app).
	"no_targets": {"同期先が 1 つも有効になっていません。safety.enabled か calendar.enabled を true にするか（環境変数 CYBRIDGE_SAFETY_ENABLED、CYBRIDGE_CALENDAR_ENABLED）、SCIM の同期先を [[scim]] で追加してください。",
		"No target is enabled: set safety.enabled or calendar.enabled (CYBRIDGE_SAFETY_ENABLED, CYBRIDGE_CALENDAR_ENABLED), or add a SCIM app with [[scim]]."},
	"calendar_disabled": {"カレンダー同期は無効になっています（calendar.enabled = false）。利用登録を管理するには有効にしてください（環境変数 CYBRIDGE_CALENDAR_ENABLED）。",
		"The calendar target is disabled (calendar.enabled = false); enable it to manage enrolments (CYBRIDGE_CALENDAR_ENABLED)."},
	"safety_disabled": {"安否確認名簿は無効になっています（safety.enabled = false）。名簿を管理するには有効にしてください（環境変数 CYBRIDGE_SAFETY_ENABLED）。",
		"The safety roster target is disabled (safety.enabled = false); enable it to manage the roster (CYBRIDGE_SAFETY_ENABLED)."},
	"no_plan": {"同期 #{run} はテスト実行（変更なし）でも安全装置で止まった同期でもないため、適用できる計画がありません。",
		"Run #{run} is neither a test run (nothing applied) nor a run stopped by a safeguard, so it has no plan to apply."},
	"not_found.plan": {"適用できる計画はまだありません。テスト実行（変更なし）で計画を作成してください。",
		"There is no plan yet: make one with a test run (nothing applied)."},
	"stale_plan.applied": {"同期 #{plan} の計画は、同期 #{by} ですでに適用されています。残っている変更は、もう一度テスト実行（変更なし）をして確認してください。",
		"The plan of run #{plan} was already applied by run #{by}; make a test run (nothing applied) again to see what is left."},
	"usage.csv_files": {"CSV から読み込むには、cybozu.com から書き出したファイルが必要です。ファイルのあるフォルダー（source.csv_dir）を指定してください。",
		"Reading from CSV needs the files exported from cybozu.com: give the folder that holds them (source.csv_dir)."},

	// Runs (SPEC §7).
	"blocked": {"安全装置が働いたため、この同期を止めました。何も変更していません。",
		"A safeguard stopped this run; nothing was changed."},
	"stale_plan": {"{target} の計画を作成した後に状態が変わったため、この計画は適用できません。計画を作り直してください。何も変更していません。",
		"The state of {target} changed after this plan was made, so it cannot be applied; make the plan again. Nothing was changed."},
	"run_in_progress": {"別の同期が実行中です。終わってからもう一度実行してください。",
		"Another run is in progress; try again when it has finished."},
	// The database file under a running process (provision/sqlite).
	"db_missing": {"データベースファイル {path} が見つかりません。実行中に削除または移動されたため、これ以降の変更は再起動すると失われます。ファイルを元に戻してから再起動してください。",
		"The database file {path} is gone: it was deleted or moved while running, so changes made since are lost at the next restart. Put the file back, then restart."},
	"db_replaced": {"データベースファイル {path} が、起動時に開いたファイルとは別のファイルに置き換えられています。これ以降の変更は置き換えられたファイルに書き込まれていません。再起動してください。",
		"The database file {path} was replaced by another file since it was opened; changes made since were not written to the new file. Restart."},
	"plan_format": {"計画ファイルを読み込めません（{detail}）。cybridge が作成した計画ファイルか確認してください。",
		"The plan file cannot be read ({detail}); check it is a plan file made by cybridge."},
	"already_applied": {"同期 #{run} の計画はすでに適用されています。", "The plan of run #{run} has already been applied."},
	"not_applicable": {"同期 #{run} は{status}のため、その計画は適用できません。適用できるのはテスト実行（変更なし）か、安全装置で止まった同期の計画だけです。",
		"Run #{run} is {status}, so its plan cannot be applied: only a test run (nothing applied) or a run stopped by a safeguard can be."},
	"domain_mismatch": {"データベースは {linked} と連携していますが、ユーザー情報は {domain} から読み込まれました。1 つの名簿は 1 つの cybozu.com ドメインに従います。{domain} に切り替える場合は、ドメインを切り替えて計画を作り直し、既存の連携への影響を確認してください。",
		"The database is linked to {linked}, but the directory was read from {domain}; one roster follows one cybozu.com domain. To link it to {domain} instead, make the plan again switching the domain, and read what it does to the existing links."},
	"domain_switch": {"{linked} から {domain} に切り替えます。既存の {links} 件の連携を組織コード・ログイン名・メールアドレスで照合し直します（{linked} の ID は {domain} では使えません）。{domain} にない連携済みのデータは削除されます。",
		"Switching from {linked} to {domain}: the {links} existing {links|link is|links are} matched again by code, login name or email (ids of {linked} mean nothing in {domain}); linked objects that {domain} does not have are deleted below."},
	"plan_errors": {"計画に {count} 件のエラーがあるため、何も変更していません。",
		"The plan has {count} {count|error|errors}; nothing was changed."},

	// Safeguards (SPEC §7): the reasons a run is blocked.
	"max_deletes": {"{target}: この同期では {count} 件を削除・無効化・リセットします。上限（max_deletes = {limit}）を超えています。",
		"{target}: this run would delete, disable or reset {count} {count|object|objects}, more than max_deletes = {limit}."},
	"max_delete_percent": {"{target}: この同期では連携済み {linked} 件のうち {count} 件（{percent}%）を削除・無効化・リセットします。上限（max_delete_percent = {limit}%）を超えています。",
		"{target}: this run would delete, disable or reset {count} of {linked} linked objects ({percent}%), more than max_delete_percent = {limit}%."},
	"min_source_ratio": {"読み込んだユーザーは {users} 人で、前回成功した同期の {last} 人の {limit}%（min_source_ratio）を下回っています。一部しか読めていない（cybozu.com 共通管理者ではないアカウント、組織間のアクセス権など）と大量の退職に見えるため止めました。接続に使うアカウントを確認してください。",
		"The directory has {users} {users|user|users}, fewer than min_source_ratio = {limit}% of the {last} read by the last successful run. A partial read (an account that is not a cybozu.com administrator, or access rights between organizations) looks like mass leaving: check the account cybridge connects with."},

	// Run statuses, triggers and the plan's vocabulary.
	"status.no_changes": {"変更なし", "no changes"},
	"status.applied":    {"適用済み", "applied"},
	"status.partial":    {"一部失敗", "partially applied"},
	"status.dry_run":    {"テスト実行（変更なし）", "test run (nothing applied)"},
	"status.failed":     {"失敗", "failed"},
	"status.blocked":    {"安全装置で停止", "stopped by a safeguard"},
	"status.skipped":    {"スキップ", "skipped"},
	"status.canceled":   {"中断", "canceled"},

	"trigger.cli":        {"コマンド", "command line"},
	"trigger.schedule":   {"スケジュール", "schedule"},
	"trigger.console":    {"管理コンソール", "console"},
	"trigger.csv_upload": {"CSV アップロード", "CSV upload"},
	"trigger.api":        {"API", "API"},

	"action.create":  {"追加", "create"},
	"action.update":  {"変更", "update"},
	"action.delete":  {"削除", "delete"},
	"action.disable": {"無効化", "disable"},

	"reason.link":           {"連携済み", "matched by link"},
	"reason.login":          {"ログイン名が一致", "matched by login name"},
	"reason.email":          {"メールアドレスが一致", "matched by email"},
	"reason.code":           {"組織コードが一致", "matched by code"},
	"reason.new":            {"新規", "new"},
	"reason.gone":           {"cybozu.com から削除済み", "gone from the directory"},
	"reason.parent_deleted": {"上位の部署が削除されるため", "its parent department is deleted"},

	"flag.resets_sync":  {"同期状態をリセット", "resets_sync"},
	"flag.suspended":    {"停止中のユーザー", "suspended"},
	"flag.out_of_scope": {"対象範囲外", "out_of_scope"},
	"flag.pinned":       {"固定", "pinned"},
	"flag.auto_stopped": {"自動停止中", "auto_stopped"},

	"source.api": {"cybozu.com（User API 経由）", "api"},
	"source.csv": {"CSV ファイル", "csv"},
}
