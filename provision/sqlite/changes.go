package sqlite

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// The per-object change log (table run_changes, migration 0004): every
// change an applied run made, one row each, written by InsertRun in the
// apply transaction, so that a run that rolls back leaves none. A person's
// history reads these rows instead of decompressing every stored plan.
//
// Runs applied before the table existed are filled in once, from their
// stored plans, in the migration's own transaction (backfillChanges): the
// upgrade reads each applied run's plan one change at a time, and a
// database that fails half-way keeps neither the table nor the rows.

// ChangeRecord is one applied change with its run.
type ChangeRecord struct {
	RunID   int64
	At      time.Time // when the run that applied it finished
	Trigger provision.Trigger
	Change  provision.Change // Data, ObjectID and Link are not kept
}

// PersonRef is one person the change log knows: the login (a member's or
// an enrolment's key), the newest display name and e-mail address it
// recorded, and how many changes it holds.
type PersonRef struct {
	Login   string
	Name    string
	Email   string
	Changes int
}

const insertChange = `INSERT INTO run_changes (run_id, seq, target, kind, key, label, email, action, reason, flags, fields)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// writeChanges writes the change-log rows of run id's changes inside q.
func writeChanges(ctx context.Context, q provision.Querier, id int64, next func() (*provision.Change, error)) error {
	stmt, err := q.PrepareContext(ctx, insertChange)
	if err != nil {
		return fmt.Errorf("record the changes: %w", err)
	}
	defer stmt.Close()
	for seq := 0; ; seq++ {
		c, err := next()
		if err != nil {
			return err
		}
		if c == nil {
			return nil
		}
		flags, fields := "", ""
		if len(c.Flags) > 0 {
			b, err := json.Marshal(c.Flags)
			if err != nil {
				return err
			}
			flags = string(b)
		}
		if len(c.Fields) > 0 {
			b, err := json.Marshal(c.Fields)
			if err != nil {
				return err
			}
			fields = string(b)
		}
		if _, err := stmt.ExecContext(ctx, id, seq, c.Target, c.Kind, c.Key, c.Label, changeEmail(c),
			string(c.Action), c.Reason, flags, fields); err != nil {
			return fmt.Errorf("record change %d of run %d: %w", seq+1, id, err)
		}
	}
}

// changeEmail is the e-mail address a change carries: the new value of
// its email field, else the old one (a delete, or an address removed).
func changeEmail(c *provision.Change) string {
	f, ok := c.Fields.Get("email")
	if !ok {
		return ""
	}
	if s := provision.String(f.New); s != "" {
		return s
	}
	return provision.String(f.Old)
}

// sliceChanges walks cs.
func sliceChanges(cs []provision.Change) func() (*provision.Change, error) {
	i := 0
	return func() (*provision.Change, error) {
		if i >= len(cs) {
			return nil, nil
		}
		i++
		return &cs[i-1], nil
	}
}

// planStream reads a stored plan (gzip-compressed JSON, or plain) one
// change at a time: a plan of a whole directory is never decoded whole.
// The other members are kept raw and decoded by Head once the changes
// are read.
//
// Inside the changes list the changes are split by a scanner of their own
// (each is an object: braces counted outside strings) rather than decoded
// as json.RawMessage, which scans every change twice: at 205,000 changes
// that took the console's first look at a plan from ~2.5 s to ~1 s.
type planStream struct {
	dec  *json.Decoder
	r    io.Reader // what dec reads
	head map[string]json.RawMessage
	list *bufio.Reader // inside the changes list: the rest of the plan
	buf  []byte
}

// openPlan reads b up to its first change.
func openPlan(b []byte) (*planStream, error) {
	var r io.Reader = bytes.NewReader(b)
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	p := &planStream{dec: json.NewDecoder(r), r: r, head: map[string]json.RawMessage{}}
	if t, err := p.dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a plan object")
	}
	return p, p.members()
}

// members reads members up to the changes list (entering it) or the end
// of the plan.
func (p *planStream) members() error {
	for p.dec.More() {
		t, err := p.dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if key == "changes" {
			if t, err = p.dec.Token(); err != nil {
				return err
			}
			if t == nil { // "changes": null
				continue
			}
			if t != json.Delim('[') {
				return fmt.Errorf("plan changes: not a list")
			}
			p.list = bufio.NewReaderSize(io.MultiReader(p.dec.Buffered(), p.r), 256<<10)
			return nil
		}
		var v json.RawMessage
		if err := p.dec.Decode(&v); err != nil {
			return err
		}
		p.head[key] = v
	}
	return nil
}

// Next returns the next change, nil after the last.
func (p *planStream) Next() (*provision.Change, error) {
	raw, err := p.NextJSON()
	if raw == nil || err != nil {
		return nil, err
	}
	var c provision.Change
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// NextJSON returns the next change's JSON as stored, nil after the last;
// it is valid until the next call.
func (p *planStream) NextJSON() (json.RawMessage, error) {
	if p.list == nil {
		return nil, nil
	}
	c, err := p.skipSpace()
	if err != nil {
		return nil, err
	}
	if c == ',' {
		if c, err = p.skipSpace(); err != nil {
			return nil, err
		}
	}
	if c == ']' {
		// The members after the list: decoded from "{" + the rest, its
		// leading comma dropped.
		if c, err = p.skipSpace(); err != nil {
			return nil, err
		}
		if c != ',' {
			p.list.UnreadByte()
		}
		p.r = io.MultiReader(strings.NewReader("{"), p.list)
		p.dec, p.list = json.NewDecoder(p.r), nil
		if _, err := p.dec.Token(); err != nil {
			return nil, err
		}
		return nil, p.members()
	}
	if c != '{' {
		return nil, fmt.Errorf("plan changes: a change is not an object")
	}
	p.buf = append(p.buf[:0], c)
	depth, inString, escaped := 1, false, false
	for depth > 0 {
		c, err := p.list.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("plan changes: %w", err)
		}
		p.buf = append(p.buf, c)
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		}
	}
	return p.buf, nil
}

// skipSpace reads the next byte that is not JSON whitespace.
func (p *planStream) skipSpace() (byte, error) {
	for {
		c, err := p.list.ReadByte()
		if err != nil {
			return 0, fmt.Errorf("plan changes: %w", err)
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, nil
		}
	}
}

// Head decodes the plan without its changes; call it after Next returned
// nil.
func (p *planStream) Head() (*provision.Plan, error) {
	b, err := json.Marshal(p.head)
	if err != nil {
		return nil, err
	}
	var plan provision.Plan
	if err := json.Unmarshal(b, &plan); err != nil {
		return nil, err
	}
	return &plan, nil
}

// backfillChanges fills run_changes from the stored plans of the runs
// applied before migration 0004, inside its transaction q.
func backfillChanges(ctx context.Context, q provision.Querier) error {
	ids, err := provision.QueryIDs(ctx, q, "SELECT id FROM runs WHERE status = 'applied' AND plan IS NOT NULL ORDER BY id")
	if err != nil {
		return err
	}
	for _, id := range ids {
		var plan []byte
		if err := q.QueryRowContext(ctx, "SELECT plan FROM runs WHERE id = ?", id).Scan(&plan); err != nil {
			return err
		}
		ps, err := openPlan(plan)
		if err != nil {
			return fmt.Errorf("run %d plan: %w", id, err)
		}
		if err := writeChanges(ctx, q, id, ps.Next); err != nil {
			return fmt.Errorf("run %d plan: %w", id, err)
		}
	}
	return nil
}

// kindsIn is "kind IN (?, ?)" for kinds, with its arguments.
func kindsIn(kinds []string) (string, []any) {
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return "kind IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + ")", args
}

// People returns the people of the change log whose login, a display
// name or an e-mail address it recorded contains query (case-insensitive
// for ASCII letters), among the changes of the given kinds (the kinds
// whose key is a login), by login; at most limit, and how many matched.
// A person is found by a name or address they had then, too.
func (s *Store) People(ctx context.Context, kinds []string, query string, limit int) ([]PersonRef, int, error) {
	if len(kinds) == 0 || strings.TrimSpace(query) == "" {
		return nil, 0, nil
	}
	in, args := kindsIn(kinds)
	pat := provision.LikeContains(strings.TrimSpace(query))
	args = append(args, pat, pat, pat)
	// The newest name and address of each login: its row with the highest
	// id (and a non-empty address, for the address).
	rows, err := s.ro.QueryContext(ctx, `WITH hits AS (
  SELECT DISTINCT key FROM run_changes WHERE `+in+` AND (key LIKE ? ESCAPE '\' OR label LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\')
), mine AS (
  SELECT c.* FROM run_changes c JOIN hits h ON c.key = h.key WHERE c.`+in+`
)
SELECT m.key,
  (SELECT label FROM mine x WHERE x.key = m.key AND x.label <> '' ORDER BY x.id DESC LIMIT 1),
  (SELECT email FROM mine x WHERE x.key = m.key AND x.email <> '' ORDER BY x.id DESC LIMIT 1),
  count(*)
FROM mine m GROUP BY m.key ORDER BY m.key`, append(args, args[:len(kinds)]...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("search the change log: %w", err)
	}
	defer rows.Close()
	var out []PersonRef
	total := 0
	for rows.Next() {
		var p PersonRef
		var name, email *string
		if err := rows.Scan(&p.Login, &name, &email, &p.Changes); err != nil {
			return nil, 0, fmt.Errorf("search the change log: %w", err)
		}
		if name != nil {
			p.Name = *name
		}
		if email != nil {
			p.Email = *email
		}
		total++
		if len(out) < limit {
			out = append(out, p)
		}
	}
	return out, total, rows.Err()
}

// PersonChanges returns the newest changes (at most limit) the change log
// holds for login among the given kinds: newest run first, in plan order
// within a run.
func (s *Store) PersonChanges(ctx context.Context, kinds []string, login string, limit int) ([]ChangeRecord, error) {
	in, args := kindsIn(kinds)
	rows, err := s.ro.QueryContext(ctx, `SELECT c.run_id, r.finished_at, r.triggered_by, c.target, c.kind, c.key, c.label, c.action, c.reason, c.flags, c.fields
FROM run_changes c JOIN runs r ON r.id = c.run_id
WHERE c.key = ? AND c.`+in+` ORDER BY c.run_id DESC, c.seq LIMIT ?`, append(append([]any{login}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("read the changes of %s: %w", login, err)
	}
	defer rows.Close()
	var out []ChangeRecord
	for rows.Next() {
		var rec ChangeRecord
		var at int64
		var trig, action, flags, fields string
		c := &rec.Change
		if err := rows.Scan(&rec.RunID, &at, &trig, &c.Target, &c.Kind, &c.Key, &c.Label, &action, &c.Reason, &flags, &fields); err != nil {
			return nil, fmt.Errorf("read the changes of %s: %w", login, err)
		}
		rec.At, rec.Trigger, c.Action = fromMillis(at), provision.Trigger(trig), provision.Action(action)
		if flags != "" {
			if err := json.Unmarshal([]byte(flags), &c.Flags); err != nil {
				return nil, fmt.Errorf("run %d change flags: %w", rec.RunID, err)
			}
		}
		if fields != "" {
			if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
				return nil, fmt.Errorf("run %d change fields: %w", rec.RunID, err)
			}
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}
