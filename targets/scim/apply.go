package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// data decodes a change's Data.
func data(c *provision.Change) (changeData, error) {
	var d changeData
	if len(c.Data) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(c.Data, &d); err != nil {
		return d, fmt.Errorf("%s %s: data: %w", c.Kind, c.Key, err)
	}
	return d, nil
}

// ApplyRemote sends the changes: users first (with bounded concurrency
// and the client's retries), then groups, whose members created in this
// run are found by the ids their creates returned. One Outcome per change.
func (t *Target) ApplyRemote(ctx context.Context, changes []provision.Change) []provision.Outcome {
	out := make([]provision.Outcome, len(changes))
	created := map[string]string{} // login → id of a user created now
	for _, kind := range []string{KindUser, KindGroup} {
		var ops []scimapi.Op
		var idx []int // change of each op
		for i := range changes {
			c := &changes[i]
			if c.Kind != kind {
				continue
			}
			out[i].ObjectID = c.ObjectID
			d, err := data(c)
			if err != nil {
				out[i].Err = err
				continue
			}
			op, ok, err := t.op(c, d, created)
			switch {
			case err != nil:
				out[i].Err = err
			case ok:
				ops, idx = append(ops, op), append(idx, i)
			}
		}
		if len(ops) == 0 {
			continue
		}
		for j, res := range t.client.Run(ctx, ops) {
			i := idx[j]
			if res.Err != nil {
				out[i].Err = res.Err
				continue
			}
			if res.ID != "" {
				out[i].ObjectID = res.ID
			}
			if changes[i].Kind == KindUser && changes[i].Action == provision.Create {
				created[changes[i].Key] = out[i].ObjectID
			}
		}
	}
	return out
}

// op is the request of change c; ok is false for a change that only links.
func (t *Target) op(c *provision.Change, d changeData, created map[string]string) (scimapi.Op, bool, error) {
	resource := "Users"
	if c.Kind == KindGroup {
		resource = "Groups"
	}
	op := scimapi.Op{Resource: resource, ID: c.ObjectID, Version: d.Version}
	switch {
	case c.Action == provision.Delete:
		op.Kind = scimapi.OpDelete
	case c.Kind == KindUser && c.Action == provision.Create:
		if d.User == nil {
			return op, false, fmt.Errorf("user %s: no user to create", c.Key)
		}
		op.Kind, op.Body = scimapi.OpCreate, *d.User
	case c.Kind == KindUser && len(d.Patch) > 0:
		op.Kind, op.Patch = scimapi.OpPatch, d.Patch
	case c.Kind == KindUser && d.User != nil:
		op.Kind, op.Body = scimapi.OpReplace, *d.User
	case c.Kind == KindGroup && d.Group != nil:
		members := resolve(d.Group.Add, created)
		switch {
		case c.Action == provision.Create:
			op.Kind, op.Body = scimapi.OpCreate, scimapi.Group{ExternalID: d.Group.ExternalID, DisplayName: d.Group.DisplayName, Members: members}
		case d.Group.DisplayName != "": // an app without PATCH: the whole group
			op.Kind, op.Body = scimapi.OpReplace, scimapi.Group{ID: c.ObjectID, ExternalID: d.Group.ExternalID, DisplayName: d.Group.DisplayName, Members: members}
		default:
			op.Kind, op.Patch = scimapi.OpPatch, append([]scimapi.PatchOperation(nil), d.Patch...)
			if len(members) > 0 {
				vs := make([]map[string]string, len(members))
				for i, m := range members {
					vs[i] = map[string]string{"value": m.Value}
				}
				op.Patch = append(op.Patch, scimapi.PatchOperation{Op: "add", Path: "members", Value: vs})
			}
			for _, id := range d.Group.Remove {
				op.Patch = append(op.Patch, scimapi.PatchOperation{Op: "remove", Path: `members[value eq "` + id + `"]`})
			}
			if len(op.Patch) == 0 {
				return op, false, nil // its members' creates failed: nothing left to send
			}
		}
	default:
		return op, false, nil
	}
	return op, true, nil
}

// resolve gives each member its id, that of a user created in this run
// when it had none; a member whose create failed is left out (the next
// run adds it).
func resolve(refs []memberRef, created map[string]string) []scimapi.Member {
	var out []scimapi.Member
	for _, r := range refs {
		id := r.ID
		if id == "" {
			id = created[r.Login]
		}
		if id != "" {
			out = append(out, scimapi.Member{Value: id})
		}
	}
	return out
}

// CheckRemote re-reads the users and groups the changes touch — one by
// one, or the whole lists when there are more than a page of them — and
// returns a *provision.StaleObject for the first that is gone or changed
// since the plan read it.
func (t *Target) CheckRemote(ctx context.Context, changes []provision.Change) error {
	type want struct {
		c    *provision.Change
		seen string
	}
	var ws []want
	for i := range changes {
		c := &changes[i]
		if c.ObjectID == "" {
			continue
		}
		d, err := data(c)
		if err != nil {
			return err
		}
		if d.Seen != "" {
			ws = append(ws, want{c, d.Seen})
		}
	}
	if len(ws) == 0 {
		return nil
	}
	stale := func(c *provision.Change) error {
		return &provision.StaleObject{Kind: c.Kind, Key: c.Key, ObjectID: c.ObjectID}
	}
	if len(ws) > t.listAbove {
		st, err := t.LoadRemote(ctx)
		if err != nil {
			return err
		}
		s := st.(*State)
		now := map[string]string{}
		for i := range s.Users {
			now[KindUser+"\x00"+s.Users[i].ID] = userSeen(&s.Users[i])
		}
		for i := range s.Groups {
			now[KindGroup+"\x00"+s.Groups[i].ID] = groupSeen(&s.Groups[i])
		}
		for _, w := range ws {
			if now[w.c.Kind+"\x00"+w.c.ObjectID] != w.seen {
				return stale(w.c)
			}
		}
		return nil
	}
	// One by one, a few at a time (the client bounds what is in flight);
	// the first stale or failed object in plan order is the answer.
	errs := make([]error, len(ws))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(4, len(ws)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = t.checkOne(ctx, ws[i].c, ws[i].seen)
			}
		})
	}
	for i := range ws {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOne re-reads the object of change c and returns a
// *provision.StaleObject when it is gone or no longer what was seen.
func (t *Target) checkOne(ctx context.Context, c *provision.Change, was string) error {
	var seen string
	var err error
	if c.Kind == KindGroup {
		var g scimapi.Group
		if g, err = t.client.Group(ctx, c.ObjectID); err == nil {
			seen = groupSeen(&g)
		}
	} else {
		var u scimapi.User
		if u, err = t.client.User(ctx, c.ObjectID); err == nil {
			seen = userSeen(&u)
		}
	}
	var se *scimapi.Error
	switch {
	case errors.As(err, &se) && se.Code == scimapi.CodeNotFound, err == nil && seen != was:
		return &provision.StaleObject{Kind: c.Kind, Key: c.Key, ObjectID: c.ObjectID}
	}
	return err
}
