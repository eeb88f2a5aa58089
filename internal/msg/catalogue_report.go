package msg

// reportTexts: the plan report and the names in it (targets, kinds,
// fields), shared by the CLI's text report and the console's tables.
var reportTexts = map[string]entry{
	"report.header":         {"{source}{domain} から作成した計画（ユーザー {users} 人、組織 {orgs} 件）", "Plan from {source}{domain} ({users} {users|user|users}, {orgs} {orgs|organization|organizations})"},
	"report.read_at":        {"読み込み日時: {time}", "read {time}"},
	"report.linked_domain":  {"連携するドメイン", "linked domain"},
	"report.no_changes":     {"変更はありません。すべての同期先が最新です。", "No changes: every target is up to date."},
	"report.blocked_errors": {"下のエラーを解消するまで変更を計画できません。", "No changes can be planned until the errors below are fixed."},
	"report.errors":         {"エラー（解消するまで何も適用しません）:", "Errors (nothing is applied until they are fixed):"},
	"report.warnings":       {"警告:", "Warnings:"},
	"report.safeguards":     {"働いた安全装置（適用するには削除の許可が必要です）:", "Safeguards tripped (applying this plan needs deletions to be allowed):"},
	"report.summary_count":  {"{action} {count} 件", "{count} to {action}"},
	"report.none":           {"（なし）", "(none)"},
	"report.root":           {"（最上位）", "(root)"},
	"report.true":           {"はい", "yes"},
	"report.false":          {"いいえ", "no"},
	"report.sep":            {"、", ", "},
	"report.summary_kind":   {"{kind}（{counts}）", "{kind} {counts}"},
	"report.kind_sep":       {"、", "; "},

	"target.safety":   {"安否確認", "safety"},
	"target.calendar": {"カレンダー同期", "calendar"},

	"kind.departments": {"部署", "departments"},
	"kind.members":     {"メンバー", "members"},
	"kind.enrolments":  {"利用登録", "enrolments"},

	// Field names: field.<kind>.<name> where one name means different
	// things in two kinds, else field.<name>.
	"field.department.code": {"部署コード", "code"},
	"field.department.name": {"部署名", "name"},
	"field.parent":          {"上位部署", "parent"},
	"field.login":           {"ログイン名", "login"},
	"field.name":            {"表示名", "name"},
	"field.reading":         {"よみがな", "reading"},
	"field.email":           {"メールアドレス", "email"},
	"field.phone":           {"電話番号", "phone"},
	"field.departments":     {"所属部署", "departments"},
	"field.linked_to":       {"連携先", "linked to"},
	"field.permitted":       {"利用許可", "permitted"},
	"field.target":          {"同期先", "target"},
	"field.calendar_id":     {"Google カレンダー ID", "calendar id"},
	"field.caldav_url":      {"CalDAV の URL", "CalDAV URL"},
	"field.caldav_password": {"CalDAV パスワード", "CalDAV password"},
	"field.auth_id":         {"認証 ID", "auth id"},
	"field.gone_since":      {"削除された日", "gone since"},
	"field.user_id":         {"cybozu.com のユーザー ID", "cybozu.com user id"},
	"field.pinned":          {"固定", "pinned"},
	"field.state":           {"状態", "state"},
}
