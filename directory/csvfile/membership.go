package csvfile

import (
	"github.com/cybridge/cybridge/internal/msg"

	"slices"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/directory"
)

// The membership files have a variable number of columns, so they are read
// with encoding/csv directly: ログイン名, then 組織コード1, 役職コード1,
// 組織コード2, 役職コード2, … (userOrganizations.csv) or グループコード1,
// グループコード2, … (userGroups.csv). Every cell is trimmed (trim table).

// membershipName is the documented name of column col (0-based).
func membershipName(k Kind, col int) string {
	switch {
	case col == 0:
		return "ログイン名"
	case k == KindUserGroups:
		return "グループコード" + strconv.Itoa(col)
	case col%2 == 1:
		return "組織コード" + strconv.Itoa((col+1)/2)
	default:
		return "役職コード" + strconv.Itoa(col/2)
	}
}

// readMembershipHeader reads and checks the header of a membership file.
// ok is false when the header is wrong (the file is not read further).
func readMembershipHeader(t *table, o *readOptions) bool {
	header, ok := t.readHeader(o.header)
	if !ok {
		return false
	}
	if header == nil && t.pending != nil && o.header == nil {
		// A lone 「ログイン名」 (an export in which nobody belongs to
		// anything) is a header too.
		if len(t.pending.fields) == 1 && nameIn(normalizeName(t.pending.fields[0]), loginNames) {
			header, t.pending = t.pending, nil
		}
	}
	if header == nil {
		return true
	}
	ok = true
	logins, orgs, titles, groups := newNameSet(loginNames), newNameSet(orgCodeNames), newNameSet(titleCodeName), newNameSet(groupCodeName)
	for i, cell := range header.fields {
		want := membershipName(t.kind, i)
		n := normalizeName(cell)
		var match bool
		switch {
		case i == 0:
			match = logins[n]
		case t.kind == KindUserGroups:
			match = groups.hasNumbered(n)
		case i%2 == 1:
			match = orgs.hasNumbered(n)
		default:
			match = titles.hasNumbered(n)
		}
		t.names = append(t.names, strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff")))
		if !match && strings.TrimSpace(cell) != "" {
			t.problem(header, i, newProblem("csv.invalid_header", msg.Params{"position": i + 1, "name": want, "value": strings.TrimSpace(cell), "export": t.kind.name()}))
			ok = false
		}
	}
	return ok
}

// membershipRows reads the data rows of a membership file: for each row
// with a known user, cells holds the trimmed cells after the login. Then
// it reports the users of user.csv the file has no row for (requireRows).
func (r *reader) membershipRows(t *table, each func(rec *record, ui int, login string)) {
	seen := map[string]int{}
	badLogin := false
	defer func() { r.requireRows(t, seen, badLogin) }()
	for {
		rec, more := t.next()
		if !more {
			return
		}
		if rec.isBad(0) {
			// Reported as an invalid byte sequence; whose row this is
			// cannot be known.
			badLogin = true
		}
		login := strings.TrimSpace(rec.fields[0])
		if login == "" {
			if !rec.blank() {
				t.problem(rec, 0, newProblem("csv.empty_value.member_login", nil))
			}
			continue
		}
		if first, dup := seen[login]; dup {
			t.problem(rec, 0, newProblem("csv.duplicate.user_row", msg.Params{"login": login, "first": first}))
			continue
		}
		seen[login] = rec.line
		ui, known := r.users[login]
		if !known {
			// user.csv never lists the built-in Administrator (the export
			// cannot output it), but the membership exports may.
			if login != directory.AdministratorLogin && !r.skippedUsers[login] && !r.failed[KindUsers] {
				t.problem(rec, 0, newProblem("csv.unknown_reference.user", msg.Params{"login": login, "name": KindUsers.FileName()}))
			}
			continue
		}
		each(rec, ui, login)
	}
}

// requireRows reports, at its row of user.csv, every user the membership
// file t has no row for (seen: the logins it has rows for). cybozu.com's
// export lists every user — one without organizations or groups as a row
// with only the login name — and its import reads a missing row as
// "unchanged", not "none" (ファイルにログイン名を記述していないユーザーの
// 所属組織情報は、ファイルを読み込んでも変更されません). So a missing row
// means a truncated or filtered file, and reading it as "belongs to none"
// would strip those users' departments or groups in silence.
//
// Nothing is reported when the rows cannot be trusted to be complete for
// another reason already reported: t or user.csv was not read to its end,
// or a login cell held an invalid byte sequence. A file with no rows at
// all is one problem, not one per user.
func (r *reader) requireRows(t *table, seen map[string]int, badLogin bool) {
	if t.err != nil || t.broken || badLogin || r.failed[KindUsers] {
		return
	}
	situation := "orgs"
	if t.kind == KindUserGroups {
		situation = "groups"
	}
	rows := len(seen)
	var missing []int // indices in r.snap.Users
	for i, u := range r.snap.Users {
		if _, ok := seen[u.Login]; ok || u.Login == directory.AdministratorLogin {
			continue
		}
		seen[u.Login] = 0 // a login used twice in user.csv: reported once (Validate reports the second)
		missing = append(missing, i)
	}
	if len(missing) == 0 {
		return
	}
	if rows == 0 {
		// Not one row: an empty or header-only file.
		r.probs.add(&RowError{File: t.file, Err: newProblem("csv.missing_row.no_rows_"+situation,
			msg.Params{"name": KindUsers.FileName(), "count": len(missing)})})
		return
	}
	for _, i := range missing {
		u := &r.snap.Users[i]
		r.probs.add(&RowError{File: u.Origin.File, Line: u.Origin.Line, Column: u.Origin.Column, Field: r.nameOf(u.Origin.File, u.Origin.Column-1),
			Err: newProblem("csv.missing_row."+situation, msg.Params{"login": u.Login, "name": t.file})})
	}
}

// readUserOrgs reads userOrganizations.csv into the users' memberships.
// The first organization of a row is the user's primary (優先する組織);
// a row with no organizations means the user belongs to none; a user
// without a row is an error (see requireRows). Memberships are kept in
// the order the User API reader gives them — primary first, then by
// organization code — so that both sources give the same snapshot
// whatever order the export lists the other organizations in.
func (r *reader) readUserOrgs(t *table, o *readOptions) bool {
	if !readMembershipHeader(t, o) {
		return false
	}
	r.membershipRows(t, func(rec *record, ui int, login string) {
		u := &r.snap.Users[ui]
		var ms []directory.Membership
		for i := 1; i < len(rec.fields); i += 2 {
			org := strings.TrimSpace(rec.fields[i])
			title := ""
			if i+1 < len(rec.fields) {
				title = strings.TrimSpace(rec.fields[i+1])
			}
			if org == "" {
				if title != "" {
					t.problem(rec, i+1, newProblem("csv.invalid_value.title_without_org", msg.Params{"title": title, "position": i + 1}))
				}
				continue
			}
			if !r.orgs[org] {
				if !r.skippedOrgs[org] && !r.failed[KindOrgs] {
					t.problem(rec, i, newProblem("csv.unknown_reference.org", msg.Params{"org": org, "name": KindOrgs.FileName()}))
				}
				continue
			}
			if slices.ContainsFunc(ms, func(m directory.Membership) bool { return m.OrgCode == org }) {
				t.problem(rec, i, newProblem("csv.duplicate.org_membership", msg.Params{"org": org, "login": login}))
				continue
			}
			if title != "" {
				if r.haveTitles {
					if _, ok := r.titles[title]; !ok && !r.skippedTitles[title] && !r.failed[KindTitles] {
						t.problem(rec, i+1, newProblem("csv.unknown_reference.title", msg.Params{"title": title, "name": KindTitles.FileName()}))
					}
				} else {
					r.usedTitles[title] = true
				}
			}
			ms = append(ms, directory.Membership{OrgCode: org, TitleCode: title})
		}
		if len(ms) > 2 {
			slices.SortFunc(ms[1:], func(a, b directory.Membership) int { return strings.Compare(a.OrgCode, b.OrgCode) })
		}
		u.Memberships = ms
		if len(ms) > 0 {
			u.PrimaryOrg = ms[0].OrgCode
		}
	})
	return true
}

// readUserGroups reads userGroups.csv into the groups' member lists.
// Members of the built-in everyone group are skipped, as the API reader
// skips them (whether or not group.csv lists the group).
func (r *reader) readUserGroups(t *table, o *readOptions) bool {
	if !readMembershipHeader(t, o) {
		return false
	}
	r.membershipRows(t, func(rec *record, ui int, login string) {
		var seen []string
		for i := 1; i < len(rec.fields); i++ {
			code := strings.TrimSpace(rec.fields[i])
			if code == "" || code == directory.EveryoneGroup {
				continue
			}
			gi, ok := r.groups[code]
			if !ok {
				if !r.skippedGroups[code] && !r.failed[KindGroups] {
					t.problem(rec, i, newProblem("csv.unknown_reference.group", msg.Params{"group": code, "name": KindGroups.FileName()}))
				}
				continue
			}
			if slices.Contains(seen, code) {
				t.problem(rec, i, newProblem("csv.duplicate.group_membership", msg.Params{"group": code, "login": login}))
				continue
			}
			seen = append(seen, code)
			r.snap.Groups[gi].Members = append(r.snap.Groups[gi].Members, login)
		}
	})
	return true
}
