package safety

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"golang.org/x/crypto/bcrypt"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Apply executes the roster changes of one plan inside the run's
// transaction. Everything it needs is in the changes (ids of existing
// objects, new values, links); it reads only the department codes, to
// resolve the codes that parents and memberships are given by.
//
// Order, so that unique codes, logins and emails never collide half-way:
// department deletes; department code changes to a temporary value;
// department creates (parents first); department updates; member deletes;
// member email changes to empty; member updates; member creates.
//
// Passwords: every new member gets the same configured initial password
// (rule 9), so it is hashed once per apply with bcrypt and that hash is
// stored for each member created; hashing 100,000 times would take hours
// and protect nothing more (the members share the password by definition).
func (t *Target) Apply(ctx context.Context, tx provision.ApplyTx, changes []provision.Change) error {
	a := &applier{tx: tx, now: tx.Now.UnixMilli(), stmts: map[string]*sql.Stmt{}}
	var dc, du, dd, mc, mu, md []*provision.Change
	for i := range changes {
		c := &changes[i]
		switch {
		case c.Kind == KindDepartment && c.Action == provision.Create:
			dc = append(dc, c)
		case c.Kind == KindDepartment && c.Action == provision.Update:
			du = append(du, c)
		case c.Kind == KindDepartment && c.Action == provision.Delete:
			dd = append(dd, c)
		case c.Kind == KindMember && c.Action == provision.Create:
			mc = append(mc, c)
		case c.Kind == KindMember && c.Action == provision.Update:
			mu = append(mu, c)
		case c.Kind == KindMember && c.Action == provision.Delete:
			md = append(md, c)
		default:
			return fmt.Errorf("unknown change %s %s %q", c.Action, c.Kind, c.Key)
		}
	}
	if err := a.loadCodes(ctx); err != nil {
		return err
	}
	steps := []func(context.Context) error{
		func(ctx context.Context) error { return a.deleteDepartments(ctx, dd) },
		func(ctx context.Context) error { return a.freeDepartmentCodes(ctx, du) },
		func(ctx context.Context) error { return a.createDepartments(ctx, dc) },
		func(ctx context.Context) error { return a.updateDepartments(ctx, du) },
		func(ctx context.Context) error { return a.deleteMembers(ctx, md) },
		func(ctx context.Context) error { return a.freeMemberEmails(ctx, mu) },
		func(ctx context.Context) error { return a.updateMembers(ctx, mu) },
		func(ctx context.Context) error { return a.createMembers(ctx, mc, t.cfg) },
	}
	// The run's progress: each step's changes once it is done, members
	// created one by one (the long step of a first import).
	done := []int{len(dd), 0, len(dc), len(du), len(md), 0, len(mu), 0}
	for i, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
		tx.Applied(done[i])
	}
	return nil
}

type applier struct {
	tx    provision.ApplyTx
	now   int64
	stmts map[string]*sql.Stmt
	// codes maps department codes (as they are after the steps so far, and
	// the final codes of departments whose code changes) to ids; "" is the
	// root.
	codes map[string]int64
}

// stmt prepares query once per apply.
func (a *applier) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := a.stmts[query]; s != nil {
		return s, nil
	}
	s, err := a.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	a.stmts[query] = s
	return s, nil
}

// exec runs a prepared statement that must change exactly one row.
func (a *applier) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := a.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, fmt.Errorf("expected one row to change, changed %d: the roster moved on since the plan was made", n)
	}
	return res, nil
}

func (a *applier) loadCodes(ctx context.Context) error {
	a.codes = map[string]int64{}
	rows, err := a.tx.QueryContext(ctx, "SELECT id, code, is_root FROM safety_departments")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		var root bool
		if err := rows.Scan(&id, &code, &root); err != nil {
			return err
		}
		if root {
			code = ""
		}
		a.codes[code] = id
	}
	return rows.Err()
}

func objectID(c *provision.Change) (int64, error) {
	n, err := strconv.ParseInt(c.ObjectID, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %s %q: bad object id %q", c.Action, c.Kind, c.Key, c.ObjectID)
	}
	return n, nil
}

func (a *applier) dept(code string) (int64, error) {
	id, ok := a.codes[code]
	if !ok {
		return 0, fmt.Errorf("no department with code %q", code)
	}
	return id, nil
}

func (a *applier) deleteDepartments(ctx context.Context, cs []*provision.Change) error {
	for _, c := range cs {
		id, err := objectID(c)
		if err != nil {
			return err
		}
		if _, err := a.exec(ctx, "DELETE FROM safety_departments WHERE id = ? AND is_root = 0", id); err != nil {
			return fmt.Errorf("delete department %q: %w", c.Key, err)
		}
		if a.codes[c.Key] == id {
			delete(a.codes, c.Key)
		}
		if err := a.tx.Links.Delete(ctx, KindDepartment, c.ObjectID); err != nil {
			return err
		}
	}
	return nil
}

// freeDepartmentCodes gives departments whose code changes a temporary
// code, so that codes can move between departments in one plan.
func (a *applier) freeDepartmentCodes(ctx context.Context, cs []*provision.Change) error {
	for _, c := range cs {
		f, ok := c.Fields.Get("code")
		if !ok {
			continue
		}
		id, err := objectID(c)
		if err != nil {
			return err
		}
		if _, err := a.exec(ctx, "UPDATE safety_departments SET code = ? WHERE id = ?", "\x00moving:"+c.ObjectID, id); err != nil {
			return fmt.Errorf("department %q: %w", c.Key, err)
		}
		if old := provision.String(f.Old); a.codes[old] == id {
			delete(a.codes, old)
		}
		a.codes[provision.String(f.New)] = id
	}
	return nil
}

// createDepartments inserts new departments, parents before children.
func (a *applier) createDepartments(ctx context.Context, cs []*provision.Change) error {
	pending := cs
	for len(pending) > 0 {
		var later []*provision.Change
		for _, c := range pending {
			code, name := fieldString(c, "code"), fieldString(c, "name")
			parent, ok := a.codes[fieldString(c, "parent")]
			if !ok {
				later = append(later, c)
				continue
			}
			res, err := a.exec(ctx, "INSERT INTO safety_departments (code, name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
				code, name, parent, a.now, a.now)
			if err != nil {
				return fmt.Errorf("create department %q: %w", code, err)
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			a.codes[code] = id
			if c.Link != nil {
				if err := a.tx.Links.Set(ctx, KindDepartment, strconv.FormatInt(id, 10), *c.Link); err != nil {
					return err
				}
			}
		}
		if len(later) == len(pending) {
			return fmt.Errorf("create department %q: its parent %q does not exist", later[0].Key, fieldString(later[0], "parent"))
		}
		pending = later
	}
	return nil
}

func (a *applier) updateDepartments(ctx context.Context, cs []*provision.Change) error {
	for _, c := range cs {
		id, err := objectID(c)
		if err != nil {
			return err
		}
		var code, name, parent any
		changed := false
		for _, f := range c.Fields {
			switch f.Name {
			case "code":
				code, changed = provision.String(f.New), true
			case "name":
				name, changed = provision.String(f.New), true
			case "parent":
				pid, err := a.dept(provision.String(f.New))
				if err != nil {
					return fmt.Errorf("move department %q: %w", c.Key, err)
				}
				parent, changed = pid, true
			}
		}
		if changed {
			if _, err := a.exec(ctx, `UPDATE safety_departments SET code = coalesce(?, code), name = coalesce(?, name),
parent_id = coalesce(?, parent_id), updated_at = ? WHERE id = ? AND is_root = 0`, code, name, parent, a.now, id); err != nil {
				return fmt.Errorf("update department %q: %w", c.Key, err)
			}
		}
		if c.Link != nil {
			if err := a.tx.Links.Set(ctx, KindDepartment, c.ObjectID, *c.Link); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applier) deleteMembers(ctx context.Context, cs []*provision.Change) error {
	for _, c := range cs {
		id, err := objectID(c)
		if err != nil {
			return err
		}
		if _, err := a.exec(ctx, "DELETE FROM safety_members WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete member %q: %w", c.Key, err)
		}
		if err := a.tx.Links.Delete(ctx, KindMember, c.ObjectID); err != nil {
			return err
		}
	}
	return nil
}

// freeMemberEmails empties the emails that change, so that addresses can
// move between members in one plan.
func (a *applier) freeMemberEmails(ctx context.Context, cs []*provision.Change) error {
	for _, c := range cs {
		if _, ok := c.Fields.Get("email"); !ok {
			continue
		}
		id, err := objectID(c)
		if err != nil {
			return err
		}
		if _, err := a.exec(ctx, "UPDATE safety_members SET email = '' WHERE id = ?", id); err != nil {
			return fmt.Errorf("member %q: %w", c.Key, err)
		}
	}
	return nil
}

func (a *applier) updateMembers(ctx context.Context, cs []*provision.Change) error {
	for _, c := range cs {
		id, err := objectID(c)
		if err != nil {
			return err
		}
		var name, reading, email, phone any
		var depts []string
		changed, setDepts := false, false
		for _, f := range c.Fields {
			switch f.Name {
			case "name":
				name, changed = provision.String(f.New), true
			case "reading":
				reading, changed = provision.String(f.New), true
			case "email":
				email, changed = provision.String(f.New), true
			case "phone":
				phone, changed = provision.String(f.New), true
			case "departments":
				depts, setDepts, changed = provision.Strings(f.New), true, true
			}
		}
		if changed {
			if _, err := a.exec(ctx, `UPDATE safety_members SET name = coalesce(?, name), reading = coalesce(?, reading),
email = coalesce(?, email), phone = coalesce(?, phone), updated_at = ? WHERE id = ?`, name, reading, email, phone, a.now, id); err != nil {
				return fmt.Errorf("update member %q: %w", c.Key, err)
			}
		}
		if setDepts {
			s, err := a.stmt(ctx, "DELETE FROM safety_memberships WHERE member_id = ?")
			if err != nil {
				return err
			}
			if _, err := s.ExecContext(ctx, id); err != nil {
				return fmt.Errorf("member %q departments: %w", c.Key, err)
			}
			if err := a.insertMemberships(ctx, c.Key, id, depts); err != nil {
				return err
			}
		}
		if c.Link != nil {
			if err := a.tx.Links.Set(ctx, KindMember, c.ObjectID, *c.Link); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applier) insertMemberships(ctx context.Context, login string, memberID int64, codes []string) error {
	for _, code := range codes {
		d, err := a.dept(code)
		if err != nil {
			return fmt.Errorf("member %q: %w", login, err)
		}
		if _, err := a.exec(ctx, "INSERT INTO safety_memberships (member_id, department_id) VALUES (?, ?)", memberID, d); err != nil {
			return fmt.Errorf("member %q department %q: %w", login, code, err)
		}
	}
	return nil
}

func (a *applier) createMembers(ctx context.Context, cs []*provision.Change, cfg Config) error {
	if len(cs) == 0 {
		return nil
	}
	if !cfg.InitialPassword.IsSet() {
		return &msg.Error{Code: CodeInitialPasswordRequired, Kind: msg.KindInvalid, Key: KeyInitialPasswordApply}
	}
	cost := cfg.PasswordCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(cfg.InitialPassword.Reveal()), cost)
	if err != nil {
		return fmt.Errorf("hash the initial password: %w", err)
	}
	for _, c := range cs {
		login := fieldString(c, "login")
		res, err := a.exec(ctx, `INSERT INTO safety_members (login, name, reading, email, phone, password_hash, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, login, fieldString(c, "name"), fieldString(c, "reading"), fieldString(c, "email"),
			fieldString(c, "phone"), string(hash), a.now, a.now)
		if err != nil {
			return fmt.Errorf("create member %q: %w", login, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if f, ok := c.Fields.Get("departments"); ok {
			if err := a.insertMemberships(ctx, login, id, provision.Strings(f.New)); err != nil {
				return err
			}
		}
		if c.Link != nil {
			if err := a.tx.Links.Set(ctx, KindMember, strconv.FormatInt(id, 10), *c.Link); err != nil {
				return err
			}
		}
		a.tx.Applied(1)
	}
	return nil
}

// fieldString is a change's new value of a string field ("" if absent).
func fieldString(c *provision.Change, name string) string {
	f, _ := c.Fields.Get(name)
	return provision.String(f.New)
}
