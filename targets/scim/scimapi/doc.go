// Package scimapi is a SCIM 2.0 client (RFC 7643 schema, RFC 7644
// protocol) in the go-github manner: a Client with one method per call,
// typed resources (User, Group), and one Error type with stable codes whose
// texts are in the catalogue (internal/msg, keys scim_*).
//
// Reading pages /Users and /Groups by startIndex and count; writing is Run,
// a batch of per-resource requests (POST, PATCH, PUT, DELETE) with bounded
// concurrency, each carrying If-Match when the caller gives the version it
// read.
//
// Decisions where the RFCs are silent:
//   - Retries: 429 and 503 wait for Retry-After (seconds or an HTTP date,
//     capped at a minute) or back off; 502, 504, a reset or refused
//     connection and a timeout back off with full jitter (a random wait up
//     to 250 ms·2^attempt, capped at 8 s). 500 is not retried: a service
//     that failed on one resource usually fails the same way again, and a
//     POST that reached it may have taken effect. Nothing else is retried.
//     A create retried after a reset that the service did act on fails
//     with scim_conflict (uniqueness); the caller re-reads and matches.
//   - Concurrency counts requests on the wire, not ops: a request waiting
//     out a backoff holds no slot.
//   - The bearer token is sent only in the Authorization header; every
//     Detail is redacted of it, and no error carries the request URL's
//     query or the token.
//   - A resource's version is meta.version, else the ETag header.
//   - Replies are bounded (32 MiB); a longer one fails with scim_protocol.
package scimapi
