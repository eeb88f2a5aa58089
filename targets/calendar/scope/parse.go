package scope

import (
	"errors"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
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
		if t.kind == tokRParen {
			return nil, newSyntaxError(t.col, "scope.unmatched_paren", nil)
		}
		return nil, found(t, "scope.expected_and_or", "scope.expected_and_or", nil)
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
			return nil, newSyntaxError(t.col, "scope.too_deep", msg.Params{"max": maxDepth})
		}
		n, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tokRParen {
			return nil, found(c, "scope.expected_close_paren", "scope.unclosed_paren", msg.Params{"open": t.col})
		}
		p.next()
		return n, nil
	}
	return p.cond()
}

func (p *parser) cond() (node, error) {
	t := p.next()
	if t.kind != tokWord {
		return nil, found(t, "scope.expected_key", "scope.missing_key", msg.Params{"keys": keyList()})
	}
	key, ok := lookupKey(t.text)
	if !ok {
		return nil, unknownKey(t)
	}
	c := &cond{Key: key, Col: t.col}
	opTok := p.peek()
	op, err := p.op()
	if err != nil {
		return nil, err
	}
	if !allowed(key, op) {
		return nil, newSyntaxError(opTok.col, "scope.operator_not_allowed", msg.Params{"op": string(op), "key": string(key), "ops": opList(key)})
	}
	switch {
	case isDateKey(key):
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		d, ok := parseDate(v.text)
		if !ok {
			return nil, newSyntaxError(v.col, "scope.bad_date", msg.Params{"key": string(key), "found": v.text})
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
			return "", found(n, "scope.expected_in", "scope.missing_in", nil)
		}
		return OpNotIn, nil
	}
	return "", found(t, "scope.expected_operator", "scope.missing_operator", nil)
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
		return nil, newSyntaxError(t.col, "scope.empty_list", nil)
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
		return nil, found(t, "scope.expected_list_separator", "scope.unclosed_list", msg.Params{"open": open.col})
	}
}

func (p *parser) value() (token, error) {
	t := p.next()
	switch {
	case t.kind == tokString && strings.TrimFunc(t.text, isSpace) == "":
		return token{}, newSyntaxError(t.col, "scope.empty_value", nil)
	case t.kind == tokString:
		return t, nil
	case t.kind == tokWord && isReserved(t.text):
		return token{}, newSyntaxError(t.col, "scope.reserved_value", msg.Params{"found": t.text})
	case t.kind == tokWord:
		return t, nil
	}
	return token{}, found(t, "scope.expected_value", "scope.missing_value", nil)
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

// unknownKey is the error for a word t that is not a key: one in the
// wrong case, a keyword where a condition should start, or another word.
func unknownKey(t token) *SyntaxError {
	for _, k := range keys {
		if strings.EqualFold(string(k), t.text) {
			return newSyntaxError(t.col, "scope.unknown_key_case", msg.Params{"found": t.text, "key": string(k)})
		}
	}
	if isReserved(t.text) {
		return found(t, "scope.expected_key", "scope.missing_key", msg.Params{"keys": keyList()})
	}
	return newSyntaxError(t.col, "scope.unknown_key", msg.Params{"found": t.text, "keys": keyList()})
}

// keyList is the keys, a list parameter of a text (joined by the
// language's separator).
func keyList() []string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = string(k)
	}
	return parts
}

func allowed(k Key, op Op) bool {
	for _, o := range operators[k] {
		if o == op {
			return true
		}
	}
	return false
}

// opList is the operators k accepts, a list parameter of a text.
func opList(k Key) []string {
	ops := operators[k]
	parts := make([]string, len(ops))
	for i, o := range ops {
		parts[i] = string(o)
	}
	return parts
}

// parseDate accepts YYYY-MM-DD and YYYY/MM/DD and returns YYYY-MM-DD, or
// false when s is not a date.
func parseDate(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "2006/01/02", "2006-1-2", "2006/1/2"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format("2006-01-02"), true
		}
	}
	return "", false
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
