package cli

import (
	"errors"

	"github.com/cybridge/cybridge/internal/msg"
)

// UsageError is a mistake on the command line: code "usage", exit 1. Its
// text is the catalogue's Key with Params; with Help, the command's help is
// printed before it.
type UsageError struct {
	Key    string
	Params msg.Params
	Help   bool
}

// Usage is a usage error with the text key.
func Usage(key string, params msg.Params) *UsageError {
	return &UsageError{Key: key, Params: params}
}

func (e *UsageError) Error() string              { return msg.Text(msg.En, e.Key, e.Params) }
func (e *UsageError) ErrorCode() string          { return msg.CodeUsage }
func (e *UsageError) ErrorKind() msg.Kind        { return msg.KindInvalid }
func (e *UsageError) ErrorParams() msg.Params    { return e.Params }
func (e *UsageError) Localize(l msg.Lang) string { return msg.Text(l, e.Key, e.Params) }

// Error is a failure of the command line itself (a file it cannot read or
// write, an address it cannot listen on): a code, a kind, and the
// catalogue key of its text, which may name flags.
type Error struct {
	Code   string
	Kind   msg.Kind
	Key    string
	Params msg.Params
	Err    error
}

func (e *Error) Error() string              { return msg.Text(msg.En, e.Key, e.Params) }
func (e *Error) ErrorCode() string          { return e.Code }
func (e *Error) ErrorKind() msg.Kind        { return e.Kind }
func (e *Error) ErrorParams() msg.Params    { return e.Params }
func (e *Error) Localize(l msg.Lang) string { return msg.Text(l, e.Key, e.Params) }
func (e *Error) Unwrap() error              { return e.Err }

// advised is an error with the command line's own advice: what to do on
// this surface (a flag to give, the flag that named a value). The error's
// code, kind, parameters and text are its own.
type advised struct {
	error
	key    string
	params msg.Params
}

func (a *advised) Unwrap() error { return a.error }

// WithAdvice adds the advice text key (with params) to err; nil stays nil.
func WithAdvice(err error, key string, params msg.Params) error {
	if err == nil {
		return nil
	}
	return &advised{error: err, key: key, params: params}
}

// adviceOf is err's advice in l, or "".
func adviceOf(l msg.Lang, err error) string {
	var a *advised
	if errors.As(err, &a) {
		return msg.Text(l, a.key, a.params)
	}
	return ""
}

// Exit ends the command with an exit code and prints nothing: plan
// -detailed-exitcode's 2.
type Exit int

func (e Exit) Error() string { return "exit" }

// exitCoder lets an error choose its exit code (a safeguard's 3).
type exitCoder interface{ ExitCode() int }

// exitCode is err's exit code: its own, else its kind's.
func exitCode(err error) int {
	var x exitCoder
	if errors.As(err, &x) {
		return x.ExitCode()
	}
	return msg.ExitCode(msg.KindOf(err))
}
