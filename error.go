// Package convene holds the domain of a Convene server: the things people talk about
// (accounts, communities, and later posts and events), their identifiers, the error kinds
// every layer speaks, and the small store interfaces the service layer needs.
//
// It imports only the standard library, so every other package can depend on it.
package convene

import (
	"errors"
	"fmt"
)

// Error codes are the few kinds of failure a caller can act on. Handlers map each one to an
// HTTP status in a single table; the CLI maps them to exit codes.
const (
	EINVALID      = "invalid"      // the input breaks a rule; the message says which
	ENOTFOUND     = "not_found"    // the thing does not exist (or the caller may not know it does)
	ECONFLICT     = "conflict"     // the input clashes with existing state, e.g. a taken name
	EFORBIDDEN    = "forbidden"    // the caller is known but may not do this
	EUNAUTHORIZED = "unauthorized" // the caller must authenticate first
	ETOOMANY      = "too_many"     // the caller tried too often; later attempts may succeed
	EINTERNAL     = "internal"     // anything else; details go to the log, never to the user
)

// Error is a failure meant to be shown to a user: Message is safe to display. Any other error
// is internal, and only its kind is shown.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's chain, or
// "Internal error." for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Internal error."
}
