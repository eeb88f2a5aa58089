package msg

// safetyTexts: the safety roster (targets/safety) — the plan's errors and
// warnings (SPEC §5 rules 1–16), and the roster edits' errors.
//
// The English texts are the package's historical messages, lowercase as Go
// errors are (they follow "error [code]: " on the command line), without
// the CLI advice they used to carry. A single object is named by its own
// parameters (code and name, login and name) so that each language quotes
// it its way; a list of objects is a list parameter whose items read
// "login (name)" in both languages. Codes whose situations have their own
// texts (ambiguous_match, invalid_input) have no text of their own: a text
// without parameters would stand in for an error's whole message (a plan
// error's list) wherever a surface renders by code. The Japanese follows the safety
// service's manual: 名簿, 部署, 部署コード, メンバー, ログイン名, 第 1 階層.
var safetyTexts = map[string]entry{
	// Rule 2 and 8: ambiguous matches.
	"ambiguous_match.org": {"組織「{name}」（組織コード {code}）に、名簿の複数の部署が連携しています（{departments}）。名簿で 1 つを残して削除してから、もう一度実行してください。",
		`organization "{code}" ({name}) matches several roster departments: {departments}; remove all but one of them in the roster and run again`},
	"ambiguous_match.user_links": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）に、名簿の複数のメンバーが連携しています（{members}）。名簿で 1 人を残して削除してから、もう一度実行してください。",
		`cybozu.com user "{login}" ({name}) matches several roster members: {members}; remove all but one of them in the roster and run again`},
	"ambiguous_match.member": {"名簿のメンバー「{name}」（ログイン名 {login}）が、cybozu.com の複数のユーザーに一致します（ログイン名で {by_login}、メールアドレスで {by_email}）。1 人にだけ一致するよう、メンバーかユーザーのログイン名またはメールアドレスを変更してから、もう一度実行してください。",
		`roster member "{login}" ({name}) matches several cybozu.com users: {by_login} by login name, {by_email} by email; change the login name or email of the member or of the users so that it matches one, and run again`},
	"ambiguous_match.member.login": {"名簿のメンバー「{name}」（ログイン名 {login}）が、ログイン名で cybozu.com の複数のユーザーに一致します（{by_login}）。1 人にだけ一致するよう、メンバーかユーザーのログイン名またはメールアドレスを変更してから、もう一度実行してください。",
		`roster member "{login}" ({name}) matches several cybozu.com users by login name: {by_login}; change the login name or email of the member or of the users so that it matches one, and run again`},
	"ambiguous_match.member.email": {"名簿のメンバー「{name}」（ログイン名 {login}）が、メールアドレスで cybozu.com の複数のユーザーに一致します（{by_email}）。1 人にだけ一致するよう、メンバーかユーザーのログイン名またはメールアドレスを変更してから、もう一度実行してください。",
		`roster member "{login}" ({name}) matches several cybozu.com users by email: {by_email}; change the login name or email of the member or of the users so that it matches one, and run again`},
	"ambiguous_match.user": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）に、名簿の複数のメンバーが一致します（ログイン名で {by_login}、メールアドレスで {by_email}）。名簿で 1 人を残してログイン名かメールアドレスを変更してから、もう一度実行してください。",
		`cybozu.com user "{login}" ({name}) matches several roster members: {by_login} by login name, {by_email} by email; change the login name or email of all but one of them in the roster and run again`},
	"ambiguous_match.user.login": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）に、ログイン名で名簿の複数のメンバーが一致します（{by_login}）。名簿で 1 人を残してログイン名かメールアドレスを変更してから、もう一度実行してください。",
		`cybozu.com user "{login}" ({name}) matches several roster members by login name: {by_login}; change the login name or email of all but one of them in the roster and run again`},
	"ambiguous_match.user.email": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）に、メールアドレスで名簿の複数のメンバーが一致します（{by_email}）。名簿で 1 人を残してログイン名かメールアドレスを変更してから、もう一度実行してください。",
		`cybozu.com user "{login}" ({name}) matches several roster members by email: {by_email}; change the login name or email of all but one of them in the roster and run again`},

	// Rules 3, 5, 6: departments.
	"first_level_reparent": {"部署「{name}」（部署コード {code}）は名簿の第 1 階層にあるため、ほかの部署の下に移動できません。しかし、対応する組織「{org_name}」（組織コード {org_code}）は cybozu.com で組織コード {parent} の組織の下に移動されています。名簿で部署「{code}」を削除してから、もう一度実行してください。上位の部署の下に作成し直されます。",
		`department "{code}" ({name}) is at the first level of the roster and cannot be moved under another department, but its organization "{org_code}" ({org_name}) now has the parent "{parent}" in cybozu.com; delete department "{code}" in the roster and run again: it is then created again under its parent`},
	"department_code_conflict": {"組織「{name}」（組織コード {code}）は名簿の部署「{dept_name}」（部署コード {dept_code}）に対応していますが、部署コード {code} は名簿だけの部署「{local_name}」がすでに使っています。名簿でその部署の部署コードを変更するか、部署を削除してから、もう一度実行してください。",
		`organization "{code}" ({name}) corresponds to department "{dept_code}" ({dept_name}), but roster-only department "{code}" ({local_name}) already has the code "{code}"; change that department's code or remove it in the roster, and run again`},
	"department_code_conflict.new": {"組織「{name}」（組織コード {code}）に対応する部署をこの同期で作成しますが、部署コード {code} は名簿だけの部署「{local_name}」がすでに使っています。名簿でその部署の部署コードを変更するか、部署を削除してから、もう一度実行してください。",
		`organization "{code}" ({name}) corresponds to a department this run creates, but roster-only department "{code}" ({local_name}) already has the code "{code}"; change that department's code or remove it in the roster, and run again`},
	"local_children_moved": {"名簿だけの部署「{name}」（部署コード {code}）の上位部署「{parent_name}」（部署コード {parent_code}）は、対応する組織が cybozu.com から削除されたため削除されます。部署「{name}」は部署コード {to} の部署の下に移動します。",
		`roster-only department "{code}" ({name}) is under "{parent_code}" ({parent_name}), which is deleted because its organization is gone from cybozu.com; it moves up to department "{to}"`},
	"local_children_moved.root": {"名簿だけの部署「{name}」（部署コード {code}）の上位部署「{parent_name}」（部署コード {parent_code}）は、対応する組織が cybozu.com から削除されたため削除されます。部署「{name}」は第 1 階層に移動します。",
		`roster-only department "{code}" ({name}) is under "{parent_code}" ({parent_name}), which is deleted because its organization is gone from cybozu.com; it moves up to the root department`},
	"local_memberships_removed": {"部署「{name}」（部署コード {code}）は、対応する組織が cybozu.com から削除されたため削除されます。名簿だけのメンバー {logins} は、この部署の所属から外れます。",
		`department "{code}" ({name}) is deleted because its organization is gone from cybozu.com; roster-only members {logins} lose that membership`},

	// Rules 9 and 14: members.
	"duplicate_email": {"メールアドレス「{email}」は 1 人しか使えませんが、cybozu.com のユーザー {users} が同じアドレスを使っています。cybozu.com でアドレスを変更または削除してから、もう一度実行してください（重複は「一括操作」>「ファイルへの書き出し」で書き出したユーザー情報で確認できます）。",
		`email address "{email}" cannot be used twice, but cybozu.com users {users} all have it; change or remove it in cybozu.com (export the users from 一括操作 > ファイルへの書き出し to find duplicates) and run again`},
	"email_conflict": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）のメールアドレス「{email}」は、このユーザーと連携していない名簿のメンバー「{member_name}」（ログイン名 {member_login}）がすでに使っています。1 つのアドレスを使えるのは 1 人だけです。名簿のメンバーか cybozu.com のユーザーからアドレスを削除してから、もう一度実行してください。",
		`email address "{email}" of cybozu.com user "{login}" ({name}) already belongs to roster member "{member_login}" ({member_name}), which is not linked to that user; an address belongs to one member only: remove it from the member in the roster or from the user in cybozu.com, and run again`},
	"missing_email": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）にメールアドレスがありません。login_key = email の設定では、メールアドレスが名簿のログイン名になります。cybozu.com でメールアドレスを登録するか、safety.login_key = login に設定してください。",
		`cybozu.com user "{login}" ({name}) has no email address, and login_key = email makes the email the roster login; add an email address in cybozu.com or set safety.login_key = login`},
	"login_conflict": {"cybozu.com のユーザー「{name}」（ログイン名 {login}）の名簿でのログイン名「{roster_login}」は、このユーザーと連携していない名簿のメンバー「{member_name}」（ログイン名 {member_login}）がすでに使っています。名簿でそのメンバーを削除するか、cybozu.com でユーザーを変更してから、もう一度実行してください。",
		`the roster login "{roster_login}" for cybozu.com user "{login}" ({name}) is already taken by roster member "{member_login}" ({member_name}), which is not linked to that user; remove or rename that member in the roster, or change the user in cybozu.com, and run again`},
	"login_conflict.users": {"cybozu.com のユーザー「{name_a}」（ログイン名 {login_a}）と「{name_b}」（ログイン名 {login_b}）の名簿でのログイン名が、どちらも「{roster_login}」になります。cybozu.com でどちらかを変更してから、もう一度実行してください。",
		`cybozu.com users "{login_a}" ({name_a}) and "{login_b}" ({name_b}) would both get the roster login "{roster_login}"; change one of them in cybozu.com and run again`},
	"initial_password_required": {"この同期でメンバーを {count} 人作成しますが、新しいメンバーには初期パスワードが必要です。safety.initial_password（環境変数 CYBRIDGE_SAFETY_INITIAL_PASSWORD、6 文字以上、新しいメンバー全員に共通）を設定してください。",
		"this run creates {count} {count|member|members}, and new members need an initial password: set safety.initial_password (CYBRIDGE_SAFETY_INITIAL_PASSWORD, at least 6 characters; the same for every new member)"},
	"initial_password_required.apply": {"この計画はメンバーを作成しますが、新しいメンバーには初期パスワードが必要です。safety.initial_password（環境変数 CYBRIDGE_SAFETY_INITIAL_PASSWORD）を設定してください。",
		"the plan creates members, and new members need an initial password: set safety.initial_password (CYBRIDGE_SAFETY_INITIAL_PASSWORD)"},

	// Roster edits. not_found and already_exists have the parameters
	// what and name, as the core texts of those codes do.
	"not_found.department":      {"名簿に部署コード「{name}」の部署はありません。", `there is no department with code "{name}" in the roster`},
	"not_found.member":          {"名簿にログイン名「{name}」のメンバーはいません。", `there is no member with login name "{name}" in the roster`},
	"already_exists.department": {"部署コード「{name}」の部署はすでにあります。", `a department with code "{name}" already exists`},
	"already_exists.member":     {"ログイン名「{name}」のメンバーはすでにいます。", `a member with login name "{name}" already exists`},
	"first_level_reparent.edit": {"部署「{name}」（部署コード {code}）は第 1 階層にあるため、ほかの部署の下に移動できません。",
		`department "{code}" ({name}) is at the first level and cannot be moved under another department`},
	"invalid_input.parent_cycle": {"部署「{name}」（部署コード {code}）を、その部署自身や配下の部署の下に移動することはできません。",
		`department "{code}" ({name}) cannot be moved under itself or one of its sub-departments`},
	"email_conflict.roster": {"メールアドレス「{email}」は、すでにメンバー「{login}」が使っています。1 つのアドレスを使えるのは 1 人だけです。",
		`email address "{email}" already belongs to member "{login}"; an address belongs to one member only`},

	// Input problems: {field} is one of the roster.field texts below.
	"roster.invalid.required":    {"{field}を入力してください。", "{field} is required"},
	"roster.invalid.email":       {"{field}「{value}」はメールアドレスの形式ではありません。", `{field} "{value}" is not an email address`},
	"roster.invalid.max":         {"{field}は {limit} 文字以内で入力してください。", "{field} is longer than {limit} characters"},
	"roster.invalid.excludesall": {"{field}に制御文字（タブ、改行など）は使えません。", "{field} must not contain control characters (tabs, line breaks)"},
	"roster.invalid.other":       {"{field}が正しくありません（{rule}）。", "{field} is invalid ({rule})"},

	"roster.field.department.code":    {"部署コード", "department code"},
	"roster.field.department.name":    {"部署名", "department name"},
	"roster.field.department.parent":  {"上位部署", "parent department"},
	"roster.field.member.login":       {"ログイン名", "login name"},
	"roster.field.member.name":        {"表示名", "name"},
	"roster.field.member.reading":     {"よみがな", "reading"},
	"roster.field.member.email":       {"メールアドレス", "email address"},
	"roster.field.member.phone":       {"電話番号", "phone number"},
	"roster.field.member.departments": {"所属部署", "departments"},
}
