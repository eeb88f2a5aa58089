// Package csvfile reads the files cybozu.com common administration exports
// (ユーザー管理 › ファイルへの書き出し) into a directory.Snapshot of source
// kind csv — the same snapshot the User API reader gives for the same
// directory, so that planning behaves the same whichever source was used.
// Write produces such files from a snapshot (fixtures, benchmarks).
//
// # Files
//
// user.csv (required), organization.csv + userOrganizations.csv (together),
// title.csv (optional), group.csv + userGroups.csv (together). FindInDir
// finds them in a folder by the names cybozu.com gives them, or else by
// their header row. The formats are those of the help section
// 「CSVファイルを使用したデータの編集」: fixed columns for users,
// organizations, titles and groups (decoded with gocsv after the header
// is checked), a variable number of columns for the two membership files
// (read with encoding/csv).
//
// # Reading rules
//
//   - Encoding: Shift_JIS (Windows-31J, the export's default), UTF-8 with
//     or without a byte order mark, Latin-1, GBK. Auto-detection reads the
//     whole file: a byte order mark → UTF-8; valid UTF-8 → UTF-8; else
//     Shift_JIS — except that a file that is overwhelmingly valid UTF-8
//     with a few bad bytes is reported as damaged UTF-8 rather than decoded
//     as Shift_JIS into plausible garbage. Every invalid byte sequence is
//     reported with its line, column (field) and byte offset.
//   - Separator: comma, semicolon, tab or space: the one found outside
//     quotes on the most of the first rows (up to 20, so that a first row
//     with a single column does not decide); space only when it is on more
//     of them than the others, because display names and English header
//     names contain spaces.
//   - Header row optional (detected by its names; Options.Header forces
//     it). With a header, columns are matched by name — Japanese as the
//     manual and the newer help write them (E-mail/メールアドレス,
//     携帯/携帯電話, メモ/コメント), or English as the English help writes
//     them (Login Name, Phonetic Surname, Hire Date, …) — ignoring width
//     (全角/半角), case, spaces and hyphens, in any order. Without one, the
//     documented order. Columns that fill the snapshot are required: a
//     missing one is an error, never empty values for every user.
//   - Custom items: the columns after 削除 in user.csv, named by their
//     header cell, which is taken as the item's code (the API's
//     customItemValues[].code). A header-less user.csv with such columns
//     needs Options.CustomItems; otherwise it is an error, not a guess.
//     Empty and 「*」 values leave the item out, as the API does for items
//     never set.
//   - Trimming exactly as the table 「ファイルから読み込むとトリムされる項目」:
//     trimmed except 表示名, パスワード, メモ and custom items (users), 説明
//     (organizations, titles, groups). 姓 and 名 are trimmed: the seed copy of
//     the help lost those two rows; the help site's table marks them ✔.
//     White space is Unicode white space, including the full-width space.
//   - 「*」 means "not given": an empty value. Codes are literal (the manual
//     allows 「*」 as an organization, title or group code), except the login
//     name, which cannot be 「*」. Required values (login name, display
//     names, codes) must be given.
//   - 使用状態 is 1 (使用中) or 0 (停止中); anything else is an error.
//     入社日 and 誕生日 are YYYY-MM-DD or YYYY/MM/DD (also with one-digit
//     month and day, as a spreadsheet writes them back), read as
//     YYYY-MM-DD. 表示優先度 is 0–99999999.
//   - Import instructions are refused rather than half-applied: a 削除 of 1
//     and a 新ログイン名 / 新…コード that differs from the code are errors,
//     since the files are read as the directory as it is.
//   - userOrganizations.csv: ログイン名, then 組織コードN / 役職コードN pairs.
//     The first organization is the user's primary (User.PrimaryOrg); the
//     others follow in organization-code order, as the API reader gives
//     them. A row with only the login name means the user belongs to none.
//     Every user of user.csv (but the built-in Administrator) must have a
//     row, as the export gives: cybozu.com's import reads a missing row as
//     "unchanged", not "none", so a missing row means a truncated or
//     filtered file, and is an error (ErrMissingRow) at the user's
//     ログイン名 in user.csv — not the user's organizations removed in
//     silence. Titles come from title.csv; without it, the titles used in
//     memberships are listed with their code and no name.
//   - userGroups.csv: ログイン名, then グループコードN. Members of the built-in
//     everyone group are not listed (the API reader skips them). Rows of
//     the built-in Administrator are skipped: user.csv never contains it.
//     As in userOrganizations.csv, a row with only the login name means no
//     groups, and a user without a row is an error.
//   - group.csv's タイプ (static/dynamic) is kept as Group.Type; the API does
//     not return it.
//   - Completeness: the User API reader cross-checks two lists read
//     independently (users.json's primaryOrganization against each
//     organization's member list). The files allow no such check: user.csv
//     has no 優先する組織 column — the primary organization is the first one
//     of the user's userOrganizations.csv row — so users and memberships
//     are one list here. What the files do allow is checked: every user has
//     a row in each membership file, every row names a user of user.csv,
//     and every organization, title and group named exists.
//
// # Errors
//
// Read returns a complete, valid snapshot or an *Error (code csv_invalid)
// listing every problem as a *RowError (file, line, column, field), up to
// MaxProblems with the rest counted: problems in the files, references
// between them (unknown users, organizations, titles, groups, parents —
// reported at the cell), then Snapshot.Validate's (duplicate logins and
// codes, cycles) with the file, line and column of the row. A line longer
// than 1 MiB or a row larger than 4 MiB stops that file with an error.
// Files are read row by row; only the snapshot is held in memory.
package csvfile
