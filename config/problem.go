package config

import (
	"errors"
	"sort"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
)

// Problem is one bad configuration key: which key, and what is wrong as a
// catalogue code and its parameters, so that it renders in Japanese and
// English.
type Problem struct {
	Key    string     // file key ("cybozu.url"); the environment name is derived from it
	Code   string     // catalogue key of the text ("config.required")
	Params msg.Params // what the text needs
	// File marks a problem with no environment variable: with the file
	// itself (Key is its path and maybe line), an unknown section, or an
	// unknown environment variable (Key is its name).
	File bool
	// Unset marks a key that needs a value and has none: when no
	// configuration file was found, the error says so.
	Unset bool
}

// Env is the problem's environment variable (CYBRIDGE_CYBOZU_URL), or ""
// when none applies.
func (p Problem) Env() string {
	if p.File {
		return ""
	}
	return EnvName(p.Key)
}

// Text is what is wrong, in lang, without the key.
func (p Problem) Text(lang msg.Lang) string { return msg.Text(lang, p.Code, p.Params) }

// Line is the problem in lang as one line: the key, its environment
// variable and the text.
func (p Problem) Line(lang msg.Lang) string {
	env := p.Env()
	switch {
	case env == "":
		return p.Key + ": " + p.Text(lang)
	case lang == msg.Ja:
		return p.Key + "（" + env + "）: " + p.Text(lang)
	}
	return p.Key + " (" + env + "): " + p.Text(lang)
}

// Error lists every configuration problem at once. Its code is
// "config_invalid", its kind invalid.
type Error struct {
	Problems []Problem
	// NoFile is the configuration file looked for and not found, when the
	// environment alone was read and a key is unset: the likeliest fix is
	// that file, so the error says where it looked.
	NoFile string
}

// NewError is the error for problems, sorted by key, or nil when there are
// none. cfg, if not nil, says whether a configuration file was found.
func NewError(cfg *Config, problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	e := &Error{Problems: append([]Problem(nil), problems...)}
	sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Key < e.Problems[j].Key })
	if cfg != nil && cfg.NoFile != "" {
		for _, p := range problems {
			if p.Unset {
				e.NoFile = cfg.NoFile
				break
			}
		}
	}
	return e
}

// ErrorCode is the stable error code.
func (e *Error) ErrorCode() string { return "config_invalid" }

// ErrorKind: the admin must change the configuration.
func (e *Error) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams: how many problems there are.
func (e *Error) ErrorParams() msg.Params { return msg.Params{"count": len(e.Problems)} }

func (e *Error) Error() string { return e.Localize(msg.En) }

// Localize is the heading and one line per problem, each naming the key
// and its CYBRIDGE_* variable.
func (e *Error) Localize(lang msg.Lang) string {
	var b strings.Builder
	b.WriteString(msg.Text(lang, "config_invalid", e.ErrorParams()))
	if e.NoFile != "" {
		b.WriteString("\n  ")
		b.WriteString(msg.Text(lang, "config.no_file", msg.Params{"path": e.NoFile}))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Line(lang))
	}
	return b.String()
}

// Problems is every problem of err when it is (or wraps) an *Error.
func Problems(err error) []Problem {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Problems
	}
	return nil
}
