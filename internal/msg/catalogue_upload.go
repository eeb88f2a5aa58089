package msg

// uploadTexts: the bounds of a CSV upload (directory/csvfile.Limits, the
// console's and the API's upload), F6; the feed of applied changes
// (GET /api/v1/changes).
var uploadTexts = map[string]entry{
	"shutting_down": {"管理画面を停止しているところです。起動し直してから、もう一度アップロードしてください。", "The console is shutting down; upload again once it has started again."},
	"csv.too_large.rows": {"ファイルの行数が上限（{limit} 行）を超えています。アップロードで読み込めるのは 1 ファイル {limit} 行までです。正しいファイルですか（ファイルの残りは読み込んでいません）。",
		"the file has more than {limit} rows, the most an upload reads from one file: is this the right file? (the rest of the file was not read)"},
	"csv.too_large.columns": {"この行は {count} 列あり、上限（{limit} 列）を超えています。cybozu.com の書き出しはもっと少ないはずです。正しいファイルですか（ファイルの残りは読み込んでいません）。",
		"the row has {count} columns, more than the limit of {limit}: cybozu.com exports have far fewer — is this the right file? (the rest of the file was not read)"},
	"feed.bad_cursor": {"after「{cursor}」はカーソルではありません。前回の応答の next か、変更の cursor を指定してください（最初からは after なし）。",
		"after {cursor} is not a cursor: give the next of the previous answer, or a change's cursor (no after to read from the start)."},
}
