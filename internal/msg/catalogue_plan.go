package msg

// planTexts: the planner (package provision). The codes every surface
// shows (blocked, stale_plan, plan_format, the safeguards, the domain) are
// in coreTexts; these are the situations and failures only provision
// reports.
var planTexts = map[string]entry{
	"plan_format.version": {"計画ファイルの形式はバージョン {version} ですが、この cybridge が読めるのはバージョン {want} です。このバージョンで計画を作り直してください。",
		"The plan file has format version {version}; this cybridge reads version {want}: make the plan again with this version."},
	"plan_format.duplicate_target": {"計画の内容が整合していません（対象「{target}」が 2 回含まれています）。編集されたか壊れているため、何も適用していません。計画を作り直してください。",
		"The plan does not hold together: it lists target {target} twice. It was edited or damaged, and nothing was applied; make the plan again."},
	"plan_format.unknown_target": {"計画の内容が整合していません（{change} 番目の変更（{action} {kind}「{key}」）の対象「{target}」が計画にありません）。編集されたか壊れているため、何も適用していません。計画を作り直してください。",
		"The plan does not hold together: change {change} ({action} {kind} \"{key}\") names target {target}, which the plan does not list. It was edited or damaged, and nothing was applied; make the plan again."},
	"plan_format.no_action": {"計画の内容が整合していません（{change} 番目の変更（{action} {kind}「{key}」）は、対象「{target}」ではできません）。編集されたか壊れているため、何も適用していません。計画を作り直してください。",
		"The plan does not hold together: change {change} ({action} {kind} \"{key}\"): target {target} has no {kind} {action}. It was edited or damaged, and nothing was applied; make the plan again."},
	"stale_plan.domain": {"計画の作成後に連携先の cybozu.com ドメインが変わったため、この計画は適用できません（計画の作成：{created}）。計画を作り直してください。何も変更していません。",
		"The linked cybozu.com domain changed after this plan was made ({created}), so it cannot be applied; make the plan again. Nothing was changed."},
	"apply_failed": {"計画の適用に失敗したため、何も変更していません（{detail}）。",
		"Applying the plan failed, and nothing was changed: {detail}"},
	"run_timeout": {"実行が制限時間（{timeout}）内に終わらなかったため、中止しました。何も変更していません。cybozu.com の応答が終わらない可能性があります（{detail}）。",
		"The run did not finish within its time limit ({timeout}) and was stopped; nothing was changed. cybozu.com may be answering without end ({detail})."},
	"target_disabled": {"この計画は {target} を変更しますが、{target} は現在の設定で有効になっていません。有効にするか、計画を作り直してください。",
		"The plan changes {target}, which is not enabled in this configuration; enable it or make a new plan."},
}
