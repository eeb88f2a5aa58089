package csvfile

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind is one of the export files cybozu.com writes.
type Kind int

// The export file kinds, in the order they are read.
const (
	KindUsers      Kind = iota // user.csv
	KindOrgs                   // organization.csv
	KindUserOrgs               // userOrganizations.csv
	KindTitles                 // title.csv
	KindGroups                 // group.csv
	KindUserGroups             // userGroups.csv
	numKinds
)

// FileName is the name cybozu.com gives the export file of this kind.
func (k Kind) FileName() string {
	switch k {
	case KindUsers:
		return "user.csv"
	case KindOrgs:
		return "organization.csv"
	case KindUserOrgs:
		return "userOrganizations.csv"
	case KindTitles:
		return "title.csv"
	case KindGroups:
		return "group.csv"
	case KindUserGroups:
		return "userGroups.csv"
	}
	return "unknown.csv"
}

// name is the kind's name in parameters of texts (csv.export.<name>).
func (k Kind) name() string {
	switch k {
	case KindUsers:
		return "users"
	case KindOrgs:
		return "orgs"
	case KindUserOrgs:
		return "user_orgs"
	case KindTitles:
		return "titles"
	case KindGroups:
		return "groups"
	case KindUserGroups:
		return "user_groups"
	}
	return "unknown"
}

// column is one documented column of a fixed-column export file.
type column struct {
	key string // gocsv tag of the row struct
	ja  string // the Japanese header name, as documented
	// names are every header spelling accepted for the column (Japanese
	// manual, newer Japanese help, English help); matched after normalize.
	names []string
	// trim: leading and trailing white space is removed, as the table
	// 「ファイルから読み込むとトリムされる項目」 says.
	trim bool
	// required: the column must be in the file because it fills a snapshot
	// field. A missing column would otherwise decode to empty values and
	// blank that field for every user.
	required bool
}

// userColumns is the documented order of user.csv (「ユーザー情報を読み込む
// ファイルのフォーマット」). Custom items follow 削除.
var userColumns = []column{
	{key: "login", ja: "ログイン名", names: []string{"ログイン名", "Login Name"}, trim: true, required: true},
	{key: "name", ja: "表示名", names: []string{"表示名", "Display Name"}, required: true},
	{key: "new_login", ja: "新ログイン名", names: []string{"新ログイン名", "New Login Name"}, trim: true},
	{key: "password", ja: "パスワード", names: []string{"パスワード", "Password"}},
	{key: "surname", ja: "姓", names: []string{"姓", "Surname", "Last Name"}, trim: true, required: true},
	{key: "given_name", ja: "名", names: []string{"名", "Given Name", "First Name"}, trim: true, required: true},
	{key: "surname_reading", ja: "よみがな (姓)", names: []string{"よみがな (姓)", "Phonetic Surname"}, trim: true, required: true},
	{key: "given_name_reading", ja: "よみがな (名)", names: []string{"よみがな (名)", "Phonetic Given Name"}, trim: true, required: true},
	{key: "local_name", ja: "別言語での表示名", names: []string{"別言語での表示名", "Localized Name"}, trim: true},
	{key: "local_name_locale", ja: "別言語の名前を表示する言語", names: []string{"別言語の名前を表示する言語", "Language for Localized Name", "Language of Localized Name"}, trim: true},
	{key: "email", ja: "E-mail", names: []string{"E-mail", "メールアドレス", "E-mail Address"}, trim: true, required: true},
	{key: "valid", ja: "使用状態", names: []string{"使用状態", "Status"}, trim: true, required: true},
	{key: "locale", ja: "言語", names: []string{"言語", "Language"}, trim: true},
	{key: "timezone", ja: "タイムゾーン", names: []string{"タイムゾーン", "Time Zone"}, trim: true},
	{key: "phone", ja: "電話番号", names: []string{"電話番号", "Phone"}, trim: true, required: true},
	{key: "extension", ja: "内線", names: []string{"内線", "Extension"}, trim: true, required: true},
	{key: "mobile", ja: "携帯", names: []string{"携帯", "携帯電話", "Mobile Phone"}, trim: true, required: true},
	{key: "url", ja: "URL", names: []string{"URL"}, trim: true},
	{key: "employee_number", ja: "従業員ID", names: []string{"従業員ID", "Employee ID"}, trim: true, required: true},
	{key: "join_date", ja: "入社日", names: []string{"入社日", "Hire Date"}, trim: true, required: true},
	{key: "birth_date", ja: "誕生日", names: []string{"誕生日", "Birthday"}, trim: true, required: true},
	{key: "memo", ja: "メモ", names: []string{"メモ", "コメント", "About Me", "Notes"}},
	{key: "sort_order", ja: "表示優先度", names: []string{"表示優先度", "Display Order", "Priority"}, trim: true, required: true},
	{key: "skype", ja: "Skype名", names: []string{"Skype名", "Skype Name"}, trim: true},
	{key: "delete", ja: "削除", names: []string{"削除", "Delete", "To Be Deleted"}, trim: true},
}

// orgColumns is the documented order of organization.csv.
var orgColumns = []column{
	{key: "code", ja: "組織コード", names: []string{"組織コード", "Department Code", "Organization Code"}, trim: true, required: true},
	{key: "name", ja: "表示名", names: []string{"表示名", "Display Name", "Department Name"}, trim: true, required: true},
	{key: "new_code", ja: "新組織コード", names: []string{"新組織コード", "New Department Code", "New Organization Code"}, trim: true},
	{key: "local_name", ja: "別言語での表示名", names: []string{"別言語での表示名", "Localized Name"}, trim: true, required: true},
	{key: "local_name_locale", ja: "別言語の名前を表示する言語", names: []string{"別言語の名前を表示する言語", "Language for Localized Name", "Language of Localized Name"}, trim: true},
	{key: "parent_code", ja: "親組織コード", names: []string{"親組織コード", "Parent Department Code", "Parent Organization Code"}, trim: true, required: true},
	{key: "description", ja: "説明", names: []string{"説明", "Description"}, required: true},
}

// titleColumns is the documented order of title.csv. The manual's example
// header says 役職コード1; both spellings are accepted.
var titleColumns = []column{
	{key: "code", ja: "役職コード", names: []string{"役職コード", "役職コード1", "Job Title Code", "Job Title Code 1"}, trim: true, required: true},
	{key: "name", ja: "役職名", names: []string{"役職名", "Name", "Job Title Name", "Job Title"}, trim: true, required: true},
	{key: "new_code", ja: "新役職コード", names: []string{"新役職コード", "New Job Title Code"}, trim: true},
	{key: "description", ja: "説明", names: []string{"説明", "Description"}},
	{key: "delete", ja: "削除", names: []string{"削除", "Delete", "To Be Deleted"}, trim: true},
}

// groupColumns is the documented order of group.csv.
var groupColumns = []column{
	{key: "code", ja: "グループコード", names: []string{"グループコード", "Group Code"}, trim: true, required: true},
	{key: "name", ja: "グループ名", names: []string{"グループ名", "Name", "Group Name"}, trim: true, required: true},
	{key: "new_code", ja: "新グループコード", names: []string{"新グループコード", "New Group Code"}, trim: true},
	{key: "type", ja: "タイプ", names: []string{"タイプ", "Type", "Membership", "Membership Type"}, trim: true},
	{key: "description", ja: "説明", names: []string{"説明", "Description"}},
	{key: "delete", ja: "削除フラグ", names: []string{"削除フラグ", "削除", "Delete", "To Be Deleted", "To Be Deleted Flag"}, trim: true},
}

// Membership files: ログイン名 then repeated code columns (with a number).
var (
	loginNames    = []string{"ログイン名", "Login Name"}
	orgCodeNames  = []string{"組織コード", "Department Code", "Organization Code"}
	titleCodeName = []string{"役職コード", "Job Title Code"}
	groupCodeName = []string{"グループコード", "Group Code"}
)

// fixedColumns returns the documented columns of a fixed-column file.
func fixedColumns(k Kind) []column {
	switch k {
	case KindUsers:
		return userColumns
	case KindOrgs:
		return orgColumns
	case KindTitles:
		return titleColumns
	case KindGroups:
		return groupColumns
	}
	return nil
}

// normalizeName folds a header cell for matching: NFKC (full-width
// parentheses and letters become ASCII), lower case, and without white
// space, hyphens, underscores and dots — "よみがな（姓）", "よみがな (姓)"
// and "E-mail" / "Email" match.
func normalizeName(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '-' || r == '_' || r == '.' || r == '\ufeff' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// nameIn reports whether a normalized header cell is one of names.
func nameIn(normalized string, names []string) bool {
	for _, n := range names {
		if normalizeName(n) == normalized {
			return true
		}
	}
	return false
}

// numberedNameIn reports whether a normalized header cell is one of names
// followed by an optional number ("組織コード1", "Group Code 2").
func numberedNameIn(normalized string, names []string) bool {
	return nameIn(strings.TrimRightFunc(normalized, unicode.IsDigit), names)
}

// classifyHeader says which kind of export a header row belongs to, from
// its first two cells. ok is false for rows that are not a known header
// (data rows, and the exports cybridge does not read: services, mail
// accounts).
func classifyHeader(row []string) (k Kind, ok bool) {
	if len(row) == 0 {
		return 0, false
	}
	first := normalizeName(row[0])
	second := ""
	if len(row) > 1 {
		second = normalizeName(row[1])
	}
	switch {
	case nameIn(first, loginNames):
		switch {
		case numberedNameIn(second, orgCodeNames):
			return KindUserOrgs, true
		case numberedNameIn(second, groupCodeName):
			return KindUserGroups, true
		case nameIn(second, userColumns[1].names):
			return KindUsers, true
		default:
			// Services, mail accounts, or a lone ログイン名.
			return 0, false
		}
	case nameIn(first, orgColumns[0].names):
		return KindOrgs, true
	case nameIn(first, titleColumns[0].names):
		return KindTitles, true
	case nameIn(first, groupColumns[0].names):
		return KindGroups, true
	}
	return 0, false
}

// namesColumns reports whether a row of a fixed-column file is a header in
// an order other than the documented one: at least three of its cells, or
// half, name columns of the kind.
func namesColumns(k Kind, row []string) bool {
	cols := fixedColumns(k)
	if cols == nil {
		return false
	}
	keys := columnKeys(cols)
	n := 0
	for _, cell := range row {
		if _, ok := keys[normalizeName(cell)]; ok {
			n++
		}
	}
	return n >= 3 || (n > 0 && 2*n >= len(row))
}

// columnKeys maps every accepted header spelling (normalized) of cols to
// the column's key, so that a header is matched in one pass.
func columnKeys(cols []column) map[string]string {
	m := make(map[string]string, 3*len(cols))
	for _, c := range cols {
		for _, n := range c.names {
			if _, dup := m[normalizeName(n)]; !dup {
				m[normalizeName(n)] = c.key
			}
		}
	}
	return m
}

// nameSet is a set of normalized header names.
type nameSet map[string]bool

func newNameSet(names []string) nameSet {
	s := nameSet{}
	for _, n := range names {
		s[normalizeName(n)] = true
	}
	return s
}

// hasNumbered reports whether a normalized cell is a name of the set with
// an optional number after it.
func (s nameSet) hasNumbered(normalized string) bool {
	return s[strings.TrimRightFunc(normalized, unicode.IsDigit)]
}
