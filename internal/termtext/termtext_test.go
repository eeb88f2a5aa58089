package termtext

import (
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct{ name, in, escape, lines string }{
		{"plain", "岡田 彩 a.okada", "岡田 彩 a.okada", "岡田 彩 a.okada"},
		{"backslash kept", `dom\user`, `dom\user`, `dom\user`},
		{"conceal", "Fukuda\x1b[8m", `Fukuda\x1b[8m`, `Fukuda\x1b[8m`},
		{"osc title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, `\x1b]0;pwned\x07`},
		{"lines", "line1\nline2\rCR\tT", `line1\nline2\rCR\tT`, "line1\nline2\\rCR\tT"},
		{"c1 csi", "a\u009b2Jb", `a\x9b2Jb`, `a\x9b2Jb`},
		{"del", "a\x7fb", `a\x7fb`, `a\x7fb`},
		{"rtl override", "abc\u202etxt.exe", `abc\u202etxt.exe`, `abc\u202etxt.exe`},
		{"isolate and marks", "\u2066x\u2069\u200f\u061c", `\u2066x\u2069\u200f\u061c`, `\u2066x\u2069\u200f\u061c`},
		{"separators", "a\u2028b\u2029c", `a\u2028b\u2029c`, `a\u2028b\u2029c`},
		{"not utf-8", "a\xffb", `a\xffb`, `a\xffb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.escape {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.escape)
			}
			if got := Lines(tt.in); got != tt.lines {
				t.Errorf("Lines(%q) = %q, want %q", tt.in, got, tt.lines)
			}
		})
	}
}

// FuzzEscape: whatever the input, Escape's output holds no unsafe
// character and is valid UTF-8, and a clean input is unchanged.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a.okada", "\x1b[8m", "a\nb", "\u202e", "\xff", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, l := Escape(s), Lines(s)
		if !Safe(e, false) || !utf8.ValidString(e) {
			t.Fatalf("Escape(%q) = %q: unsafe", s, e)
		}
		if !Safe(l, true) || !utf8.ValidString(l) {
			t.Fatalf("Lines(%q) = %q: unsafe", s, l)
		}
		if Safe(s, false) && utf8.ValidString(s) && e != s {
			t.Fatalf("Escape(%q) = %q: a clean string changed", s, e)
		}
	})
}
