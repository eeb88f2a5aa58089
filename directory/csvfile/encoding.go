package csvfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Size limits. cybozu.com's own limits are far below these (a user row is a
// few hundred bytes; the longest field, メモ, is 1,000 characters), so a
// file that exceeds them is not an export, and reading it whole could
// exhaust memory.
const (
	maxLineBytes   = 1 << 20 // one physical line
	maxRecordBytes = 4 << 20 // one record (a quoted field may span lines)
)

// encodingID is a character encoding the export offers.
type encodingID int

const (
	encAuto encodingID = iota
	encUTF8
	encShiftJIS
	encLatin1
	encGBK
)

func (e encodingID) String() string {
	switch e {
	case encUTF8:
		return "UTF-8"
	case encShiftJIS:
		return "Shift_JIS"
	case encLatin1:
		return "Latin-1"
	case encGBK:
		return "GBK"
	}
	return "auto"
}

// parseEncoding accepts the config/flag values and common aliases.
func parseEncoding(s string) (encodingID, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return encAuto, nil
	case "utf-8", "utf8", "utf-8-bom", "unicode":
		return encUTF8, nil
	case "shift_jis", "shift-jis", "shiftjis", "sjis", "cp932", "windows-31j", "ms932":
		return encShiftJIS, nil
	case "latin1", "latin-1", "iso-8859-1", "iso8859-1":
		return encLatin1, nil
	case "gbk", "cp936":
		return encGBK, nil
	}
	return 0, fmt.Errorf("unknown CSV encoding %q: use auto, shift_jis, utf-8, latin1 or gbk", s)
}

// decoder returns the x/text decoder, nil for UTF-8. Shift_JIS is decoded
// as Windows-31J (x/text's ShiftJIS includes the NEC and IBM extensions
// that Windows and cybozu.com write: ①, ㈱, 髙, …).
func (e encodingID) decoder() *encoding.Decoder {
	switch e {
	case encShiftJIS:
		return japanese.ShiftJIS.NewDecoder()
	case encLatin1:
		return charmap.ISO8859_1.NewDecoder()
	case encGBK:
		return simplifiedchinese.GBK.NewDecoder()
	}
	return nil
}

// encoder returns the x/text encoder, nil for UTF-8.
func (e encodingID) encoder() *encoding.Encoder {
	switch e {
	case encShiftJIS:
		return japanese.ShiftJIS.NewEncoder()
	case encLatin1:
		return charmap.ISO8859_1.NewEncoder()
	case encGBK:
		return simplifiedchinese.GBK.NewEncoder()
	}
	return nil
}

// charLen is the length of the character starting at b[0] in a
// double-byte encoding (used only to locate an invalid sequence).
func (e encodingID) charLen(b []byte) int {
	c := b[0]
	two := false
	switch e {
	case encShiftJIS:
		two = (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)
	case encGBK:
		two = c >= 0x81 && c <= 0xfe
	}
	if two && len(b) >= 2 {
		return 2
	}
	return 1
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// detectEncoding implements SPEC §4's auto-detection over the whole of r:
// a UTF-8 byte order mark → UTF-8; valid UTF-8 → UTF-8; otherwise
// Shift_JIS. One refinement: a file that is overwhelmingly valid UTF-8
// with a few bad bytes is taken as damaged UTF-8 (and the bad bytes are
// reported) rather than decoded as Shift_JIS into plausible-looking
// garbage. Japanese text in Shift_JIS is almost never valid UTF-8 for more
// than a few characters in a row.
func detectEncoding(r io.Reader) (encodingID, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	first := true
	multi, invalid := 0, 0
	for {
		n, err := io.ReadFull(r, buf[carry:])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return 0, err
		}
		data := buf[:carry+n]
		if first {
			first = false
			if bytes.HasPrefix(data, utf8BOM) {
				return encUTF8, nil
			}
		}
		i := 0
		for i < len(data) {
			c := data[i]
			if c < utf8.RuneSelf {
				i++
				continue
			}
			if !eof && !utf8.FullRune(data[i:]) {
				break
			}
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				invalid++
			} else {
				multi++
			}
			i += size
		}
		carry = copy(buf, data[i:])
		if eof {
			break
		}
	}
	switch {
	case invalid == 0:
		return encUTF8, nil
	case multi >= 10*invalid:
		return encUTF8, nil
	}
	return encShiftJIS, nil
}

// badSeq is an invalid byte sequence found while decoding.
type badSeq struct {
	line    int    // 1-based physical line
	col     int    // 1-based byte offset in the decoded line (as encoding/csv counts)
	rawByte int    // 1-based byte offset in the raw line
	raw     []byte // the offending bytes
}

// lineTooLong is returned through encoding/csv when a line or a record is
// larger than the limits.
type lineTooLong struct {
	line  int
	limit int
	what  string
}

func (e *lineTooLong) Error() string {
	return fmt.Sprintf("a %s is longer than %d MiB", e.what, e.limit>>20)
}

// lineDecoder turns the raw file into UTF-8 for encoding/csv, one physical
// line at a time, so that invalid byte sequences are found with their line
// and position (x/text decoders silently substitute U+FFFD), and lines
// and records are bounded in size.
type lineDecoder struct {
	src  *bufio.Reader
	enc  encodingID
	dec  *encoding.Decoder
	line int

	out  []byte // decoded line being handed out
	off  int
	buf  []byte // decode buffer
	acc  []byte // accumulates a line longer than src's buffer
	fed  int    // bytes handed out since recordDone
	bad  []badSeq
	err  error
	bomd bool // the first line has been checked for a BOM

	// bomMismatch: the file starts with a UTF-8 BOM but another encoding
	// was chosen.
	bomMismatch bool
}

func newLineDecoder(r io.Reader, enc encodingID) *lineDecoder {
	return &lineDecoder{src: bufio.NewReaderSize(r, 64<<10), enc: enc, dec: enc.decoder()}
}

// recordDone tells the decoder that encoding/csv returned a record; the
// record size limit counts from here.
func (d *lineDecoder) recordDone() { d.fed = 0 }

// takeBad removes and returns the invalid sequences on lines up to line.
func (d *lineDecoder) takeBad(line int) []badSeq {
	n := 0
	for n < len(d.bad) && d.bad[n].line <= line {
		n++
	}
	out := d.bad[:n:n]
	d.bad = d.bad[n:]
	return out
}

func (d *lineDecoder) Read(p []byte) (int, error) {
	for d.off >= len(d.out) {
		if d.err != nil {
			return 0, d.err
		}
		d.nextLine()
	}
	n := copy(p, d.out[d.off:])
	d.off += n
	d.fed += n
	if d.fed > maxRecordBytes && d.err == nil {
		d.err = &lineTooLong{line: d.line, limit: maxRecordBytes, what: "row"}
		d.out, d.off = nil, 0
	}
	return n, nil
}

// readRaw reads one physical line (with its '\n') of at most maxLineBytes.
func (d *lineDecoder) readRaw() ([]byte, error) {
	d.acc = d.acc[:0]
	for {
		chunk, err := d.src.ReadSlice('\n')
		if len(d.acc)+len(chunk) > maxLineBytes {
			return nil, &lineTooLong{line: d.line + 1, limit: maxLineBytes, what: "line"}
		}
		if err == bufio.ErrBufferFull {
			d.acc = append(d.acc, chunk...)
			continue
		}
		if len(d.acc) == 0 {
			return chunk, err
		}
		d.acc = append(d.acc, chunk...)
		return d.acc, err
	}
}

func (d *lineDecoder) nextLine() {
	d.out, d.off = nil, 0
	raw, err := d.readRaw()
	if err != nil && err != io.EOF {
		d.err = err
		return
	}
	if err == io.EOF {
		d.err = io.EOF
	}
	if len(raw) == 0 {
		return
	}
	d.line++
	if !d.bomd {
		d.bomd = true
		if bytes.HasPrefix(raw, utf8BOM) {
			if d.enc == encUTF8 {
				raw = raw[len(utf8BOM):]
			} else {
				d.bomMismatch = true
			}
		}
	}
	d.out = d.decode(raw)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// decode converts one raw line to UTF-8, recording invalid sequences.
func (d *lineDecoder) decode(raw []byte) []byte {
	if isASCII(raw) {
		return raw
	}
	if d.dec == nil { // UTF-8
		if utf8.Valid(raw) {
			return raw
		}
		d.buf = d.buf[:0]
		for i := 0; i < len(raw); {
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				d.bad = append(d.bad, badSeq{line: d.line, col: len(d.buf) + 1, rawByte: i + 1, raw: []byte{raw[i]}})
				d.buf = utf8.AppendRune(d.buf, utf8.RuneError)
			} else {
				d.buf = append(d.buf, raw[i:i+size]...)
			}
			i += size
		}
		return d.buf
	}
	if cap(d.buf) < 3*len(raw) {
		d.buf = make([]byte, 3*len(raw)+16)
	}
	d.buf = d.buf[:cap(d.buf)]
	d.dec.Reset()
	nDst, _, err := d.dec.Transform(d.buf, raw, true)
	if err != nil {
		// Cannot happen with 3× room (no decoder here expands a byte to
		// more than 3 UTF-8 bytes); decode the slow way to be safe.
		out, _, _ := transform.Bytes(d.enc.decoder(), raw)
		d.buf = append(d.buf[:0], out...)
		nDst = len(out)
	}
	out := d.buf[:nDst]
	if bytes.Contains(out, []byte("\uFFFD")) || (d.enc == encLatin1 && hasC1(raw)) {
		// U+FFFD cannot be encoded in these encodings, so each one marks an
		// invalid sequence. Find them by decoding character by character.
		d.locateBad(raw)
	}
	return out
}

// hasC1 reports whether raw holds a byte 0x80–0x9F: a C1 control
// character in Latin-1, which no exported text holds, but the lead byte of
// most Shift_JIS and many GBK characters. Latin-1 decodes every byte, so
// this is how a file in another encoding read as Latin-1 is told apart
// from mojibake the plan would write into the roster.
func hasC1(raw []byte) bool {
	for _, c := range raw {
		if c >= 0x80 && c <= 0x9f {
			return true
		}
	}
	return false
}

// locateBad records each invalid sequence of a non-UTF-8 line.
func (d *lineDecoder) locateBad(raw []byte) {
	const replacement = "\uFFFD"
	dec := d.enc.decoder()
	col := 0
	for i := 0; i < len(raw); {
		n := d.enc.charLen(raw[i:])
		ch, _, err := transform.Bytes(dec, raw[i:i+n])
		if d.enc == encLatin1 && hasC1(raw[i:i+n]) {
			d.bad = append(d.bad, badSeq{line: d.line, col: col + 1, rawByte: i + 1, raw: []byte{raw[i]}})
			col += len(ch)
		} else if err != nil || bytes.HasPrefix(ch, []byte(replacement)) {
			// The decoder either rejected the pair as a whole (one U+FFFD)
			// or only the lead byte, decoding the next byte on its own.
			if n == 2 && len(ch) > len(replacement) {
				n = 1
			}
			d.bad = append(d.bad, badSeq{line: d.line, col: col + 1, rawByte: i + 1, raw: append([]byte(nil), raw[i:i+n]...)})
			col += len(replacement)
		} else {
			col += len(ch)
		}
		i += n
	}
}

// errorsAsTooLong unwraps a size-limit error.
func errorsAsTooLong(err error) (*lineTooLong, bool) {
	var tl *lineTooLong
	ok := errors.As(err, &tl)
	return tl, ok
}
