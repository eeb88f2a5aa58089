package scope

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Key is what a condition tests.
type Key string

// The keys of cybozu.com's dynamic-group conditions.
const (
	KeyUser           Key = "user"
	KeyOrganization   Key = "organization"
	KeyGroup          Key = "group"
	KeyTitle          Key = "title"
	KeyEmployeeNumber Key = "employeeNumber"
	KeyBirthDate      Key = "birthDate"
	KeyJoinDate       Key = "joinDate"
)

// NoTitle is the special title value matching users who hold no title.
const NoTitle = " no title"

// Op is a condition's operator.
type Op string

// The operators. OpEq and OpNe on list keys are the legacy forms of OpIn
// and OpNotIn and are parsed into them.
const (
	OpIn    Op = "in"
	OpNotIn Op = "not in"
	OpEq    Op = "="
	OpNe    Op = "!="
	OpLt    Op = "<"
	OpLe    Op = "<="
	OpGt    Op = ">"
	OpGe    Op = ">="
)

var keys = []Key{KeyUser, KeyOrganization, KeyGroup, KeyTitle, KeyEmployeeNumber, KeyBirthDate, KeyJoinDate}

// operators lists what each key accepts, in the order the error message
// names them.
var operators = map[Key][]Op{
	KeyUser:           {OpIn, OpNotIn, OpEq, OpNe},
	KeyOrganization:   {OpIn, OpNotIn, OpEq, OpNe, OpLt, OpLe},
	KeyGroup:          {OpIn, OpNotIn, OpEq, OpNe},
	KeyTitle:          {OpIn, OpNotIn, OpEq, OpNe},
	KeyEmployeeNumber: {OpIn, OpNotIn, OpEq, OpNe},
	KeyBirthDate:      {OpEq, OpLt, OpLe, OpGt, OpGe},
	KeyJoinDate:       {OpEq, OpLt, OpLe, OpGt, OpGe},
}

func isDateKey(k Key) bool { return k == KeyBirthDate || k == KeyJoinDate }

// Scope is a parsed scope expression. A nil *Scope is the empty scope and
// matches every user.
type Scope struct {
	src  string
	root node
}

// node is an expression tree node: *cond, *binary.
type node interface{ render(b *strings.Builder) }

// cond is one KEY OP VALUE(S) test. For list keys Op is OpIn, OpNotIn, OpLt
// or OpLe (organization only); for date keys Values has one YYYY-MM-DD date.
type cond struct {
	Key    Key
	Op     Op
	Values []string
	Col    int
}

// binary is "and" / "or".
type binary struct {
	And         bool
	Left, Right node
}

// Parse parses a scope expression. A blank expression returns (nil, nil):
// the policy "all active users".
func Parse(src string) (*Scope, error) {
	if strings.TrimFunc(src, isSpace) == "" {
		return nil, nil
	}
	root, err := parse(src)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.locate(src)
		}
		return nil, err
	}
	return &Scope{src: src, root: root}, nil
}

func parse(src string) (node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		msg := fmt.Sprintf(`expected "and", "or" or the end of the expression, found %s`, t.describe())
		if t.kind == tokRParen {
			msg = `this ")" has no matching "("`
		}
		return nil, &SyntaxError{Column: t.col, Msg: msg}
	}
	return root, nil
}

// Source returns the expression as written.
func (s *Scope) Source() string {
	if s == nil {
		return ""
	}
	return s.src
}

// String renders the expression canonically: ASCII quotes, explicit
// parentheses around every "or" inside an "and", legacy = / != as in / not in.
func (s *Scope) String() string {
	if s == nil {
		return ""
	}
	var b strings.Builder
	s.root.render(&b)
	return b.String()
}

// maxDepth bounds parenthesis nesting so that hostile input cannot make the
// recursive parser use unbounded stack.
const maxDepth = 100

type parser struct {
	toks  []token
	pos   int
	depth int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func isKeyword(t token, word string) bool {
	return t.kind == tokWord && strings.EqualFold(t.text, word)
}

// or parses a chain of "and"-chains joined by "or"; "and" binds tighter.
func (p *parser) or() (node, error) { return p.chain("or", p.and) }

func (p *parser) and() (node, error) { return p.chain("and", p.primary) }

// chain parses operand { word operand }, grouping to the left.
func (p *parser) chain(word string, operand func() (node, error)) (node, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for isKeyword(p.peek(), word) {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &binary{And: word == "and", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) primary() (node, error) {
	t := p.peek()
	if t.kind == tokLParen {
		p.next()
		if p.depth++; p.depth > maxDepth {
			return nil, &SyntaxError{Column: t.col, Msg: fmt.Sprintf("parentheses are nested more than %d deep", maxDepth)}
		}
		n, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tokRParen {
			return nil, &SyntaxError{Column: c.col, Msg: fmt.Sprintf(`expected ")" to close the "(" at column %d, found %s`, t.col, c.describe())}
		}
		p.next()
		return n, nil
	}
	return p.cond()
}

func (p *parser) cond() (node, error) {
	t := p.next()
	if t.kind != tokWord {
		return nil, &SyntaxError{Column: t.col, Msg: fmt.Sprintf("expected a key (%s) or \"(\", found %s", keyList(), t.describe())}
	}
	key, ok := lookupKey(t.text)
	if !ok {
		return nil, &SyntaxError{Column: t.col, Msg: unknownKey(t.text)}
	}
	c := &cond{Key: key, Col: t.col}
	opTok := p.peek()
	op, err := p.op()
	if err != nil {
		return nil, err
	}
	if !allowed(key, op) {
		return nil, &SyntaxError{Column: opTok.col, Msg: fmt.Sprintf("%s cannot be used with %s; use %s", quoteOp(op), key, opList(key))}
	}
	switch {
	case isDateKey(key):
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		d, err := parseDate(v.text)
		if err != nil {
			return nil, &SyntaxError{Column: v.col, Msg: fmt.Sprintf("%s: %v", key, err)}
		}
		c.Op, c.Values = op, []string{d}
	case op == OpIn || op == OpNotIn:
		vs, err := p.list()
		if err != nil {
			return nil, err
		}
		c.Op, c.Values = op, vs
	default: // = != < <= with one value
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.Op, c.Values = op, []string{v.text}
		switch op {
		case OpEq:
			c.Op = OpIn
		case OpNe:
			c.Op = OpNotIn
		}
	}
	return c, nil
}

func (p *parser) op() (Op, error) {
	t := p.next()
	switch {
	case t.kind == tokOp:
		return Op(t.text), nil
	case isKeyword(t, "in"):
		return OpIn, nil
	case isKeyword(t, "not"):
		if n := p.next(); !isKeyword(n, "in") {
			return "", &SyntaxError{Column: n.col, Msg: fmt.Sprintf(`expected "in" after "not", found %s`, n.describe())}
		}
		return OpNotIn, nil
	}
	return "", &SyntaxError{Column: t.col, Msg: fmt.Sprintf("expected an operator (in, not in, =, !=, <, <=, >, >=), found %s", t.describe())}
}

// list reads ( v, v, ... ) or a single value.
func (p *parser) list() ([]string, error) {
	open := p.peek()
	if open.kind != tokLParen {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		return []string{v.text}, nil
	}
	p.next()
	if t := p.peek(); t.kind == tokRParen {
		return nil, &SyntaxError{Column: t.col, Msg: "the list is empty; give at least one value"}
	}
	var out []string
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v.text)
		t := p.next()
		switch t.kind {
		case tokComma:
			continue
		case tokRParen:
			return out, nil
		}
		return nil, &SyntaxError{Column: t.col, Msg: fmt.Sprintf(`expected "," or ")" in the list opened at column %d, found %s`, open.col, t.describe())}
	}
}

func (p *parser) value() (token, error) {
	t := p.next()
	switch {
	case t.kind == tokString && strings.TrimFunc(t.text, isSpace) == "":
		return token{}, &SyntaxError{Column: t.col, Msg: "the value is empty; give a code, login name or date"}
	case t.kind == tokString:
		return t, nil
	case t.kind == tokWord && isReserved(t.text):
		return token{}, &SyntaxError{Column: t.col, Msg: fmt.Sprintf(`expected a value, found the word %q; quote it ("%s") if it is a value`, t.text, t.text)}
	case t.kind == tokWord:
		return t, nil
	}
	return token{}, &SyntaxError{Column: t.col, Msg: fmt.Sprintf("expected a value (e.g. \"sales\"), found %s", t.describe())}
}

func isReserved(w string) bool {
	for _, k := range []string{"and", "or", "in", "not"} {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

func lookupKey(s string) (Key, bool) {
	for _, k := range keys {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

func unknownKey(s string) string {
	for _, k := range keys {
		if strings.EqualFold(string(k), s) {
			return fmt.Sprintf("unknown key %q; did you mean %s? (keys are case-sensitive)", s, k)
		}
	}
	if isReserved(s) {
		return fmt.Sprintf("expected a key (%s), found %q", keyList(), s)
	}
	return fmt.Sprintf("unknown key %q; use one of %s", s, keyList())
}

func keyList() string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = string(k)
	}
	return strings.Join(parts, ", ")
}

func allowed(k Key, op Op) bool {
	for _, o := range operators[k] {
		if o == op {
			return true
		}
	}
	return false
}

func quoteOp(op Op) string { return `"` + string(op) + `"` }

func opList(k Key) string {
	ops := operators[k]
	parts := make([]string, len(ops))
	for i, o := range ops {
		parts[i] = string(o)
	}
	return strings.Join(parts, ", ")
}

// parseDate accepts YYYY-MM-DD and YYYY/MM/DD and returns YYYY-MM-DD.
func parseDate(s string) (string, error) {
	for _, layout := range []string{"2006-01-02", "2006/01/02", "2006-1-2", "2006/1/2"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("%q is not a date; write it as YYYY-MM-DD (e.g. \"1990-04-01\")", s)
}

func (c *cond) render(b *strings.Builder) {
	b.WriteString(string(c.Key))
	b.WriteByte(' ')
	b.WriteString(string(c.Op))
	b.WriteByte(' ')
	if c.Op == OpIn || c.Op == OpNotIn {
		b.WriteByte('(')
		for i, v := range c.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`"` + v + `"`)
		}
		b.WriteByte(')')
		return
	}
	b.WriteString(`"` + c.Values[0] + `"`)
}

func (n *binary) render(b *strings.Builder) {
	word := " or "
	if n.And {
		word = " and "
	}
	for i, side := range []node{n.Left, n.Right} {
		if i == 1 {
			b.WriteString(word)
		}
		if o, ok := side.(*binary); ok && n.And && !o.And {
			b.WriteByte('(')
			o.render(b)
			b.WriteByte(')')
			continue
		}
		side.render(b)
	}
}
