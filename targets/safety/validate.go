package safety

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/cybridge/cybridge/internal/msg"
)

// Roster edits fail with the shared codes msg.CodeNotFound,
// msg.CodeAlreadyExists and msg.CodeInvalidInput (a calendar enrolment
// that is not there is not_found too); the "what" parameter says what it
// is.

// What a roster error names: the "what" parameter of not_found and
// already_exists, and the object of an input problem.
const (
	WhatDepartment = "department"
	WhatMember     = "member"
)

// Catalogue keys of roster edit errors that share a code with a plan error.
const (
	KeyFirstLevelReparentEdit = "first_level_reparent.edit"
	KeyEmailConflictRoster    = "email_conflict.roster"
	KeyParentCycle            = "invalid_input.parent_cycle"
	KeyInitialPasswordApply   = "initial_password_required.apply"
)

// notFound is a roster object that does not exist: name is its code or
// login name.
func notFound(what, name string) error {
	return &msg.Error{Code: msg.CodeNotFound, Kind: msg.KindNotFound, Key: msg.CodeNotFound + "." + what,
		Params: msg.Params{"what": what, "name": name}}
}

// alreadyExists is a roster object that is already there.
func alreadyExists(what, name string) error {
	return &msg.Error{Code: msg.CodeAlreadyExists, Kind: msg.KindConflict, Key: msg.CodeAlreadyExists + "." + what,
		Params: msg.Params{"what": what, "name": name}}
}

// InputError is roster input that breaks its rules: every problem at once.
// Its code is invalid_input and its kind invalid. Each problem renders in
// the admin's language and names the field as the safety service's
// screens do (ログイン名 / login name), never as a command-line flag: the
// surface adds its own advice.
type InputError struct {
	Problems []InputProblem
}

// InputProblem is one field breaking one rule.
type InputProblem struct {
	What  string `json:"what"`            // department or member
	Field string `json:"field"`           // code, name, parent, login, reading, email, phone
	Rule  string `json:"rule"`            // required, email, max, excludesall (else "other")
	Limit string `json:"limit,omitempty"` // the rule's parameter: max's length
	Value string `json:"value,omitempty"` // the value given, for email
}

// inputRules are the rules (validator tags) a problem has a text for; any
// other renders as roster.invalid.other with the rule's name.
var inputRules = []string{"required", "email", "max", "excludesall"}

// inputFields are the fields of the inputs, by what they belong to.
var inputFields = map[string][]string{
	WhatDepartment: {"code", "name", "parent"},
	WhatMember:     {"login", "name", "reading", "email", "phone", "departments"},
}

func (e *InputError) ErrorCode() string   { return msg.CodeInvalidInput }
func (e *InputError) ErrorKind() msg.Kind { return msg.KindInvalid }

// ErrorParams are the problems, for the API: what, field, rule, limit and
// value of each.
func (e *InputError) ErrorParams() msg.Params {
	ps := make([]any, len(e.Problems))
	for i, p := range e.Problems {
		ps[i] = p
	}
	return msg.Params{"problems": ps}
}

func (e *InputError) Error() string { return e.Localize(msg.En) }

// Localize is every problem in l: in English joined with "; ", in
// Japanese one sentence after another.
func (e *InputError) Localize(l msg.Lang) string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Localize(l)
	}
	if l == msg.Ja {
		return strings.Join(parts, "")
	}
	return strings.Join(parts, "; ")
}

// Localize is the problem in l.
func (p InputProblem) Localize(l msg.Lang) string {
	params := msg.Params{"field": msg.Text(l, "roster.field."+p.What+"."+p.Field, nil)}
	key := "roster.invalid." + p.Rule
	switch p.Rule {
	case "required", "excludesall":
	case "email":
		params["value"] = p.Value
	case "max":
		params["limit"] = p.Limit
	default:
		key, params["rule"] = "roster.invalid.other", p.Rule
	}
	return msg.Text(l, key, params)
}

// required is the error of an empty key field (a department's code, a
// member's login name).
func required(what, field string) error {
	return &InputError{Problems: []InputProblem{{What: what, Field: field, Rule: "required"}}}
}

var validate = validator.New(validator.WithRequiredStructEnabled())

// check validates input with its validate tags and reports every problem.
func check(v any) error {
	err := validate.Struct(v)
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	what := WhatMember
	if _, ok := v.(DepartmentInput); ok {
		what = WhatDepartment
	}
	out := &InputError{}
	for _, fe := range ves {
		out.Problems = append(out.Problems, InputProblem{What: what, Field: strings.ToLower(fe.Field()), Rule: fe.Tag(),
			Limit: fe.Param(), Value: valueOf(fe)})
	}
	return out
}

// valueOf is the value a problem repeats: only an email address that is
// not one.
func valueOf(fe validator.FieldError) string {
	if fe.Tag() != "email" {
		return ""
	}
	return fmt.Sprint(fe.Value())
}

// DepartmentInput adds a department.
type DepartmentInput struct {
	Code   string `validate:"required,max=100,excludesall=\x00\n\r\t"`
	Name   string `validate:"required,max=100"`
	Parent string `validate:"max=100"` // "" = under the root
}

// MemberInput adds a member.
type MemberInput struct {
	Login       string `validate:"required,max=254,excludesall=\x00\n\r\t"`
	Name        string `validate:"required,max=100"`
	Reading     string `validate:"max=100"`
	Email       string `validate:"omitempty,email,max=254"`
	Phone       string `validate:"max=50"`
	Departments []string
}
