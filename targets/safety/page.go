package safety

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/provision"
)

// The console's roster at 100,000 users: the department tree (every
// department with its direct member count, from one GROUP BY) and one page
// of members read with LIMIT/OFFSET, instead of the whole roster exported
// for each page (0.95 s at 100,000).

// PageQuery selects a page of members: those who belong directly to the
// department with code Dept ("" for any), or with NoDept those in no
// department; whose login, name, email address or reading contains Text
// (ASCII letters in any case); at most Limit from the Offset-th (0-based),
// by login.
type PageQuery struct {
	Dept          string
	NoDept        bool
	Text          string
	Offset, Limit int
}

// Page is the roster's departments and one page of its members.
type Page struct {
	// Departments are every department, as the export lists them (tree
	// order); Counts their direct members by code; NoDept how many
	// members belong to none.
	Departments []ExportDepartment
	Counts      map[string]int
	NoDept      int
	// Members is the page; Matched how many the query selects, All how
	// many members there are.
	Members []ExportMember
	Matched int
	All     int
}

// noDeptSQL holds for a member m in no department but the root.
const noDeptSQL = `NOT EXISTS (SELECT 1 FROM safety_memberships s JOIN safety_departments d ON d.id = s.department_id
WHERE s.member_id = m.id AND d.is_root = 0)`

// ReadPage reads the page q selects in one read transaction of store.
func ReadPage(ctx context.Context, store provision.Store, q PageQuery) (*Page, error) {
	p := &Page{Counts: map[string]int{}}
	err := store.View(ctx, func(qr provision.Querier) error {
		st := &State{}
		if err := loadDepartments(ctx, qr, st); err != nil {
			return err
		}
		code := map[int64]string{}
		var deptID int64 = -1
		for _, d := range st.Departments {
			code[d.ID] = d.Code
			if !d.IsRoot && d.Code == q.Dept {
				deptID = d.ID
			}
		}
		rows, err := qr.QueryContext(ctx, "SELECT department_id, count(*) FROM safety_memberships GROUP BY department_id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return err
			}
			if id != st.RootID {
				p.Counts[code[id]] = n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := qr.QueryRowContext(ctx, "SELECT count(*) FROM safety_members").Scan(&p.All); err != nil {
			return err
		}
		// Those in no department: all but those with a membership besides
		// the root (counted along the memberships' key, not per member).
		var inDept int
		if err := qr.QueryRowContext(ctx, "SELECT count(DISTINCT member_id) FROM safety_memberships WHERE department_id <> ?", st.RootID).Scan(&inDept); err != nil {
			return err
		}
		p.NoDept = p.All - inDept

		var where []string
		var args []any
		switch {
		case q.NoDept:
			where = append(where, noDeptSQL)
		case q.Dept != "":
			where, args = append(where, "m.id IN (SELECT member_id FROM safety_memberships WHERE department_id = ?)"), append(args, deptID)
		}
		if t := strings.TrimSpace(q.Text); t != "" {
			pat := provision.LikeContains(t)
			where = append(where, `(m.login LIKE ? ESCAPE '\' OR m.name LIKE ? ESCAPE '\' OR m.email LIKE ? ESCAPE '\' OR m.reading LIKE ? ESCAPE '\')`)
			args = append(args, pat, pat, pat, pat)
		}
		cond := ""
		if len(where) > 0 {
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		p.Matched = p.All
		if cond != "" {
			if err := qr.QueryRowContext(ctx, "SELECT count(*) FROM safety_members m"+cond, args...).Scan(&p.Matched); err != nil {
				return err
			}
		}
		rows, err = qr.QueryContext(ctx, "SELECT m.id, m.login, m.name, m.reading, m.email, m.phone FROM safety_members m"+cond+
			" ORDER BY m.login LIMIT ? OFFSET ?", append(args, q.Limit, q.Offset)...)
		if err != nil {
			return err
		}
		idx, err := scanMembers(rows, st)
		if err != nil {
			return err
		}
		ids := make([]any, len(st.Members))
		marks := make([]string, len(st.Members))
		for i, m := range st.Members {
			ids[i], marks[i] = m.ID, "?"
		}
		in := "(" + strings.Join(marks, ", ") + ")"
		if len(ids) == 0 {
			in = "(NULL)"
		} else {
			rows, err = qr.QueryContext(ctx, "SELECT member_id, department_id FROM safety_memberships WHERE member_id IN "+in+" ORDER BY member_id, department_id", ids...)
			if err != nil {
				return err
			}
			if err := scanMemberships(rows, st, idx); err != nil {
				return err
			}
		}
		links, err := pageLinks(ctx, qr, in, ids)
		if err != nil {
			return err
		}
		ex := ExportRoster(st, links)
		p.Departments, p.Members = ex.Departments, ex.Members
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the roster: %w", err)
	}
	return p, nil
}

// pageLinks are the links of every department and of the members whose
// ids are ids (in is "(?, ?, …)" for them): what tells the page's
// objects from the directory from roster-only ones.
func pageLinks(ctx context.Context, q provision.Querier, in string, ids []any) ([]provision.Link, error) {
	args := append([]any{Name, KindDepartment, Name, KindMember}, make([]any, len(ids))...)
	for i, id := range ids {
		args[4+i] = strconv.FormatInt(id.(int64), 10)
	}
	rows, err := q.QueryContext(ctx, `SELECT kind, object_id FROM links WHERE target = ? AND kind = ?
UNION ALL SELECT kind, object_id FROM links WHERE target = ? AND kind = ? AND object_id IN `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []provision.Link
	for rows.Next() {
		var l provision.Link
		if err := rows.Scan(&l.Kind, &l.ObjectID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
