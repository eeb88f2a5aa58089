package msg

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Params are the values a text needs, by name. They travel through JSON
// (the API, stored plans), so a number may come back as float64.
type Params map[string]any

// entry is one text in both languages.
type entry struct{ ja, en string }

// Has reports whether the catalogue has a text for key.
func Has(key string) bool { _, ok := catalogue[key]; return ok }

// Keys lists every key of the catalogue, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalogue))
	for k := range catalogue {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Template is key's raw text in lang, and false when the catalogue has no
// such key.
func Template(lang Lang, key string) (string, bool) {
	e, ok := catalogue[key]
	if !ok {
		return "", false
	}
	if lang == En {
		return e.en, true
	}
	return e.ja, true
}

// Text renders key in lang with p. A key the catalogue does not know
// renders as itself, so a gap is visible rather than blank.
func Text(lang Lang, key string, p Params) string {
	t, ok := Template(lang, key)
	if !ok {
		return key
	}
	return Render(lang, t, p)
}

// TextOr renders key in lang with p, or fallback when the catalogue has
// no such key or p lacks a parameter the text needs (a message stored by
// an older version, without parameters).
func TextOr(lang Lang, key string, p Params, fallback string) string {
	t, ok := Template(lang, key)
	if !ok {
		return fallback
	}
	s, complete := render(lang, t, p)
	if !complete {
		return fallback
	}
	return s
}

// Render fills template t: {name} is the parameter's value (numbers with
// thousands separators), {name|one|other} is "one" when the parameter is
// 1 and "other" otherwise, and {{ is a literal brace. A parameter that is
// missing renders as its name in braces.
func Render(lang Lang, t string, p Params) string {
	s, _ := render(lang, t, p)
	return s
}

// render is Render, and whether every parameter was there.
func render(lang Lang, t string, p Params) (string, bool) {
	if !strings.Contains(t, "{") {
		return t, true
	}
	var b strings.Builder
	complete := true
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String(), complete
		}
		b.WriteString(t[:i])
		t = t[i:]
		if strings.HasPrefix(t, "{{") {
			b.WriteByte('{')
			t = t[2:]
			continue
		}
		j := strings.IndexByte(t, '}')
		if j < 0 {
			b.WriteString(t)
			return b.String(), complete
		}
		f, ok := field(lang, t[1:j], p)
		complete = complete && ok
		b.WriteString(f)
		t = t[j+1:]
	}
}

func field(lang Lang, spec string, p Params) (string, bool) {
	name, forms, plural := strings.Cut(spec, "|")
	v, ok := p[name]
	if !ok {
		return "{" + spec + "}", false
	}
	if plural {
		one, other, _ := strings.Cut(forms, "|")
		if n, isNum := number(v); isNum && n == 1 {
			return one, true
		}
		return other, true
	}
	return Format(lang, v), true
}

// number is v as a float64 when it is a number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// Format shows one parameter value: integers with thousands separators,
// a list joined with the language's separator, anything else as %v.
func Format(lang Lang, v any) string {
	if n, ok := number(v); ok {
		if n == math.Trunc(n) && math.Abs(n) < 1e15 {
			return printer(lang).Sprintf("%d", int64(n))
		}
		return printer(lang).Sprintf("%.1f", n)
	}
	switch s := v.(type) {
	case string:
		return s
	case []string:
		return strings.Join(s, listSep(lang))
	case []any:
		parts := make([]string, len(s))
		for i, x := range s {
			parts[i] = Format(lang, x)
		}
		return strings.Join(parts, listSep(lang))
	}
	return fmt.Sprint(v)
}

// WithAside is text followed by what another party said (status, codes,
// its own message) in lang's parentheses: 「…（HTTP 409、uniqueness）」,
// "… (HTTP 409, uniqueness)"; text alone when there is nothing to add.
func WithAside(lang Lang, text string, aside []string) string {
	if len(aside) == 0 {
		return text
	}
	if lang == Ja {
		return text + "（" + strings.Join(aside, listSep(lang)) + "）"
	}
	return text + " (" + strings.Join(aside, listSep(lang)) + ")"
}

func listSep(lang Lang) string {
	if lang == Ja {
		return "、"
	}
	return ", "
}

func printer(lang Lang) *message.Printer {
	if lang == Ja {
		return message.NewPrinter(language.Japanese)
	}
	return message.NewPrinter(language.English)
}

// IsJapanese reports whether s has a kana, kanji or Japanese punctuation, as every Japanese
// sentence does; tests use it to catch an English text in the Japanese
// column.
func IsJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff01 && r <= 0xff60) {
			return true
		}
	}
	return false
}

// quotedRE matches what a text quotes: 「…」 and "…".
var quotedRE = regexp.MustCompile(`「[^」]*」|"[^"]*"`)

// asciiWordRE is a run of four or more ASCII letters: an English word.
var asciiWordRE = regexp.MustCompile(`[A-Za-z]{4,}`)

// EnglishLeft is the first English word (four or more ASCII letters) of a
// rendered Japanese text s once its quoted spans (「…」, "…") and the values
// of p are taken out, or "" when there is none; keep are words a Japanese
// text writes as they are (a syntax's keywords, cron, IANA). Tests use it
// to catch an English sentence passed into a Japanese one.
func EnglishLeft(s string, p Params, keep ...string) string {
	vals := make([]string, 0, len(p))
	for _, v := range p {
		vals = append(vals, Format(Ja, v))
	}
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, v := range vals {
		if v != "" {
			s = strings.ReplaceAll(s, v, " ")
		}
	}
	s = quotedRE.ReplaceAllString(s, " ")
	for _, w := range asciiWordRE.FindAllString(s, -1) {
		if !slices.Contains(keep, w) {
			return w
		}
	}
	return ""
}

// Gaps lists what is wrong with keys in the catalogue: a key it does not
// have, or whose Japanese text is not Japanese. Each domain package's test
// walks the keys its errors can render (its Codes) through it.
func Gaps(keys []string) []string {
	var out []string
	for _, k := range keys {
		e, ok := catalogue[k]
		switch {
		case !ok:
			out = append(out, k+": not in the catalogue")
		case !IsJapanese(e.ja) && !neutral(e.ja, e.en):
			out = append(out, k+": the Japanese text is not Japanese: "+e.ja)
		}
	}
	return out
}

// neutral: a text that is the same name in both languages (API, CSV,
// cybozu.com, Shift_JIS): one word, no sentence.
func neutral(ja, en string) bool { return ja == en && !strings.ContainsAny(ja, " \t") }
