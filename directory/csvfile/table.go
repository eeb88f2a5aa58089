package csvfile

import (
	"github.com/cybridge/cybridge/internal/msg"

	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// opener opens one of the files named in Files.
type opener func(name string) (io.ReadCloser, error)

// parseSeparator accepts the config/flag values; 0 means auto-detect.
func parseSeparator(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return 0, nil
	case "comma", ",":
		return ',', nil
	case "semicolon", ";":
		return ';', nil
	case "tab", "\t", `\t`:
		return '\t', nil
	case "space", " ":
		return ' ', nil
	}
	return 0, fmt.Errorf("unknown CSV separator %q: use auto, comma, semicolon, tab or space", s)
}

func separatorName(r rune) string {
	switch r {
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	case ' ':
		return "space"
	}
	return string(r)
}

// sniffSeparator picks the separator of decoded text from its first rows
// (the export offers comma, semicolon, tab and space): of comma, tab and
// semicolon, the one found outside quotes on the most of the first 20
// lines (then the most often); space only when it is on more of those
// lines than that one, because display names and English header names
// (Login Name, Group Code 1) contain spaces, and a membership file's rows
// of users in nothing contain no separator at all. A file with a single
// column gets comma.
func sniffSeparator(b []byte) rune {
	seps := []rune{',', '\t', ';', ' '}
	var onLines, counts [4]int
	var onLine [4]bool
	endLine := func() {
		for i := range seps {
			if onLine[i] {
				onLines[i]++
			}
			onLine[i] = false
		}
	}
	lines, inQuotes := 0, false
	for _, r := range string(b) {
		switch {
		case r == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case r == '\n':
			endLine()
			lines++
		default:
			if i := slices.Index(seps, r); i >= 0 {
				counts[i]++
				onLine[i] = true
			}
		}
		if lines >= 20 {
			break
		}
	}
	endLine() // a last line without a line break
	best := 0
	for i := 1; i < 3; i++ {
		if onLines[i] > onLines[best] || onLines[i] == onLines[best] && counts[i] > counts[best] {
			best = i
		}
	}
	if onLines[3] > onLines[best] {
		return ' '
	}
	return seps[best]
}

// record is one CSV record with where it came from.
type record struct {
	fields []string
	line   int          // line of the first field
	lines  []int        // line of each field, only when the record spans lines
	bad    map[int]bool // fields with an invalid byte sequence (already reported)
}

func (r *record) lineOf(col int) int {
	if r.lines != nil && col >= 0 && col < len(r.lines) {
		return r.lines[col]
	}
	return r.line
}

func (r *record) isBad(col int) bool { return r.bad[col] }

// blank reports whether every field is empty (Excel writes ",,,," rows).
func (r *record) blank() bool {
	for _, f := range r.fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// table reads one export file record by record.
type table struct {
	ctx   context.Context
	kind  Kind
	file  string // base name, for messages and Location
	enc   encodingID
	sep   rune
	dec   *lineDecoder
	cr    *csv.Reader
	rc    io.Closer
	probs *problems

	names   []string // column names for messages: header cells, or documented names
	pending *record  // a first row that turned out to be data
	rows    int
	done    bool
	broken  bool  // reading stopped before the end of the file
	err     error // context cancellation
	bomDone bool
}

// openTable opens a file, works out its encoding and separator, and
// prepares to read records. Problems opening it are reported and nil is
// returned.
func openTable(ctx context.Context, open opener, name string, kind Kind, o *readOptions, probs *problems) *table {
	t := &table{ctx: ctx, kind: kind, file: filepath.Base(name), probs: probs, enc: o.enc, sep: o.sep}
	if t.enc == encAuto {
		rc, err := open(name)
		if err != nil {
			t.fileProblem(newProblem("csv.unreadable.open", msg.Params{"export": kind.name()}).causedBy(err))
			return nil
		}
		t.enc, err = detectEncoding(rc)
		rc.Close()
		if err != nil {
			t.fileProblem(newProblem("csv.unreadable.read", msg.Params{"export": kind.name()}).causedBy(err))
			return nil
		}
	}
	rc, err := open(name)
	if err != nil {
		t.fileProblem(newProblem("csv.unreadable.open", msg.Params{"export": kind.name()}).causedBy(err))
		return nil
	}
	t.rc = rc
	raw := bufio.NewReaderSize(rc, 64<<10) // newLineDecoder reads through it
	head, _ := raw.Peek(64 << 10)
	if e := notText(t.file, head); e != nil {
		t.probs.add(e)
		rc.Close()
		return nil
	}
	t.dec = newLineDecoder(raw, t.enc)
	br := bufio.NewReaderSize(t.dec, 64<<10)
	if t.sep == 0 {
		peek, _ := br.Peek(64 << 10)
		// Do not sniff past an incomplete character at the end of the peek.
		for len(peek) > 0 && !utf8.Valid(peek) {
			peek = peek[:len(peek)-1]
		}
		t.sep = sniffSeparator(peek)
	}
	t.cr = csv.NewReader(br)
	t.cr.Comma = t.sep
	t.cr.FieldsPerRecord = -1
	return t
}

// notText reports a file that is no export at all, from its first bytes:
// UTF-16 (which Excel saves as 「Unicode テキスト」), or binary (a NUL
// byte: a program, a ZIP or .xlsx workbook, an image). No encoding an
// export uses has NUL bytes; one problem says so, rather than one per
// byte that does not decode.
func notText(file string, head []byte) *RowError {
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return &RowError{File: file, Line: 1, Column: 1, Err: newProblem("csv.invalid_encoding.utf16", nil)}
	}
	i := bytes.IndexByte(head, 0)
	if i < 0 {
		return nil
	}
	line := bytes.Count(head[:i], []byte{'\n'}) + 1
	col := i - bytes.LastIndexByte(head[:i], '\n')
	return &RowError{File: file, Line: line, Err: newProblem("csv.invalid_encoding.binary", msg.Params{"byte": col})}
}

func (t *table) close() {
	if t != nil && t.rc != nil {
		t.rc.Close()
	}
}

// fileProblem reports a problem with the whole file.
func (t *table) fileProblem(err error) {
	t.probs.add(&RowError{File: t.file, Err: err})
}

// fieldName is the name of column col (0-based) for messages.
func (t *table) fieldName(col int) string {
	if col >= 0 && col < len(t.names) && t.names[col] != "" {
		return t.names[col]
	}
	if col >= 0 && (t.kind == KindUserOrgs || t.kind == KindUserGroups) {
		return membershipName(t.kind, col)
	}
	return ""
}

// problem reports err at column col (0-based; -1 for the row as a whole)
// of rec, unless that field's bytes were already reported as invalid.
func (t *table) problem(rec *record, col int, err error) {
	if rec.isBad(col) {
		return
	}
	e := &RowError{File: t.file, Line: rec.lineOf(col), Err: err}
	if col >= 0 {
		e.Column = col + 1
		e.Field = t.fieldName(col)
	}
	t.probs.add(e)
}

// readHeader reads the first record and decides whether it is a header:
// as want says when set, else when it is a header of this kind of file.
// A first row that is the header of another kind of export is reported
// (the files were given in the wrong places) and the file is not read.
func (t *table) readHeader(want *bool) (header *record, ok bool) {
	rec, more := t.next()
	if !more {
		return nil, true
	}
	k, isHeader := classifyHeader(rec.fields)
	if !isHeader && namesColumns(t.kind, rec.fields) {
		k, isHeader = t.kind, true // a header in another order
	}
	if isHeader && k != t.kind {
		t.problem(rec, -1, newProblem("csv.wrong_export", msg.Params{
			"export": k.name(), "name": k.FileName(), "want_export": t.kind.name(), "want_name": t.kind.FileName()}))
		t.done, t.broken = true, true
		return nil, false
	}
	if want != nil {
		isHeader = *want
	}
	if isHeader {
		return rec, true
	}
	t.pending = rec
	return nil, true
}

// next returns the next record; false at the end of the file, after a
// syntax error (reported; the rest of the file cannot be trusted) or when
// the context is done.
func (t *table) next() (*record, bool) {
	if t.pending != nil {
		rec := t.pending
		t.pending = nil
		return rec, true
	}
	if t.done {
		return nil, false
	}
	if t.rows%1024 == 0 {
		if err := t.ctx.Err(); err != nil {
			t.err, t.done = err, true
			return nil, false
		}
	}
	fields, err := t.cr.Read()
	if !t.bomDone && t.dec.line > 0 {
		t.bomDone = true
		if t.dec.bomMismatch {
			t.probs.add(&RowError{File: t.file, Line: 1, Column: 1, Err: newProblem("csv.invalid_encoding.bom", msg.Params{"encoding": t.enc.String()})})
		}
	}
	if err != nil {
		t.done = true
		t.broken = err != io.EOF
		t.readError(err)
		for _, b := range t.dec.takeBad(1 << 62) {
			t.badProblem(nil, b)
		}
		return nil, false
	}
	t.rows++
	t.dec.recordDone()
	rec := &record{fields: fields}
	rec.line, _ = t.cr.FieldPos(0)
	last := len(fields) - 1
	lastLine, _ := t.cr.FieldPos(last)
	if lastLine != rec.line {
		rec.lines = make([]int, len(fields))
		for i := range fields {
			rec.lines[i], _ = t.cr.FieldPos(i)
		}
	}
	end := lastLine + strings.Count(fields[last], "\n")
	for _, b := range t.dec.takeBad(end) {
		t.badProblem(rec, b)
	}
	return rec, true
}

// badProblem reports an invalid byte sequence in the field that holds it.
func (t *table) badProblem(rec *record, b badSeq) {
	e := &RowError{File: t.file, Line: b.line, Err: newProblem("csv.invalid_encoding", msg.Params{"encoding": t.enc.String(), "bytes": fmt.Sprintf("% X", b.raw), "byte": b.rawByte})}
	if rec != nil {
		// The field holding the sequence: the last one starting at or
		// before it (field positions increase; binary search, as a
		// damaged line may have many fields and many bad bytes).
		col := sort.Search(len(rec.fields), func(j int) bool {
			l, c := t.cr.FieldPos(j)
			return l > b.line || (l == b.line && c > b.col)
		}) - 1
		col = max(col, 0)
		if rec.isBad(col) {
			return // one report per field is enough
		}
		if rec.bad == nil {
			rec.bad = map[int]bool{}
		}
		rec.bad[col] = true
		e.Column = col + 1
		e.Field = t.fieldName(col)
	}
	t.probs.add(e)
}

// readError reports an error from encoding/csv or the file.
func (t *table) readError(err error) {
	if err == io.EOF {
		return
	}
	if tl, ok := errorsAsTooLong(err); ok {
		t.probs.add(&RowError{File: t.file, Line: tl.line, Err: newProblem("csv.too_large."+tl.what, msg.Params{"limit": tl.limit >> 20})})
		return
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		key := "csv.invalid_row.parse"
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			key = "csv.invalid_row.quote"
		}
		t.probs.add(&RowError{File: t.file, Line: pe.Line, Err: newProblem(key, msg.Params{"position": pe.Column}).causedBy(pe.Err)})
		return
	}
	t.fileProblem(newProblem("csv.unreadable.file", nil).causedBy(err))
}
