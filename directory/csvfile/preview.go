package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
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
	enc, err := parseEncoding(encoding)
	if err != nil {
		return 0, 0, err
	}
	sep, err := parseSeparator(separator)
	if err != nil {
		return 0, 0, err
	}
	if enc == encAuto {
		if enc, err = detectEncoding(bytes.NewReader(data)); err != nil {
			return 0, 0, err
		}
	}
	if sep == 0 {
		head, _ := io.ReadAll(io.LimitReader(newLineDecoder(bytes.NewReader(data), enc), 64<<10))
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

// Preview decodes a file's first n rows for showing, in the format Sniff
// finds. It is only a view: rows that do not parse are skipped, and Read
// is what reports a file's problems. At most PreviewColumns columns of a
// row and PreviewCellRunes characters of a cell are kept, and a column
// whose first row names a password (see IsPasswordColumn) is masked.
func Preview(data []byte, encoding, separator string, n int) (FilePreview, error) {
	enc, sep, err := sniff(data, encoding, separator)
	if err != nil {
		return FilePreview{}, err
	}
	fp := FilePreview{Format: Format{Encoding: enc.String(), Separator: separatorName(sep)}}
	r := csv.NewReader(newLineDecoder(bytes.NewReader(data), enc))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = sep, -1, true, true
	var secret []int
	for {
		rec, err := r.Read()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return fp, nil
		case errors.As(err, &pe):
			continue // a row that does not parse: Read reports it
		case err != nil:
			return fp, nil // the rest cannot be read (a line too long)
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
