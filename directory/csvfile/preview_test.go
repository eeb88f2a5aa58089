package csvfile

import (
	"strings"
	"testing"

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
			[][]string{{"ログイン名", "表示名"}, {"ken", "髙橋 健"}}, 2}},
		{"utf-8 BOM tab", "\ufeffa\tb\n1\t2\n", "", "", FilePreview{Format{"UTF-8", "tab"},
			[][]string{{"a", "b"}, {"1", "2"}}, 2}},
		{"quoted commas", quoted, "auto", "auto", FilePreview{Format{"UTF-8", "semicolon"},
			[][]string{{"a,b,c", "x"}, {"1", "2"}}, 3}},
		{"latin1 chosen", encode(t, charmap.ISO8859_1, "José,Müller\n"), "latin1", "comma", FilePreview{Format{"Latin-1", "comma"},
			[][]string{{"José", "Müller"}}, 1}},
		{"space chosen", "a b\n", "utf-8", "space", FilePreview{Format{"UTF-8", "space"}, [][]string{{"a", "b"}}, 1}},
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
