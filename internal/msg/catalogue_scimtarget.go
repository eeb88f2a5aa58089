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
}
