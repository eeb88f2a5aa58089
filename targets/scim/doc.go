// Package scim is the SCIM 2.0 provisioning target: it keeps the users
// (and, when configured, the groups) of a SCIM app — Slack, Zoom, Box,
// Miro, Atlassian and hundreds of others — in step with the cybozu.com
// directory, one provision.RemoteTarget per [[scim]] instance, named
// "scim.<name>" in plans, links, safeguards and history. The protocol is
// package scimapi's; this package reads the app (Load), plans purely
// (Plan) and sends the plan's changes (Apply).
//
// What cybridge does and never does to remote users:
//   - It owns only what it created or matched: a remote user is matched to
//     a cybozu.com user by link (cybridge created or updated it), then by
//     externalId (= the cybozu.com user id), then by userName, then by
//     email; a remote user none of these match is never read into a
//     change, updated, deactivated or deleted. Two candidates for one
//     match are a plan error (ambiguous_match), as for the roster.
//   - Users: userName (login name or email, user_name), externalId,
//     name.familyName/givenName, displayName, emails (type work, primary),
//     phoneNumbers (work = 電話番号, mobile = 携帯電話), active, title (the
//     title held in the primary organization), the enterprise extension's
//     employeeNumber, department (the primary organization's name) and
//     organization (the name of its top-level organization), and custom
//     items mapped by [scim.attributes] to a core attribute cybridge does
//     not otherwise manage (nickName, userType, …) or to the enterprise
//     extension's costCenter or division.
//   - A 停止中 user is never created; one already linked is set
//     active=false, as is a linked user who leaves cybozu.com or the
//     user_filter (deleted instead with leavers = "delete"). A suspended
//     user is matched by link and externalId only: a weaker key must not
//     make cybridge deactivate someone it never provisioned.
//   - An update is a PATCH with exactly the attributes that differ (PUT of
//     the whole resource, as read with cybridge's attributes changed, when
//     the app does not support PATCH); create and replace always carry
//     active. When the app serves ETags every write carries If-Match with
//     the version read, so a concurrent edit in the app fails that change
//     (412) instead of being overwritten; the next run plans it again.
//   - Groups (groups = ["groups", "organizations"]) are cybozu.com groups
//     and organizations with their members who are provisioned;
//     externalId "group:<code>" or "organization:<code>". Members change by
//     add and remove operations, never a whole-list replace.
//
// Decisions where the issue is silent:
//   - Kinds are user and group; a deactivation is provision.Disable (the
//     "!" of the report), so the built-in safeguards count it; a delete is
//     provision.Delete.
//   - Email and phone values are compared case-insensitively; the other
//     attributes exactly. An attribute cybridge manages that the directory
//     leaves empty (a title given up) is removed from the app's user; one
//     it does not manage is never sent.
//   - The userName of a user who already matched is kept in step too
//     (a login name renamed in cybozu.com is renamed in the app).
//   - A CSV read has no user ids: externalId is then neither sent nor
//     compared, and matching falls back to userName and email.
//   - Groups are applied after users, so that a group created in the same
//     run can list users created in it; a member whose create failed is
//     left out until the next run. The group "everyone" is not pushed. A
//     linked group whose cybozu.com group or organization is gone is
//     deleted (a group has no active flag).
//   - The stale-plan check of a stored plan re-reads each object it
//     changes by id, or the whole lists when it changes more objects than
//     a page holds; what it compares is meta.version, or a digest of the
//     object when the app serves no version.
package scim
