package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/cybridge/cybridge/internal/msg"
)

// Encodings returns the values Options.Encoding takes, "auto" first. It is
// the one list: the CLI's -csv-encoding, the console's upload form and the
// configuration key source.csv_encoding offer these (config's validate tag
// cannot name a Go value, so internal/app's tests hold it to this list).
func Encodings() []string { return []string{"auto", "shift_jis", "utf-8", "latin1", "gbk"} }

// Separators returns the values Options.Separator takes, "auto" first; the
// one list, as Encodings.
func Separators() []string { return []string{"auto", "comma", "semicolon", "tab", "space"} }

// Format is how a file's bytes are read: its encoding (UTF-8, Shift_JIS,
// Latin-1, GBK) and separator (comma, semicolon, tab, space).
type Format struct {
	Encoding  string
	Separator string
}

// Sniff works out the format of a file's bytes exactly as Read does: the
// encoding and separator given (one of Encodings and Separators), or
// detected from the bytes when "auto" or "".
func Sniff(data []byte, encoding, separator string) (Format, error) {
	enc, sep, err := sniff(data, encoding, separator)
	if err != nil {
		return Format{}, err
	}
	return Format{Encoding: enc.String(), Separator: separatorName(sep)}, nil
}

func sniff(data []byte, encoding, separator string) (encodingID, rune, error) {
	return sniffFrom(bytesOpener(data), encoding, separator)
}

// reopener opens one file's bytes from the start, as often as needed: a
// file is read once to detect its encoding and again to read it.
type reopener func() (io.ReadCloser, error)

func bytesOpener(data []byte) reopener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

func fileOpener(path string) reopener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// sniffFrom is sniff over the bytes open gives.
func sniffFrom(open reopener, encoding, separator string) (encodingID, rune, error) {
	enc, err := parseEncoding(encoding)
	if err != nil {
		return 0, 0, err
	}
	sep, err := parseSeparator(separator)
	if err != nil {
		return 0, 0, err
	}
	if enc == encAuto {
		f, err := open()
		if err != nil {
			return 0, 0, err
		}
		enc, err = detectEncoding(f)
		f.Close()
		if err != nil {
			return 0, 0, err
		}
	}
	if sep == 0 {
		f, err := open()
		if err != nil {
			return 0, 0, err
		}
		head, _ := io.ReadAll(io.LimitReader(newLineDecoder(f, enc), 64<<10))
		f.Close()
		// Do not sniff past an incomplete character at the end.
		for len(head) > 0 && !utf8.Valid(head) {
			head = head[:len(head)-1]
		}
		sep = sniffSeparator(head)
	}
	return enc, sep, nil
}

// The preview's bounds: a file of any size or width shows at most this
// much (the upload answer and the console page stay small), F6.
const (
	PreviewColumns   = 60  // columns of a row shown; cybozu.com's user.csv has 25 and custom items
	PreviewCellRunes = 200 // characters of a cell shown, then "…"
)

// Masked is what the preview shows instead of a password.
const Masked = "********"

// FilePreview is the first rows of a file as Read reads them, bounded and
// with passwords masked.
type FilePreview struct {
	Format
	Rows  [][]string // the first rows, a header row included
	Total int        // every row of the file
	// Columns is the most columns a shown row has (more than
	// PreviewColumns when some were cut).
	Columns int
	// Passwords reports that a password column (パスワード, Password)
	// holds values: they are shown as Masked. An import file prepared for
	// cybozu.com carries initial passwords; cybridge never shows one.
	Passwords bool
}

// Limits bound how much of a file is read: at most Rows rows and
// Columns columns in a row (0: no bound). An upload is read under limits,
// so that a file of any shape costs bounded memory and time.
type Limits struct {
	Rows, Columns int
}

// Preview decodes a file's first n rows for showing, in the format Sniff
// finds. It is only a view: rows that do not parse are skipped, and Read
// is what reports a file's problems. At most PreviewColumns columns of a
// row and PreviewCellRunes characters of a cell are kept, and a column
// whose first row names a password (see IsPasswordColumn) is masked.
func Preview(data []byte, encoding, separator string, n int) (FilePreview, error) {
	return preview(bytesOpener(data), "", encoding, separator, n, Limits{})
}

// PreviewFile is Preview of the file at path, read as a stream (the memory
// it takes does not grow with the file), that also holds the file to lim:
// the first row past a limit stops the reading, and the error is a
// *RowError at that row (code too_large), with the preview of the rows
// before it.
func PreviewFile(path, encoding, separator string, n int, lim Limits) (FilePreview, error) {
	return preview(fileOpener(path), filepath.Base(path), encoding, separator, n, lim)
}

func preview(open reopener, name, encoding, separator string, n int, lim Limits) (FilePreview, error) {
	enc, sep, err := sniffFrom(open, encoding, separator)
	if err != nil {
		return FilePreview{}, err
	}
	fp := FilePreview{Format: Format{Encoding: enc.String(), Separator: separatorName(sep)}}
	f, err := open()
	if err != nil {
		return fp, err
	}
	defer f.Close()
	ld := newLineDecoder(f, enc)
	r := csv.NewReader(ld)
	r.Comma, r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = sep, -1, true, true
	var secret []int
	for {
		rec, err := r.Read()
		// The row size limit counts per record, as in Read (without
		// this, a file over 4 MiB stopped the preview's count there).
		ld.recordDone()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return fp, nil
		case errors.As(err, &pe):
			continue // a row that does not parse: Read reports it
		case err != nil:
			return fp, nil // the rest cannot be read (a line too long)
		}
		if lim.Rows > 0 && fp.Total == lim.Rows {
			line, _ := r.FieldPos(0)
			return fp, &RowError{File: name, Line: line, Err: newProblem("csv.too_large.rows", msg.Params{"limit": lim.Rows})}
		}
		if lim.Columns > 0 && len(rec) > lim.Columns {
			line, _ := r.FieldPos(0)
			return fp, &RowError{File: name, Line: line, Column: lim.Columns + 1,
				Err: newProblem("csv.too_large.columns", msg.Params{"count": len(rec), "limit": lim.Columns})}
		}
		if fp.Total < n {
			fp.Columns = max(fp.Columns, len(rec))
			row := make([]string, min(len(rec), PreviewColumns))
			for i := range row {
				row[i] = cutCell(rec[i])
			}
			if fp.Total == 0 {
				for i, c := range row {
					if IsPasswordColumn(c) {
						secret = append(secret, i)
					}
				}
			} else {
				for _, i := range secret {
					if i < len(row) && row[i] != "" {
						row[i], fp.Passwords = Masked, true
					}
				}
			}
			fp.Rows = append(fp.Rows, row)
		}
		fp.Total++
	}
}

// Mask masks column col of every row but the first (a users file read
// without a header row: the password is its fourth column).
func (fp *FilePreview) Mask(col int, header bool) {
	for i, row := range fp.Rows {
		if (header && i == 0) || col >= len(row) || row[col] == "" {
			continue
		}
		row[col], fp.Passwords = Masked, true
	}
}

// UserPasswordColumn is the index of パスワード in user.csv's documented
// order.
const UserPasswordColumn = 3

// IsPasswordColumn reports whether a header cell names a password column:
// パスワード or Password (any case, with anything around it: 初期パスワード,
// "Password (hash)").
func IsPasswordColumn(header string) bool {
	h := strings.ToLower(strings.TrimPrefix(header, "\ufeff"))
	return strings.Contains(h, "パスワード") || strings.Contains(h, "password")
}

func cutCell(c string) string {
	if len(c) <= PreviewCellRunes {
		return c
	}
	n := 0
	for i := range c {
		if n == PreviewCellRunes {
			return c[:i] + "…"
		}
		n++
	}
	return c
}
