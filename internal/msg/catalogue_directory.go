package msg

// directoryTexts: reading cybozu.com (directory, directory/cybozu).
//
// The English texts are the client's historical messages, lowercase as Go
// errors are (they follow "error [code]: " on the command line).
var directoryTexts = map[string]entry{
	// directory/cybozu: the situations of SPEC §3.3, by code, or by
	// code.situation when one code covers several.
	"domain_not_found": {"cybozu.com の URL が存在しません。cybozu.url のサブドメインを確認してください。",
		"the cybozu.com URL does not exist: check the subdomain in cybozu.url"},
	"auth_failed": {"cybozu.com がログイン名またはパスワードを拒否したか、アカウントが停止中です。cybozu.login と cybozu.password（または cybozu.token）を確認してください。",
		"cybozu.com rejected the login name or password, or the account is suspended (停止中): check cybozu.login and cybozu.password (or cybozu.token)"},
	"auth_failed.two_factor": {"このアカウントは 2 要素認証が有効なため、cybozu.com はパスワード認証を受け付けません。API トークン（cybozu.token）を使うか、CSV ファイルをアップロードしてください。",
		"two-factor authentication is on for this account, and cybozu.com does not accept password authentication for it: use an API token (cybozu.token) or upload CSV exports"},
	"auth_failed.login_page": {"cybozu.com がログインを求めました（ログイン画面へのリダイレクト）。cybozu.login と cybozu.password（または cybozu.token）を確認してください。",
		"cybozu.com asked for a login (redirect to the login page): check cybozu.login and cybozu.password (or cybozu.token)"},
	"auth_failed.no_credentials": {"cybozu.com に認証情報が届いていません。cybozu.login と cybozu.password、または cybozu.token を設定してください。",
		"cybozu.com received no credentials: set cybozu.login and cybozu.password, or cybozu.token"},
	"basic_auth_required": {"このドメインは IP アドレス制限が有効で、このサーバーからのアクセスは許可されていません。Basic 認証のユーザー名とパスワード（cybozu.basic_user、cybozu.basic_password）を設定するか、このサーバーの IP アドレスを許可するか、CSV ファイルをアップロードしてください。",
		"IP address restriction is on for this domain and this host is not allowed: enter the Basic authentication user and password (cybozu.basic_user, cybozu.basic_password), allow this host's IP, or upload CSV exports"},
	"basic_auth_failed": {"cybozu.com が Basic 認証のユーザー名またはパスワードを拒否しました。cybozu.basic_user と cybozu.basic_password を確認してください。",
		"cybozu.com rejected the Basic authentication user or password: check cybozu.basic_user and cybozu.basic_password"},
	"ip_restricted": {"このサーバーの IP アドレスがドメインの IP アドレス制限で拒否されています。cybozu.com 共通管理で許可するか、Basic 認証を有効にするか、CSV ファイルをアップロードしてください。",
		"this host's IP address is blocked by the domain's IP address restriction: allow it in cybozu.com administration, enable Basic authentication there, or upload CSV exports"},
	"forbidden": {"このアカウントにはこの操作の権限がありません。cybozu.com 共通管理者のアカウントか、API トークンを使ってください。",
		"the account lacks permission for this request: use an account with the cybozu.com administrator role, or an API token"},
	"source_unavailable": {"cybozu.com が混み合っているかメンテナンス中で、再試行しても応答がありませんでした。何も変更していません。しばらくしてからもう一度実行してください。",
		"cybozu.com is busy or in maintenance and did not answer after retries; nothing was changed: try again later"},
	"source_unavailable.unreachable": {"cybozu.com に接続できませんでした。何も変更していません。cybozu.url と、このサーバーのネットワーク接続を確認してください。",
		"cybozu.com could not be reached; nothing was changed: check cybozu.url and this host's network access"},
	"unexpected_response": {"cybozu.com から cybridge が解釈できない応答がありました。何も変更していません。cybozu.url が cybozu.com のドメインを指しているか確認してください。",
		"cybozu.com answered in a way cybridge does not understand; nothing was changed: check cybozu.url points at a cybozu.com domain"},
	"connection_failed": {"cybozu.com と安全な接続を確立できませんでした。cybozu.url と、セキュアアクセス（.s.cybozu.com）の場合は cybozu.client_cert と cybozu.client_key を確認してください。",
		"no secure connection could be made to cybozu.com: check cybozu.url, and for Secure Access (.s.cybozu.com) cybozu.client_cert and cybozu.client_key"},
	"canceled.read": {"読み込みが中断されました。何も変更していません。", "the read was canceled; nothing was changed"},

	"source_incomplete.orgs": {"組織の一覧（{offset} 件目から）を、再試行しても読み込めませんでした。ユーザー情報の一部を読めなかったため、計画の作成も変更もしていません。しばらくしてからもう一度実行してください。",
		"the organization list (offset {offset}) could not be read after retries; part of the directory could not be read; nothing was planned or changed: try again later"},
	"source_incomplete.users": {"ユーザーの一覧（{offset} 件目から）を、再試行しても読み込めませんでした。ユーザー情報の一部を読めなかったため、計画の作成も変更もしていません。しばらくしてからもう一度実行してください。",
		"the user list (offset {offset}) could not be read after retries; part of the directory could not be read; nothing was planned or changed: try again later"},
	"source_incomplete.groups": {"グループの一覧（{offset} 件目から）を、再試行しても読み込めませんでした。ユーザー情報の一部を読めなかったため、計画の作成も変更もしていません。しばらくしてからもう一度実行してください。",
		"the group list (offset {offset}) could not be read after retries; part of the directory could not be read; nothing was planned or changed: try again later"},
	"source_incomplete.org_members": {"組織「{org}」の所属ユーザーの一覧（{offset} 件目から）を、再試行しても読み込めませんでした。ユーザー情報の一部を読めなかったため、計画の作成も変更もしていません。しばらくしてからもう一度実行してください。",
		`the member list of organization "{org}" (offset {offset}) could not be read after retries; part of the directory could not be read; nothing was planned or changed: try again later`},
	"source_incomplete.group_members": {"グループ「{group}」のメンバーの一覧（{offset} 件目から）を、再試行しても読み込めませんでした。ユーザー情報の一部を読めなかったため、計画の作成も変更もしていません。しばらくしてからもう一度実行してください。",
		`the member list of group "{group}" (offset {offset}) could not be read after retries; part of the directory could not be read; nothing was planned or changed: try again later`},
	"source_incomplete.unknown_primary": {"ユーザー「{login}」の優先する組織（ID {id}）が組織の一覧にありません。読み込み中にユーザー情報が変更されたか、アカウントがすべての組織を参照できません。計画の作成も変更もしていません。cybozu.com 共通管理者のアカウントで、もう一度実行してください。",
		`user "{login}" names primary organization id {id}, which is not in the organization list: the directory changed while it was read, or the account cannot see every organization; nothing was planned or changed: run again, with an administrator account`},
	"source_incomplete.unlisted_member": {"ユーザー「{login}」は組織「{org}」に所属していますが、ユーザーの一覧にありません。読み込み中にユーザー情報が変更されました。計画の作成も変更もしていません。もう一度実行してください。",
		`user "{login}" is a member of organization "{org}" but not in the user list: the directory changed while it was read; nothing was planned or changed: run again`},

	// What cybridge adds after the situation, in parentheses.
	"cybozu.detail.redirect":             {"{path} へのリダイレクト", "redirect to {path}"},
	"cybozu.detail.no_such_host":         {"ホスト {host} が見つかりません", "no such host {host}"},
	"cybozu.detail.timeout":              {"タイムアウト（cybozu.timeout）までに応答がありません", "no answer within the timeout (cybozu.timeout)"},
	"cybozu.detail.html_page":            {"HTML ページ「{title}」", `an HTML page "{title}"`},
	"cybozu.detail.garbled":              {"応答が壊れているか途中で切れています", "a garbled or truncated answer"},
	"cybozu.detail.member_without_login": {"組織「{org}」の所属ユーザーにログイン名がありません", `a member of organization "{org}" has no login name`},

	// package directory: what Validate finds.
	"invalid_directory": {"ユーザー情報に {count} 件の問題があります。cybozu.com（または CSV ファイル）で修正してから、もう一度読み込んでください。",
		"the directory has {count} problem(s); fix them in cybozu.com (or the CSV files) and read again:"},
	"directory.more":                 {"…ほか {count} 件", "… and {count} more"},
	"directory.duplicate_login":      {"ログイン名「{login}」が重複しています（最初は {first}）。", `login name "{login}" is used twice (first at {first})`},
	"directory.duplicate_org_code":   {"組織コード「{code}」が重複しています（最初は {first}）。", `organization code "{code}" is used twice (first at {first})`},
	"directory.duplicate_group_code": {"グループコード「{code}」が重複しています。", `group code "{code}" is used twice`},
	"directory.unknown_parent":       {"組織「{code}」の親組織「{parent}」が存在しません。", `organization "{code}" names parent "{parent}", which does not exist`},
	"directory.org_cycle":            {"組織の親子関係が循環しています：{cycle}", "organizations form a cycle: {cycle}"},
	"directory.unknown_user":         {"グループ「{group}」のメンバー「{login}」は、ユーザー情報にありません。", `group "{group}" lists member "{login}", who is not a user of the directory`},
	"directory.unknown_org.member":   {"ユーザー「{login}」の所属組織「{org}」が存在しません。", `user "{login}" belongs to organization "{org}", which does not exist`},
	"directory.unknown_org.primary":  {"ユーザー「{login}」の優先する組織「{org}」が存在しません。", `user "{login}" has primary organization "{org}", which does not exist`},
	"directory.empty_code.org":       {"組織「{name}」に組織コードがありません。", `organization "{name}" has no code`},
	"directory.empty_code.login":     {"ユーザー「{name}」にログイン名がありません。", `user "{name}" has no login name`},
}
