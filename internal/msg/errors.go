package msg

import (
	"context"
	"errors"
	"net/http"
)

// Kind is what sort of failure an error is. Surfaces map a kind to an
// HTTP status or an exit code by table; the code says which failure.
type Kind int

// The kinds of failure.
const (
	KindInternal     Kind = iota // a bug or an unexpected condition
	KindInvalid                  // bad input: the admin must change what they gave
	KindNotFound                 // the named thing does not exist
	KindConflict                 // the state moved on, or it already exists
	KindUnavailable              // a source or service could not be reached; try again
	KindForbidden                // not allowed (permissions, disabled targets)
	KindBlocked                  // a safeguard stopped the run
	KindUnauthorized             // not logged in, or bad credentials for cybridge itself
	KindCanceled                 // the caller gave up (shutdown, Ctrl-C)
	KindTooLarge                 // the input is larger than allowed (an upload)
)

// The codes shared by every package: the same failure has the same code
// wherever it happens (a roster department and a calendar enrolment that
// are not there are both not_found; the "what" parameter says which), so
// they are declared here, once, and a package declares only its own
// situations' codes. TestCodesDeclaredOnce holds every package to it.
const (
	CodeInternal      = "internal"       // an error without a code of its own
	CodeCanceled      = "canceled"       // the context was canceled
	CodeNotFound      = "not_found"      // the named thing does not exist
	CodeAlreadyExists = "already_exists" // the named thing exists already
	CodeInvalidInput  = "invalid_input"  // a value the admin gave is unusable
	CodeUsage         = "usage"          // a command line or request that cannot be parsed
)

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "unavailable", "forbidden", "blocked", "unauthorized", "canceled", "too_large"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

// Error is a failure with a stable code, its kind, and the parameters its
// text needs. Error() is the English text, for logs and wrapping; a surface
// renders it in the admin's language with Localize.
type Error struct {
	Code   string
	Kind   Kind
	Params Params
	// Key is the catalogue key of the text when one code covers several
	// situations (auth_failed.two_factor); empty means Code.
	Key string
	Err error // the cause, if any (never shown to an admin as such)
}

// New is an error of kind with code and params.
func New(kind Kind, code string, params Params) *Error {
	return &Error{Code: code, Kind: kind, Params: params}
}

// Wrap is New with a cause.
func Wrap(err error, kind Kind, code string, params Params) *Error {
	return &Error{Code: code, Kind: kind, Params: params, Err: err}
}

func (e *Error) Error() string          { return Text(En, e.key(), e.Params) }
func (e *Error) ErrorCode() string      { return e.Code }
func (e *Error) ErrorKind() Kind        { return e.Kind }
func (e *Error) ErrorParams() Params    { return e.Params }
func (e *Error) Unwrap() error          { return e.Err }
func (e *Error) Localize(l Lang) string { return Text(l, e.key(), e.Params) }

// key is the catalogue key of e's text: Key, or Code when Key is empty.
func (e *Error) key() string {
	if e.Key != "" {
		return e.Key
	}
	return e.Code
}

// The interfaces an error may implement to be rendered by code.
type (
	coder     interface{ ErrorCode() string }
	kinder    interface{ ErrorKind() Kind }
	paramer   interface{ ErrorParams() Params }
	localizer interface{ Localize(Lang) string }
)

// Code is err's stable code: its own, "canceled" for a canceled context,
// "" for nil, otherwise "internal".
func Code(err error) string {
	if err == nil {
		return ""
	}
	var c coder
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	if errors.Is(err, context.Canceled) {
		return CodeCanceled
	}
	return CodeInternal
}

// KindOf is err's kind: its own, KindCanceled for a canceled context,
// otherwise KindInternal.
func KindOf(err error) Kind {
	var k kinder
	if errors.As(err, &k) {
		return k.ErrorKind()
	}
	if errors.Is(err, context.Canceled) {
		return KindCanceled
	}
	return KindInternal
}

// ParamsOf is err's parameters, or nil.
func ParamsOf(err error) Params {
	var p paramer
	if errors.As(err, &p) {
		return p.ErrorParams()
	}
	return nil
}

// Localize is err's text in lang: the error's own rendering when it has
// one (a list of problems, say), its code's text with its parameters when
// it has parameters and the catalogue knows the code, otherwise
// err.Error() (an error from outside cybridge, or not yet converted: an
// internal error keeps its detail for the log).
func Localize(lang Lang, err error) string {
	if err == nil {
		return ""
	}
	var l localizer
	if errors.As(err, &l) {
		return l.Localize(lang)
	}
	var p paramer
	if errors.As(err, &p) {
		return TextOr(lang, Code(err), p.ErrorParams(), err.Error())
	}
	if code := Code(err); code == CodeCanceled {
		return Text(lang, code, nil)
	}
	return err.Error()
}

var statusOf = map[Kind]int{
	KindInternal:     http.StatusInternalServerError,
	KindInvalid:      http.StatusBadRequest,
	KindNotFound:     http.StatusNotFound,
	KindConflict:     http.StatusConflict,
	KindUnavailable:  http.StatusBadGateway,
	KindForbidden:    http.StatusForbidden,
	KindBlocked:      http.StatusConflict,
	KindUnauthorized: http.StatusUnauthorized,
	KindCanceled:     http.StatusServiceUnavailable,
	KindTooLarge:     http.StatusRequestEntityTooLarge,
}

// HTTPStatus is the API's status for a kind of failure.
func HTTPStatus(k Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Exit codes of the CLI (SPEC §8.1).
const (
	ExitOK      = 0
	ExitError   = 1
	ExitChanges = 2 // plan has changes, only with -detailed-exitcode
	ExitBlocked = 3 // a safeguard blocked the run
)

// ExitCode is the CLI's exit code for a kind of failure.
func ExitCode(k Kind) int {
	if k == KindBlocked {
		return ExitBlocked
	}
	return ExitError
}
