// Package scimtest is a real, independent SCIM 2.0 service provider for
// tests and benchmarks, started on loopback with net/http/httptest.
//
// The protocol is github.com/elimity-com/scim's: routing, request and
// schema validation (RFC 7643 core User with the enterprise extension, and
// Group), filter parsing and evaluation, PATCH request parsing and path
// validation, ListResponse paging with filter.maxResults, error bodies,
// /ServiceProviderConfig, /Schemas and /ResourceTypes. This package adds
// only what a ResourceHandler must provide — an in-memory store — and test
// controls in front of the library's handler: bearer-token check, simulated
// latency, request counters, fault injection, and remote edits.
//
// Decisions where the library is silent or leaves the work to the handler:
//   - PATCH: the library parses and validates each operation (op, path,
//     value against the schema) and hands the handler the parsed
//     operations; applying them to the stored resource is the handler's
//     job, done in patch.go by RFC 7644 §3.5.2. Value filters in paths
//     (members[value eq "x"]) are evaluated with the library's
//     filter.Validator.
//   - ETags: the library emits meta.version and the ETag header from what
//     the handler returns, but never checks If-Match and hard-codes
//     etag.supported=false in /ServiceProviderConfig. With Options.ETags the
//     handler versions every resource (W/"n", bumped on every change) and
//     refuses a PUT, PATCH or DELETE whose If-Match names another version
//     with 412 Precondition Failed (RFC 7644 §3.14), checked under the
//     store's lock so no write slips between check and change; the error
//     body is the library's (errors.ScimError, no scimType: RFC 7644 §3.12
//     defines none for 412). The /ServiceProviderConfig reply is the
//     library's with etag.supported rewritten to the option.
//   - Uniqueness: the library validates but does not enforce
//     uniqueness=server; the store refuses a second userName (case-
//     insensitive, RFC 7643 §4.1.1) with the library's
//     409 uniqueness error.
//   - Filters are the library's as they are: it evaluates
//     emails[value eq "x"] but not emails.value eq "x" (a sub-attribute of
//     a multi-valued attribute), and this server does not make up for it.
//   - Bulk and sort are not supported (the library does not do them).
//   - Server order is creation order; ids are sequential and opaque.
package scimtest
