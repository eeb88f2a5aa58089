package scimapi

import (
	"net/http"
	"strconv"

	"github.com/cybridge/cybridge/internal/msg"
)

// The client's stable codes.
const (
	CodeUnauthorized       = "scim_unauthorized"        // 401: the bearer token was refused
	CodeForbidden          = "scim_forbidden"           // 403: the token may not do this
	CodeNotFound           = "scim_not_found"           // 404: the resource is not there
	CodeConflict           = "scim_conflict"            // 409: uniqueness (userName taken) or a version conflict
	CodePreconditionFailed = "scim_precondition_failed" // 412: If-Match named an old version: the resource changed
	CodeRateLimited        = "scim_rate_limited"        // 429 still after every attempt
	CodeUnavailable        = "scim_unavailable"         // 5xx, connection failure or timeout (after every attempt)
	CodeInvalid            = "scim_invalid"             // 400 (with scimType) and other refusals of the request itself
	CodeNotSupported       = "scim_not_supported"       // 501: the service does not implement the request
	CodeProtocol           = "scim_protocol"            // a reply the client cannot use (body, paging)
	CodeURLInvalid         = "scim_url_invalid"         // Config.BaseURL is not a usable SCIM base URL
	CodeTokenMissing       = "scim_token_missing"       // Config.Token is empty
)

// The situations of CodeProtocol (catalogue keys).
const (
	keyProtocolBody     = "scim_protocol.body"         // unparseable body
	keyProtocolTooLarge = "scim_protocol.too_large"    // body over the bound
	keyProtocolRepeat   = "scim_protocol.repeated_ids" // a page repeats an id already listed
	keyProtocolNoEnd    = "scim_protocol.no_end"       // paging goes past its cap
	keyProtocolStatus   = "scim_protocol.status"       // a status the protocol does not use (3xx, 1xx)
	keyURLCredentials   = "scim_url_invalid.credentials"
	keyURLPlainHTTP     = "scim_url_invalid.plain_http"
)

// Error is every failure of the client: the HTTP status when there was a
// reply, the SCIM error's scimType and detail (RFC 7644 §3.12), and a
// stable Code. Error() is the English text, Localize the admin's; both
// come from the catalogue (keys scim_*) with the service's detail after
// them as data. It never holds the bearer token: Detail is redacted.
type Error struct {
	Status   int    // HTTP status; 0 when no reply was received
	ScimType string // RFC 7644 scimType (uniqueness, mutability, invalidValue, …)
	Detail   string // the service's detail, or the network's error, redacted
	Code     string // one of the Code* constants, or msg.CodeCanceled

	key    string     // catalogue key when not Code
	params msg.Params // url, method, path and what the situation names
	err    error      // the cause (a network error), for errors.Is
}

// ErrorCode returns the stable code.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorKind is the code's kind. Decisions: a service refusing cybridge's
// token is forbidden, never unauthorized (which a console or API client
// would take for its own login); a changed resource (412) is a conflict;
// reaching or understanding the service is unavailable.
func (e *Error) ErrorKind() msg.Kind {
	if k, ok := kindOf[e.Code]; ok {
		return k
	}
	return msg.KindInternal
}

var kindOf = map[string]msg.Kind{
	CodeUnauthorized:       msg.KindForbidden,
	CodeForbidden:          msg.KindForbidden,
	CodeNotFound:           msg.KindNotFound,
	CodeConflict:           msg.KindConflict,
	CodePreconditionFailed: msg.KindConflict,
	CodeRateLimited:        msg.KindUnavailable,
	CodeUnavailable:        msg.KindUnavailable,
	CodeInvalid:            msg.KindInvalid,
	CodeNotSupported:       msg.KindInvalid,
	CodeProtocol:           msg.KindUnavailable,
	CodeURLInvalid:         msg.KindInvalid,
	CodeTokenMissing:       msg.KindInvalid,
	msg.CodeCanceled:       msg.KindCanceled,
}

// Codes are the catalogue keys the client's errors render.
func Codes() []string {
	return []string{CodeUnauthorized, CodeForbidden, CodeNotFound, CodeConflict, CodePreconditionFailed,
		CodeRateLimited, CodeUnavailable, CodeInvalid, CodeNotSupported, CodeProtocol, CodeURLInvalid, CodeTokenMissing,
		keyProtocolBody, keyProtocolTooLarge, keyProtocolRepeat, keyProtocolNoEnd, keyProtocolStatus, keyURLCredentials, keyURLPlainHTTP}
}

// ErrorParams returns the text's parameters, with status, scim_type and
// detail when known.
func (e *Error) ErrorParams() msg.Params {
	p := msg.Params{}
	for k, v := range e.params {
		p[k] = v
	}
	if e.Status != 0 {
		p["status"] = e.Status
	}
	if e.ScimType != "" {
		p["scim_type"] = e.ScimType
	}
	if e.Detail != "" {
		p["detail"] = e.Detail
	}
	return p
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.err }

func (e *Error) Error() string { return e.Localize(msg.En) }

// Localize renders the situation in lang, followed by what the service
// said: "… (HTTP 409, uniqueness, its detail)".
func (e *Error) Localize(lang msg.Lang) string {
	key := e.key
	if key == "" {
		key = e.Code
	}
	text := msg.Text(lang, key, e.params)
	var parts []string
	if e.Status != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(e.Status))
	}
	if e.ScimType != "" {
		parts = append(parts, e.ScimType)
	}
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	return msg.WithAside(lang, text, parts)
}

// codeOf is the code of a reply's status (not 2xx).
func codeOf(status int) (code, key string) {
	switch {
	case status == http.StatusUnauthorized:
		return CodeUnauthorized, ""
	case status == http.StatusForbidden:
		return CodeForbidden, ""
	case status == http.StatusNotFound:
		return CodeNotFound, ""
	case status == http.StatusConflict:
		return CodeConflict, ""
	case status == http.StatusPreconditionFailed:
		return CodePreconditionFailed, ""
	case status == http.StatusTooManyRequests:
		return CodeRateLimited, ""
	case status == http.StatusNotImplemented:
		return CodeNotSupported, ""
	case status >= 500:
		return CodeUnavailable, ""
	case status >= 400:
		return CodeInvalid, ""
	default:
		return CodeProtocol, keyProtocolStatus
	}
}
