package msg

// configTexts: configuration problems (package config and each component's
// own checks). A problem's text never repeats its key: the line that shows
// it starts with the key and its CYBRIDGE_* variable. {detail} is a
// parser's or the system's own message, shown as it is and only in
// parentheses after a sentence of cybridge's own; the calendar scope's
// syntax errors have their own texts (catalogue_scope.go).
var configTexts = map[string]entry{
	// The error and its heading.
	"config_invalid": {"設定に {count} 件の問題があります。次の項目を設定ファイル（cybridge.toml）または CYBRIDGE_* 環境変数で直してください。",
		"The configuration has {count} {count|problem|problems}; fix these keys (in the file or as CYBRIDGE_* environment variables):"},
	"config.no_file": {"設定ファイル {path} が見つからないため、CYBRIDGE_* 環境変数だけを読みました。設定ファイルを置くか、環境変数で設定してください。",
		"no configuration file was found at {path}, so only CYBRIDGE_* environment variables were read; put cybridge.toml there or set the variables."},

	// The file itself.
	"config.file_missing":    {"設定ファイル {path} がありません。", "the configuration file {path} does not exist."},
	"config.file_denied":     {"設定ファイル {path} を読む権限がありません。", "no permission to read the configuration file {path}."},
	"config.file_unreadable": {"設定ファイル {path} を読み込めません（{detail}）。", "cannot read the configuration file {path} ({detail})."},
	"config.toml_syntax":     {"{line} 行目 {column} 文字目で TOML の書き方に誤りがあります（{detail}）。", "line {line}, column {column}: not valid TOML ({detail})."},
	"config.file_invalid":    {"設定ファイルを読み込めません（{detail}）。", "cannot read the configuration: {detail}"},

	// Values of the file that do not fit their key.
	"config.type_string":   {"{file} の {line} 行目: 文字列を \"\" で囲んで指定してください。", "{file}, line {line}: must be a string in quotes."},
	"config.type_integer":  {"{file} の {line} 行目: 整数で指定してください（\"\" で囲みません）。", "{file}, line {line}: must be a whole number (without quotes)."},
	"config.type_boolean":  {"{file} の {line} 行目: true か false で指定してください（\"\" で囲みません）。", "{file}, line {line}: must be true or false (without quotes)."},
	"config.type_slice":    {"{file} の {line} 行目: 配列（例: [\"example.co.jp\"]）で指定してください。", "{file}, line {line}: must be a list, e.g. [\"example.co.jp\"]."},
	"config.type_duration": {"{file} の {line} 行目: 時間の長さを \"30s\" や \"2m\" のように指定してください。", "{file}, line {line}: must be a duration such as \"30s\" or \"2m\"."},

	// Keys and sections that name nothing.
	"config.unknown_section_suggest": {"[{section}] というセクションはありません。[{suggestion}] の誤りではありませんか？",
		"there is no section [{section}]; did you mean [{suggestion}]?"},
	"config.unknown_section": {"[{section}] というセクションはありません。使えるセクションは {sections} です。",
		"there is no section [{section}]; the sections are {sections}."},
	"config.unknown_key":         {"この名前の設定項目はありません。", "unknown key."},
	"config.unknown_key_suggest": {"この名前の設定項目はありません。{suggestion} の誤りではありませんか？", "unknown key; did you mean {suggestion}?"},
	"config.unknown_env": {"この名前の環境変数に対応する設定項目はありません（CYBRIDGE_<セクション>_<項目> の形で指定します）。",
		"unknown environment variable: no configuration key has this name (CYBRIDGE_<SECTION>_<KEY>)."},
	"config.unknown_env_suggest": {"この名前の環境変数に対応する設定項目はありません。{suggestion} の誤りではありませんか？",
		"unknown environment variable: no configuration key has this name; did you mean {suggestion}?"},
	"config.file_form_not_secret": {"ファイルから読み込めるのはパスワードなどの秘密情報だけです。{key} は値を直接指定してください。",
		"unknown key (only secrets can be read from a file): set {key} itself."},

	// Secrets read from files.
	"config.secret_file_empty":      {"{from} にファイルのパスが指定されていません。", "{from} names no file."},
	"config.secret_file_missing":    {"{from} に指定されたファイル {path} がありません。", "{from}: the secret file {path} does not exist."},
	"config.secret_file_denied":     {"{from} に指定されたファイル {path} を読む権限がありません。", "{from}: no permission to read the secret file {path}."},
	"config.secret_file_unreadable": {"{from} に指定されたファイル {path} を読み込めません（{detail}）。", "{from}: cannot read the secret file {path} ({detail})."},

	// Values from the environment.
	"config.env_not_number":   {"{env} の値「{value}」は整数ではありません。", "{env}: not a whole number: {value}"},
	"config.env_not_bool":     {"{env} の値「{value}」は true か false で指定してください。", "{env}: not true or false: {value}"},
	"config.env_not_duration": {"{env} の値「{value}」は時間の長さとして読めません（30s、2m などで指定します）。", "{env}: not a duration (such as 30s or 2m): {value}"},

	// Tags of the configuration's keys.
	"config.required":      {"必須の項目です。", "required."},
	"config.min":           {"{param} 以上で指定してください（「{value}」が指定されています）。", "must be at least {param} (it is {value})."},
	"config.max":           {"{param} 以下で指定してください（「{value}」が指定されています）。", "must be at most {param} (it is {value})."},
	"config.oneof":         {"「{value}」は指定できません。{allowed} のいずれかを指定してください。", "\"{value}\" is not one of: {allowed}."},
	"config.hostname":      {"「{value}」はドメイン名ではありません。", "\"{value}\" is not a domain name."},
	"config.hostname_port": {"「{value}」は「ホスト:ポート」の形ではありません（例: 127.0.0.1:8080）。", "\"{value}\" is not host:port (e.g. 127.0.0.1:8080)."},
	"config.invalid":       {"「{value}」は指定できない値です。", "\"{value}\" is not a valid value."},
	"config.initial_password_short": {"初期パスワードは {min} 文字以上にしてください。",
		"the initial password must have at least {min} characters."},

	// The cybozu.com URL (cybozu.url).
	"config.url_not_url":  {"「{url}」は URL ではありません。https://サブドメイン.cybozu.com の形で指定してください。", "\"{url}\" is not a URL; write it as https://SUBDOMAIN.cybozu.com"},
	"config.url_path":     {"「{url}」にはパスが含まれています。https://サブドメイン.cybozu.com だけを指定してください。", "\"{url}\" has a path; give only https://SUBDOMAIN.cybozu.com"},
	"config.url_http":     {"「{url}」は http:// で始まっています。http:// はループバックアドレスにだけ使えます。https:// を指定してください。", "\"{url}\" uses http://, which is accepted only for loopback addresses; use https://"},
	"config.url_scheme":   {"「{url}」は https:// で始まっていません。", "\"{url}\" must start with https://"},
	"config.url_userinfo": {"URL にユーザー名やパスワードを含めないでください。cybozu.login と cybozu.password で指定します。", "the URL must not contain a user or password; set cybozu.login and cybozu.password instead."},
	"config.url_query":    {"「{url}」に ? や # が含まれています。https://サブドメイン.cybozu.com だけを指定してください。", "\"{url}\" has ? or #; give only https://SUBDOMAIN.cybozu.com"},

	// cybozu.com credentials (directory/cybozu).
	"config.cybozu_url_required": {"cybozu.com の URL を指定してください（例: https://example.cybozu.com）。",
		"required: the cybozu.com URL, e.g. https://example.cybozu.com"},
	"config.cybozu_credentials_required": {"ログイン名とパスワード、または API トークン（cybozu.token）を指定してください。",
		"required: a login name and password, or an API token (cybozu.token)."},
	"config.cybozu_password_needs_login": {"パスワードを使うには、そのログイン名（cybozu.login）も指定してください。",
		"a password needs the login name it belongs to (cybozu.login)."},
	"config.cybozu_token_with_basic": {"Basic 認証はパスワード認証とだけ組み合わせられます（API トークンと Basic 認証はどちらも Authorization ヘッダーを使います）。API トークンの代わりに cybozu.login と cybozu.password を指定するか、basic_user を外してください。",
		"Basic authentication works with password authentication only (the API token and Basic authentication both use the Authorization header): set cybozu.login and cybozu.password instead of the token, or remove basic_user."},
	"config.cybozu_basic_pair":  {"basic_user と basic_password は両方指定するか、両方とも指定しないでください。", "set both basic_user and basic_password, or neither."},
	"config.cybozu_client_pair": {"client_cert と client_key は両方指定するか、両方とも指定しないでください。", "set both client_cert and client_key, or neither."},
	"config.cybozu_client_cert": {"セキュアアクセスのクライアント証明書と秘密鍵（PEM ファイル）を読み込めません（{detail}）。",
		"cannot load the Secure Access certificate and key (PEM files): {detail}"},
	"config.cybozu_client_certificate_file": {"セキュアアクセスのクライアント証明書（.pfx ファイル）を読み込めません（{detail}）。cybozu.com から発行された .pfx ファイルを指定してください。",
		"cannot load the Secure Access client certificate (.pfx file): {detail}; give the .pfx file cybozu.com issued"},
	"config.cybozu_client_certificate_password": {"クライアント証明書（{file}）のパスワードが正しくありません。証明書のダウンロード時に表示されたパスワードを client_certificate_password_file のファイルに保存してください。",
		"the password of the client certificate ({file}) is wrong: put the password shown when the certificate was downloaded into the client_certificate_password_file file"},
	"config.cybozu_client_certificate_password_missing": {"クライアント証明書（{file}）はパスワードで保護されています。パスワードを client_certificate_password_file（または client_certificate_password）で指定してください。",
		"the client certificate ({file}) is protected by a password: set client_certificate_password_file (or client_certificate_password)"},
	"config.cybozu_client_certificate_both": {"クライアント証明書は、client_certificate_file（.pfx）か、client_cert と client_key（PEM）のどちらか一方で指定してください。",
		"give the client certificate either as client_certificate_file (.pfx) or as client_cert and client_key (PEM), not both"},
	"config.cybozu_certificate_needs_secure_url": {"クライアント証明書はセキュアアクセスの URL でだけ使われますが、cybozu.url（{url}）はセキュアアクセスの URL ではありません。cybozu.url を https://{host} の形（サブドメイン.s.cybozu.com）にしてください。",
		"a client certificate is used only with a Secure Access URL, and cybozu.url ({url}) is not one: set cybozu.url to the form https://{host} (SUBDOMAIN.s.cybozu.com)"},
	"config.cybozu_secure_url_needs_certificate": {"cybozu.url（{url}）はセキュアアクセスの URL です。セキュアアクセスにはクライアント証明書が必要です。cybozu.client_certificate_file（.pfx）と client_certificate_password_file を指定してください。",
		"cybozu.url ({url}) is a Secure Access URL, which needs a client certificate: set cybozu.client_certificate_file (the .pfx) and client_certificate_password_file"},

	// Calendar sync (targets/calendar).
	// A scope's syntax error is its own text (scope.*.at, catalogue_scope.go).
	"config.calendar_template_placeholder": {"{placeholder} は使えません。{{login}、{{email}、{{email_local} のいずれかを使ってください。",
		"unknown placeholder {placeholder}; use {{login}, {{email} or {{email_local}."},
	"config.calendar_template_url": {"この URL テンプレートからは CalDAV の URL を作れません（{detail}）。",
		"the template does not make a usable CalDAV URL: {detail}"},

	// The schedule (provision/schedule).
	// config.schedule_cron is the general text, for a spec robfig/cron
	// rejects for a reason the schedule package does not name itself.
	"config.schedule_cron": {"「{value}」はスケジュールとして読めません。cron の 5 つのフィールド（分 時 日 月 曜日、例: */10 * * * *）、@every 10m のような指定、または off を指定してください。",
		"\"{value}\" is not a schedule; write five cron fields (minute hour day month weekday, e.g. \"*/10 * * * *\"), a descriptor such as \"@every 10m\", or \"off\"."},
	"config.schedule_cron_fields": {"「{value}」はスケジュールとして読めません。フィールドが {found} 個あります。cron は {want} つのフィールド（分 時 日 月 曜日、例: */10 * * * *）で指定します。@every 10m のような指定や off も使えます。",
		"\"{value}\" is not a schedule: it has {found} {found|field|fields}, and cron has {want} (minute hour day month weekday, e.g. \"*/10 * * * *\"); or write a descriptor such as \"@every 10m\", or \"off\"."},
	"config.schedule_cron_second": {"「{value}」の {position} 番目のフィールド（秒）の「{part}」は使えません。秒は {min}〜{max} の数で指定してください。",
		"\"{value}\" is not a schedule: field {position} (second) is \"{part}\", not a number from {min} to {max}."},
	"config.schedule_cron_minute": {"「{value}」の {position} 番目のフィールド（分）の「{part}」は使えません。分は {min}〜{max} の数で指定してください。",
		"\"{value}\" is not a schedule: field {position} (minute) is \"{part}\", not a number from {min} to {max}."},
	"config.schedule_cron_hour": {"「{value}」の {position} 番目のフィールド（時）の「{part}」は使えません。時は {min}〜{max} の数で指定してください。",
		"\"{value}\" is not a schedule: field {position} (hour) is \"{part}\", not a number from {min} to {max}."},
	"config.schedule_cron_day": {"「{value}」の {position} 番目のフィールド（日）の「{part}」は使えません。日は {min}〜{max} の数で指定してください。",
		"\"{value}\" is not a schedule: field {position} (day of month) is \"{part}\", not a number from {min} to {max}."},
	"config.schedule_cron_month": {"「{value}」の {position} 番目のフィールド（月）の「{part}」は使えません。月は {min}〜{max} の数か JAN〜DEC で指定してください。",
		"\"{value}\" is not a schedule: field {position} (month) is \"{part}\", not a number from {min} to {max} or JAN to DEC."},
	"config.schedule_cron_weekday": {"「{value}」の {position} 番目のフィールド（曜日）の「{part}」は使えません。曜日は {min}〜{max} の数（0 が日曜日）か SUN〜SAT で指定してください。",
		"\"{value}\" is not a schedule: field {position} (day of week) is \"{part}\", not a number from {min} to {max} (0 is Sunday) or SUN to SAT."},
	"config.schedule_cron_step": {"「{value}」の {position} 番目のフィールドで / の後の間隔「{part}」は使えません。1 以上の整数で指定してください。",
		"\"{value}\" is not a schedule: the step after / in field {position} is \"{part}\", not a whole number of 1 or more."},
	"config.schedule_cron_range": {"「{value}」の {position} 番目のフィールドの範囲「{part}」は、小さい数から大きい数の順に書いてください（例: 9-17）。",
		"\"{value}\" is not a schedule: the range \"{part}\" in field {position} must go from the smaller number to the larger (e.g. 9-17)."},
	"config.schedule_cron_descriptor": {"「{value}」という指定はありません。{descriptors} のいずれか（@every は @every 10m のように間隔を続けます）、cron の 5 つのフィールド、または off を指定してください。",
		"\"{value}\" is not a schedule: unknown descriptor; use one of {descriptors} (@every takes an interval, e.g. \"@every 10m\"), five cron fields, or \"off\"."},
	"config.schedule_cron_every": {"「{value}」の間隔を読めません。@every の後には 10m や 1h30m のように間隔を書いてください。",
		"\"{value}\" is not a schedule: @every needs an interval such as 10m or 1h30m."},
	"config.schedule_time_zone": {"「{value}」というタイムゾーンはありません。Asia/Tokyo や UTC のような IANA の名前で指定してください。",
		"unknown time zone \"{value}\"; use an IANA name such as Asia/Tokyo or UTC."},

	// The console.
	"config.admin_password_missing": {"管理コンソールを使うには管理者パスワードが必要です（CYBRIDGE_ADMIN_PASSWORD_FILE でファイルから読み込むこともできます）。",
		"the console needs an admin password (it can also be read from a file named by CYBRIDGE_ADMIN_PASSWORD_FILE)."},

	// The console's settings (provision/web.CheckConfig).
	"config.admin_password_short": {"管理者パスワードが短すぎます（{length} 文字）。{min} 文字以上にしてください。",
		"the admin password is too short ({length} {length|character|characters}); use at least {min} characters."},
	"config.admin_password_long": {"管理者パスワードが {bytes} バイトあります。bcrypt が扱えるのは {max} バイトまでのため、{max} バイト以内にしてください（日本語の文字は 1 文字 3 バイトです）。",
		"the admin password is {bytes} bytes long; bcrypt reads at most {max} bytes, so use at most {max} bytes (a Japanese character takes 3)."},
	"config.admin_password_space": {"管理者パスワードの先頭または末尾に空白か改行があります。ファイルから読み込む場合は、末尾の余分な改行を取り除いてください。",
		"the admin password starts or ends with a space or a line break; if it is read from a file, remove the extra line break at its end."},
	"config.console_api_token_short": {"API トークンが短すぎます（{length} 文字）。推測されないよう、{min} 文字以上のランダムな文字列にしてください（例: 16 バイトの乱数の 16 進表記）。",
		"the API token is too short ({length} {length|character|characters}); use a random string of at least {min} characters (e.g. 16 random bytes in hex)."},
	"config.console_api_token_space": {"API トークンの先頭または末尾に空白か改行、または制御文字があります。ランダムな英数字だけにしてください。",
		"the API token starts or ends with a space or a line break, or has a control character; use random letters and digits only."},
	"config.console_trusted_proxy": {"「{value}」は IP アドレスでも CIDR 形式のアドレス範囲（例: 10.0.0.0/8）でもありません。",
		"{value} is neither an IP address nor a CIDR range such as 10.0.0.0/8."},
	"config.console_allowed_host": {"「{value}」はホスト名として使えません。スキームやポートを付けずに、cybridge.example.co.jp のように指定してください。",
		"{value} is not a host name; give a name such as cybridge.example.co.jp, without a scheme or a port."},
}
