package csvfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// TestListedValuesParse: every value Encodings and Separators list is one
// Read takes.
func TestListedValuesParse(t *testing.T) {
	for _, s := range Encodings() {
		if _, err := parseEncoding(s); err != nil {
			t.Errorf("Encodings lists %q: %v", s, err)
		}
	}
	for _, s := range Separators() {
		if _, err := parseSeparator(s); err != nil {
			t.Errorf("Separators lists %q: %v", s, err)
		}
	}
}

// TestPreview: the preview reads a file the way Read does — the same
// encoding detection over the whole file and the same quote-aware
// separator sniffing over the first rows.
func TestPreview(t *testing.T) {
	sjis := encode(t, japanese.ShiftJIS, "ログイン名;表示名\r\nken;髙橋 健\r\n")
	// A first line with more commas inside quotes than semicolons outside:
	// a count over the first line would pick the comma.
	quoted := "\"a,b,c\";x\n1;2\n3;4\n"
	for _, tc := range []struct {
		name, data, encoding, separator string
		want                            FilePreview
	}{
		{"shift_jis semicolon", sjis, "auto", "auto", FilePreview{Format{"Shift_JIS", "semicolon"},
			[][]string{{"ログイン名", "表示名"}, {"ken", "髙橋 健"}}, 2, 2, false}},
		{"utf-8 BOM tab", "\ufeffa\tb\n1\t2\n", "", "", FilePreview{Format{"UTF-8", "tab"},
			[][]string{{"a", "b"}, {"1", "2"}}, 2, 2, false}},
		{"quoted commas", quoted, "auto", "auto", FilePreview{Format{"UTF-8", "semicolon"},
			[][]string{{"a,b,c", "x"}, {"1", "2"}}, 3, 2, false}},
		{"latin1 chosen", encode(t, charmap.ISO8859_1, "José,Müller\n"), "latin1", "comma", FilePreview{Format{"Latin-1", "comma"},
			[][]string{{"José", "Müller"}}, 1, 2, false}},
		{"space chosen", "a b\n", "utf-8", "space", FilePreview{Format{"UTF-8", "space"}, [][]string{{"a", "b"}}, 1, 2, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Preview([]byte(tc.data), tc.encoding, tc.separator, 2)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("preview (-want +got):\n%s", diff)
			}
			f, err := Sniff([]byte(tc.data), tc.encoding, tc.separator)
			if err != nil || f != tc.want.Format {
				t.Errorf("Sniff = %+v, %v; want %+v", f, err, tc.want.Format)
			}
		})
	}
	if _, err := Preview([]byte("a"), "ebcdic", "auto", 1); err == nil || !strings.Contains(err.Error(), "ebcdic") {
		t.Errorf("unknown encoding: %v", err)
	}
}

// TestPreviewMasksPasswords: a password column (by its header) shows as
// Masked, the preview says the file holds passwords, and an empty
// password column is no warning (F8); wide rows and long cells are cut
// (F6).
func TestPreviewMasksPasswords(t *testing.T) {
	data := "ログイン名;表示名;新ログイン名;パスワード;姓\nken;髙橋 健;;UserPw-001-Secret;髙橋\nyui;井上 結;;;井上\n"
	got, err := Preview([]byte(data), "auto", "auto", 5)
	if err != nil {
		t.Fatal(err)
	}
	want := FilePreview{Format: Format{"UTF-8", "semicolon"}, Rows: [][]string{
		{"ログイン名", "表示名", "新ログイン名", "パスワード", "姓"},
		{"ken", "髙橋 健", "", Masked, "髙橋"},
		{"yui", "井上 結", "", "", "井上"},
	}, Total: 3, Columns: 5, Passwords: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("preview (-want +got):\n%s", diff)
	}
	if en, _ := Preview([]byte("Login Name,Password\nken,\n"), "", "", 5); en.Passwords {
		t.Errorf("an empty password column reported as passwords: %+v", en)
	}

	wide := strings.Repeat("x,", 1000) + strings.Repeat("長", 500) + "\n"
	got, err = Preview([]byte(wide), "", "", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows[0]) != PreviewColumns || got.Columns != 1001 {
		t.Errorf("wide row: %d columns shown, Columns %d", len(got.Rows[0]), got.Columns)
	}
	long, _ := Preview([]byte(strings.Repeat("長", 500)+"\n"), "", "", 5)
	if c := long.Rows[0][0]; c != strings.Repeat("長", PreviewCellRunes)+"…" {
		t.Errorf("long cell cut to %d characters", len([]rune(c)))
	}
}

// PreviewFile streams a file under limits: the first row past one stops
// it with a problem located at that row, in Japanese and English; within
// them it counts every row, of a file of any size (the row size limit
// counts per record: the count used to stop at 4 MiB).
func TestPreviewFileLimits(t *testing.T) {
	dir := t.TempDir()
	var tall strings.Builder
	tall.WriteString("login,name\n")
	for i := range 200_000 { // 5 MB
		fmt.Fprintf(&tall, "user%06d,利用者 %d\n", i, i)
	}
	wide := "a" + strings.Repeat(",b", 9) + "\n" + "a" + strings.Repeat(",b", 30) + "\n"
	for name, data := range map[string]string{"tall.csv": tall.String(), "wide.csv": wide} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		file   string
		lim    Limits
		total  int
		ja, en string // "" = no problem
	}{
		{"tall.csv", Limits{}, 200_001, "", ""},
		{"tall.csv", Limits{Rows: 200_001, Columns: 2}, 200_001, "", ""},
		{"tall.csv", Limits{Rows: 1000}, 1000,
			"tall.csv:1001: ファイルの行数が上限（1,000 行）を超えています。",
			"tall.csv:1001: the file has more than 1,000 rows, the most an upload reads from one file"},
		{"wide.csv", Limits{Columns: 10}, 1,
			"wide.csv:2:11: この行は 31 列あり、上限（10 列）を超えています。",
			"wide.csv:2:11: the row has 31 columns, more than the limit of 10"},
	} {
		fp, err := PreviewFile(filepath.Join(dir, tc.file), "auto", "auto", 5, tc.lim)
		if fp.Total != tc.total {
			t.Errorf("%s %+v: total %d, want %d", tc.file, tc.lim, fp.Total, tc.total)
		}
		if tc.ja == "" {
			if err != nil {
				t.Errorf("%s %+v: %v", tc.file, tc.lim, err)
			}
			continue
		}
		var re *RowError
		if !errors.As(err, &re) || !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%s %+v: %v, want a too_large *RowError", tc.file, tc.lim, err)
		}
		if ja, en := re.Localize(msg.Ja), re.Localize(msg.En); !strings.HasPrefix(ja, tc.ja) || !strings.HasPrefix(en, tc.en) {
			t.Errorf("%s %+v:\n%s\n%s", tc.file, tc.lim, ja, en)
		}
	}
}
