package msg

// scopeTexts: syntax errors of the calendar scope expression
// (targets/calendar/scope). Each situation has three keys:
//
//	scope.<situation>          what is wrong, alone
//	scope.<situation>.at       the same after "column {column}" (a one-line scope)
//	scope.<situation>.at_line  the same after "line {line}, column {column}"
//
// Decision: the place is part of the text rather than a second text
// around it, because a configuration problem renders one key with its
// parameters (config.Problem) and must still say where the error is; the
// two placed forms are made from the reason here, so each reason is
// written once. Parameters: {found} is what the admin wrote where
// something else was expected (as written, without quotes), {open} the
// column of the "(" a list or group began at, {keys} and {ops} the keys
// and operators that fit. The syntax's own words (and, or, in, not, the
// keys and operators) stay as they are written in the expression.
var scopeTexts = placed(map[string]entry{
	// The lexer.
	"scope.bang_alone": {"「!」の後には「=」を続けてください（「not in」と書くこともできます）。",
		`"!" must be followed by "=" (or write "not in")`},
	"scope.double_equals": {"「==」という演算子はありません。「=」と書いてください。",
		`"==" is not an operator; write "="`},
	"scope.unclosed_quote": {"引用符で囲んだ値が閉じられていません（閉じる引用符がありません）。",
		"this quoted value has no closing quote"},

	// Parentheses and the words between conditions.
	"scope.unmatched_paren": {"この「)」に対応する「(」がありません。",
		`this ")" has no matching "("`},
	"scope.expected_and_or": {"条件の後には「and」か「or」を続けるか、式を終えてください（「{found}」と書かれています）。",
		`expected "and", "or" or the end of the expression, found "{found}"`},
	"scope.expected_close_paren": {"{open} 文字目の「(」を閉じる「)」が必要です（「{found}」と書かれています）。",
		`expected ")" to close the "(" at column {open}, found "{found}"`},
	"scope.unclosed_paren": {"{open} 文字目の「(」が「)」で閉じられないまま、式が終わっています。",
		`expected ")" to close the "(" at column {open}, found the end of the expression`},
	"scope.too_deep": {"かっこの入れ子が {max} 段を超えています。",
		"parentheses are nested more than {max} deep"},

	// Keys.
	"scope.expected_key": {"ここにはキー（{keys}）か「(」を書いてください（「{found}」と書かれています）。",
		`expected a key ({keys}) or "(", found "{found}"`},
	"scope.missing_key": {"キー（{keys}）か「(」で始まる条件がないまま、式が終わっています。",
		`expected a key ({keys}) or "(", found the end of the expression`},
	"scope.unknown_key_case": {"「{found}」というキーはありません。{key} の誤りではありませんか？（キーの大文字と小文字は区別されます）",
		`unknown key "{found}"; did you mean {key}? (keys are case-sensitive)`},
	"scope.unknown_key": {"「{found}」というキーはありません。{keys} のいずれかを使ってください。",
		`unknown key "{found}"; use one of {keys}`},

	// Operators.
	"scope.expected_operator": {"ここには演算子（in, not in, =, !=, <, <=, >, >=）を書いてください（「{found}」と書かれています）。",
		`expected an operator (in, not in, =, !=, <, <=, >, >=), found "{found}"`},
	"scope.missing_operator": {"演算子（in, not in, =, !=, <, <=, >, >=）がないまま、式が終わっています。",
		"expected an operator (in, not in, =, !=, <, <=, >, >=), found the end of the expression"},
	"scope.expected_in": {"「not」の後には「in」を書いてください（「{found}」と書かれています）。",
		`expected "in" after "not", found "{found}"`},
	"scope.missing_in": {"「not」の後に「in」がないまま、式が終わっています。",
		`expected "in" after "not", found the end of the expression`},
	"scope.operator_not_allowed": {"{key} には「{op}」を使えません。{ops} のいずれかを使ってください。",
		`"{op}" cannot be used with {key}; use {ops}`},

	// Values and lists.
	"scope.expected_value": {"ここには値（例: \"sales\"）を書いてください（「{found}」と書かれています）。",
		`expected a value (e.g. "sales"), found "{found}"`},
	"scope.missing_value": {"値（例: \"sales\"）がないまま、式が終わっています。",
		`expected a value (e.g. "sales"), found the end of the expression`},
	"scope.reserved_value": {"「{found}」は式の中で特別な意味を持つ語（and、or、in、not）です。値として使う場合は \"{found}\" のように引用符で囲んでください。",
		`expected a value, found the word "{found}"; quote it ("{found}") if it is a value`},
	"scope.empty_value": {"値が空です。コード、ログイン名または日付を書いてください。",
		"the value is empty; give a code, login name or date"},
	"scope.bad_date": {"{key} の「{found}」は日付として読めません。「1990-04-01」のように年-月-日で書いてください。",
		`{key}: "{found}" is not a date; write it as YYYY-MM-DD (e.g. "1990-04-01")`},
	"scope.empty_list": {"値の一覧が空です。値を 1 つ以上書いてください。",
		"the list is empty; give at least one value"},
	"scope.expected_list_separator": {"{open} 文字目からの一覧では、値の後に「,」か「)」を書いてください（「{found}」と書かれています）。",
		`expected "," or ")" in the list opened at column {open}, found "{found}"`},
	"scope.unclosed_list": {"{open} 文字目からの一覧が「)」で閉じられないまま、式が終わっています。",
		`expected "," or ")" in the list opened at column {open}, found the end of the expression`},
})

// placed is reasons with, for each, its two placed forms (.at, .at_line).
func placed(reasons map[string]entry) map[string]entry {
	out := make(map[string]entry, 3*len(reasons))
	for k, r := range reasons {
		out[k] = r
		out[k+".at"] = entry{"対象範囲の式の {column} 文字目に誤りがあります。" + r.ja, "calendar scope, column {column}: " + r.en}
		out[k+".at_line"] = entry{"対象範囲の式の {line} 行目 {column} 文字目に誤りがあります。" + r.ja, "calendar scope, line {line}, column {column}: " + r.en}
	}
	return out
}
