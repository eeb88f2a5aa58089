package calendar

// Error is an enrolment error an admin can hit, with a stable code.
type Error struct {
	Code    string
	Message string
}

// ErrorCode is the stable error code.
func (e *Error) ErrorCode() string { return e.Code }

func (e *Error) Error() string { return e.Message }

// Error codes of this package.
const (
	CodeSecretKeyMissing  = "secret_key_missing"  // a CalDAV password is to be stored and CYBRIDGE_SECRET_KEY is not set
	CodeSecretKeyInvalid  = "secret_key_invalid"  // CYBRIDGE_SECRET_KEY is not 32 bytes in hex or base64
	CodeSecretKeyMismatch = "secret_key_mismatch" // a stored password does not open with the configured key
	CodeNotFound          = "enrolment_not_found" // no enrolment for that login
	CodeInvalidInput      = "invalid_input"       // a value fails SPEC §6 rule 8
	CodeAutoStopped       = "auto_stopped"        // informational: the enrolment is auto-stopped
	CodeNotPermitted      = "not_permitted"       // the user switch cannot be used while not permitted
)
