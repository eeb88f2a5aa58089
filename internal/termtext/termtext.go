// Package termtext makes untrusted strings safe to print in a terminal.
//
// Directory data (display names, logins, organization names), cybozu.com's
// error bodies and admin-entered texts reach the CLI's text output. A
// control character there is an attack on the admin's terminal: ESC [8m
// hides every line after it (the deletions of a dry-run report), OSC
// sequences set the title or write the clipboard, CR and LF forge lines,
// and bidi overrides reorder what is shown. Decisions:
//   - Such characters are shown, not dropped, so the admin sees that a
//     name holds one: as Go escapes (\n, \t, \x1b, \u202e), like %q but
//     without the quotes. A backslash stays as it is: the escapes are for
//     reading, not for parsing back.
//   - Unsafe are: C0 controls, DEL, C1 controls, the bidi controls
//     (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the line and
//     paragraph separators (U+2028, U+2029) and bytes that are not UTF-8.
//   - Escape escapes every one of them (for one value on a line); Lines
//     keeps line feeds and tabs (for a text whose lines are its own, such
//     as an error message of several lines, or a whole report).
package termtext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal as it is.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// Escape returns s with every unsafe character escaped, line feeds and
// tabs included: s prints as one line.
func Escape(s string) string { return escape(s, false) }

// Lines returns s with every unsafe character escaped except line feeds
// and tabs.
func Lines(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	if clean(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case !Unsafe(r):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}

// clean reports whether s needs no escaping (the common case: no copy).
func clean(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(keepLines && (c == '\n' || c == '\t')) {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || Unsafe(r) {
			return false
		}
		i += n
	}
	return true
}

// Safe reports whether s holds no unsafe character other than, when
// keepLines, line feeds and tabs: what Escape (or Lines) returns is always
// safe.
func Safe(s string, keepLines bool) bool { return clean(s, keepLines) }
