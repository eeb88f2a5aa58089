// Package cybozu reads a cybozu.com directory through the common
// administration User API (共通管理 User API) into a *directory.Snapshot.
//
//	c, err := cybozu.New(cybozu.Config{BaseURL: "https://example.cybozu.com", Login: "...", Password: ...})
//	snap, err := c.ReadSnapshot(ctx)
//
// What is read (SPEC §3.2): organizations, users (active and suspended) and
// groups from their paged lists; each organization's members and their
// titles from /v1/organization/users.json; each group's members from
// /v1/group/users.json, except the built-in everyone group. Titles have no
// JSON endpoint: the snapshot holds the titles somebody holds.
//
// Every failure is an *Error with a stable code (Code* constants), a kind
// (internal/msg) and a text that tells the admin what to do, rendered in
// Japanese or English from the catalogue by its Key (one code can cover
// several situations: auth_failed.two_factor) and Params; see
// checkResponse for the mapping of SPEC §3.3. Decisions where the API
// documentation is silent:
//
//   - Classification: cybozu.com's code (JSON body, else the
//     X-Cybozu-Error header) decides at any status; only without one do the
//     status, the WWW-Authenticate header and the body's shape (see
//     checkResponse). A 401 whose cause cannot be known names both causes
//     (credentials, or the domain's access control); with an API token,
//     auth_failed names the token, never a password.
//   - Retries: only 429, 502, 503, 504, a 520 without any code, network
//     errors, timeouts and garbled or truncated bodies — MaxAttempts tries
//     in all, waits of rand[0, min(BackoffCap, BackoffBase·2^n)), at most
//     BackoffCap longer when the server sends Retry-After. Everything else
//     returns at once: authentication failures above all (repeated failures
//     lock the account), a 520 carrying a code (cybozu.com's legacy wrapper
//     of application errors: CB_NO02 is forbidden, CB_WA01 auth_failed),
//     500 and 501, and a server that does not speak the URL's protocol
//     (https:// to plain HTTP or the reverse: connection_failed).
//   - A member list answering CB_VA01 ("not found": its organization or
//     group was deleted or renamed after it was listed) is read again once
//     from its first page; failing again, the read is source_incomplete —
//     the directory changed while it was read; run again.
//   - A page that still fails ends the read: source_unavailable when nothing
//     at all could be read, source_incomplete once some pages were read.
//     No snapshot is ever returned from a partial read.
//   - A 429 lowers the client's own pool by one for the rest of its life:
//     cybozu.com counts concurrent requests per domain, so someone else is
//     using the domain too.
//   - Redirects are never followed; a redirect to a /login page is
//     auth_failed, a redirect to another host is redirected, naming only
//     that host (a Location's path and query may carry a session) and what
//     to set: cybozu.url, and for a .s.cybozu.com host the certificate.
//   - Secure Access: the client certificate (LoadCertificate: a .pfx with
//     its password, or PEM) is sent with its whole chain whatever CA names
//     the server asks for; New refuses an expired one
//     (client_certificate_expired, before any request: cybozu.com would only
//     end the handshake); CertificateStateOf warns ExpiryWarning (30 days)
//     ahead. A TLS alert about the client certificate is
//     connection_failed.client_certificate, never retried. CheckConfig pairs
//     a certificate with a *.s.cybozu.com URL, and the reverse.
//   - Completeness cross-check after every read: a user whose
//     primaryOrganization id is not in the organization list, a user whose
//     primary organization's member list does not name them, or a member of
//     an organization who is not in the user list means the directory
//     changed during the read, a list left someone out, or the account sees
//     only part of it: source_incomplete naming the user and organization,
//     nothing planned. (Member lists have no documented order, so offset
//     paging over a changing list can skip a member.)
//   - Lists are de-duplicated by id: offset paging over a directory that
//     changes during the read can repeat a row.
//   - A user object without "valid" is read as 使用中.
//   - A 2xx HTML page (a proxy or captive portal) is unexpected_response.
//
// Secrets: credentials travel only in request headers; errors carry no
// URL with credentials (New rejects user:password@ in the URL), resty's
// logger is silenced, and every message built from a response is scrubbed
// of the configured secrets and the header values made from them.
package cybozu
