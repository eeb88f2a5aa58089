package safety

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/cybridge/cybridge/provision"
)

// Error codes of roster commands.
const (
	CodeNotFound      = "not_found"
	CodeAlreadyExists = "already_exists"
	CodeInvalidInput  = "invalid_input"
)

// rosterError is a roster command error with a stable code.
func rosterError(code, format string, args ...any) error {
	return &provision.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

var validate = validator.New(validator.WithRequiredStructEnabled())

// check validates input with its validate tags and reports every problem.
func check(v any) error {
	err := validate.Struct(v)
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	var msgs []string
	for _, fe := range ves {
		name := "-" + strings.ToLower(fe.Field())
		switch fe.Tag() {
		case "required":
			msgs = append(msgs, name+" is required")
		case "email":
			msgs = append(msgs, fmt.Sprintf("%s %q is not an email address", name, fe.Value()))
		case "max":
			msgs = append(msgs, fmt.Sprintf("%s is longer than %s characters", name, fe.Param()))
		case "excludesall":
			msgs = append(msgs, fmt.Sprintf("%s must not contain control characters", name))
		default:
			msgs = append(msgs, fmt.Sprintf("%s is invalid (%s)", name, fe.Tag()))
		}
	}
	return rosterError(CodeInvalidInput, "%s", strings.Join(msgs, "; "))
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
