package scope

import (
	"strings"
	"unicode"

	"github.com/cybridge/cybridge/internal/msg"
)

// SyntaxError is a scope that cannot be parsed. Column is the 1-based
// character (not byte) position of the problem in the expression. For an
// expression written over several lines, Line and LineColumn give the
// place within its line too (both 0 for a one-line expression).
//
// Key names the situation (scope.unknown_key, scope.missing_value, …; Keys
// lists them) and Params what its text needs besides the place; the texts,
// in Japanese and English, are in internal/msg's catalogue. Msg is the
// English text of the situation alone, without the place.
type SyntaxError struct {
	Column     int
	Line       int
	LineColumn int
	Msg        string
	Key        string
	Params     msg.Params
}

// newSyntaxError is the error of situation key at column col.
func newSyntaxError(col int, key string, p msg.Params) *SyntaxError {
	return &SyntaxError{Column: col, Key: key, Params: p, Msg: msg.Text(msg.En, key, p)}
}

// found is the error of situation key at token t, which is not what was
// expected there: its text quotes t, or, when the expression ended
// instead, the situation is atEnd.
func found(t token, key, atEnd string, p msg.Params) *SyntaxError {
	if p == nil {
		p = msg.Params{}
	}
	if t.kind == tokEOF {
		return newSyntaxError(t.col, atEnd, p)
	}
	p["found"] = t.text
	return newSyntaxError(t.col, key, p)
}

// Keys lists every situation a SyntaxError can name (its Key); each has
// its text in the catalogue, alone and placed (.at, .at_line).
func Keys() []string {
	return []string{
		"scope.bang_alone", "scope.double_equals", "scope.unclosed_quote",
		"scope.unmatched_paren", "scope.expected_and_or", "scope.expected_close_paren", "scope.unclosed_paren", "scope.too_deep",
		"scope.expected_key", "scope.missing_key", "scope.unknown_key_case", "scope.unknown_key",
		"scope.expected_operator", "scope.missing_operator", "scope.expected_in", "scope.missing_in", "scope.operator_not_allowed",
		"scope.expected_value", "scope.missing_value", "scope.reserved_value", "scope.empty_value", "scope.bad_date",
		"scope.empty_list", "scope.expected_list_separator", "scope.unclosed_list",
	}
}

// ErrorCode is the stable error code.
func (e *SyntaxError) ErrorCode() string { return "scope_syntax" }

// ErrorKind: the admin must change the scope.
func (e *SyntaxError) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams are the situation's parameters and the place: column (within
// its line when the expression has several, with line).
func (e *SyntaxError) ErrorParams() msg.Params {
	p := make(msg.Params, len(e.Params)+2)
	for k, v := range e.Params {
		p[k] = v
	}
	p["column"] = e.Column
	if e.Line > 0 {
		p["line"], p["column"] = e.Line, e.LineColumn
	}
	return p
}

// TextKey is the catalogue key of the whole text, place included, to be
// rendered with ErrorParams: Key + ".at", or Key + ".at_line" for an
// expression of several lines.
func (e *SyntaxError) TextKey() string {
	if e.Line > 0 {
		return e.Key + ".at_line"
	}
	return e.Key + ".at"
}

// Localize is the error in lang, place included.
func (e *SyntaxError) Localize(lang msg.Lang) string {
	return msg.Text(lang, e.TextKey(), e.ErrorParams())
}

func (e *SyntaxError) Error() string { return e.Localize(msg.En) }

// locate fills in Line and LineColumn when src spans several lines.
func (e *SyntaxError) locate(src string) {
	if !strings.Contains(src, "\n") {
		return
	}
	e.Line, e.LineColumn = 1, 1
	for i, r := range []rune(src) {
		if i >= e.Column-1 {
			break
		}
		if r == '\n' {
			e.Line, e.LineColumn = e.Line+1, 1
		} else {
			e.LineColumn++
		}
	}
}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokLParen
	tokRParen
	tokComma
	tokOp     // = != < <= > >=
	tokString // a quoted value
	tokWord   // a key, keyword or unquoted value
)

type token struct {
	kind tokenKind
	text string // operator, word, or the string's content without quotes
	col  int    // 1-based column of the token's first character
}

// isQuote reports quote characters: ASCII, the curly quotes a Japanese
// input method (or a word processor) produces, and the full-width quote.
func isQuote(r rune) bool {
	return r == '"' || r == '“' || r == '”' || r == '＂'
}

func isSpace(r rune) bool { return unicode.IsSpace(r) } // includes U+3000 (全角スペース)

// normalize maps full-width punctuation to its ASCII form.
func normalize(r rune) rune {
	switch r {
	case '（':
		return '('
	case '）':
		return ')'
	case '，':
		return ','
	case '＝':
		return '='
	case '＜':
		return '<'
	case '＞':
		return '>'
	case '！':
		return '!'
	}
	return r
}

func isWordRune(r rune) bool {
	r = normalize(r)
	return !isSpace(r) && !isQuote(r) && !strings.ContainsRune("(),=<>!", r)
}

// lex splits the expression into tokens.
func lex(src string) ([]token, error) {
	rs := []rune(src)
	var toks []token
	for i := 0; i < len(rs); {
		r := normalize(rs[i])
		col := i + 1
		switch {
		case isSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{kind: tokLParen, text: "(", col: col})
			i++
		case r == ')':
			toks = append(toks, token{kind: tokRParen, text: ")", col: col})
			i++
		case r == ',':
			toks = append(toks, token{kind: tokComma, text: ",", col: col})
			i++
		case r == '<' || r == '>' || r == '!':
			op := string(r)
			if i+1 < len(rs) && normalize(rs[i+1]) == '=' {
				op += "="
			}
			if op == "!" {
				return nil, newSyntaxError(col, "scope.bang_alone", nil)
			}
			toks = append(toks, token{kind: tokOp, text: op, col: col})
			i += len([]rune(op))
		case r == '=':
			i++
			if i < len(rs) && normalize(rs[i]) == '=' {
				return nil, newSyntaxError(col, "scope.double_equals", nil)
			}
			toks = append(toks, token{kind: tokOp, text: "=", col: col})
		case isQuote(r):
			j := i + 1
			for j < len(rs) && !isQuote(rs[j]) {
				j++
			}
			if j == len(rs) {
				return nil, newSyntaxError(col, "scope.unclosed_quote", nil)
			}
			toks = append(toks, token{kind: tokString, text: string(rs[i+1 : j]), col: col})
			i = j + 1
		default:
			j := i
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			toks = append(toks, token{kind: tokWord, text: string(rs[i:j]), col: col})
			i = j
		}
	}
	toks = append(toks, token{kind: tokEOF, col: len(rs) + 1})
	return toks, nil
}
