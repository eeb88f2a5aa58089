// Package web is cybridge's admin console and JSON API (`cybridge serve`,
// SPEC §8.2): server-rendered pages (html/template, embedded templates and
// CSS, no JavaScript, no front-end build) in Japanese and English, and the
// same actions as JSON under /api/v1/, plus /healthz and /metrics.
//
// Everything the console does goes through Backend, declared here and
// adapted to the application layer by internal/app (Console).
//
// Security (SPEC §10):
//   - Console pages need a session: log in with the admin password, which
//     the server holds only as a bcrypt hash. Sessions are random 256-bit
//     tokens in an HttpOnly, SameSite=Strict cookie (Secure when the request
//     came over TLS, directly or as said by X-Forwarded-Proto); the server
//     keeps only their SHA-256. They live in memory: a restart logs the
//     admin out. Idle sessions end after 2 hours, every session after 12.
//   - Failed logins are limited per client (5 per 15 minutes, one attempt
//     in flight), the attempt reserved before bcrypt runs; at most
//     bcryptSlots bcrypt checks run at once for everyone. No global
//     failure cap: failures elsewhere never refuse the right password. A
//     client is the peer's address (an IPv6 /64), or behind
//     Options.TrustedProxies the nearest untrusted X-Forwarded-For entry
//     (guard.go). A wrong password gets the same answer whatever was
//     wrong.
//   - The API needs `Authorization: Bearer <console.api_token>`, compared in
//     constant time; without a configured token the API answers 401 to
//     everyone. Wrong tokens are logged and throttled per client (10 per
//     15 minutes, then 429 without comparing). /healthz and /metrics need
//     nothing: they hold no personal data and no secret, and Prometheus
//     scrapes them. /healthz fails when Options.Healthy does (the database
//     file deleted or replaced).
//   - Only Hosts that are IP addresses, localhost or Options.AllowedHosts
//     are served; others get 421 (DNS rebinding).
//   - Request bodies have a read deadline (Options.BodyTimeout, uploads
//     UploadTimeout); a body cut off is no login attempt.
//   - Redirect targets are checked as sent and written unchanged
//     (seeOther, safeNext).
//   - The minimum strength of the admin password and the API token is a
//     configuration check (CheckConfig).
//   - Every state-changing request passes net/http.CrossOriginProtection
//     (Sec-Fetch-Site / Origin checks); every response carries a strict CSP
//     (no scripts at all), frame-ancestors 'none' and X-Frame-Options DENY,
//     nosniff, Referrer-Policy no-referrer, and Cache-Control no-store.
//   - Uploads are capped at console.upload_limit_mb per request.
//   - Configured secrets are scrubbed from every error message shown.
//
// Decisions where the spec is silent:
//   - Runs started from the console or the API run while the request waits
//     (the page or the API answer is the finished run); a second run while
//     one holds the lease gets run_in_progress.
//   - Manual runs are allowed while scheduled runs are paused; the admin is
//     there. The pause banner is on every page.
//   - Large plans, rosters and enrolment lists are shown in pages of
//     PageSize rows, with page numbers, first/last and previous/next; every
//     link keeps the page's filters. A plan page reads only its page from
//     the backend (PlanChanges: the stored plan is indexed once per run,
//     see provision/planindex); the roster and the enrolment list read one
//     page with SQL (RosterPage, EnrolmentPage), never the whole list. The
//     whole plan downloads as JSON, streamed.
//   - The plan filter is target, kind, action and text (a key or label
//     containing it); a disable is listed under deletes and its field
//     changes under changes, as before paging.
//   - The department tree shows collapsed (details/summary, no script):
//     the top level and the path to the selected department are rendered,
//     only that path open; deeper departments are reached by selecting
//     their parent. Selecting a department lists its direct members (the
//     count beside it); "no department" lists members in none.
//   - Language: the console speaks the language cookie's, else the best of
//     Accept-Language, else Japanese; the API the best of Accept-Language,
//     else English (a script that sends none reads what it read before the
//     API spoke Japanese). Every error an admin reads is rendered from its
//     code and parameters (internal/msg); API error bodies are
//     {"error":{"code","message","params"}}, params always an object.
//   - One error model: the HTTP status of an error is a table lookup by
//     its kind (msg.HTTPStatus(msg.KindOf(err))), never by its code's
//     spelling; an error without a kind is internal (500) and its detail
//     goes to the log only. Every API endpoint is an apiFunc (decode, call,
//     say what to answer), wrapped once by Server.api.
//   - One vocabulary: every contract type is declared once, JSON-tagged,
//     in the package that owns the concept, and the CLI's -format json,
//     the API and the console's templates all use it (no wire package of
//     mirrors, no field-by-field copies): runs, run lists, plans,
//     triggers, statuses and summaries are provision's (Run, RunList,
//     Plan), the roster is safety's (Export, ExportDepartment,
//     ExportMember: `roster export -format json`), an enrolment is
//     calendar's (EnrolmentView, EnrolmentList, EnrolmentDetail with
//     calendar.HistoryEntry: `calendar list/show -format json`) and a
//     CalDAV check caldav's (Result). SPEC §8.1 shapes change only by
//     added fields. This package declares only what is the API's alone:
//     request bodies (RunRequest, DepartmentEdit, TargetEdit, …) and the
//     upload preview. The console's download is the plan exactly as plan
//     -out writes it (no JSON round trip). A summary's targets and kinds
//     are laid out in the targets' own order (Backend.Targets), never by
//     names written here.
package web
