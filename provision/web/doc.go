// Package web is cybridge's admin console and JSON API (`cybridge serve`,
// SPEC §8.2): server-rendered pages (html/template, embedded templates and
// CSS, no JavaScript, no front-end build) in Japanese and English, and the
// same actions as JSON under /api/v1/, plus /healthz and /metrics.
//
// Everything the console does goes through Backend, declared here and
// adapted to the runner, store and targets by cmd/cybridge.
//
// Security (SPEC §10):
//   - Console pages need a session: log in with the admin password, which
//     the server holds only as a bcrypt hash. Sessions are random 256-bit
//     tokens in an HttpOnly, SameSite=Strict cookie (Secure when the request
//     came over TLS, directly or as said by X-Forwarded-Proto); the server
//     keeps only their SHA-256. They live in memory: a restart logs the
//     admin out. Idle sessions end after 2 hours, every session after 12.
//   - Failed logins are limited per client address (5 per 15 minutes) and
//     overall (50 per 15 minutes), checked before bcrypt runs. A wrong
//     password gets the same answer whatever was wrong.
//   - The API needs `Authorization: Bearer <console.api_token>`, compared in
//     constant time; without a configured token the API answers 401 to
//     everyone. /healthz and /metrics need nothing: they hold no personal
//     data and no secret, and Prometheus scrapes them.
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
//     PageSize rows; the whole plan can be downloaded as JSON.
//   - Japanese is the fallback language when Accept-Language names neither.
package web
