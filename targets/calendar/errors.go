package calendar

import (
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
)

// Error codes of this package. An enrolment that is not there is
// msg.CodeNotFound and bad input msg.CodeInvalidInput, the shared codes
// the safety roster uses for the same failures, so that a surface (and an API client) tells
// them apart by code and kind alone; the "what" parameter of not_found
// says what was not found. Each error is a *msg.Error whose Key is the
// situation's catalogue text (below).
const (
	CodeSecretKeyMissing  = "secret_key_missing"  // a CalDAV password is to be stored and CYBRIDGE_SECRET_KEY is not set
	CodeSecretKeyInvalid  = "secret_key_invalid"  // CYBRIDGE_SECRET_KEY is not 32 bytes in hex or base64
	CodeSecretKeyMismatch = "secret_key_mismatch" // a stored password does not open with the configured key
	CodeNotPermitted      = "not_permitted"       // the user switch cannot be used while not permitted
)

// WhatEnrolment is the "what" parameter of an enrolment that is not found.
const WhatEnrolment = "enrolment"

// Catalogue keys of the situations the codes cover.
const (
	KeyNotFound           = "not_found.enrolment"
	KeyPasswordNotStored  = "invalid_input.caldav_password_not_stored" // keep the password, but none is stored for this auth id
	KeyNoDefaultURL       = "invalid_input.caldav_no_default_url"
	KeyNotCalDAV          = "invalid_input.not_caldav"
	KeyCalDAVIncomplete   = "invalid_input.caldav_incomplete"
	KeySyncErrorKind      = "invalid_input.sync_error_kind"
	KeyDefaultTarget      = "invalid_input.default_target"
	KeyTargetKind         = "invalid_input.target"
	KeyCalendarID         = "invalid_input.calendar_id"
	KeyCalDAVURL          = caldav.URLKey // and .<caldav.URLError.Reason> (caldav.URLError.Key)
	KeyAuthIDRequired     = "invalid_input.caldav_auth_id_required"
	KeyPasswordRequired   = "invalid_input.caldav_password_required"
	KeyInvalidField       = "invalid_input.field"
	KeyNotPermittedSwitch = "not_permitted.switch"
	KeyNotPermittedGone   = "not_permitted.gone"
)

// invalid is an invalid_input error of the situation key.
func invalid(key string, p msg.Params) error {
	return &msg.Error{Code: msg.CodeInvalidInput, Kind: msg.KindInvalid, Key: key, Params: p}
}

// notFound is the error of a login without an enrolment.
func notFound(login string) error {
	return &msg.Error{Code: msg.CodeNotFound, Kind: msg.KindNotFound, Key: KeyNotFound, Params: msg.Params{"what": WhatEnrolment, "name": login}}
}

// notPermitted is a not_permitted error of the situation key.
func notPermitted(key string, p msg.Params) error {
	return &msg.Error{Code: CodeNotPermitted, Kind: msg.KindForbidden, Key: key, Params: p}
}

// secretKeyError is a secret_key_* error: the configuration must change
// (kind invalid), whatever the request.
func secretKeyError(code string) error {
	return &msg.Error{Code: code, Kind: msg.KindInvalid}
}
