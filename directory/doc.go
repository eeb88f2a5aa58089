// Package directory holds the one type every reader produces: a Snapshot of
// what a cybozu.com directory says at one moment — organizations, users,
// titles, groups and memberships — and the rules a snapshot must satisfy
// before anything is planned from it (Validate).
//
// Readers live in subpackages: cybozu (the User API), csvfile (the CSV files
// cybozu.com exports). A fake User API server for tests and the cybozusim
// binary lives in cybozutest.
package directory
