package msg

// pagesTexts: paging, filtering and the department tree of the console's
// long lists (plan and run pages, roster, calendar) at 100,000 users.
var pagesTexts = map[string]entry{
	"pager.label": {"ページ", "Pages"},
	"pager.first": {"最初のページ", "First page"},
	"pager.prev":  {"前のページ", "Previous page"},
	"pager.next":  {"次のページ", "Next page"},
	"pager.last":  {"最後のページ", "Last page"},
	"pager.range": {"{from}–{to} 件目 / 全 {total} 件", "{from}–{to} of {total}"},

	"filter.any":    {"すべて", "All"},
	"filter.target": {"同期先", "Target"},
	"filter.text":   {"ログイン名・名前・コード", "Login, name or code"},
	"filter.apply":  {"絞り込む", "Filter"},
	"filter.clear":  {"解除", "Clear"},
	"filter.none":   {"条件に合う変更はありません。", "No change matches the filter."},
	"filter.shown":  {"{matched} 件（全 {total} 件の変更のうち）", "{matched} of {total} changes"},

	"tree.all":         {"すべての部署", "All departments"},
	"tree.no_dept":     {"所属なし", "No department"},
	"tree.selected":    {"「{name}」のメンバー", "Members of {name}"},
	"tree.help":        {"部署名を押すと、その部署に直接所属するメンバーだけを表示します。", "Select a department to list the members who belong to it directly."},
	"tree.sub":         {"下位 {count} 部署", "{count} {count|sub-department|sub-departments}"},
	"tree.parent_help": {"部署を選んでから追加すると、その部署の下に追加できます。", "Select a department first to add one under it."},
}
