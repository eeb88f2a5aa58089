// Package cybozutest is a simulated cybozu.com domain: a fake of the
// cybozu.com common administration User API (共通管理 User API) built on
// net/http, for tests, the demo (cmd/cybozusim) and benchmarks. It serves a
// *directory.Snapshot, replaceable at runtime with SetSnapshot.
//
// It follows ../shared/cybozu-user-api.md; where that file says UNCONFIRMED,
// it does what SPEC §3.4 says. Those choices are assumptions about the real
// service, listed here so nobody mistakes them for facts:
//
//   - users.json lists the built-in Administrator user (if the snapshot has
//     it, as fixtures.Company does), shaped as Cybozu's Swift client's
//     fixture shows it: primaryOrganization null and every empty text field
//     null (valid as the snapshot says; the fixtures make it false, as on
//     domains created after November 2014).
//   - organization/users.json and group/users.json list users in ascending
//     id, like the documented list endpoints.
//   - IP restriction: every caller is treated as not allowed (the simulator
//     only listens on loopback). With Basic auth configured on the domain a
//     request needs `Authorization: Basic ...`; missing or wrong gives 401
//     with `WWW-Authenticate: Basic realm="..."` and an HTML body. Without
//     Basic auth the answer is 403 with an HTML body.
//   - Every cybozu.com error carries its code twice: in the JSON body and in
//     the X-Cybozu-Error response header (where Cybozu's Swift client reads
//     it). Options.CodeInHeaderOnly makes the body an HTML page, the code
//     only in the header (a proxy replacing error bodies: an assumption).
//   - Wrong password: 401 (or 520 with Options.WrongPasswordStatus) JSON
//     {"code":"CB_WA01",...}. A wrong or unknown API token gets the same
//     CB_WA01 — ASSUMPTION: no source gives the code of a rejected token.
//     No credentials: 401 CB_AU01. Two-factor on (Options.TwoFactor) and the
//     right password: 401 CB_TW02 — ASSUMPTION: the code is seen in a
//     third-party client only, its status nowhere; tokens still work.
//     Options.ChallengeWithCode adds WWW-Authenticate: Basic to these 401s
//     (whether cybozu.com does is UNCONFIRMED either way).
//   - Unknown subdomain (Options.UnknownDomain): 404 HTML for every path.
//   - Maintenance (Options.Maintenance): 503 HTML for every API path.
//   - More than Options.MaxConcurrent requests in flight (default 10): 429
//     JSON, answered at once (without the latency). A request is in flight
//     from its arrival until its answer starts.
//   - size outside 1..100, or a bad offset: 400 CB_VA01 with "errors" keyed
//     by the parameter. A GET carrying Content-Type: 400 CB_IL02. A missing
//     or unknown code on a per-organization/group/user endpoint: 400 CB_VA01.
//     An unknown /v1 path: 404 JSON CB_NF01 (invented code). Non-GET: 405.
//   - /v1/csv/title.csv needs an administrator: with password auth and
//     Options.NonAdmin the answer is 403 JSON CB_NO02. Any API token may
//     export CSV (the docs say any token scope works). The CSV body is UTF-8
//     with a header row; its real layout is unconfirmed and it is only meant
//     as the read-only "is this account an administrator" probe.
//
// JSON quirks are served deterministically, by the object's position in id
// order: ids are strings; primaryOrganization is the organization id as a
// string for most users, as a JSON number for every fifth user (position
// 2, 7, 12, ...) and null for users without an organization; sortOrder is a
// number or null; empty text fields are "" on even positions and null on odd
// ones; parentCode is null for top-level organizations; everyone's members
// are all users; group type is never sent. Ids missing from the snapshot are
// assigned (after the largest numeric id present).
//
// Faults: Options.FailOn makes the k-th API request (1-based, in arrival
// order, counting every /v1 request) answer Options.FailStatus (default
// 503); Options.FailPath makes every request whose path+query contains it
// fail the same way (only the first Options.FailCount of them, if set);
// Options.TruncateOn cuts the k-th response: it declares the full
// Content-Length, sends half the body and drops the connection, so the
// client sees an unexpected EOF in the middle of a JSON document.
// 502/503/504 fault bodies are HTML (as cybozu.com's front end sends during
// overload or maintenance); a 401 without Options.FailCode is a front-end
// page with neither code nor challenge; other statuses get a JSON error
// with Options.FailCode: by default CB_VA01 "not found" for a 400 (what a
// member list answers once its organization or group is deleted — seen on
// writes, ASSUMED for reads) and the invented CB_UN01 otherwise. With them
// a test makes any shape of cybozu-user-api.md §6, e.g. 520 CB_NO02 (a
// permission error in the legacy wrapper: ASSUMED, no source shows it at
// 520) or 403 CB_NO02.
//
// Member lists follow the snapshot's memberships, users.json its primary
// organizations; a user whose PrimaryOrg is not among their Memberships is
// served as cybozu.com would look if the organization's member list left
// them out (fixtures.Scenario "omitted-member"). Whether a real member list
// can omit a member is unknown (cybozu-user-api.md §11.1).
//
// Protocols: Options.TLS serves HTTPS with httptest's certificate
// (Server.Client trusts it; Server.RootCAs and Server.CertificatePEM give it
// to other clients); Server.WrongSchemeURL is the URL with the other
// scheme, for a client that meets a server not speaking its protocol.
//
// Secure Access: with Options.ClientCAs the TLS server requires a client
// certificate verifying against them. CertAuthority makes a root and an
// intermediate CA and issues users' certificates as password-protected
// .pfx files (or PEM) signed by the intermediate, so only a client that
// sends the whole chain gets through. Options.RedirectTo answers every API
// request with a 302 to another host (a domain sending its ordinary URL to
// its .s.cybozu.com host: ASSUMED); Options.TokenNoCSV refuses CSV exports
// to a token, as kintone.com's Read scope may (ASSUMED).
//
// Stats (Sim.Stats, or GET /_sim/stats as JSON) count API requests, the peak
// number in flight, 429 answers, injected faults and requests per path.
// /_sim/ paths need no authentication and are never counted.
//
// NewServer runs a Sim on an httptest server bound to 127.0.0.1.
package cybozutest
