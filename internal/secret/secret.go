// Package secret is how cybridge holds a secret (a password, a token, a
// key) and keeps it out of everything it prints: Secret renders redacted in
// every format, and one Redactor scrubs known secret values from text that
// came from elsewhere (an error a server echoed, a header value in a
// transport error). It is a leaf: config, the CLI, the console and the
// cybozu.com client all use it.
package secret

import (
	"slices"
	"strings"
)

// Redacted is what a secret value is replaced with.
const Redacted = "[redacted]"

// Secret is a configured secret. It renders as "[redacted]" in every
// format, so printing a Config or an error that wraps one cannot leak it.
// Call Reveal to use the value.
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return s.String() }

// MarshalText redacts the secret in JSON, TOML and the like.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// minLen is the shortest value a Redactor replaces: a one- or two-character
// "secret" would blank out ordinary words and says nothing anyway.
const minLen = 3

// Redactor replaces known secret values in text with "[redacted]". It is
// the last line of defence for text cybridge did not write itself; the
// zero Redactor redacts nothing. A Redactor is immutable and safe for
// concurrent use: With returns a new one.
//
// Decisions: longer values are replaced first, so that a secret that
// contains another (a Basic header value and the password inside it) is
// redacted whole; values shorter than three characters are ignored.
type Redactor struct {
	values []string // longest first
}

// NewRedactor redacts the secrets that are set.
func NewRedactor(secrets ...Secret) Redactor { return Redactor{}.With(secrets...) }

// With is r that also redacts secrets: values derived from a secret (an
// Authorization header built from a password), or a secret read at run
// time (a CalDAV password typed at a prompt).
func (r Redactor) With(secrets ...Secret) Redactor {
	out := slices.Clone(r.values)
	for _, s := range secrets {
		if v := s.Reveal(); len(v) >= minLen && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return Redactor{values: out}
}

// Redact returns s with every known secret value replaced.
func (r Redactor) Redact(s string) string {
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	return s
}
