package msg

// healthTexts: the sync's health at a glance (package provision/health) as
// the overview and /healthz?verbose say it, and the overview's health card
// and 30-day trend chart.
//
// A reason reads after its level: 「停止中: 認証エラーで一時停止」. Times are
// already formatted (12/04 23:22) in the console's time zone.
var healthTexts = map[string]entry{
	"health.level.ok":      {"正常", "OK"},
	"health.level.warning": {"注意", "Warning"},
	"health.level.stopped": {"停止中", "Stopped"},

	"health.in_sync":                     {"{since} 以降変更なし（最終確認 {checked}）", "No changes since {since} (last checked {checked})"},
	"health.synced":                      {"{at} に {changes} 件の変更を適用しました", "{changes} {changes|change|changes} applied at {at}"},
	"health.paused":                      {"{since} からスケジュール実行を一時停止しています", "Scheduled runs paused since {since}"},
	"health.paused.auth_failed":          {"認証エラーで一時停止", "Paused after an authentication error"},
	"health.paused.blocked":              {"安全装置が働いたため一時停止", "Paused because a safeguard blocked a run"},
	"health.paused.admin":                {"管理者が一時停止", "Paused by an admin"},
	"health.paused.consecutive_failures": {"{count} 回連続の失敗で一時停止", "Paused after {count} failed runs in a row"},
	"health.paused.failure_rate":         {"{hours} 時間に {count} 回の失敗で一時停止", "Paused after {count} failed runs in {hours} hours"},
	"health.certificate_expired":         {"クライアント証明書の有効期限が切れています（{not_after}）", "The client certificate expired ({not_after})"},
	"health.certificate_expires":         {"クライアント証明書の有効期限まであと {days} 日です（{not_after}）", "The client certificate expires in {days} {days|day|days} ({not_after})"},
	"health.run_failed":                  {"最新の実行（{at}）が失敗しました（{error}）", "The newest run ({at}) failed ({error})"},
	"health.run_blocked":                 {"最新の実行（{at}）は安全装置が止めました。計画を確認してください", "A safeguard blocked the newest run ({at}); check its plan"},
	"health.overdue":                     {"{last} 以降、スケジュール実行が行われていません", "No scheduled run since {last}"},
	"health.schedule_off":                {"スケジュール実行は無効です。名簿は手動の実行でのみ更新されます", "Scheduled runs are off; only runs started by hand update the targets"},
	"health.never_run":                   {"まだ一度も同期していません", "Not synced yet"},

	// The overview's health card.
	"overview.health":     {"同期の状態", "Sync health"},
	"overview.domain":     {"接続先", "Connected to"},
	"overview.source_csv": {"CSV ファイル", "CSV files"},
	"overview.users_read": {"読み込んだユーザー", "Users read"},
	"overview.members":    {"名簿のメンバー", "Roster members"},
	"overview.enrolments": {"カレンダー同期の登録", "Calendar enrolments"},
	"overview.permitted":  {"（利用許可 {count} 件）", "({count} permitted)"},

	// The trend chart.
	"trend.title":   {"過去 {days} 日の推移", "The last {days} days"},
	"trend.users":   {"読み込んだユーザー数", "Users read"},
	"trend.changes": {"適用した変更", "Changes applied"},
	"trend.failed":  {"失敗した実行", "Failed runs"},
	"trend.runs":    {"実行回数", "Runs"},
	"trend.day":     {"日付", "Day"},
	"trend.desc":    {"{from} から {to} までの 1 日ごとの{series}。最大 {max}。", "{series} per day from {from} to {to}; at most {max}."},
	"trend.table":   {"表で見る", "As a table"},
	"trend.none":    {"この期間の実行はありません。", "No runs in this period."},
}
