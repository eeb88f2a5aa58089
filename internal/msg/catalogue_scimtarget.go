package msg

// scimTargetTexts: remote targets in runs (partially applied runs, a stale
// remote object) and the SCIM target (targets/scim): its vocabulary, plan
// errors, configuration and check.
var scimTargetTexts = map[string]entry{
	// Remote targets (provision/remote.go).
	"stale_plan.remote": {"計画の作成後に {target} の{kind}「{key}」が同期先で変更されたため、この計画は適用できません（計画の作成：{created}）。計画を作り直してください。何も送信していません。",
		"{target}: the {kind} {key} changed in the app after the plan was made ({created}), so this plan cannot be applied: make a new plan. Nothing was sent."},
	"partially_applied": {"{applied} 件の変更を適用しましたが、{failed} 件は同期先で失敗しました。失敗した変更は次回の同期で改めて計画します。",
		"{applied} {applied|change was|changes were} applied, but {failed} failed in the app; the next run plans them again."},
	"health.run_partial": {"最新の実行（{at}）では {failed} 件の変更が同期先で失敗しました。同期履歴で確認してください",
		"In the newest run ({at}), {failed} {failed|change|changes} failed in the app; see the run history"},
	"partially_applied.object": {"{target} の{kind}「{key}」（{action}）：", "{target}, {kind} {key} ({action}): "},

	// The SCIM target's vocabulary (targets/scim).
	"kind.users":  {"ユーザー", "users"},
	"kind.groups": {"グループ", "groups"},

	"reason.external_id":  {"externalId（cybozu.com のユーザー ID）が一致", "matched by externalId (the cybozu.com user id)"},
	"reason.user_name":    {"userName が一致", "matched by userName"},
	"reason.display_name": {"グループ名が一致", "matched by display name"},

	"field.user.userName":         {"userName", "userName"},
	"field.user.externalId":       {"externalId（ユーザー ID）", "externalId"},
	"field.user.familyName":       {"姓", "family name"},
	"field.user.givenName":        {"名", "given name"},
	"field.user.displayName":      {"表示名", "display name"},
	"field.user.email":            {"メールアドレス（work）", "email (work)"},
	"field.user.workPhone":        {"電話番号（work）", "phone (work)"},
	"field.user.mobilePhone":      {"携帯電話（mobile）", "phone (mobile)"},
	"field.user.title":            {"役職", "title"},
	"field.user.employeeNumber":   {"社員番号", "employee number"},
	"field.user.department":       {"部署（優先する組織）", "department (primary organization)"},
	"field.user.organization":     {"組織（最上位の組織）", "organization (top-level organization)"},
	"field.user.active":           {"有効（active）", "active"},
	"field.group.displayName":     {"グループ名", "display name"},
	"field.group.externalId":      {"externalId", "externalId"},
	"field.group.members":         {"メンバー", "members"},
	"field.group.members_added":   {"追加するメンバー", "members added"},
	"field.group.members_removed": {"外すメンバー", "members removed"},

	// Plan errors and warnings of the SCIM target.
	"ambiguous_match.scim_links": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）に、同期先の複数のユーザーが連携しています（{remote}）。同期先で 1 人を残して削除してから、もう一度実行してください。",
		"the cybozu.com user {name} ({login}) is linked to several users of the app ({remote}); delete all but one in the app and run again."},
	"ambiguous_match.scim_remote": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）が、同期先の複数のユーザーに一致します（{remote}）。1 人にだけ一致するよう、同期先のユーザーの userName、メールアドレスまたは externalId を直してから、もう一度実行してください。",
		"the cybozu.com user {name} ({login}) matches several users of the app ({remote}); correct their userName, email or externalId in the app so that one matches, and run again."},
	"ambiguous_match.scim_user": {"同期先のユーザー {remote} に、cybozu.com の複数のユーザーが一致します（{users}）。1 人にだけ一致するよう、ログイン名かメールアドレスを直してから、もう一度実行してください。",
		"the app's user {remote} matches several cybozu.com users ({users}); correct their login names or emails so that one matches, and run again."},
	"ambiguous_match.scim_group": {"「{group}」（{key}）が、同期先の複数のグループに一致します（{remote}）。同期先で 1 つを残して名前を変えるか削除してから、もう一度実行してください。",
		"{group} ({key}) matches several groups of the app ({remote}); rename or delete all but one in the app and run again."},
	"scim_no_user_name": {"「{name}」（ログイン名 {login}）にはメールアドレスがないため、userName を決められません（user_name = \"email\"）。このユーザーは同期先に追加しません。",
		"{name} ({login}) has no email, so has no userName (user_name = \"email\"); the user is not added to the app."},

	// [[scim]] settings (targets/scim.CheckConfig).
	"config.scim_name": {"「{value}」は名前に使えません。英小文字で始まる、英小文字・数字・-・_ の 32 文字以内で指定してください。",
		"\"{value}\" cannot be a name: use up to 32 lower-case letters, digits, - and _, starting with a letter."},
	"config.scim_name_taken":     {"「{value}」という名前の [[scim]] がすでにあります。", "another [[scim]] is named \"{value}\"."},
	"config.scim_url":            {"「{url}」は SCIM のベース URL として使えません（例: https://api.example.com/scim/v2）。", "\"{url}\" is not a usable SCIM base URL (e.g. https://api.example.com/scim/v2)."},
	"config.scim_url_https":      {"「{url}」は https:// で始まっていません。http:// はループバックアドレスにだけ使えます。", "\"{url}\" must start with https:// (http:// is accepted only for loopback addresses)."},
	"config.scim_url_userinfo":   {"URL にユーザー名やパスワードを含めないでください。トークンは token_file で指定します。", "the URL must not contain a user or password; give the token with token_file."},
	"config.scim_token_required": {"同期先のアクセストークン（Bearer トークン）を token_file か環境変数 {env} で指定してください。", "give the app's bearer token with token_file or {env}."},
	"config.scim_attribute_code": {"「{code}」はカスタマイズ項目のコードとして使えません。", "\"{code}\" is not a custom item code."},
	"config.scim_attribute_target": {"「{value}」には割り当てられません。{allowed} のいずれかを指定してください。",
		"cannot map to \"{value}\": use one of {allowed}."},
	"config.scim_attribute_twice": {"「{value}」にはカスタマイズ項目 {other} がすでに割り当てられています。", "\"{value}\" is mapped from the custom item {other} already."},

	// check of each [[scim]] endpoint (internal/app, the CLI's check).
	"scim_unusable": {"{target}（{url}）に接続して同期先の設定を読み取れませんでした。URL とアクセストークンを確認してください。",
		"{target} ({url}) could not be used: check its URL and token."},
	"cli.check.scim": {"{target}（{url}）: 接続できました。PATCH {patch}、一括処理 {bulk}、絞り込み {filter}（1 ページ最大 {max_results} 件）、ETag {etag}、並べ替え {sort}、スキーマ {schemas} 件、認証方式 {auth}",
		"{target} ({url}): reachable, token accepted. PATCH {patch}, bulk {bulk}, filter {filter} (at most {max_results} a page), ETag {etag}, sort {sort}, {schemas} {schemas|schema|schemas}, authentication {auth}"},

	// The console's advice on a partially applied run.
	"fix.partially_applied": {"成功した変更は反映済みです。失敗した変更は、同期先の応答（上記）の原因を取り除けば次回の同期で改めて適用されます。同じ失敗が続く場合は、同期先の管理画面でそのユーザーやグループを確認してください。",
		"What succeeded is applied. The failed changes are planned again by the next run once the cause the app gave (above) is removed; if the same failure repeats, look at that user or group in the app's admin pages."},
	"scim_filter_unknown_code.organization": {"{target} の対象ユーザー（user_filter）の {column} 文字目の条件にある組織コード「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。user_filter を確認してください。",
		"{target}: the user_filter names the organization code \"{value}\" (column {column}), which is not in the directory; that condition matches nobody. Check user_filter."},
	"scim_filter_unknown_code.group": {"{target} の対象ユーザー（user_filter）の {column} 文字目の条件にあるグループコード「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。user_filter を確認してください。",
		"{target}: the user_filter names the group code \"{value}\" (column {column}), which is not in the directory; that condition matches nobody. Check user_filter."},
	"scim_filter_unknown_code.title": {"{target} の対象ユーザー（user_filter）の {column} 文字目の条件にある役職コード「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。user_filter を確認してください。",
		"{target}: the user_filter names the title code \"{value}\" (column {column}), which is not in the directory; that condition matches nobody. Check user_filter."},
	"scim_filter_unknown_code.user": {"{target} の対象ユーザー（user_filter）の {column} 文字目の条件にあるログイン名「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。user_filter を確認してください。",
		"{target}: the user_filter names the login name \"{value}\" (column {column}), which is not in the directory; that condition matches nobody. Check user_filter."},
	"scim_filter_unknown_code.employeeNumber": {"{target} の対象ユーザー（user_filter）の {column} 文字目の条件にある社員番号「{value}」は、ユーザー情報にありません。この条件に一致するユーザーはいません。user_filter を確認してください。",
		"{target}: the user_filter names the employee number \"{value}\" (column {column}), which is not in the directory; that condition matches nobody. Check user_filter."},
}
