package csvfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
)

// MaxProblems is how many problems an *Error lists; the rest are counted.
const MaxProblems = 100

// RowError is one problem in one CSV file, in the manner of
// encoding/csv.ParseError: the file (base name), the 1-based line where
// the problem is, the 1-based column (field number, not byte offset; 0 when
// the problem is not in one field), the column's name as the file (or the
// documented order) calls it, and the problem. When Err is one of the
// package's problems, the RowError has its code and parameters and
// renders in Japanese and English (Localize).
type RowError struct {
	File   string
	Line   int
	Column int
	Field  string
	Err    error
}

func (e *RowError) Error() string { return e.Localize(msg.En) }

// Localize renders the problem in lang after where it is:
// "user.csv:12:3 (ログイン名): …".
func (e *RowError) Localize(lang msg.Lang) string {
	var b strings.Builder
	if e.File == filesLabel {
		b.WriteString(msg.Text(lang, "csv.files", nil))
	} else {
		b.WriteString(e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Field != "" {
		if lang == msg.Ja {
			fmt.Fprintf(&b, "（%s）", e.Field)
		} else {
			fmt.Fprintf(&b, " (%s)", e.Field)
		}
	}
	b.WriteString(": ")
	var p *problem
	if errors.As(e.Err, &p) {
		b.WriteString(p.localize(lang))
	} else {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// ErrorCode is the kind of problem (missing_column, duplicate, …), or
// "invalid_row" for a problem without one.
func (e *RowError) ErrorCode() string {
	var p *problem
	if errors.As(e.Err, &p) {
		return p.code
	}
	return "invalid_row"
}

// ErrorKind: a CSV problem is fixed by giving other files.
func (e *RowError) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams are where the problem is (file, line, column, field) and
// what its text names (value, login, code, …).
func (e *RowError) ErrorParams() msg.Params {
	out := msg.Params{"file": e.File}
	var p *problem
	if errors.As(e.Err, &p) {
		for k, v := range p.params {
			out[k] = v
		}
	}
	out["file"] = e.File // where the problem is wins over a file the text names
	if e.Line > 0 {
		out["line"] = e.Line
	}
	if e.Column > 0 {
		out["column"] = e.Column
	}
	if e.Field != "" {
		out["field"] = e.Field
	}
	return out
}

func (e *RowError) Unwrap() error { return e.Err }

// Error is what Read returns when the files cannot be read into a valid
// snapshot: every problem found (up to MaxProblems, with the rest counted).
// Nothing is returned alongside it: a CSV source is read whole or not at
// all. Its stable error code is "csv_invalid", its kind invalid.
type Error struct {
	Problems []*RowError
	// More counts the problems found beyond MaxProblems.
	More int
}

// ErrorCode is the stable code an admin sees.
func (e *Error) ErrorCode() string { return CodeInvalid }

// ErrorKind: the files must be fixed.
func (e *Error) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams is the number of problems.
func (e *Error) ErrorParams() msg.Params { return msg.Params{"count": len(e.Problems) + e.More} }

func (e *Error) Error() string { return e.Localize(msg.En) }

// Localize renders a heading and every problem listed in lang.
func (e *Error) Localize(lang msg.Lang) string {
	var b strings.Builder
	b.WriteString(msg.Text(lang, CodeInvalid, e.ErrorParams()))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Localize(lang))
	}
	if e.More > 0 {
		b.WriteString("\n  ")
		b.WriteString(msg.Text(lang, "csv.more", msg.Params{"count": e.More}))
	}
	return b.String()
}

// Unwrap gives the row errors to errors.As / errors.Is.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects row errors up to MaxProblems.
type problems struct {
	list []*RowError
	more int
}

func (p *problems) add(e *RowError) {
	if len(p.list) < MaxProblems {
		p.list = append(p.list, e)
		return
	}
	p.more++
}

func (p *problems) count() int { return len(p.list) + p.more }

func (p *problems) err() error {
	if p.count() == 0 {
		return nil
	}
	return &Error{Problems: p.list, More: p.more}
}

// Sentinel problems, for errors.Is in tests and callers.
var (
	// ErrInvalidEncoding: a byte sequence that is not valid in the file's encoding.
	ErrInvalidEncoding = errors.New("invalid byte sequence")
	// ErrMissingColumn: a required column is not in the header.
	ErrMissingColumn = errors.New("required column is missing")
	// ErrShortRow: a row has fewer columns than the header (or the documented order).
	ErrShortRow = errors.New("row is too short")
	// ErrTooLarge: a line or row is larger than the reader accepts.
	ErrTooLarge = errors.New("too large")
	// ErrUnknownReference: a code or login names something the files do not contain.
	ErrUnknownReference = errors.New("unknown reference")
	// ErrDuplicate: a login or code appears twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrMissingRow: a user of the users file has no row in a membership file.
	ErrMissingRow = errors.New("missing row")
	// ErrNoUsersFile: FindInDir found no users export in the folder.
	ErrNoUsersFile = errors.New("no users export")
)

// CodeInvalid is the code of an *Error.
const CodeInvalid = "csv_invalid"

// filesLabel stands for the files given together, where a problem is not
// in one file.
const filesLabel = "(files)"

// problem is one CSV problem: its kind (a code, the sentinel's when it has
// one), the catalogue key of its text ("csv.<code>" or
// "csv.<code>.<situation>"), and the parameters the text names. It unwraps
// to its sentinel (errors.Is(err, ErrDuplicate)) and to its cause.
//
// A parameter whose name ends in "export" holds a Kind's name ("users")
// and renders as the export's name in the admin's language
// (csv.export.users); the API carries the name.
type problem struct {
	code     string
	key      string
	params   msg.Params
	sentinel error
	cause    error
}

// sentinels are the problem kinds with an exported sentinel.
var sentinels = map[string]error{
	"invalid_encoding":  ErrInvalidEncoding,
	"missing_column":    ErrMissingColumn,
	"short_row":         ErrShortRow,
	"too_large":         ErrTooLarge,
	"unknown_reference": ErrUnknownReference,
	"duplicate":         ErrDuplicate,
	"missing_row":       ErrMissingRow,
	"no_users_file":     ErrNoUsersFile,
}

// newProblem is the problem of key ("csv.<code>[.<situation>]") with p.
func newProblem(key string, p msg.Params) *problem {
	code, _, _ := strings.Cut(strings.TrimPrefix(key, "csv."), ".")
	return &problem{code: code, key: key, params: p, sentinel: sentinels[code]}
}

// causedBy sets the problem's cause, whose text is the "detail" parameter.
func (p *problem) causedBy(err error) *problem {
	if p.params == nil {
		p.params = msg.Params{}
	}
	p.params["detail"] = err.Error()
	p.cause = err
	return p
}

func (p *problem) Error() string { return p.localize(msg.En) }

func (p *problem) Unwrap() []error {
	var out []error
	for _, e := range []error{p.sentinel, p.cause} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

func (p *problem) localize(lang msg.Lang) string {
	params := make(msg.Params, len(p.params))
	for name, v := range p.params {
		if k, ok := v.(string); ok && strings.HasSuffix(name, "export") && msg.Has("csv.export."+k) {
			v = msg.Text(lang, "csv.export."+k, nil)
		}
		params[name] = v
	}
	return msg.Text(lang, p.key, params)
}

// Codes lists every catalogue key a CSV problem or error renders (the
// problems Validate reports are directory's), for the test that each has
// a text in both languages.
func Codes() []string {
	keys := []string{CodeInvalid, "csv.more", "csv.files",
		"csv.unreadable.folder", "csv.unreadable.open", "csv.unreadable.read", "csv.unreadable.file",
		"csv.ambiguous_file", "csv.no_users_file", "csv.wrong_export",
		"csv.invalid_option.encoding", "csv.invalid_option.separator", "csv.invalid_option.no_users",
		"csv.invalid_option.orgs_together", "csv.invalid_option.groups_together", "csv.invalid_option.need_orgs",
		"csv.invalid_encoding", "csv.invalid_encoding.utf16", "csv.invalid_encoding.binary", "csv.invalid_encoding.bom",
		"csv.too_large.line", "csv.too_large.row", "csv.too_large.rows", "csv.too_large.columns",
		"csv.invalid_row.quote", "csv.invalid_row.parse", "csv.invalid_row.decode", "csv.short_row", "csv.long_row",
		"csv.missing_column", "csv.duplicate.column", "csv.unknown_column.unnamed", "csv.unknown_column.before_delete",
		"csv.unknown_column.no_header", "csv.invalid_header",
		"csv.empty_value.login", "csv.empty_value.member_login", "csv.empty_value.org_code",
		"csv.invalid_value.asterisk_login", "csv.invalid_value.valid", "csv.invalid_value.sort_order", "csv.invalid_value.date",
		"csv.invalid_value.group_type", "csv.invalid_value.rename", "csv.invalid_value.delete", "csv.invalid_value.delete_flag",
		"csv.invalid_value.title_without_org",
		"csv.duplicate.title_code", "csv.duplicate.user_row", "csv.duplicate.org_membership", "csv.duplicate.group_membership",
		"csv.unknown_reference.user", "csv.unknown_reference.org", "csv.unknown_reference.title", "csv.unknown_reference.group",
		"csv.unknown_reference.parent",
	}
	for _, what := range []string{"name", "org_name", "title_name", "group_name", "title_code", "group_code"} {
		keys = append(keys, "csv.empty_value."+what)
	}
	for _, s := range []string{"orgs", "groups", "no_rows_orgs", "no_rows_groups"} {
		keys = append(keys, "csv.missing_row."+s)
	}
	for k := Kind(0); k < numKinds; k++ {
		keys = append(keys, "csv.export."+k.name())
	}
	return keys
}
