package msg

// calendarTexts: calendar-sync enrolment (targets/calendar) — the Editor's
// errors, the plan's warnings, and the enrolment's vocabulary.
//
// The Japanese follows the calendar-sync products' own screens and
// manuals: 利用許可, 同期対象, 同期状態（同期／停止）, 有効（同期中）,
// 有効（停止中）, 無効, 認証済（再認証が必要です）, カレンダー ID, 認証 ID,
// 認証パスワード, エラーによる自動停止. The English texts are the package's
// historical messages, lowercase as Go errors are, without the CLI advice
// they used to carry (the surface adds how to give a value).
var calendarTexts = map[string]entry{
	// The Editor's errors.
	"not_found.enrolment": {"「{name}」のカレンダー同期の利用登録はありません。利用登録は、同期を適用したときにユーザー情報のすべてのユーザーに作成されます。",
		`there is no calendar enrolment for "{name}"; enrolments are created for every directory user when a run is applied`},
	"invalid_input.caldav_password_not_stored": {"CalDAV の同期先には認証パスワードが必要ですが、認証 ID「{auth_id}」のパスワードは保存されていません。認証パスワードを入力してください。",
		`a CalDAV target needs a password: none is stored for auth id "{auth_id}"`},
	"invalid_input.caldav_no_default_url": {"「{login}」のカレンダー URL を入力してください。既定の URL を作成できません（calendar.caldav_url_template が設定されていないか、このユーザーにないメールアドレスが必要です）。",
		`give the calendar URL of "{login}": no default can be made (calendar.caldav_url_template is not set, or needs an email this user lacks)`},
	"invalid_input.not_caldav": {"「{login}」の同期対象は CalDAV ではありません。確認できるのは CalDAV の同期対象だけです。",
		`"{login}" does not sync to CalDAV; only CalDAV targets can be checked`},
	"invalid_input.caldav_incomplete": {"「{login}」の CalDAV の設定が足りません。カレンダー URL、認証 ID、認証パスワードを設定してください。",
		`the CalDAV target of "{login}" is incomplete: the calendar URL, auth id and password are needed`},
	"invalid_input.sync_error_kind": {"同期エラーの種類「{value}」は使えません。forbidden か server を指定してください。",
		`unknown sync error kind "{value}"; use forbidden or server`},
	"invalid_input.default_target": {"calendar.default_target「{value}」は使えません。google か caldav を指定してください。",
		`calendar.default_target "{value}": use google or caldav`},
	"invalid_input.target": {"同期対象「{value}」は使えません。Google カレンダー（google）か CalDAV（caldav）を選んでください。",
		`target "{value}": choose google or caldav`},
	"invalid_input.calendar_id": {"カレンダー ID「{value}」は Google カレンダーの ID ではありません。メインカレンダーのアドレス（name@example.com）か、@group.calendar.google.com で終わるカレンダー ID（Google カレンダーの「カレンダー設定」→「カレンダー ID」）を指定してください。",
		`calendar id "{value}" is not a Google calendar id: use the address of a primary calendar (name@example.com) or a calendar's id ending in @group.calendar.google.com (Google Calendar → カレンダー設定 → カレンダーID)`},
	"invalid_input.caldav_url": {"カレンダー URL「{url}」は使えません（{detail}）。",
		`CalDAV URL "{url}": {detail}`},
	"invalid_input.caldav_url.not_absolute": {"カレンダー URL「{url}」は絶対 URL ではありません。https://ホスト名/パス/ の形で入力してください。",
		`CalDAV URL "{url}": not an absolute URL; write it as https://HOST/PATH/`},
	"invalid_input.caldav_url.credentials": {"カレンダー URL「{url}」に認証情報が含まれています。URL からは削除し、認証 ID と認証パスワードに設定してください。",
		`CalDAV URL "{url}": the URL holds credentials; remove them and set the auth id and password instead`},
	"invalid_input.caldav_url.plain_http": {"カレンダー URL「{url}」は使えません。http:// はこのサーバー自身（ループバックアドレス）にだけ使えます。https:// を使ってください。",
		`CalDAV URL "{url}": http:// is accepted only for loopback addresses; use https://`},
	"invalid_input.caldav_url.scheme": {"カレンダー URL「{url}」は https:// で始めてください。",
		`CalDAV URL "{url}": must start with https://`},
	"invalid_input.caldav_auth_id_required":  {"CalDAV の同期対象には認証 ID が必要です。", "a CalDAV target needs an auth id"},
	"invalid_input.caldav_password_required": {"CalDAV の同期対象には認証パスワードが必要です。", "a CalDAV target needs a password"},
	"invalid_input.field":                    {"{field} の値が正しくありません（{rule}）。", "{field} fails {rule}"},
	"not_permitted.switch": {"「{login}」は利用が許可されていない（管理者により無効とされています）ため、同期状態を切り替えられません。先に利用を許可するか、calendar.scope の対象範囲を広げてください。",
		`"{login}" is not permitted to sync (管理者により無効), so the sync switch cannot be used; permit the user first, or widen calendar.scope`},
	"not_permitted.gone": {"「{login}」は {since} からユーザー情報にありません。利用を許可できるのは、ユーザー情報にあるユーザーだけです。",
		`"{login}" is gone from the directory (since {since}); only users in the directory can be permitted`},
	"secret_key_missing": {"秘密鍵が設定されていないため、CalDAV の認証パスワードを保存できません。CYBRIDGE_SECRET_KEY（または設定ファイルの secret_key）に、ランダムな 32 バイトを 16 進数 64 桁か base64 で設定してください。",
		"no secret key is configured, so CalDAV passwords cannot be stored; set CYBRIDGE_SECRET_KEY (or secret_key in the file) to 32 random bytes written as 64 hex digits or as base64"},
	"secret_key_invalid": {"秘密鍵（CYBRIDGE_SECRET_KEY）は、32 バイトを 16 進数 64 桁か base64 で書いたものにしてください。",
		"the secret key (CYBRIDGE_SECRET_KEY) must be 32 bytes written as 64 hex digits or as base64"},
	"secret_key_mismatch": {"保存されている CalDAV の認証パスワードを、設定されている秘密鍵で復号できません（CYBRIDGE_SECRET_KEY を変更しましたか）。元の秘密鍵に戻すか、認証パスワードを設定し直してください。",
		"the stored CalDAV password cannot be decrypted with the configured secret key (was CYBRIDGE_SECRET_KEY changed?); restore the old key, or set the password again"},

	// The plan's warnings.
	"scope_unknown_code.organization": {"カレンダー同期の対象範囲（calendar.scope）の {column} 文字目の条件にある組織コード「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。calendar.scope（環境変数 CYBRIDGE_CALENDAR_SCOPE）を確認してください。",
		`the calendar scope names organization "{value}" (column {column}), which is not in the directory; it matches nobody; check calendar.scope (CYBRIDGE_CALENDAR_SCOPE)`},
	"scope_unknown_code.group": {"カレンダー同期の対象範囲（calendar.scope）の {column} 文字目の条件にあるグループコード「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。calendar.scope（環境変数 CYBRIDGE_CALENDAR_SCOPE）を確認してください。",
		`the calendar scope names group "{value}" (column {column}), which is not in the directory; it matches nobody; check calendar.scope (CYBRIDGE_CALENDAR_SCOPE)`},
	"scope_unknown_code.title": {"カレンダー同期の対象範囲（calendar.scope）の {column} 文字目の条件にある役職コード「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。calendar.scope（環境変数 CYBRIDGE_CALENDAR_SCOPE）を確認してください。",
		`the calendar scope names title "{value}" (column {column}), which is not in the directory; it matches nobody; check calendar.scope (CYBRIDGE_CALENDAR_SCOPE)`},
	"scope_unknown_code.user": {"カレンダー同期の対象範囲（calendar.scope）の {column} 文字目の条件にあるログイン名「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。calendar.scope（環境変数 CYBRIDGE_CALENDAR_SCOPE）を確認してください。",
		`the calendar scope names user "{value}" (column {column}), which is not in the directory; it matches nobody; check calendar.scope (CYBRIDGE_CALENDAR_SCOPE)`},
	"scope_unknown_code.employeeNumber": {"カレンダー同期の対象範囲（calendar.scope）の {column} 文字目の条件にある社員番号「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。calendar.scope（環境変数 CYBRIDGE_CALENDAR_SCOPE）を確認してください。",
		`the calendar scope names employeeNumber "{value}" (column {column}), which is not in the directory; it matches nobody; check calendar.scope (CYBRIDGE_CALENDAR_SCOPE)`},
	"duplicate_enrolment": {"利用登録 {first} と {second} が、どちらもユーザー「{login}」に連携しています。利用登録 {second} は、ユーザー情報から削除されたものとして扱います。",
		"enrolments {first} and {second} both follow user {login}; enrolment {second} is treated as gone"},
	"auto_stopped.forbidden": {"{login}：エラーによる自動停止（{since} から）。カレンダーのサーバーが Forbidden を返しました（認証したアカウントにこのカレンダーの変更権限がありません）。cybridge は同期を再開しません。変更権限を付与してから、利用者が同期状態を「同期」に戻すか、管理者が同期を再開してください。",
		"{login}: auto-stopped: the calendar server answered Forbidden (the authenticated account cannot change this calendar; give it 変更権限 and resume), since {since}. The bridge never restarts it: the user switches 同期状態 back to 同期, or an admin resumes it"},
	"auto_stopped.error_limit": {"{login}：エラーによる自動停止（{since} から）。{hours} 時間以内に {limit} 回のエラーがありました。cybridge は同期を再開しません。カレンダーのサーバーが回復したら、利用者が同期状態を「同期」に戻すか、管理者が同期を再開してください。",
		"{login}: auto-stopped: {limit} errors within {hours} hours (resume once the calendar server is healthy), since {since}. The bridge never restarts it: the user switches 同期状態 back to 同期, or an admin resumes it"},
	"auto_stopped.other": {"{login}：自動停止（理由 {reason}、{since} から）。cybridge は同期を再開しません。利用者が同期状態を「同期」に戻すか、管理者が同期を再開してください。",
		"{login}: auto-stopped: {reason}, since {since}. The bridge never restarts it: the user switches 同期状態 back to 同期, or an admin resumes it"},

	// Why an enrolment is auto-stopped (AutoStop.Localize).
	"auto_stop.forbidden": {"エラーによる自動停止：カレンダーのサーバーが Forbidden を返しました（認証したアカウントにこのカレンダーの変更権限がありません。変更権限を付与してから同期を再開してください）",
		"auto-stopped: the calendar server answered Forbidden (the authenticated account cannot change this calendar; give it 変更権限 and resume)"},
	"auto_stop.error_limit": {"エラーによる自動停止：{hours} 時間以内に {limit} 回のエラーがありました（カレンダーのサーバーが回復してから同期を再開してください）",
		"auto-stopped: {limit} errors within {hours} hours (resume once the calendar server is healthy)"},
	"auto_stop.other": {"自動停止：{reason}", "auto-stopped: {reason}"},

	// The enrolment's vocabulary.
	"state.syncing":  {"有効（同期中）", "syncing"},
	"state.stopped":  {"有効（停止中）", "stopped"},
	"state.disabled": {"無効", "disabled"},

	"cal_target.google": {"Google カレンダー", "Google Calendar"},
	"cal_target.caldav": {"CalDAV", "CalDAV"},

	"auth.none":            {"未認証", "not authenticated"},
	"auth.authenticated":   {"認証済", "authenticated"},
	"auth.reauth_required": {"認証済（再認証が必要です）", "authenticated (re-authentication required)"},

	"switch.sync":    {"同期", "sync"},
	"switch.stopped": {"停止", "stopped"},

	"pin.none":   {"対象範囲に従う", "follows the scope"},
	"pin.permit": {"常に許可", "always permitted"},
	"pin.revoke": {"常に許可しない", "never permitted"},

	"sync_error.forbidden": {"Forbidden（変更権限がありません）", "forbidden"},
	"sync_error.server":    {"サーバーエラー", "server error"},

	"stop_reason.user":        {"利用者が停止", "switched off by the user"},
	"stop_reason.forbidden":   {"エラーによる自動停止（Forbidden）", "auto-stopped (forbidden)"},
	"stop_reason.error_limit": {"エラーによる自動停止（エラーの回数）", "auto-stopped (too many errors)"},

	"history.set":     {"同期対象を設定", "set"},
	"history.stop":    {"同期を停止", "stop"},
	"history.resume":  {"同期を再開", "resume"},
	"history.permit":  {"常に許可に固定", "permit"},
	"history.revoke":  {"常に許可しないに固定", "revoke"},
	"history.unpin":   {"固定を解除", "unpin"},
	"history.error":   {"同期エラー", "sync error"},
	"history.check":   {"CalDAV の接続確認", "CalDAV check"},
	"history.create":  {"利用登録を作成", "create"},
	"history.update":  {"利用登録を更新", "update"},
	"history.disable": {"無効化", "disable"},
	"history.delete":  {"削除", "delete"},

	"actor.bridge": {"cybridge（同期）", "cybridge run"},
	"actor.admin":  {"管理者", "admin"},
	"actor.user":   {"利用者", "user"},
	"actor.sync":   {"同期エンジン", "sync engine"},
}
