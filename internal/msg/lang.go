package msg

import (
	"strings"

	"golang.org/x/text/language"
)

// Lang is the language a text is rendered in.
type Lang string

// The two languages cybridge speaks.
const (
	Ja Lang = "ja"
	En Lang = "en"
)

// Langs are the supported languages, Japanese first.
func Langs() []Lang { return []Lang{Ja, En} }

// ParseLang returns the language named by s ("ja", "en"), and false for
// anything else.
func ParseLang(s string) (Lang, bool) {
	switch Lang(s) {
	case Ja, En:
		return Lang(s), true
	}
	return "", false
}

// FromEnv is the CLI's language: the first of LC_ALL, LC_MESSAGES and LANG
// that is set and not empty decides, as POSIX does; a value starting with
// "ja" is Japanese, anything else (C, POSIX, en_US.UTF-8) English.
func FromEnv(lookup func(string) (string, bool)) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, ok := lookup(k); ok && v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ja") {
				return Ja
			}
			return En
		}
	}
	return En
}

var matcher = language.NewMatcher([]language.Tag{language.Japanese, language.English})

// FromAcceptLanguage is the best of Japanese and English for an
// Accept-Language header, or fallback when the header names neither.
func FromAcceptLanguage(header string, fallback Lang) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return fallback
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return fallback
	}
	if i == 1 {
		return En
	}
	return Ja
}
