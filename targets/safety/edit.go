package safety

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// EditRoster runs fn on the roster in one write transaction of store,
// committed when fn returns nil. The links fn writes belong to no run (run
// id 0): an edit is not a run.
func EditRoster(ctx context.Context, store provision.Store, fn func(r *Roster) error) error {
	return store.Update(ctx, func(q provision.Querier) error {
		return fn(&Roster{Q: q, Links: store.LinkWriter(q, Name, 0), Now: store.Now()})
	})
}

// Roster edits what the safety service's own screens would: roster-only
// departments and members (and imported ones, whose bridge-owned fields
// the next run sets again). Each method runs inside the caller's write
// transaction.
type Roster struct {
	Q     provision.Querier
	Links provision.LinkWriter
	Now   time.Time
}

func (r *Roster) deptByCode(ctx context.Context, code string) (*Department, error) {
	if code == "" {
		return nil, required(WhatDepartment, "code")
	}
	var d Department
	var parent sql.NullInt64
	err := r.Q.QueryRowContext(ctx, "SELECT id, code, name, parent_id, is_root FROM safety_departments WHERE code = ? AND is_root = 0", code).
		Scan(&d.ID, &d.Code, &d.Name, &parent, &d.IsRoot)
	if err == sql.ErrNoRows {
		return nil, notFound(WhatDepartment, code)
	}
	d.ParentID = parent.Int64
	return &d, err
}

// parentID resolves a parent code ("" = the root).
func (r *Roster) parentID(ctx context.Context, code string) (int64, error) {
	if code == "" {
		var id int64
		err := r.Q.QueryRowContext(ctx, "SELECT id FROM safety_departments WHERE is_root = 1").Scan(&id)
		return id, err
	}
	d, err := r.deptByCode(ctx, code)
	if err != nil {
		return 0, err
	}
	return d.ID, nil
}

func (r *Roster) isRootID(ctx context.Context, id int64) (bool, error) {
	var root bool
	err := r.Q.QueryRowContext(ctx, "SELECT is_root FROM safety_departments WHERE id = ?", id).Scan(&root)
	return root, err
}

// AddDepartment adds a roster-only department.
func (r *Roster) AddDepartment(ctx context.Context, in DepartmentInput) error {
	if err := check(in); err != nil {
		return err
	}
	if _, err := r.deptByCode(ctx, in.Code); err == nil {
		return alreadyExists(WhatDepartment, in.Code)
	}
	parent, err := r.parentID(ctx, in.Parent)
	if err != nil {
		return err
	}
	now := r.Now.UnixMilli()
	_, err = r.Q.ExecContext(ctx, "INSERT INTO safety_departments (code, name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		in.Code, in.Name, parent, now, now)
	return err
}

// DepartmentPatch edits a department; nil fields stay.
type DepartmentPatch struct {
	Code    string
	NewCode *string
	Name    *string
	Parent  *string
}

// EditDepartment edits a department. A first-level department cannot be
// moved under another department (as in the safety service).
func (r *Roster) EditDepartment(ctx context.Context, p DepartmentPatch) error {
	d, err := r.deptByCode(ctx, p.Code)
	if err != nil {
		return err
	}
	code, name, parent := d.Code, d.Name, d.ParentID
	if p.NewCode != nil && *p.NewCode != d.Code {
		if _, err := r.deptByCode(ctx, *p.NewCode); err == nil {
			return alreadyExists(WhatDepartment, *p.NewCode)
		}
		code = *p.NewCode
	}
	if p.Name != nil {
		name = *p.Name
	}
	if err := check(DepartmentInput{Code: code, Name: name}); err != nil {
		return err
	}
	if p.Parent != nil {
		np, err := r.parentID(ctx, *p.Parent)
		if err != nil {
			return err
		}
		if np != d.ParentID {
			wasFirst, err := r.isRootID(ctx, d.ParentID)
			if err != nil {
				return err
			}
			if wasFirst {
				return &msg.Error{Code: CodeFirstLevelReparent, Kind: msg.KindInvalid, Key: KeyFirstLevelReparentEdit, Params: msg.Params{"code": d.Code, "name": d.Name}}
			}
			// No cycles: the new parent must not be the department or below it.
			for up, hops := np, 0; up != 0 && hops < 1<<20; hops++ {
				if up == d.ID {
					return &msg.Error{Code: msg.CodeInvalidInput, Kind: msg.KindInvalid, Key: KeyParentCycle, Params: msg.Params{"code": d.Code, "name": d.Name}}
				}
				var next sql.NullInt64
				if err := r.Q.QueryRowContext(ctx, "SELECT parent_id FROM safety_departments WHERE id = ?", up).Scan(&next); err != nil {
					return err
				}
				up = next.Int64
			}
			parent = np
		}
	}
	_, err = r.Q.ExecContext(ctx, "UPDATE safety_departments SET code = ?, name = ?, parent_id = ?, updated_at = ? WHERE id = ?",
		code, name, parent, r.Now.UnixMilli(), d.ID)
	return err
}

// RemoveDepartment deletes a department (roster-only or imported; the root
// cannot be deleted). Its sub-departments move up to its parent and its
// members lose that membership; it returns the codes of the moved
// sub-departments. An imported department is created again by the next
// run if its organization still exists — which is how the manual's fix for
// first_level_reparent works.
func (r *Roster) RemoveDepartment(ctx context.Context, code string) ([]string, error) {
	d, err := r.deptByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	rows, err := r.Q.QueryContext(ctx, "SELECT code FROM safety_departments WHERE parent_id = ? ORDER BY code", d.ID)
	if err != nil {
		return nil, err
	}
	var moved []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		moved = append(moved, c)
	}
	rows.Close()
	if _, err := r.Q.ExecContext(ctx, "UPDATE safety_departments SET parent_id = ?, updated_at = ? WHERE parent_id = ?", d.ParentID, r.Now.UnixMilli(), d.ID); err != nil {
		return nil, err
	}
	if _, err := r.Q.ExecContext(ctx, "DELETE FROM safety_departments WHERE id = ?", d.ID); err != nil {
		return nil, err
	}
	return moved, r.Links.Delete(ctx, KindDepartment, strconv.FormatInt(d.ID, 10))
}

func (r *Roster) memberByLogin(ctx context.Context, login string) (*Member, error) {
	if login == "" {
		return nil, required(WhatMember, "login")
	}
	var m Member
	err := r.Q.QueryRowContext(ctx, "SELECT id, login, name, reading, email, phone FROM safety_members WHERE login = ?", login).
		Scan(&m.ID, &m.Login, &m.Name, &m.Reading, &m.Email, &m.Phone)
	if err == sql.ErrNoRows {
		return nil, notFound(WhatMember, login)
	}
	return &m, err
}

// emailTakenError: email already belongs to the member with login other.
func emailTakenError(email, other string) error {
	return &msg.Error{Code: CodeEmailConflict, Kind: msg.KindConflict, Key: KeyEmailConflictRoster, Params: msg.Params{"email": email, "login": other}}
}

// emailTaken reports the login of another member holding email.
func (r *Roster) emailTaken(ctx context.Context, email string, except int64) (string, error) {
	if email == "" {
		return "", nil
	}
	var login string
	err := r.Q.QueryRowContext(ctx, "SELECT login FROM safety_members WHERE email = ? AND id <> ?", email, except).Scan(&login)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return login, err
}

func (r *Roster) departmentIDs(ctx context.Context, codes []string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, c := range codes {
		d, err := r.deptByCode(ctx, c)
		if err != nil {
			return nil, err
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			ids = append(ids, d.ID)
		}
	}
	return ids, nil
}

func (r *Roster) setMemberships(ctx context.Context, memberID int64, ids []int64) error {
	if _, err := r.Q.ExecContext(ctx, "DELETE FROM safety_memberships WHERE member_id = ?", memberID); err != nil {
		return err
	}
	for _, d := range ids {
		if _, err := r.Q.ExecContext(ctx, "INSERT INTO safety_memberships (member_id, department_id) VALUES (?, ?)", memberID, d); err != nil {
			return err
		}
	}
	return nil
}

// AddMember adds a roster-only member (no password: the safety service
// sets one on its own screens).
func (r *Roster) AddMember(ctx context.Context, in MemberInput) error {
	if err := check(in); err != nil {
		return err
	}
	if _, err := r.memberByLogin(ctx, in.Login); err == nil {
		return alreadyExists(WhatMember, in.Login)
	}
	if other, err := r.emailTaken(ctx, in.Email, 0); err != nil {
		return err
	} else if other != "" {
		return emailTakenError(in.Email, other)
	}
	ids, err := r.departmentIDs(ctx, in.Departments)
	if err != nil {
		return err
	}
	now := r.Now.UnixMilli()
	res, err := r.Q.ExecContext(ctx, "INSERT INTO safety_members (login, name, reading, email, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		in.Login, in.Name, in.Reading, in.Email, in.Phone, now, now)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	return r.setMemberships(ctx, id, ids)
}

// MemberPatch edits a member; nil fields stay. Departments replaces the
// list.
type MemberPatch struct {
	Login       string
	Name        *string
	Reading     *string
	Email       *string
	Phone       *string
	Departments *[]string
}

// EditMember edits a member (also an imported one: the next run sets the
// fields the bridge owns again, and keeps memberships in roster-only
// departments). The login never changes.
func (r *Roster) EditMember(ctx context.Context, p MemberPatch) error {
	m, err := r.memberByLogin(ctx, p.Login)
	if err != nil {
		return err
	}
	in := MemberInput{Login: m.Login, Name: m.Name, Reading: m.Reading, Email: m.Email, Phone: m.Phone}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.Name, p.Name}, {&in.Reading, p.Reading}, {&in.Email, p.Email}, {&in.Phone, p.Phone}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if err := check(in); err != nil {
		return err
	}
	if other, err := r.emailTaken(ctx, in.Email, m.ID); err != nil {
		return err
	} else if other != "" {
		return emailTakenError(in.Email, other)
	}
	if _, err := r.Q.ExecContext(ctx, "UPDATE safety_members SET name = ?, reading = ?, email = ?, phone = ?, updated_at = ? WHERE id = ?",
		in.Name, in.Reading, in.Email, in.Phone, r.Now.UnixMilli(), m.ID); err != nil {
		return err
	}
	if p.Departments != nil {
		ids, err := r.departmentIDs(ctx, *p.Departments)
		if err != nil {
			return err
		}
		return r.setMemberships(ctx, m.ID, ids)
	}
	return nil
}

// RemoveMember deletes a member. An imported member whose user still
// exists is created again by the next run.
func (r *Roster) RemoveMember(ctx context.Context, login string) error {
	m, err := r.memberByLogin(ctx, login)
	if err != nil {
		return err
	}
	if _, err := r.Q.ExecContext(ctx, "DELETE FROM safety_members WHERE id = ?", m.ID); err != nil {
		return err
	}
	return r.Links.Delete(ctx, KindMember, strconv.FormatInt(m.ID, 10))
}
