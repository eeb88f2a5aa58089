package msg

// scimTexts: the SCIM 2.0 client (targets/scim/scimapi) — what a SCIM
// app's reply means for the admin. Every text names the app's SCIM base
// URL ({url}); the request is {method} {path}. The app's own status,
// scimType and detail follow the text as data (the error's Localize adds
// them), so the texts do not repeat them.
//
// Japanese: 「SCIM 連携先のアプリ」 for the service provider, 「ベアラー
// トークン」 for the bearer token, as Entra ID's and Okta's Japanese
// provisioning screens say.
var scimTexts = map[string]entry{
	"scim_unauthorized": {"SCIM 連携先のアプリ（{url}）がベアラートークンを受け付けませんでした。アプリで cybridge 用に発行したトークンが正しいか、有効期限が切れていないかを確認してください。",
		"the SCIM app at {url} refused the bearer token; check that the token the app issued for cybridge is right and has not expired"},
	"scim_forbidden": {"SCIM 連携先のアプリ（{url}）が {method} {path} を許可しませんでした。トークンに、ユーザーとグループを管理する権限があるかを確認してください。",
		"the SCIM app at {url} does not allow {method} {path}; check that the token may manage users and groups"},
	"scim_not_found": {"SCIM 連携先のアプリ（{url}）に {path} がありません。アプリ側で削除されたか、SCIM のベース URL が違います。",
		"the SCIM app at {url} has no {path}: it was deleted in the app, or the SCIM base URL is wrong"},
	"scim_conflict": {"SCIM 連携先のアプリ（{url}）で {method} {path} が競合しました。ユーザー名などの値が、アプリの別のユーザーで使われています。",
		"the SCIM app at {url} refused {method} {path} as a conflict: a value such as the user name is taken by another user in the app"},
	"scim_precondition_failed": {"SCIM 連携先のアプリ（{url}）の {path} は、読み込んだ後にアプリ側で変更されたため、上書きしませんでした。次回の同期で、変更後の内容から計画し直します。",
		"{path} changed in the SCIM app at {url} after it was read, so it was not overwritten; the next run plans from its new state"},
	"scim_rate_limited": {"SCIM 連携先のアプリ（{url}）のリクエスト数の上限に達しました（{method} {path}）。時間をおいて、もう一度実行してください。",
		"the SCIM app at {url} is limiting requests ({method} {path}); run again later"},
	"scim_unavailable": {"SCIM 連携先のアプリ（{url}）に接続できないか、アプリが応答できませんでした（{method} {path}）。時間をおいて、もう一度実行してください。",
		"the SCIM app at {url} could not be reached or could not answer ({method} {path}); run again later"},
	"scim_invalid": {"SCIM 連携先のアプリ（{url}）が {method} {path} の内容を受け付けませんでした。アプリの SCIM の仕様と、属性の対応付けを確認してください。",
		"the SCIM app at {url} refused the content of {method} {path}; check the app's SCIM requirements and the attribute mapping"},
	"scim_not_supported": {"SCIM 連携先のアプリ（{url}）は {method} {path} に対応していません。",
		"the SCIM app at {url} does not support {method} {path}"},
	"scim_protocol": {"SCIM 連携先のアプリ（{url}）の応答を読み取れませんでした（{method} {path}）。",
		"the reply of the SCIM app at {url} to {method} {path} could not be used"},
	"scim_protocol.body": {"SCIM 連携先のアプリ（{url}）の {method} {path} への応答は、SCIM の形式ではありません。SCIM のベース URL を確認してください。",
		"the reply of the SCIM app at {url} to {method} {path} is not SCIM; check the SCIM base URL"},
	"scim_protocol.too_large": {"SCIM 連携先のアプリ（{url}）の {method} {path} への応答が大きすぎます（上限 {max}）。",
		"the reply of the SCIM app at {url} to {method} {path} is larger than {max}"},
	"scim_protocol.repeated_ids": {"SCIM 連携先のアプリ（{url}）の {path} の一覧で、ID「{id}」が 2 回返されました（startIndex {start}）。一覧の順序が読み込み中に変わったため、読み込みを中止しました。もう一度実行してください。",
		`the SCIM app at {url} listed the id "{id}" twice in {path} (startIndex {start}): the list changed order while it was read, so reading stopped; run again`},
	"scim_protocol.no_end": {"SCIM 連携先のアプリ（{url}）の {path} の一覧が、{pages} ページを読んでも終わりません（全 {total} 件）。読み込みを中止しました。",
		"the SCIM app at {url} did not end the list {path} after {pages} pages ({total} in all), so reading stopped"},
	"scim_protocol.status": {"SCIM 連携先のアプリ（{url}）が {method} {path} に SCIM で使われないステータスを返しました。SCIM のベース URL を確認してください。",
		"the SCIM app at {url} answered {method} {path} with a status SCIM does not use; check the SCIM base URL"},
	"scim_url_invalid": {"SCIM のベース URL「{url}」は使えません。https://ホスト名/パス の形で、アプリが示す SCIM のベース URL を入力してください。",
		`the SCIM base URL "{url}" is not usable; give the app's SCIM base URL as https://HOST/PATH`},
	"scim_url_invalid.credentials": {"SCIM のベース URL「{url}」に認証情報が含まれています。URL からは削除し、ベアラートークンとして設定してください。",
		`the SCIM base URL "{url}" holds credentials; remove them and give the bearer token instead`},
	"scim_url_invalid.plain_http": {"SCIM のベース URL「{url}」は使えません。http:// はこのサーバー自身（ループバックアドレス）にだけ使えます。https:// を使ってください。",
		`the SCIM base URL "{url}": http:// is accepted only for loopback addresses; use https://`},
	"scim_token_missing": {"SCIM 連携先のアプリ（{url}）のベアラートークンが設定されていません。アプリで cybridge 用に発行したトークンを設定してください。",
		"no bearer token is set for the SCIM app at {url}; give the token the app issued for cybridge"},
}
