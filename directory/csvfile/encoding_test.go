package csvfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func encode(t *testing.T, e encoding.Encoding, s string) string {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return string(b)
}

// TestEncodings: the same users in every encoding the export offers, read
// with auto-detection where SPEC §4 says it works, and with the override.
func TestEncodings(t *testing.T) {
	ja := usersOnly(csvLines(",", urow("ken", "髙橋 健①", "surname=髙橋", "surname_reading=たかはし")))[KindUsers]
	english := csvLines(",", headerOf(userColumns, true))
	latin := english + csvLines(",", urow("jose", "José Müller", "surname=Müller"))
	zh := english + csvLines(",", urow("wei", "张伟", "surname=张"))
	for _, tc := range []struct {
		name, data, option, wantName string
	}{
		{"shift_jis auto", encode(t, japanese.ShiftJIS, ja), "", "髙橋 健①"},
		{"shift_jis forced", encode(t, japanese.ShiftJIS, ja), "shift_jis", "髙橋 健①"},
		{"cp932 alias", encode(t, japanese.ShiftJIS, ja), "cp932", "髙橋 健①"},
		{"utf-8 auto", ja, "", "髙橋 健①"},
		{"utf-8 BOM auto", "\ufeff" + ja, "", "髙橋 健①"},
		{"utf-8 BOM forced", "\ufeff" + ja, "utf-8", "髙橋 健①"},
		{"latin1", encode(t, charmap.ISO8859_1, latin), "latin1", "José Müller"},
		{"gbk", encode(t, simplifiedchinese.GBK, zh), "gbk", "张伟"},
		{"ascii auto", usersOnly(csvLines(",", urow("a", "A")))[KindUsers], "", "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := readMap(t, map[Kind]string{KindUsers: tc.data}, Options{Encoding: tc.option})
			if err != nil {
				t.Fatal(err)
			}
			if got := onlyUser(t, s).DisplayName; got != tc.wantName {
				t.Errorf("display name %q, want %q", got, tc.wantName)
			}
		})
	}
}

func TestDetectEncoding(t *testing.T) {
	long := strings.Repeat("山田 太郎,", 50)
	for _, tc := range []struct {
		name string
		data string
		want encodingID
	}{
		{"empty", "", encUTF8},
		{"ascii", "a,b\r\n", encUTF8},
		{"bom", "\ufeffa", encUTF8},
		{"utf-8", long, encUTF8},
		{"shift_jis", encode(t, japanese.ShiftJIS, long), encShiftJIS},
		{"shift_jis kana", encode(t, japanese.ShiftJIS, "ｱｲｳ,あいう"), encShiftJIS},
		{"damaged utf-8", long + "\xff" + long, encUTF8},
	} {
		got, err := detectEncoding(strings.NewReader(tc.data))
		if err != nil || got != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.name, got, err, tc.want)
		}
	}
	// Across the 64 KiB read boundary: a character split between reads.
	big := strings.Repeat("あ", 30000)
	if got, _ := detectEncoding(strings.NewReader(big)); got != encUTF8 {
		t.Errorf("large UTF-8: %v", got)
	}
}

// TestInvalidBytes: every invalid sequence is reported with its line,
// column (field) and byte offset, for the encoding in use.
func TestInvalidBytes(t *testing.T) {
	good := encode(t, japanese.ShiftJIS, usersOnly(csvLines(",", urow("a", "山田", "email=a@example.com"), urow("b", "鈴木")))[KindUsers])
	bad := strings.Replace(good, "a@example", "a@\xffexample", 1)
	bad = strings.Replace(bad, encode(t, japanese.ShiftJIS, "鈴木"), "\x85\x40"+encode(t, japanese.ShiftJIS, "木"), 1)
	_, err := readMap(t, map[Kind]string{KindUsers: bad}, Options{})
	wantProblems(t, err,
		"user.csv:2:11 (E-mail): invalid Shift_JIS byte sequence FF at byte 18 of the line",
		"user.csv:3:2 (表示名): invalid Shift_JIS byte sequence 85 40 at byte 3 of the line")
	if !errors.Is(err, ErrInvalidEncoding) {
		t.Error("not ErrInvalidEncoding")
	}

	// A UTF-8 file damaged in one place is reported as UTF-8, not decoded
	// as Shift_JIS.
	text := usersOnly(csvLines(",", urow("a", "山田 太郎"), urow("b", "鈴木 一郎"), urow("c", "佐藤 花子")))[KindUsers]
	damaged := strings.Replace(text, "鈴木", "鈴\xe6", 1)
	_, err = readMap(t, map[Kind]string{KindUsers: damaged}, Options{})
	wantProblems(t, err, "user.csv:3:2 (表示名): invalid UTF-8 byte sequence E6 at byte 6 of the line")

	// Forcing UTF-8 on a Shift_JIS file.
	_, err = readMap(t, map[Kind]string{KindUsers: good}, Options{Encoding: "utf-8"})
	if n := len(problemsOf(t, err)); n < 2 {
		t.Errorf("%d problems for a Shift_JIS file read as UTF-8", n)
	}

	// A byte order mark with another encoding chosen.
	_, err = readMap(t, map[Kind]string{KindUsers: "\ufeff" + usersOnly(csvLines(",", urow("a", "A")))[KindUsers]}, Options{Encoding: "shift_jis"})
	if got := problemsOf(t, err); len(got) == 0 || !strings.HasPrefix(got[0], "user.csv:1:1: the file starts with a UTF-8 byte order mark") {
		t.Errorf("problems %q", got)
	}
}

// TestLatin1RefusesShiftJIS: Latin-1 decodes every byte, so a Shift_JIS
// export read as Latin-1 by mistake would give every name as mojibake,
// without an error, and the plan would rename the whole roster. Shift_JIS
// lead bytes 0x81–0x9F are C1 control characters in Latin-1, which no
// text in an export holds: they are reported as invalid.
func TestLatin1RefusesShiftJIS(t *testing.T) {
	english := csvLines(",", headerOf(userColumns, true))
	sjis := encode(t, japanese.ShiftJIS, english+csvLines(",", urow("a", "山田")))
	_, err := readMap(t, map[Kind]string{KindUsers: sjis}, Options{Encoding: "latin1"})
	wantProblems(t, err, "user.csv:2:2 (Display Name): invalid Latin-1 byte sequence 8E at byte 3 of the line: the file is not Latin-1 (choose the right encoding)")
	if !errors.Is(err, ErrInvalidEncoding) {
		t.Error("not ErrInvalidEncoding")
	}
}

// TestUTF16Refused: Excel saves 「Unicode テキスト」 as UTF-16, which
// no export is; one problem says so, instead of hundreds of invalid
// Shift_JIS bytes that tell the admin to choose an encoding there is none
// of.
func TestUTF16Refused(t *testing.T) {
	text := usersOnly(csvLines("\t", urow("a", "山田")))[KindUsers]
	for _, tc := range []struct {
		name string
		enc  encoding.Encoding
	}{
		{"little endian", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)},
		{"big endian", unicode.UTF16(unicode.BigEndian, unicode.UseBOM)},
	} {
		for _, option := range []string{"", "shift_jis"} {
			_, err := readMap(t, map[Kind]string{KindUsers: encode(t, tc.enc, text)}, Options{Encoding: option})
			wantProblems(t, err, "user.csv:1:1: the file is UTF-16")
			if !errors.Is(err, ErrInvalidEncoding) {
				t.Errorf("%s, encoding %q: not ErrInvalidEncoding", tc.name, option)
			}
		}
	}
}

// TestBinaryFileRefused: a file that is not text (a program, a ZIP or
// .xlsx workbook, an image) holds NUL bytes, which no export does; one
// problem names where, instead of one per undecodable byte.
func TestBinaryFileRefused(t *testing.T) {
	text := usersOnly(csvLines(",", urow("a", "A")))[KindUsers]
	for _, tc := range []struct{ name, data, want string }{
		{"zip", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe", "user.csv:1: the file is not text (a NUL byte at byte 6 of the line"},
		{"nul on line 2", text[:strings.Index(text, "\n")+1] + "a,\x00\x00", "user.csv:2: the file is not text (a NUL byte at byte 3 of the line"},
	} {
		_, err := readMap(t, map[Kind]string{KindUsers: tc.data}, Options{})
		wantProblems(t, err, tc.want)
		if !errors.Is(err, ErrInvalidEncoding) {
			t.Errorf("%s: not ErrInvalidEncoding", tc.name)
		}
	}
}

// TestTooLarge: a huge field stops the file with a clean error.
func TestTooLarge(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	_, err := readMap(t, usersOnly(csvLines(",", urow("a", "A"), urow("b", huge), urow("c", "C"))), Options{})
	wantProblems(t, err, "user.csv:3: a line is longer than 1 MiB")
	if !errors.Is(err, ErrTooLarge) {
		t.Error("not ErrTooLarge")
	}
	// Many short lines inside one quoted field.
	lines := `"` + strings.Repeat("yyyyyyyy\n", 600000) + `"`
	_, err = readMap(t, usersOnly(csvLines(",", urow("a", lines))), Options{})
	if got := problemsOf(t, err); len(got) != 1 || !strings.Contains(got[0], "a row is longer than 4 MiB") {
		t.Errorf("problems %q", got)
	}
}

func TestParseOptions(t *testing.T) {
	for _, s := range []string{"", "auto", "UTF-8", "utf8", "Shift_JIS", "sjis", "windows-31j", "latin1", "ISO-8859-1", "gbk"} {
		if _, err := parseEncoding(s); err != nil {
			t.Errorf("encoding %q: %v", s, err)
		}
	}
	for _, s := range []string{"", "auto", "comma", ",", "semicolon", "tab", "space"} {
		if _, err := parseSeparator(s); err != nil {
			t.Errorf("separator %q: %v", s, err)
		}
	}
	_, err := readMap(t, usersOnly(""), Options{Encoding: "ebcdic", Separator: "pipe"})
	wantProblems(t, err,
		`(files): unknown CSV encoding "ebcdic": use auto, shift_jis, utf-8, latin1 or gbk`,
		`(files): unknown CSV separator "pipe"`)
}

func TestLineDecoderKeepsLongLines(t *testing.T) {
	// A line longer than bufio's buffer but within the limit decodes whole.
	line := strings.Repeat("あ", 100000) + "\n"
	d := newLineDecoder(strings.NewReader(encode(t, japanese.ShiftJIS, line)), encShiftJIS)
	var b bytes.Buffer
	if _, err := b.ReadFrom(d); err != nil {
		t.Fatal(err)
	}
	if b.String() != line || len(d.bad) != 0 {
		t.Errorf("decoded %d bytes, %d bad", b.Len(), len(d.bad))
	}
}
