package web

import (
	"fmt"
	"net/http"
	"time"

	"golang.org/x/text/language"
)

// matcher picks ja or en from Accept-Language; Japanese is the fallback.
var matcher = language.NewMatcher([]language.Tag{language.Japanese, language.English})

// localizer translates one request's page.
type localizer struct {
	lang string // ja or en
	loc  *time.Location
}

func (s *Server) localizer(r *http.Request) *localizer {
	return &localizer{lang: requestLang(r), loc: s.o.Location}
}

// requestLang is the language cookie, else the best Accept-Language match.
func requestLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "ja" || c.Value == "en") {
		return c.Value
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, conf := matcher.Match(tags...)
	if i == 1 && conf != language.No {
		return "en"
	}
	return "ja"
}

// Lang is the page's language.
func (l *localizer) Lang() string { return l.lang }

// T translates key, formatting args into it; an unknown key shows as
// itself so that a missing translation is visible, not blank.
func (l *localizer) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		if len(args) > 0 {
			return fmt.Sprint(append([]any{key, " "}, args...)...)
		}
		return key
	}
	s := m[0]
	if l.lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key has a translation.
func (l *localizer) Has(key string) bool { _, ok := messages[key]; return ok }

// Opt translates prefix+key, or shows key when there is no translation
// (e.g. statuses, error codes from newer backends).
func (l *localizer) Opt(prefix, key string) string {
	if _, ok := messages[prefix+key]; ok {
		return l.T(prefix + key)
	}
	return key
}

// Time shows t in the configured time zone.
func (l *localizer) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(l.loc).Format("2006-01-02 15:04:05 MST")
}

// Duration shows how long from a to b.
func (l *localizer) Duration(a, b time.Time) string {
	if a.IsZero() || b.IsZero() {
		return "—"
	}
	d := b.Sub(a)
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// messages: key → {Japanese, English}.
var messages = map[string][2]string{
	// layout and navigation
	"nav.overview": {"概要", "Overview"},
	"nav.plan":     {"計画", "Plan"},
	"nav.runs":     {"同期履歴", "Runs"},
	"nav.upload":   {"CSV アップロード", "CSV upload"},
	"nav.roster":   {"安否確認名簿", "Roster"},
	"nav.calendar": {"カレンダー同期", "Calendar"},
	"nav.logout":   {"ログアウト", "Log out"},
	"nav.menu":     {"メニュー", "Menu"},

	// login
	"login.title":    {"ログイン", "Log in"},
	"login.password": {"管理者パスワード", "Admin password"},
	"login.submit":   {"ログイン", "Log in"},
	"login.failed":   {"ログインできませんでした。入力内容を確認してください。", "Login failed. Check what you entered and try again."},
	"login.too_many": {"ログインの失敗が続いたため、一時的に受け付けていません。約 %d 分後にもう一度お試しください。", "Too many failed logins. Try again in about %d minutes."},
	"login.lead":     {"cybridge 管理コンソール", "cybridge admin console"},

	// overview
	"overview.title":          {"概要", "Overview"},
	"overview.schedule":       {"スケジュール", "Schedule"},
	"overview.cron":           {"実行間隔 (cron)", "Cron"},
	"overview.timezone":       {"タイムゾーン", "Time zone"},
	"overview.next":           {"次回の実行", "Next run"},
	"overview.last":           {"前回の実行", "Last run"},
	"overview.schedule_off":   {"スケジュール実行は無効です (schedule.cron = off)", "Scheduled runs are off (schedule.cron = off)"},
	"overview.running":        {"スケジュール実行中", "A scheduled run is running"},
	"overview.no_runs":        {"まだ実行されていません。", "No runs yet."},
	"overview.actions":        {"今すぐ実行", "Run now"},
	"overview.dry_run":        {"ドライラン (変更しない)", "Dry run now"},
	"overview.sync":           {"今すぐ同期する", "Sync now"},
	"overview.actions_help":   {"ドライランは何が変わるかを計画するだけで、名簿やカレンダー同期には何も書き込みません。", "A dry run only plans what would change; it writes nothing to the roster or the enrolments."},
	"overview.recent":         {"最近の実行", "Recent runs"},
	"overview.pause":          {"スケジュール実行を一時停止", "Pause scheduled runs"},
	"overview.state":          {"状態", "State"},
	"overview.active":         {"有効", "Active"},
	"overview.paused":         {"一時停止中", "Paused"},
	"overview.last_scheduled": {"前回のスケジュール実行", "Last scheduled run"},
	"overview.all_runs":       {"すべての履歴", "All runs"},
	"overview.latest_plan":    {"最新の計画を見る", "See the latest plan"},

	// pause banner
	"pause.title":                       {"スケジュール実行は一時停止しています", "Scheduled runs are paused"},
	"pause.since":                       {"停止日時", "Since"},
	"pause.resume":                      {"再開する", "Resume"},
	"pause.run":                         {"原因の実行", "Run"},
	"pause.reason.consecutive_failures": {"連続して失敗したため自動停止しました。", "Paused after consecutive failed runs."},
	"pause.reason.failure_rate":         {"24 時間以内の失敗が多すぎるため自動停止しました。", "Paused after too many failed runs within 24 hours."},
	"pause.reason.blocked":              {"安全装置が実行を止めました。計画を確認してから再開してください。", "A safeguard blocked a run. Check the plan, then resume."},
	"pause.reason.admin":                {"管理者が一時停止しました。", "Paused by an admin."},
	"pause.reason.auth_failed":          {"cybozu.com がログインを拒否したため、すぐに自動停止しました（失敗を繰り返すとアカウントがロックされます）。ログイン名・パスワード（または Basic 認証）を確認してから再開してください。", "Paused at once because cybozu.com rejected the login (repeated failures lock the account). Check the login name and password (or Basic authentication), then resume."},
	"pause.resumed":                     {"スケジュール実行を再開しました。", "Scheduled runs resumed."},
	"pause.not_paused":                  {"スケジュール実行は停止していません。", "Scheduled runs were not paused."},
	"pause.paused":                      {"スケジュール実行を一時停止しました。", "Scheduled runs paused."},
	"pause.by_console":                  {"コンソールから一時停止", "paused from the console"},

	// runs
	"runs.title":         {"同期履歴", "Runs"},
	"runs.id":            {"ID", "ID"},
	"runs.trigger":       {"きっかけ", "Trigger"},
	"runs.source":        {"読み込み元", "Source"},
	"runs.status":        {"結果", "Status"},
	"runs.started":       {"開始", "Started"},
	"runs.finished":      {"終了", "Finished"},
	"runs.duration":      {"所要時間", "Duration"},
	"runs.changes":       {"変更数", "Changes"},
	"runs.error":         {"エラー", "Error"},
	"runs.none":          {"履歴はありません。", "No runs recorded."},
	"run.title":          {"実行 %d", "Run %d"},
	"run.applied_by":     {"この計画は実行 %d で適用されました。", "This plan was applied by run %d."},
	"run.done":           {"実行 %d: %s", "Run %d: %s"},
	"run.no_changes":     {"変更はありませんでした。名簿もカレンダー同期も最新です (何も記録していません)。", "Nothing to change: the roster and the enrolments are up to date (nothing was recorded)."},
	"trigger.cli":        {"コマンド", "CLI"},
	"trigger.schedule":   {"スケジュール", "Schedule"},
	"trigger.console":    {"コンソール", "Console"},
	"trigger.csv_upload": {"CSV アップロード", "CSV upload"},
	"trigger.api":        {"API", "API"},
	"status.no_changes":  {"変更なし", "No changes"},
	"status.applied":     {"適用済み", "Applied"},
	"status.dry_run":     {"ドライラン", "Dry run"},
	"status.failed":      {"失敗", "Failed"},
	"status.blocked":     {"安全装置で停止", "Blocked"},
	"status.running":     {"実行中", "Running"},

	// plan
	"plan.title":            {"計画", "Plan"},
	"plan.none":             {"まだ計画がありません。概要画面から「ドライラン」を実行してください。", "No plan yet. Run a dry run from the overview."},
	"plan.of_run":           {"実行 %d の計画", "Plan of run %d"},
	"plan.created":          {"作成日時", "Created"},
	"plan.summary":          {"件数", "Summary"},
	"plan.no_changes":       {"変更はありません。", "No changes."},
	"plan.errors":           {"エラー", "Errors"},
	"plan.errors_help":      {"エラーがある計画は適用できません。次の問題を cybozu.com 側で直してから、もう一度ドライランを実行してください。", "A plan with errors cannot be applied. Fix these in cybozu.com, then run a dry run again."},
	"plan.warnings":         {"警告", "Warnings"},
	"plan.safeguards":       {"安全装置 (削除を許可しない限り適用されません)", "Safeguards (apply is blocked unless the deletes are allowed)"},
	"plan.fix":              {"直し方", "How to fix"},
	"plan.code":             {"コード", "Code"},
	"plan.message":          {"内容", "Message"},
	"plan.adds":             {"追加", "Adds"},
	"plan.changes":          {"変更", "Changes"},
	"plan.deletes":          {"削除・無効化", "Deletes and disables"},
	"plan.kind":             {"種類", "Kind"},
	"plan.key":              {"キー", "Key"},
	"plan.action":           {"操作", "Action"},
	"plan.reason":           {"照合", "Matched by"},
	"plan.field":            {"項目", "Field"},
	"plan.old":              {"変更前", "Old"},
	"plan.new":              {"変更後", "New"},
	"plan.flags":            {"注意", "Flags"},
	"plan.more":             {"ほか %d 件 (全体は JSON でダウンロードできます)", "%d more (download the whole plan as JSON)"},
	"plan.download":         {"計画を JSON でダウンロード", "Download the plan as JSON"},
	"plan.apply":            {"この計画を適用する", "Apply this plan"},
	"plan.apply_help":       {"この計画をそのまま適用します。計画の作成後に名簿やカレンダー同期が変わっていた場合は適用されません。", "Applies exactly this plan. If the roster or the enrolments changed since it was made, it is refused."},
	"plan.allow_deletes":    {"安全装置を解除して削除を許可する", "Release the safeguard and allow the deletes"},
	"plan.blocked_help":     {"この計画は削除が多すぎるため安全装置で止まりました。内容を確認し、正しければ削除を許可して適用してください。", "A safeguard stopped this plan because it deletes too much. Check it; if it is right, allow the deletes and apply."},
	"plan.target.safety":    {"安否確認名簿", "Safety roster"},
	"plan.target.calendar":  {"カレンダー同期", "Calendar sync"},
	"plan.kind.departments": {"部署", "Departments"},
	"plan.kind.members":     {"メンバー", "Members"},
	"plan.kind.enrolments":  {"利用者", "Enrolments"},
	"plan.kind.department":  {"部署", "Department"},
	"plan.kind.member":      {"メンバー", "Member"},
	"plan.kind.enrolment":   {"利用者", "Enrolment"},
	"plan.action.create":    {"追加", "create"},
	"plan.action.update":    {"変更", "update"},
	"plan.action.delete":    {"削除", "delete"},
	"plan.action.disable":   {"無効化", "disable"},
	"plan.applied":          {"計画を適用しました (実行 %d)。", "The plan was applied (run %d)."},

	// upload
	"upload.title":               {"CSV アップロード", "CSV upload"},
	"upload.lead":                {"cybozu.com 共通管理の「ファイルへの書き出し」で書き出した CSV ファイル (user.csv、organization.csv、userOrganizations.csv など) を選んでください。", "Choose the CSV files exported from cybozu.com common administration (user.csv, organization.csv, userOrganizations.csv, ...)."},
	"upload.files":               {"ファイル", "Files"},
	"upload.encoding":            {"文字コード", "Encoding"},
	"upload.auto":                {"自動判定", "Detect"},
	"upload.separator":           {"区切り文字", "Separator"},
	"upload.encoding.auto":       {"自動判定", "Detect"},
	"upload.encoding.shift_jis":  {"Shift_JIS", "Shift_JIS"},
	"upload.encoding.utf-8":      {"UTF-8", "UTF-8"},
	"upload.encoding.latin1":     {"Latin-1 (ISO-8859-1)", "Latin-1 (ISO-8859-1)"},
	"upload.encoding.gbk":        {"GBK (簡体字中国語)", "GBK (Simplified Chinese)"},
	"upload.separator.auto":      {"自動判定", "Detect"},
	"upload.separator.comma":     {"カンマ (,)", "Comma (,)"},
	"upload.separator.semicolon": {"セミコロン (;)", "Semicolon (;)"},
	"upload.separator.tab":       {"タブ", "Tab"},
	"upload.separator.space":     {"スペース", "Space"},
	"upload.header":              {"先頭行 (項目名)", "First row"},
	"upload.header_yes":          {"項目名の行がある", "Column names"},
	"upload.header_no":           {"項目名の行はない (1 行目からデータ)", "Data (no column names)"},
	"upload.limit":               {"1 回のアップロードは %d MB までです。", "At most %d MB per upload."},
	"upload.preview":             {"プレビュー", "Preview"},
	"upload.rows":                {"先頭 %d 行 (全 %d 行)", "First %d rows (of %d)"},
	"upload.kind":                {"種類", "Kind"},
	"upload.line_errors":         {"ファイルに問題があります。次の行を直して、もう一度アップロードしてください。", "The files have problems. Fix these lines and upload again."},
	"upload.file":                {"ファイル", "File"},
	"upload.line":                {"行", "Line"},
	"upload.column":              {"列", "Column"},
	"upload.apply":               {"このCSVの計画を適用する", "Apply this CSV plan"},
	"upload.no_files":            {"ファイルを選んでください。", "Choose at least one file."},
	"upload.too_large":           {"アップロードが大きすぎます (上限 %d MB)。", "The upload is too large (limit %d MB)."},

	// roster
	"roster.title":            {"安否確認名簿", "Safety roster"},
	"roster.departments":      {"部署", "Departments"},
	"roster.root":             {"最上位部署", "Top department"},
	"roster.members":          {"メンバー", "Members"},
	"roster.count":            {"%d 人", "%d members"},
	"roster.code":             {"部署コード", "Code"},
	"roster.name":             {"名前", "Name"},
	"roster.parent":           {"親部署", "Parent"},
	"roster.origin":           {"由来", "Origin"},
	"roster.origin.directory": {"cybozu.com", "cybozu.com"},
	"roster.origin.local":     {"名簿のみ", "Roster only"},
	"roster.login":            {"ログイン名", "Login"},
	"roster.reading":          {"よみ", "Reading"},
	"roster.email":            {"メールアドレス", "Email"},
	"roster.phone":            {"電話番号", "Phone"},
	"roster.member_depts":     {"所属部署 (コードをカンマ区切り)", "Departments (codes, comma-separated)"},
	"roster.add_dept":         {"名簿のみの部署を追加", "Add a roster-only department"},
	"roster.add_member":       {"名簿のみのメンバーを追加", "Add a roster-only member"},
	"roster.add":              {"追加", "Add"},
	"roster.save":             {"保存", "Save"},
	"roster.edit":             {"編集", "Edit"},
	"roster.search":           {"検索", "Search"},
	"roster.edit_dept":        {"部署の編集: %s", "Edit department %s"},
	"roster.edit_member":      {"メンバーの編集: %s", "Edit member %s"},
	"roster.imported_help":    {"cybozu.com から取り込んだ項目は次回の同期で上書きされます。名簿のみの部署への所属は保持されます。", "Fields imported from cybozu.com are set again by the next run; memberships in roster-only departments stay."},
	"roster.saved":            {"保存しました。", "Saved."},
	"roster.added":            {"追加しました。", "Added."},
	"roster.none":             {"(なし)", "(none)"},

	// calendar
	"cal.title":                    {"カレンダー同期", "Calendar sync"},
	"cal.all":                      {"すべて", "All"},
	"cal.state":                    {"状態", "State"},
	"cal.state.syncing":            {"有効 (同期中)", "Enabled (syncing)"},
	"cal.state.stopped":            {"有効 (停止中)", "Enabled (stopped)"},
	"cal.state.disabled":           {"無効", "Disabled"},
	"cal.user":                     {"ユーザー", "User"},
	"cal.permitted":                {"利用許可", "Permitted"},
	"cal.pinned":                   {"固定", "Pinned"},
	"cal.pinned_help":              {"固定された利用許可は、スコープにかかわらず管理者の設定が保たれます。", "A pinned permission keeps the admin's choice whatever the scope says."},
	"cal.target":                   {"同期対象", "Target"},
	"cal.calendar":                 {"カレンダー", "Calendar"},
	"cal.auth":                     {"認証", "Auth"},
	"cal.auto_stop":                {"自動停止", "Auto-stop"},
	"cal.stop.forbidden":           {"Forbidden 応答 (変更権限がありません)", "Forbidden answer (no write access)"},
	"cal.stop.error_limit":         {"24 時間以内に 120 回以上のエラー", "120 errors within 24 hours"},
	"cal.permit":                   {"許可", "Permit"},
	"cal.revoke":                   {"無効にする", "Revoke"},
	"cal.unpin":                    {"固定を解除", "Unpin"},
	"cal.check":                    {"CalDAV 接続確認", "Check CalDAV"},
	"cal.yes":                      {"はい", "yes"},
	"cal.no":                       {"いいえ", "no"},
	"cal.none":                     {"該当する利用者はいません。", "No enrolments."},
	"cal.edit":                     {"ユーザー同期設定 (管理者による変更)", "Sync settings (admin edit)"},
	"cal.edit_help":                {"管理者が同期設定を変更した場合、Google カレンダーではユーザー本人が改めて Google 認証を行う必要があります。", "After an admin changes the settings, a Google Calendar user must authenticate with Google again."},
	"cal.google":                   {"Google カレンダー", "Google Calendar"},
	"cal.caldav":                   {"CalDAV", "CalDAV"},
	"cal.calendar_id":              {"カレンダー ID", "Calendar ID"},
	"cal.url":                      {"カレンダー URL", "Calendar URL"},
	"cal.auth_id":                  {"認証 ID", "Auth ID"},
	"cal.password":                 {"認証パスワード", "Password"},
	"cal.password_keep":            {"空欄のままなら保存済みのパスワードを使います。", "Leave empty to keep the stored password."},
	"cal.password_set":             {"設定済み", "set"},
	"cal.save":                     {"更新", "Update"},
	"cal.switch":                   {"同期状態 (ユーザー設定)", "Sync switch (user's)"},
	"cal.switch.sync":              {"同期", "sync"},
	"cal.switch.stopped":           {"停止", "stopped"},
	"cal.history":                  {"履歴", "History"},
	"cal.when":                     {"日時", "When"},
	"cal.actor":                    {"実行者", "By"},
	"cal.what":                     {"内容", "What"},
	"cal.saved":                    {"同期設定を更新しました。", "Sync settings updated."},
	"cal.done.permit":              {"%s の利用を許可しました。", "%s is permitted."},
	"cal.done.revoke":              {"%s の利用を無効にしました。", "%s is revoked."},
	"cal.done.unpin":               {"%s の固定を解除しました。次回の同期からスコープに従います。", "%s is unpinned; the scope decides from the next run."},
	"cal.check.reachable":          {"接続できました: カレンダーが見つかりました。", "Reachable: the calendar was found."},
	"cal.check.unauthorized":       {"認証に失敗しました: 認証 ID とパスワードを確認してください。", "Unauthorized: check the auth ID and password."},
	"cal.check.forbidden":          {"アクセスが拒否されました: この認証 ID ではこのカレンダーを使えません。", "Forbidden: this auth ID may not use this calendar."},
	"cal.check.not_found":          {"URL にカレンダーがありません: カレンダー URL を確認してください。", "Not found: check the calendar URL."},
	"cal.check.tls_error":          {"TLS (証明書) の問題で接続できません。", "A TLS (certificate) problem prevents the connection."},
	"cal.check.dns_error":          {"ホスト名が見つかりません: カレンダー URL を確認してください。", "The host name does not resolve: check the calendar URL."},
	"cal.check.connection_refused": {"接続を拒否されました: ホストとポートを確認してください。", "Connection refused: check the host and port."},
	"cal.check.timeout":            {"応答がありません (タイムアウト)。", "No answer in time."},
	"cal.check.server_error":       {"サーバーがエラーを返しました。", "The server answered with an error."},
	"cal.check.url_invalid":        {"カレンダー URL が正しくありません。", "The calendar URL is not valid."},
	"cal.check.not_calendar":       {"URL はカレンダーではありません: カレンダー URL を確認してください。", "Not a calendar: check the calendar URL."},
	"cal.auth.none":                {"未認証", "not authenticated"},
	"cal.auth.authenticated":       {"認証済", "authenticated"},
	"cal.auth.reauth_required":     {"認証済 (再認証が必要です)", "re-authentication required"},

	// errors
	"error.title": {"エラー", "Error"},
	"error.back":  {"概要に戻る", "Back to the overview"},
	"error.code":  {"エラーコード", "Error code"},

	// how to fix, by error code
	"fix.stale_plan":                {"計画の作成後に名簿かカレンダー同期が変わりました。もう一度ドライランを実行し、新しい計画を確認してから適用してください。", "The roster or the enrolments changed after the plan was made. Run a dry run again, check the new plan, and apply that."},
	"fix.run_in_progress":           {"ほかの実行が進行中です。終わってからもう一度お試しください。", "Another run is in progress. Try again when it has finished."},
	"fix.duplicate_email":           {"cybozu.com の「ユーザー」で、同じメールアドレスを持つユーザーのどちらかを直してください。", "In cybozu.com (Users), change the email of one of the users sharing it."},
	"fix.email_conflict":            {"名簿のみのメンバーが同じメールアドレスを使っています。名簿側のメンバーのメールアドレスを変えるか、削除してください。", "A roster-only member already holds this email. Change or remove that member's email in the roster."},
	"fix.login_conflict":            {"名簿のみのメンバーが同じログイン名を使っています。名簿側のメンバーを変更するか削除してください。", "A roster-only member already holds this login. Change or remove that member in the roster."},
	"fix.ambiguous_match":           {"1 人の名簿メンバーが複数のユーザーに (またはその逆に) 対応しています。ログイン名かメールアドレスが重ならないように直してください。", "One member matches several users (or the other way round). Make logins and emails distinct."},
	"fix.first_level_reparent":      {"第 1 階層の部署は最上位部署の直下から動かせません。cybozu.com の組織の親を元に戻すか、名簿側で部署を作り直してください。", "A first-level department cannot move under another parent. Put the organization back at the top in cybozu.com, or recreate the department in the roster."},
	"fix.blocked":                   {"削除が多すぎます。内容が正しければ、計画画面で削除を許可して適用してください。", "Too many deletes. If they are right, allow the deletes on the plan page and apply."},
	"fix.max_deletes":               {"削除が多すぎます。内容が正しければ、計画画面で削除を許可して適用してください。", "Too many deletes. If they are right, allow the deletes on the plan page and apply."},
	"fix.max_delete_percent":        {"削除が多すぎます。内容が正しければ、計画画面で削除を許可して適用してください。", "Too many deletes. If they are right, allow the deletes on the plan page and apply."},
	"fix.initial_password_required": {"新しいメンバーを作るには初期パスワードが必要です。safety.initial_password (CYBRIDGE_SAFETY_INITIAL_PASSWORD) を 6 文字以上で設定してください。", "New members need an initial password: set safety.initial_password (CYBRIDGE_SAFETY_INITIAL_PASSWORD), at least 6 characters."},
	"fix.missing_email":             {"login_key = email ではメールアドレスのないユーザーを名簿に追加できません。cybozu.com でメールアドレスを設定してください。", "With login_key = email a user without an email cannot join the roster: set the email in cybozu.com."},
	"fix.department_code_conflict":  {"名簿のみの部署が cybozu.com の組織と同じコードを使っています。名簿側の部署コードを変えてください。", "A roster-only department uses an organization's code: change the roster department's code."},
	"fix.domain_mismatch":           {"名簿は別の cybozu.com ドメインと連携しています。意図したドメインか確認し、切り替える場合はコマンドで -switch-domain を付けて実行してください。", "The roster follows another cybozu.com domain. Check the domain; to switch, run apply with -switch-domain."},
	"fix.secret_key_missing":        {"CalDAV のパスワードを保存するには secret_key (CYBRIDGE_SECRET_KEY) が必要です。", "Storing CalDAV passwords needs secret_key (CYBRIDGE_SECRET_KEY)."},
	"fix.min_source_ratio":          {"cybozu.com から読めたユーザーが前回より大幅に少なくなっています。読み込み元の設定を確認してください。", "Far fewer users were read than last time. Check the source settings."},
	"fix.cross_origin":              {"別のサイトからの送信は受け付けません。コンソールの画面から操作してください。", "Requests from other sites are refused. Use the console's own pages."},
	"fix.upload_too_large":          {"ファイルを分けてアップロードするか、console.upload_limit_mb を大きくしてください。", "Upload fewer files at once, or raise console.upload_limit_mb."},
}
