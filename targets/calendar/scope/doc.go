// Package scope parses and evaluates the calendar-sync scope: which users
// may sync, written in the condition syntax cybozu.com uses for dynamic
// groups (「動的グループの抽出条件について」 in the cybozu.com common admin
// help), e.g.
//
//	organization <= "sales" and title in ("manager", "chief")
//	(organization in ("sales") or user in ("sato")) and title in "manager"
//
// # Syntax
//
// A condition is KEY OPERATOR VALUE. Conditions combine with "and" and "or"
// ("and" binds tighter, as in every common language; the help text puts
// parentheses wherever it mixes them) and with parentheses.
//
//	key              operators                 value
//	user             in, not in, =, !=         login names
//	organization     in, not in, =, !=, <, <=  organization codes
//	group            in, not in, =, !=         group codes
//	title            in, not in, =, !=         title codes, or " no title"
//	employeeNumber   in, not in, =, !=         employee numbers
//	birthDate        =, <, <=, >, >=           a date, YYYY-MM-DD (or YYYY/MM/DD)
//	joinDate         =, <, <=, >, >=           a date
//
// "in" and "not in" take a parenthesised, comma-separated list or a single
// value (the help text writes `title in "manager"`). "=" and "!=" on list
// keys are the older form of "in" and "not in" with one value (the help text
// says cybozu.com rewrote them that way in 2012); they are accepted and mean
// exactly that.
//
// Values are quoted with ASCII double quotes or the full-width quotes a
// Japanese input method produces (“ ” ＂), in any pairing — the help text
// itself writes (“manager”, "chief"). A value cannot contain a quote
// character; there is no escape, because cybozu.com codes cannot contain
// one either. Unquoted values (sato, 2000-01-31) are accepted where a value
// is expected, as the help's table writes them, except the words and, or,
// in and not, which must be quoted. Keys are case-sensitive (a key in the
// wrong case gets a "did you mean" message); the words and, or, in, not are
// not. Spaces between tokens are optional; full-width spaces count as
// spaces, and full-width parentheses and commas as their ASCII forms.
//
// # Meaning
//
//	organization in (A, B)   belongs to A or B (any of the user's organizations)
//	organization not in (A)  belongs to none of them (users with no organization match)
//	organization < "A"       belongs to an organization strictly below A
//	organization <= "A"      belongs to A or an organization below it
//	title in (T)             holds title T in any organization; " no title" matches a
//	                         user who holds no title anywhere
//	title not in (T)         holds none of the titles
//	group in (G)             is a member of group G; "everyone" has every user
//	birthDate < "2000-01-01" born before that day; users with no date never match a
//	                         date condition
//
// Codes the directory does not know match nobody; Unknown lists them so the
// planner can warn (a typo in the scope would otherwise silently revoke
// everyone it meant to keep).
//
// An empty (or all-space) scope is the policy "all active users": Parse
// returns a nil *Scope, whose Match is always true.
package scope
