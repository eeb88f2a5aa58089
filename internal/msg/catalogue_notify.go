package msg

// notifyTexts: notifications (package notify): the subject and body of
// each event, the short cause a subject names, and the problems of the
// [[notify.email]] and [[notify.webhook]] settings.
//
// Subjects start with "[cybridge] " so that a mail rule can sort them; a
// body says what happened, what cybridge did about it (nothing changed, the
// schedule waits) and what is next, in cybozu.com's terms.
var notifyTexts = map[string]entry{
	// Subjects.
	"notify.failed.subject":         {"[cybridge] 同期に失敗しました（{cause}）", "[cybridge] Sync failed ({cause})"},
	"notify.blocked.subject":        {"[cybridge] 安全装置が働いたため同期を止めました", "[cybridge] A safeguard stopped the sync"},
	"notify.paused.subject":         {"[cybridge] スケジュール実行を一時停止しました（{cause}）", "[cybridge] Scheduled runs paused ({cause})"},
	"notify.resumed.subject":        {"[cybridge] スケジュール実行を再開しました", "[cybridge] Scheduled runs resumed"},
	"notify.recovered.subject":      {"[cybridge] 同期が復旧しました", "[cybridge] Sync recovered"},
	"notify.cert_expiring.subject":  {"[cybridge] クライアント証明書の有効期限が近づいています（{expires}）", "[cybridge] The client certificate expires soon ({expires})"},
	"notify.token_expiring.subject": {"[cybridge] API トークンの有効期限が近づいています（{expires}）", "[cybridge] The API token expires soon ({expires})"},
	"notify.test.subject":           {"[cybridge] 通知のテスト", "[cybridge] Test notification"},

	// Bodies: the first paragraph.
	"notify.failed.body": {"cybozu.com のユーザー情報のスケジュール実行による同期に失敗しました。安否確認名簿とカレンダー同期の登録には何も変更していません。次回のスケジュール実行で再試行します。同じエラーが続く間は、これ以上通知しません。",
		"A scheduled sync of the cybozu.com directory failed; nothing was changed in the safety roster or the calendar enrolments. The next scheduled run tries again; while the same error continues, no more notifications are sent."},
	"notify.blocked.body": {"安全装置が働いたため、スケジュール実行による同期を止めました。安否確認名簿とカレンダー同期の登録には何も変更していません。管理者が計画を確認して再開するまで、スケジュール実行は一時停止します。",
		"A safeguard stopped a scheduled sync; nothing was changed in the safety roster or the calendar enrolments. Scheduled runs are paused until an administrator reviews the plan and resumes them."},
	"notify.paused.body": {"同期に失敗したため、スケジュール実行を一時停止しました。安否確認名簿とカレンダー同期の登録は、最後に成功した同期の状態のままで、更新されません。原因を取り除いてから、管理コンソールでスケジュール実行を再開してください。",
		"A sync failed, so scheduled runs are paused; the safety roster and the calendar enrolments stay as the last successful sync left them and are not updated. Remove the cause, then resume scheduled runs in the console."},
	"notify.resumed.body": {"スケジュール実行の一時停止が解除されました。次回のスケジュール実行から同期を再開します。",
		"The pause of scheduled runs was lifted; syncs start again with the next scheduled run."},
	"notify.recovered.body": {"スケジュール実行による同期が再び成功しました。安否確認名簿とカレンダー同期の登録は最新の状態です。",
		"A scheduled sync succeeded again; the safety roster and the calendar enrolments are up to date."},
	"notify.cert_expiring.body": {"セキュアアクセスのクライアント証明書（{name}）の有効期限は {expires} です（あと {days} 日）。期限が切れると cybozu.com に接続できず、同期が止まります。cybozu.com 共通管理で新しい証明書を発行し、cybozu.client_cert と cybozu.client_key を差し替えてください。",
		"The Secure Access client certificate ({name}) expires on {expires} (in {days} {days|day|days}). Once it has expired cybridge cannot reach cybozu.com and syncs stop: issue a new certificate in cybozu.com administration and replace cybozu.client_cert and cybozu.client_key."},
	"notify.token_expiring.body": {"cybozu.com の API トークン（{name}）の有効期限は {expires} です（あと {days} 日）。期限が切れると同期が止まります。cybozu.com 共通管理の「API トークン」で新しいトークンを発行し、cybozu.token を差し替えてください。",
		"The cybozu.com API token ({name}) expires on {expires} (in {days} {days|day|days}). Once it has expired syncs stop: issue a new token in cybozu.com administration (API トークン) and replace cybozu.token."},
	"notify.test.body": {"cybridge からの通知のテストです。このメッセージが届いていれば、通知の設定は正しく動作しています。",
		"This is a test notification from cybridge; if you read it, notifications work."},

	// Lines after the first paragraph.
	"notify.line.error":     {"エラー（{code}）: {text}", "Error ({code}): {text}"},
	"notify.line.pause":     {"一時停止の理由: {cause}", "Paused because: {cause}"},
	"notify.line.since":     {"失敗が始まった日時: {since}", "Failing since: {since}"},
	"notify.line.at":        {"日時: {at}", "At: {at}"},
	"notify.line.run":       {"同期 #{run}: {url}", "Run #{run}: {url}"},
	"notify.line.console":   {"管理コンソール: {url}", "Console: {url}"},
	"notify.open_run":       {"同期 #{run} を開く", "Open run #{run}"},
	"notify.line.signature": {"このメッセージは cybridge が自動で送信しています。", "This message was sent by cybridge automatically."},

	// The cause a subject names, by error code or pause reason.
	"notify.cause.auth_failed":          {"認証エラー", "authentication error"},
	"notify.cause.basic_auth_failed":    {"Basic 認証エラー", "Basic authentication error"},
	"notify.cause.basic_auth_required":  {"IP アドレス制限", "IP address restriction"},
	"notify.cause.ip_restricted":        {"IP アドレス制限", "IP address restriction"},
	"notify.cause.forbidden":            {"権限がありません", "permission denied"},
	"notify.cause.domain_not_found":     {"ドメインが見つかりません", "domain not found"},
	"notify.cause.source_unavailable":   {"cybozu.com に接続できません", "cybozu.com unavailable"},
	"notify.cause.connection_failed":    {"接続エラー", "connection error"},
	"notify.cause.unexpected_response":  {"予期しない応答", "unexpected response"},
	"notify.cause.source_incomplete":    {"読み込みが不完全", "incomplete read"},
	"notify.cause.invalid_directory":    {"ユーザー情報の問題", "problems in the directory"},
	"notify.cause.plan_errors":          {"計画のエラー", "plan errors"},
	"notify.cause.database_busy":        {"データベースが使用中", "database busy"},
	"notify.cause.internal":             {"内部エラー", "internal error"},
	"notify.cause.other":                {"エラーコード {code}", "error {code}"},
	"notify.cause.consecutive_failures": {"{count} 回連続で失敗", "{count} failures in a row"},
	"notify.cause.failure_rate":         {"24 時間に {count} 回失敗", "{count} failures within 24 hours"},

	// Settings ([[notify.email]], [[notify.webhook]], console.base_url).
	"config.notify_address":        {"「{value}」はメールアドレスではありません。", "\"{value}\" is not an email address."},
	"config.notify_auth_plain":     {"STARTTLS なしでは、パスワードを平文で送ることになるため SMTP 認証を使えません（ループバックのサーバーを除く）。starttls = true にしてください。", "SMTP authentication without STARTTLS would send the password in clear text (except to a loopback server): set starttls = true."},
	"config.notify_password_user":  {"password_file と username は両方指定するか、両方とも指定しないでください。", "set both username and password_file, or neither."},
	"config.notify_webhook_url":    {"「{value}」は https の URL ではありません（http はループバックのアドレスだけに使えます）。", "\"{value}\" is not an https URL (http only for loopback addresses)."},
	"config.notify_secret_missing": {"generic の webhook には署名の鍵（secret_file）が必要です。", "a generic webhook needs its signing key (secret_file)."},
	"config.notify_secret_kind":    {"secret_file は generic の webhook だけに使えます（{kind} の webhook は署名を検証しません）。", "secret_file applies to generic webhooks only ({kind} webhooks do not verify a signature)."},
	"config.notify_file":           {"{path} を読み込めません（{detail}）。", "cannot read {path}: {detail}."},
	"config.notify_file_empty":     {"{path} が空です。", "{path} is empty."},
	"config.notify_ca_file":        {"{path} に PEM 形式の証明書がありません。", "{path} holds no PEM certificate."},
	"config.notify_base_url":       {"「{value}」は管理コンソールの URL ではありません（例: https://cybridge.example.com/）。", "\"{value}\" is not the console's URL (e.g. https://cybridge.example.com/)."},
}
