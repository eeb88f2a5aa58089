package scope

import (
	"fmt"
	"strings"
	"unicode"
)

// SyntaxError is a scope that cannot be parsed. Column is the 1-based
// character (not byte) position of the problem in the expression. For an
// expression written over several lines, Line and LineColumn give the
// place within its line too (both 0 for a one-line expression).
type SyntaxError struct {
	Column     int
	Line       int
	LineColumn int
	Msg        string
}

// ErrorCode is the stable error code.
func (e *SyntaxError) ErrorCode() string { return "scope_syntax" }

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("calendar scope, line %d, column %d: %s", e.Line, e.LineColumn, e.Msg)
	}
	return fmt.Sprintf("calendar scope, column %d: %s", e.Column, e.Msg)
}

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

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "the end of the expression"
	case tokString:
		return fmt.Sprintf("the value %q", t.text)
	default:
		return fmt.Sprintf("%q", t.text)
	}
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
				return nil, &SyntaxError{Column: col, Msg: `"!" must be followed by "=" (or write "not in")`}
			}
			toks = append(toks, token{kind: tokOp, text: op, col: col})
			i += len([]rune(op))
		case r == '=':
			i++
			if i < len(rs) && normalize(rs[i]) == '=' {
				return nil, &SyntaxError{Column: col, Msg: `"==" is not an operator; write "="`}
			}
			toks = append(toks, token{kind: tokOp, text: "=", col: col})
		case isQuote(r):
			j := i + 1
			for j < len(rs) && !isQuote(rs[j]) {
				j++
			}
			if j == len(rs) {
				return nil, &SyntaxError{Column: col, Msg: "this quoted value has no closing quote"}
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
