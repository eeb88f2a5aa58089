package csvfile

import (
	"errors"
	"fmt"
	"strings"
)

// MaxProblems is how many problems an *Error lists; the rest are counted.
const MaxProblems = 100

// RowError is one problem in one CSV file, in the manner of
// encoding/csv.ParseError: the file (base name), the 1-based line where
// the problem is, the 1-based column (field number, not byte offset; 0 when
// the problem is not in one field), the column's name as the file (or the
// documented order) calls it, and the problem.
type RowError struct {
	File   string
	Line   int
	Column int
	Field  string
	Err    error
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RowError) Unwrap() error { return e.Err }

// Error is what Read returns when the files cannot be read into a valid
// snapshot: every problem found (up to MaxProblems, with the rest counted).
// Nothing is returned alongside it: a CSV source is read whole or not at
// all. Its stable error code is "csv_invalid".
type Error struct {
	Problems []*RowError
	// More counts the problems found beyond MaxProblems.
	More int
}

// ErrorCode is the stable code an admin sees.
func (e *Error) ErrorCode() string { return "csv_invalid" }

func (e *Error) Error() string {
	var b strings.Builder
	n := len(e.Problems) + e.More
	if n == 1 {
		b.WriteString("the CSV files have 1 problem; fix it (in cybozu.com or the file) and read again:")
	} else {
		fmt.Fprintf(&b, "the CSV files have %d problems; fix them (in cybozu.com or the files) and read again:", n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
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

// problemf makes a problem that wraps a sentinel with a message saying what
// to fix.
func problemf(sentinel error, format string, args ...any) error {
	return &wrapped{msg: fmt.Sprintf(format, args...), err: sentinel}
}

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }
