package csvfile

import (
	"github.com/cybridge/cybridge/internal/msg"

	"strings"

	"github.com/gocarina/gocsv"
)

// ignoredKey is the gocsv key given to columns no struct field takes.
const ignoredKey = "-ignored-"

// chunkRows is how many records are decoded by gocsv at a time: the files
// stream in bounded chunks, and gocsv's per-call header mapping is paid
// once per chunk rather than once per row.
const chunkRows = 256

// customCol is a custom-item column of user.csv.
type customCol struct {
	col  int
	code string
}

// layout maps the columns of one fixed-column file.
type layout struct {
	defs   map[string]column
	pos    map[string]int // key → 0-based column in the file; absent = not in the file
	width  int            // fields a row must have
	custom []customCol
	keys   []string // gocsv header: the key of each file column
	// unnamedCustom: a header-less user file has more columns than
	// documented and Options.CustomItems does not name them.
	unnamedCustom bool
}

func (l *layout) col(key string) int {
	if p, ok := l.pos[key]; ok {
		return p
	}
	return -1
}

// newLayout maps a fixed-column file's columns from its header row, or
// from the documented order when there is none. Problems with the header
// are reported; ok is false when a required column is missing, in which
// case no row may be decoded (gocsv would fill the missing column with
// empty values).
func newLayout(t *table, cols []column, header *record, customNames []string) (*layout, bool) {
	l := &layout{defs: make(map[string]column, len(cols)), pos: make(map[string]int, len(cols))}
	for _, c := range cols {
		l.defs[c.key] = c
	}
	if header == nil {
		for i, c := range cols {
			l.pos[c.key] = i
			l.keys = append(l.keys, c.key)
			t.names = append(t.names, c.ja)
		}
		l.width = len(cols)
		if t.kind == KindUsers {
			for i, code := range customNames {
				l.custom = append(l.custom, customCol{col: len(cols) + i, code: code})
				t.names = append(t.names, code)
			}
			l.width += len(customNames)
		}
		return l, true
	}

	ok := true
	lastKnown := -1
	var unknown []int
	keys := columnKeys(cols)
	for i, cell := range header.fields {
		name := strings.TrimSpace(cell)
		t.names = append(t.names, strings.TrimPrefix(name, "\ufeff"))
		key, known := keys[normalizeName(cell)]
		switch prev, dup := l.pos[key]; {
		case !known:
			unknown = append(unknown, i)
			key = ignoredKey
		case dup:
			t.problem(header, i, newProblem("csv.duplicate.column", msg.Params{"name": l.defs[key].ja, "other": prev + 1}))
			ok = false
			key = ignoredKey
		default:
			l.pos[key] = i
			lastKnown = i
		}
		l.keys = append(l.keys, key)
	}
	l.width = len(header.fields)
	for _, i := range unknown {
		name := t.names[i]
		switch {
		case t.kind != KindUsers:
			// Other files: a column cybridge does not use is ignored.
		case i > lastKnown && name == "":
			t.problem(header, i, newProblem("csv.unknown_column.unnamed", nil))
			ok = false
		case i > lastKnown:
			l.custom = append(l.custom, customCol{col: i, code: name})
		default:
			t.problem(header, i, newProblem("csv.unknown_column.before_delete", msg.Params{"name": name}))
			ok = false
		}
	}
	for i, c := range cols {
		if _, found := l.pos[c.key]; found || !c.required {
			continue
		}
		t.probs.add(&RowError{File: t.file, Line: header.line, Column: i + 1, Field: c.ja, Err: newProblem("csv.missing_column", msg.Params{"name": c.ja, "position": i + 1})})
		ok = false
	}
	return l, ok
}

// fits checks a row's width. A short row is never decoded (its missing
// cells would read as empty values); a long row is accepted only when the
// extra cells are empty (spreadsheets pad rows).
func (l *layout) fits(t *table, rec *record) bool {
	n := len(rec.fields)
	if t.kind == KindUsers && l.unnamedCustom && n > l.width {
		n = l.width // already reported once for the file
	}
	switch {
	case n < l.width:
		t.problem(rec, n, newProblem("csv.short_row", msg.Params{"count": n, "width": l.width}))
		return false
	case n > l.width:
		for _, f := range rec.fields[l.width:] {
			if strings.TrimSpace(f) != "" {
				t.problem(rec, l.width, newProblem("csv.long_row", msg.Params{"count": n, "width": l.width, "separator": separatorName(t.sep)}))
				return false
			}
		}
	}
	return true
}

// rowsDecoder hands gocsv one chunk: the canonical header, then the rows.
type rowsDecoder [][]string

func (d rowsDecoder) GetCSVRows() ([][]string, error) { return d, nil }

// decodeChunk decodes records into T with gocsv. The header passed to gocsv
// is the canonical key of each column, so the file's own header spelling
// (Japanese, English, or none) does not matter, and columns were checked
// before (newLayout, fits).
func decodeChunk[T any](l *layout, recs []*record, buf []T) ([]T, error) {
	rows := make([][]string, 0, len(recs)+1)
	rows = append(rows, l.keys)
	for _, r := range recs {
		rows = append(rows, r.fields)
	}
	out := buf[:0]
	if cap(buf) >= len(recs) {
		out = buf[:len(recs)]
	}
	if err := gocsv.UnmarshalDecoder(rowsDecoder(rows), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// readFixed reads a fixed-column file: header, layout, then each row in
// chunks decoded by gocsv and handed to row with its record.
//
// Rows left out for a problem are recorded in skipped by their key (first
// column), so that references to them from other files are not reported
// again.
func readFixed[T any](t *table, cols []column, o *readOptions, skipped map[string]bool, row func(rc *rowCtx, v *T)) bool {
	header, ok := t.readHeader(o.header)
	if !ok {
		return false
	}
	if header == nil && t.pending == nil {
		return true // empty file
	}
	var custom []string
	if t.kind == KindUsers && header == nil {
		custom = o.customItems
	}
	l, ok := newLayout(t, cols, header, custom)
	if !ok {
		return false
	}
	var (
		recs []*record
		buf  []T
	)
	flush := func() {
		if len(recs) == 0 {
			return
		}
		var err error
		buf, err = decodeChunk(l, recs, buf)
		if err != nil {
			// Cannot happen with string fields; report rather than panic.
			t.problem(recs[0], -1, newProblem("csv.invalid_row.decode", nil).causedBy(err))
		} else {
			for i := range buf {
				row(&rowCtx{t: t, l: l, rec: recs[i], ok: true}, &buf[i])
			}
		}
		recs = recs[:0]
	}
	for {
		rec, more := t.next()
		if !more {
			break
		}
		if rec.blank() {
			continue
		}
		if t.kind == KindUsers && header == nil && len(o.customItems) == 0 && len(rec.fields) > l.width && !l.unnamedCustom {
			l.unnamedCustom = true
			t.problem(rec, l.width, newProblem("csv.unknown_column.no_header", msg.Params{"count": len(rec.fields) - l.width}))
		}
		if !l.fits(t, rec) {
			if p := l.col(cols[0].key); p >= 0 && p < len(rec.fields) {
				skipped[strings.TrimSpace(rec.fields[p])] = true
			}
			continue
		}
		recs = append(recs, rec)
		if len(recs) == chunkRows {
			flush()
		}
	}
	flush()
	return true
}

// rowCtx applies the field rules to one row and reports its problems.
type rowCtx struct {
	t   *table
	l   *layout
	rec *record
	ok  bool
}

// fail reports a problem in the column of key and marks the row bad.
func (c *rowCtx) fail(key string, err error) {
	c.ok = false
	c.t.problem(c.rec, c.l.col(key), err)
}

// code is a code column's value: trimmed as the trim table says; an
// asterisk is kept, because the manual allows 「*」 as a code.
func (c *rowCtx) code(key, raw string) string {
	if c.l.defs[key].trim {
		return strings.TrimSpace(raw)
	}
	return raw
}

// text is an optional value: trimmed as the trim table says, and 「*」
// ("not given") read as empty.
func (c *rowCtx) text(key, raw string) string {
	v := c.code(key, raw)
	if v == "*" {
		return ""
	}
	return v
}

// required is a value that must be given.
func (c *rowCtx) required(key, raw, what string) string {
	v := c.text(key, raw)
	if v == "" {
		c.fail(key, newProblem("csv.empty_value."+what, nil))
	}
	return v
}

// noRename rejects a 新…コード that differs from the code: that is an
// import instruction to rename, not an export of the directory.
func (c *rowCtx) noRename(key, raw, current string) {
	v := c.code(key, raw)
	if v != "" && v != "*" && v != current {
		c.fail(key, newProblem("csv.invalid_value.rename", msg.Params{"value": v, "current": current}))
	}
}

// noDelete rejects a 削除 of 1: that is an import instruction to delete.
func (c *rowCtx) noDelete(key, raw string) {
	switch v := c.code(key, raw); v {
	case "", "*", "0":
	case "1":
		c.fail(key, newProblem("csv.invalid_value.delete", nil))
	default:
		c.fail(key, newProblem("csv.invalid_value.delete_flag", msg.Params{"value": v}))
	}
}
