package sqlite

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// The per-person change index (migration 0005): what an applied run
// changed, found by person and read in order, without a copy of each
// change.
//
// Decisions, measured on the SPEC §9 first import (205,000 changes; see
// BENCHMARKS.md): a change's details (fields old → new, flags, reason)
// are kept once, as the run's stored plan has them, never copied into
// rows of their own — 0004's run_changes did, and cost 2.5 – 3.5 s of the
// first apply; the index below costs a few tenths of a second.
//   - The plan is stored as a series of gzip members, one per
//     chunkChanges changes (a gzip reader reads the series as one stream,
//     so every reader of stored plans is unchanged). plan_chunks holds
//     each member again — the same bytes, not compressed twice; about a
//     tenth of the plan's JSON — with its first change's position, so
//     that reading a person's change or a page of the feed decompresses a
//     few kilobytes, not the run's whole plan.
//   - change_keys holds only what a search needs (key, kind, display
//     name, e-mail): one narrow row per change, in a table ordered by run
//     (a run's rows are appended together and pruned as one range; a
//     person is looked up in each applied run), written sorted in that
//     order with multi-row INSERTs through one prepared statement.
//   - A search is a LIKE over change_keys (login, name, address); no
//     full-text index, which would cost the apply more than the search
//     saves at this size.
//
// Both are written by InsertRun in the apply transaction, so a change is
// in the index, and in the feed (ChangesAfter), exactly when its run
// committed. Runs applied before 0005 are converted once, in the
// migration's own transaction (backfillIndex): each stored plan is cut
// into chunks (streamed, never decoded whole) and its rows written.

// chunkChanges is how many changes one chunk of a stored plan holds:
// reading one change decompresses at most this many (about 120 KB of JSON
// for the roster's creates).
const chunkChanges = 256

// ChangeRecord is one applied change with its run.
type ChangeRecord struct {
	RunID   int64
	Seq     int       // the change's position in its run's plan, from 0
	At      time.Time // when the run that applied it finished
	Trigger provision.Trigger
	Change  provision.Change // Data, ObjectID and Link are not kept
}

// PersonRef is one person the change index knows: the login (a member's
// or an enrolment's key), the newest display name and e-mail address it
// recorded, and how many changes it holds.
type PersonRef struct {
	Login   string
	Name    string
	Email   string
	Changes int
}

// planChunk is one chunk of a stored plan: changes first … first+n-1,
// the gzip member data.
type planChunk struct {
	first, n int
	data     []byte
}

// keyRow is a change's row of change_keys.
type keyRow struct {
	key, kind, label, email string
	seq                     int
}

// keyRowOf is change seq's row.
func keyRowOf(seq int, c *provision.Change) keyRow {
	return keyRow{key: c.Key, kind: c.Kind, label: c.Label, email: changeEmail(c), seq: seq}
}

// chunkWriter gzip-compresses a plan into memory as a series of members,
// a new one at every mark.
type chunkWriter struct {
	buf    bytes.Buffer
	zw     *gzip.Writer
	starts []int // the first change and the offset of each chunk
}

func newChunkWriter() *chunkWriter {
	w := &chunkWriter{}
	w.zw, _ = gzip.NewWriterLevel(&w.buf, gzip.BestSpeed) // a valid level: no error
	return w
}

func (w *chunkWriter) Write(p []byte) (int, error) { return w.zw.Write(p) }

// mark ends the current member and starts a chunk at change seq.
func (w *chunkWriter) mark(seq int) error {
	if err := w.zw.Close(); err != nil {
		return err
	}
	w.starts = append(w.starts, seq, w.buf.Len())
	w.zw.Reset(&w.buf)
	return nil
}

// finish ends the last member and returns the bytes and the chunks of a
// plan of total changes.
func (w *chunkWriter) finish(total int) ([]byte, []planChunk, error) {
	if err := w.zw.Close(); err != nil {
		return nil, nil, err
	}
	b := w.buf.Bytes()
	cs := make([]planChunk, len(w.starts)/2)
	for i := range cs {
		first, off := w.starts[2*i], w.starts[2*i+1]
		next, end := total, len(b)
		if 2*i+2 < len(w.starts) {
			next, end = w.starts[2*i+2], w.starts[2*i+3]
		}
		cs[i] = planChunk{first: first, n: next - first, data: b[off:end]}
	}
	return b, cs, nil
}

// compressPlan is how runs store a plan: its compact JSON, gzip-compressed
// (plans of a whole directory are ~100 MB of JSON and compress ~10×), as
// one gzip member per chunkChanges changes (plus one for the head), with
// the chunks.
func compressPlan(p *provision.Plan) ([]byte, []planChunk, error) {
	w := newChunkWriter()
	if err := p.EncodeCompactMarked(w, chunkChanges, w.mark); err != nil {
		return nil, nil, err
	}
	return w.finish(len(p.Changes))
}

// writeIndex writes run id's plan chunks and change_keys rows inside q.
// The rows are sorted into the table's key order first, so that SQLite
// appends them; both go in multi-row INSERTs.
func writeIndex(ctx context.Context, q provision.Querier, id int64, chunks []planChunk, keys []keyRow) error {
	err := insertRows(ctx, q, "INSERT INTO plan_chunks (run_id, first_seq, n, data) VALUES ", 4, len(chunks),
		func(i int, args []any) []any {
			c := chunks[i]
			return append(args, id, c.first, c.n, c.data)
		})
	if err != nil {
		return fmt.Errorf("record the plan chunks of run %d: %w", id, err)
	}
	slices.SortFunc(keys, func(a, b keyRow) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.seq, b.seq))
	})
	err = insertRows(ctx, q, "INSERT INTO change_keys (run_id, key, seq, kind, label, email) VALUES ", 6, len(keys),
		func(i int, args []any) []any {
			k := &keys[i]
			return append(args, id, k.key, k.seq, k.kind, k.label, k.email)
		})
	if err != nil {
		return fmt.Errorf("record the changes of run %d: %w", id, err)
	}
	return nil
}

// rowsPerInsert is how many rows one INSERT statement writes: per-statement
// overhead is most of the cost of narrow rows.
const rowsPerInsert = 128

// insertRows inserts n rows of ncol columns with head ("INSERT … VALUES ")
// rowsPerInsert at a time, through one prepared statement; row appends
// row i's values to args.
func insertRows(ctx context.Context, q provision.Querier, head string, ncol, n int, row func(i int, args []any) []any) error {
	values := func(rows int) string {
		one := "(" + strings.TrimSuffix(strings.Repeat("?,", ncol), ",") + ")"
		return head + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	}
	var stmt *sql.Stmt
	if n >= rowsPerInsert {
		var err error
		if stmt, err = q.PrepareContext(ctx, values(rowsPerInsert)); err != nil {
			return err
		}
		defer stmt.Close()
	}
	args := make([]any, 0, rowsPerInsert*ncol)
	for i := 0; i < n; i += rowsPerInsert {
		k := min(rowsPerInsert, n-i)
		args = args[:0]
		for j := range k {
			args = row(i+j, args)
		}
		var err error
		if k == rowsPerInsert {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = q.ExecContext(ctx, values(k), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
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

// planReader reads a stored plan: gzip-compressed (one member or many),
// or plain JSON.
func planReader(b []byte) (io.Reader, error) {
	var r io.Reader = bytes.NewReader(b)
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	return r, nil
}

// rechunkPlan converts a stored plan of a run applied before 0005 (one
// gzip member, or plain JSON) into the chunked form, streaming: each
// change is copied as it was stored and decoded only for its key row.
func rechunkPlan(b []byte) ([]byte, []planChunk, []keyRow, error) {
	r, err := planReader(b)
	if err != nil {
		return nil, nil, nil, err
	}
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, nil, fmt.Errorf("not a plan object")
	}
	w := newChunkWriter()
	w.Write([]byte{'{'})
	var keys []keyRow
	for n := 0; dec.More(); n++ {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, nil, err
		}
		name, _ := t.(string)
		if n > 0 {
			w.Write([]byte{','})
		}
		kb, _ := json.Marshal(name)
		w.Write(append(kb, ':'))
		var raw json.RawMessage
		if name != "changes" {
			if err := dec.Decode(&raw); err != nil {
				return nil, nil, nil, err
			}
			w.Write(raw)
			continue
		}
		if t, err = dec.Token(); err != nil {
			return nil, nil, nil, err
		}
		if t == nil {
			w.Write([]byte("null"))
			continue
		}
		if t != json.Delim('[') {
			return nil, nil, nil, fmt.Errorf("plan changes: not a list")
		}
		w.Write([]byte{'['})
		for seq := 0; dec.More(); seq++ {
			if err := dec.Decode(&raw); err != nil {
				return nil, nil, nil, err
			}
			var c provision.Change
			if err := json.Unmarshal(raw, &c); err != nil {
				return nil, nil, nil, fmt.Errorf("change %d: %w", seq+1, err)
			}
			if seq > 0 {
				w.Write([]byte{','})
			}
			if seq%chunkChanges == 0 {
				if err := w.mark(seq); err != nil {
					return nil, nil, nil, err
				}
			}
			w.Write(raw)
			keys = append(keys, keyRowOf(seq, &c))
		}
		if _, err := dec.Token(); err != nil { // ]
			return nil, nil, nil, err
		}
		w.Write([]byte{']'})
	}
	w.Write([]byte{'}'})
	out, chunks, err := w.finish(len(keys))
	return out, chunks, keys, err
}

// backfillIndex converts the stored plans of the runs applied before
// migration 0005 and writes their index rows, inside its transaction q.
func backfillIndex(ctx context.Context, q provision.Querier) error {
	ids, err := provision.QueryIDs(ctx, q, "SELECT id FROM runs WHERE status = 'applied' AND plan IS NOT NULL ORDER BY id")
	if err != nil {
		return err
	}
	for _, id := range ids {
		var plan []byte
		if err := q.QueryRowContext(ctx, "SELECT plan FROM runs WHERE id = ?", id).Scan(&plan); err != nil {
			return err
		}
		out, chunks, keys, err := rechunkPlan(plan)
		if err != nil {
			return fmt.Errorf("run %d plan: %w", id, err)
		}
		if _, err := q.ExecContext(ctx, "UPDATE runs SET plan = ? WHERE id = ?", out, id); err != nil {
			return fmt.Errorf("run %d plan: %w", id, err)
		}
		if err := writeIndex(ctx, q, id, chunks, keys); err != nil {
			return err
		}
	}
	return nil
}

// readChunk decodes chunk c of run id's stored plan.
func readChunk(id int64, c planChunk) ([]provision.Change, error) {
	zr, err := gzip.NewReader(bytes.NewReader(c.data))
	if err != nil {
		return nil, fmt.Errorf("read run %d's changes from %d: %w", id, c.first+1, err)
	}
	// The chunk is the changes' JSON, separated by commas, as in the
	// plan's list: read as the list's first n elements.
	dec := json.NewDecoder(io.MultiReader(strings.NewReader("["), zr))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	out := make([]provision.Change, c.n)
	for i := range out {
		if err := dec.Decode(&out[i]); err != nil {
			return nil, fmt.Errorf("read run %d's change %d: %w", id, c.first+i+1, err)
		}
		out[i].Data, out[i].ObjectID, out[i].Link = nil, "", nil
	}
	return out, nil
}

// chunkReader reads changes of stored plans by position, keeping the
// chunk read last (a run's changes to one person are often in one chunk).
type chunkReader struct {
	q       provision.Querier
	run     int64
	chunk   planChunk
	changes []provision.Change
}

// change returns change seq of run id's plan.
func (r *chunkReader) change(ctx context.Context, id int64, seq int) (provision.Change, error) {
	if r.changes == nil || r.run != id || seq < r.chunk.first || seq >= r.chunk.first+r.chunk.n {
		var c planChunk
		err := r.q.QueryRowContext(ctx, `SELECT first_seq, n, data FROM plan_chunks
WHERE run_id = ? AND first_seq <= ? ORDER BY first_seq DESC LIMIT 1`, id, seq).Scan(&c.first, &c.n, &c.data)
		if err != nil {
			return provision.Change{}, fmt.Errorf("find run %d's change %d: %w", id, seq+1, err)
		}
		cs, err := readChunk(id, c)
		if err != nil {
			return provision.Change{}, err
		}
		r.run, r.chunk, r.changes = id, c, cs
	}
	if seq-r.chunk.first >= len(r.changes) {
		return provision.Change{}, fmt.Errorf("run %d has no change %d", id, seq+1)
	}
	return r.changes[seq-r.chunk.first], nil
}

// likePattern is s as a LIKE pattern matching any text that contains it
// (LIKE is case-insensitive for ASCII letters), with % _ and \ escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// kindsIn is "kind IN (?, ?)" for kinds, with its arguments.
func kindsIn(kinds []string) (string, []any) {
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return "kind IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + ")", args
}

// personRows selects a person's rows by run: change_keys is ordered by
// run, so a key is looked up in each applied run (runs are few; an
// applied run's rows are many).
const personRows = `run_id IN (SELECT id FROM runs WHERE status = 'applied') AND key = ?`

// People returns the people of the change index whose login, a display
// name or an e-mail address it recorded contains query (case-insensitive
// for ASCII letters), among the changes of the given kinds (the kinds
// whose key is a login), by login; at most limit, and how many matched.
// A person is found by a name or address they had then, too.
func (s *Store) People(ctx context.Context, kinds []string, query string, limit int) ([]PersonRef, int, error) {
	if len(kinds) == 0 || strings.TrimSpace(query) == "" {
		return nil, 0, nil
	}
	in, kargs := kindsIn(kinds)
	pat := likePattern(strings.TrimSpace(query))
	var out []PersonRef
	total := 0
	err := s.View(ctx, func(q provision.Querier) error {
		rows, err := q.QueryContext(ctx, `SELECT DISTINCT key FROM change_keys WHERE `+in+
			` AND (key LIKE ? ESCAPE '\' OR label LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\') ORDER BY key`,
			append(kargs, pat, pat, pat)...)
		if err != nil {
			return err
		}
		var logins []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			total++
			if len(logins) < limit {
				logins = append(logins, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, login := range logins {
			p, err := personRef(ctx, q, in, kargs, login)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search the change index: %w", err)
	}
	return out, total, nil
}

// personRef is login's newest name and address and change count.
func personRef(ctx context.Context, q provision.Querier, in string, kargs []any, login string) (PersonRef, error) {
	p := PersonRef{Login: login}
	rows, err := q.QueryContext(ctx, `SELECT label, email FROM change_keys WHERE `+personRows+` AND `+in+
		` ORDER BY run_id DESC, seq DESC`, append([]any{login}, kargs...)...)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var label, email string
		if err := rows.Scan(&label, &email); err != nil {
			return p, err
		}
		p.Changes++
		if p.Name == "" {
			p.Name = label
		}
		if p.Email == "" {
			p.Email = email
		}
	}
	return p, rows.Err()
}

// PersonChanges returns the newest changes (at most limit) the change
// index holds for login among the given kinds: newest run first, in plan
// order within a run.
func (s *Store) PersonChanges(ctx context.Context, kinds []string, login string, limit int) ([]ChangeRecord, error) {
	in, kargs := kindsIn(kinds)
	var out []ChangeRecord
	err := s.View(ctx, func(q provision.Querier) error {
		rows, err := q.QueryContext(ctx, `SELECT c.run_id, c.seq, r.finished_at, r.triggered_by
FROM change_keys c JOIN runs r ON r.id = c.run_id
WHERE c.`+personRows+` AND c.`+in+` ORDER BY c.run_id DESC, c.seq LIMIT ?`, append(append([]any{login}, kargs...), limit)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rec ChangeRecord
			var at int64
			var trig string
			if err := rows.Scan(&rec.RunID, &rec.Seq, &at, &trig); err != nil {
				rows.Close()
				return err
			}
			rec.At, rec.Trigger = fromMillis(at), provision.Trigger(trig)
			out = append(out, rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		cr := chunkReader{q: q}
		for i := range out {
			if out[i].Change, err = cr.change(ctx, out[i].RunID, out[i].Seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the changes of %s: %w", login, err)
	}
	return out, nil
}

// FeedCursor is a position in the feed of applied changes: after change
// Seq (from 0) of run Run. The zero cursor is the start.
type FeedCursor struct {
	Run int64
	Seq int
}

// next is the cursor after rec.
func cursorAfter(rec ChangeRecord) FeedCursor { return FeedCursor{Run: rec.RunID, Seq: rec.Seq} }

// ChangesAfter returns the applied changes after cursor, in order (by
// run, then in plan order), at most limit, and the cursor after the last
// one returned (after itself when there are none). Reading again from the
// returned cursor continues exactly where this read stopped: a run is in
// the feed as a whole once it committed, never in part, and a change's
// position never moves. Runs pruned by history.days are gone from it.
func (s *Store) ChangesAfter(ctx context.Context, after FeedCursor, limit int) ([]ChangeRecord, FeedCursor, error) {
	next := after
	if limit < 1 {
		return nil, next, nil
	}
	var out []ChangeRecord
	err := s.View(ctx, func(q provision.Querier) error {
		type chunkAt struct {
			run     int64
			at      int64
			trigger string
			c       planChunk
		}
		// The chunks that hold the next limit changes: at most
		// limit/chunkChanges + 2 of them (the first one in part).
		rows, err := q.QueryContext(ctx, `SELECT c.run_id, r.finished_at, r.triggered_by, c.first_seq, c.n, c.data
FROM plan_chunks c JOIN runs r ON r.id = c.run_id
WHERE c.run_id > ? OR (c.run_id = ? AND c.first_seq + c.n > ?) ORDER BY c.run_id, c.first_seq LIMIT ?`,
			after.Run, after.Run, after.Seq+1, limit/chunkChanges+2)
		if err != nil {
			return err
		}
		var chunks []chunkAt
		for rows.Next() {
			var ch chunkAt
			if err := rows.Scan(&ch.run, &ch.at, &ch.trigger, &ch.c.first, &ch.c.n, &ch.c.data); err != nil {
				rows.Close()
				return err
			}
			chunks = append(chunks, ch)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, ch := range chunks {
			cs, err := readChunk(ch.run, ch.c)
			if err != nil {
				return err
			}
			for i, c := range cs {
				seq := ch.c.first + i
				if ch.run == after.Run && seq <= after.Seq {
					continue
				}
				if len(out) == limit {
					return nil
				}
				out = append(out, ChangeRecord{RunID: ch.run, Seq: seq, At: fromMillis(ch.at), Trigger: provision.Trigger(ch.trigger), Change: c})
			}
		}
		return nil
	})
	if err != nil {
		return nil, after, fmt.Errorf("read the applied changes: %w", err)
	}
	if len(out) > 0 {
		next = cursorAfter(out[len(out)-1])
	}
	return out, next, nil
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
	r, err := planReader(b)
	if err != nil {
		return nil, err
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
