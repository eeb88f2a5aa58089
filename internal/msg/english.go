package msg

import (
	"slices"
	"strings"
	"unicode"
)

// EnglishSentence is the first English sentence left in s, a page or text
// shown in Japanese, or "" when there is none. Tests of the Japanese
// surfaces (the console's browser test) use it to catch a message that
// was not translated.
//
// Decision: an English sentence is three or more English words in a row
// on one line, a word being a run of ASCII letters (an apostrophe inside
// allowed: can't) with at most light punctuation around it (. , ; : ! ?
// ( ) " '). Tokens that hold a digit, a dot, @, _, -, / or = inside are
// not words: domain names (cybozu.com), logins (a.okada), emails, codes
// (auth_failed, max_deletes), file names (user.csv), URLs, times. keep
// lists words a Japanese page writes as they are (product names such as
// CalDAV, Google, CSV, API); they break a run like any non-word. A tab
// also breaks a run: a page's table cells are not one sentence. Two
// English words (User API, cybridge dev) are a name, not a sentence.
func EnglishSentence(s string, keep ...string) string {
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\t' }) {
		var run []string
		for _, tok := range strings.Fields(line) {
			if w, ok := englishWord(tok); ok && !slices.Contains(keep, w) {
				run = append(run, tok)
				continue
			}
			if len(run) >= 3 {
				return strings.Join(run, " ")
			}
			run = run[:0]
		}
		if len(run) >= 3 {
			return strings.Join(run, " ")
		}
	}
	return ""
}

// englishWord is tok without its surrounding punctuation, and whether
// that is an English word.
func englishWord(tok string) (string, bool) {
	w := strings.TrimFunc(tok, func(r rune) bool { return strings.ContainsRune(`.,;:!?()"'`, r) })
	if w == "" {
		return "", false
	}
	for i, r := range w {
		switch {
		case r < unicode.MaxASCII && unicode.IsLetter(r):
		case r == '\'' && i > 0 && i < len(w)-1:
		default:
			return "", false
		}
	}
	return w, true
}
