// Package planindex holds a stored plan's changes compactly so that the
// console pages through them and filters them without decoding the whole
// plan on every request.
//
// Decision: an in-memory index per run, built once from the stored plan
// (read one change at a time) and kept in a Cache bounded in bytes, rather
// than a table of every plan's changes in SQLite. A dry run of a whole
// directory (205,000 changes at 100,000 users) would add ~60 MB of rows to
// the database per plan, and a plan is only looked at for a while after
// it is made; decoding the stored plan whole for each page (what the
// console did) took ~18 s and ~700 MB at that size. The index keeps, per
// change, three small ids (target, kind, action) and the lower-cased text
// a search matches, and the changes themselves as compact JSON compressed
// in blocks of BlockSize: a page decodes only the blocks its rows are in.
// At 100,000 users (205,000 changes) an index is ~21 MB.
package planindex

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cybridge/cybridge/provision"
)

// BlockSize is how many changes one compressed block holds: a page of 200
// unfiltered rows decodes 4 or 5 blocks; a filtered page at most one
// block per row.
const BlockSize = 64

// Index is one plan's changes, for paging. It is read-only once built and
// safe for concurrent use.
type Index struct {
	// Head is the plan without its changes (Changes is nil): targets,
	// summary, errors, warnings, safeguards.
	Head *provision.Plan

	names  []string // target, kind and action names, by id
	meta   []meta   // per change
	text   []string // per change: provision.SearchText
	blocks [][]byte // BlockSize changes each, as gzip-compressed JSON lists
	size   int64
}

type meta struct{ target, kind, action uint16 }

// Len is how many changes the plan holds.
func (x *Index) Len() int { return len(x.meta) }

// Size is about how many bytes the index holds.
func (x *Index) Size() int64 { return x.size }

// Builder builds an Index one change at a time.
type Builder struct {
	x     *Index
	ids   map[string]uint16
	block bytes.Buffer // the open block's JSON list
	open  int          // changes in the open block
	zbuf  bytes.Buffer
	zw    *gzip.Writer
}

// NewBuilder starts an index.
func NewBuilder() *Builder {
	b := &Builder{x: &Index{}, ids: map[string]uint16{}}
	b.zw, _ = gzip.NewWriterLevel(&b.zbuf, gzip.BestSpeed)
	return b
}

func (b *Builder) id(name string) uint16 {
	if id, ok := b.ids[name]; ok {
		return id
	}
	id := uint16(len(b.x.names))
	b.x.names = append(b.x.names, name)
	b.ids[name] = id
	return id
}

// Add adds the plan's next change. Its ObjectID, Link and Data (what apply
// needs, never shown) are not kept.
func (b *Builder) Add(c *provision.Change) error {
	shown := provision.Change{Target: c.Target, Kind: c.Kind, Action: c.Action, Key: c.Key, Label: c.Label,
		Reason: c.Reason, Flags: c.Flags, Fields: c.Fields}
	j, err := json.Marshal(shown)
	if err != nil {
		return fmt.Errorf("index change %d: %w", len(b.x.meta)+1, err)
	}
	return b.add(c, j)
}

// AddJSON adds the plan's next change as its stored JSON: decoding only
// what the index filters by, and keeping the JSON as it is, is several
// times faster than decoding the change whole.
func (b *Builder) AddJSON(raw []byte) error {
	var c provision.Change
	if !leading(raw, &c) {
		// Not the shape the plan encoder writes: decode the members.
		var head struct {
			Target, Kind, Key, Label string
			Action                   provision.Action
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return fmt.Errorf("index change %d: %w", len(b.x.meta)+1, err)
		}
		c.Target, c.Kind, c.Action, c.Key, c.Label = head.Target, head.Kind, head.Action, head.Key, head.Label
	}
	return b.add(&c, raw)
}

// leading reads the members a change's JSON starts with as the plan
// encoder writes it — target, kind, action, key, then label when there is
// one — into c; false when raw does not start so.
func leading(raw []byte, c *provision.Change) bool {
	rest := raw
	var action string
	for i, f := range []struct {
		name string
		v    *string
	}{{"target", &c.Target}, {"kind", &c.Kind}, {"action", &action}, {"key", &c.Key}, {"label", &c.Label}} {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		prefix := string(sep) + `"` + f.name + `":`
		if !bytes.HasPrefix(rest, []byte(prefix)) {
			if f.name == "label" && bytes.HasPrefix(rest, []byte(`,"reason":`)) {
				break // no label
			}
			return false
		}
		rest = rest[len(prefix):]
		v, n, ok := jsonString(rest)
		if !ok {
			return false
		}
		*f.v, rest = v, rest[n:]
	}
	c.Action = provision.Action(action)
	return true
}

// jsonString reads the JSON string b starts with: its value and length.
func jsonString(b []byte) (string, int, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", 0, false
	}
	escaped := false
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			if !escaped {
				return string(b[1:i]), i + 1, true
			}
			var s string
			if err := json.Unmarshal(b[:i+1], &s); err != nil {
				return "", 0, false
			}
			return s, i + 1, true
		}
	}
	return "", 0, false
}

// add adds change c, whose JSON is j.
func (b *Builder) add(c *provision.Change, j []byte) error {
	if b.open == 0 {
		b.block.WriteByte('[')
	} else {
		b.block.WriteByte(',')
	}
	b.block.Write(j)
	b.open++
	t := provision.SearchText(c)
	b.x.meta = append(b.x.meta, meta{b.id(c.Target), b.id(c.Kind), b.id(string(c.Action))})
	b.x.text = append(b.x.text, t)
	b.x.size += int64(len(t)) + 16 + 6
	if b.open == BlockSize {
		return b.flush()
	}
	return nil
}

// flush compresses the open block.
func (b *Builder) flush() error {
	if b.open == 0 {
		return nil
	}
	b.block.WriteByte(']')
	b.zbuf.Reset()
	b.zw.Reset(&b.zbuf)
	if _, err := b.zw.Write(b.block.Bytes()); err != nil {
		return err
	}
	if err := b.zw.Close(); err != nil {
		return err
	}
	z := slices.Clone(b.zbuf.Bytes())
	b.x.blocks = append(b.x.blocks, z)
	b.x.size += int64(len(z)) + 24
	b.block.Reset()
	b.open = 0
	return nil
}

// Done finishes the index of the plan whose head (without changes) is
// head.
func (b *Builder) Done(head *provision.Plan) (*Index, error) {
	if err := b.flush(); err != nil {
		return nil, err
	}
	x := b.x
	x.Head = head
	x.meta = slices.Clip(x.meta)
	x.text = slices.Clip(x.text)
	x.size += int64(cap(x.meta)) * 6
	return x, nil
}

// FromPlan indexes a plan held in memory (tests, and a plan just made).
func FromPlan(p *provision.Plan) (*Index, error) {
	b := NewBuilder()
	for i := range p.Changes {
		if err := b.Add(&p.Changes[i]); err != nil {
			return nil, err
		}
	}
	head := *p
	head.Changes = nil
	return b.Done(&head)
}

// matcher is f against the index's ids: ok is false when f names a
// target, kind or action no change has.
func (x *Index) matcher(f provision.ChangeFilter) (func(i int) bool, bool) {
	want := func(name string) (int, bool) {
		if name == "" {
			return -1, true
		}
		i := slices.Index(x.names, name)
		return i, i >= 0
	}
	t, ok1 := want(f.Target)
	k, ok2 := want(f.Kind)
	a, ok3 := want(string(f.Action))
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	q := strings.ToLower(strings.TrimSpace(f.Text))
	return func(i int) bool {
		m := x.meta[i]
		return (t < 0 || int(m.target) == t) && (k < 0 || int(m.kind) == k) && (a < 0 || int(m.action) == a) &&
			(q == "" || strings.Contains(x.text[i], q))
	}, true
}

// Page returns the changes f selects, from the offset-th on (0-based), at
// most limit of them, in plan order; and how many f selects in all.
func (x *Index) Page(f provision.ChangeFilter, offset, limit int) ([]provision.Change, int, error) {
	match, ok := x.matcher(f)
	if !ok {
		return nil, 0, nil
	}
	var at []int
	total := 0
	for i := range x.meta {
		if !match(i) {
			continue
		}
		if total >= offset && len(at) < limit {
			at = append(at, i)
		}
		total++
	}
	out := make([]provision.Change, 0, len(at))
	var block []provision.Change
	current := -1
	for _, i := range at {
		if n := i / BlockSize; n != current {
			var err error
			if block, err = x.block(n); err != nil {
				return nil, 0, err
			}
			current = n
		}
		out = append(out, block[i%BlockSize])
	}
	return out, total, nil
}

// block decodes block n.
func (x *Index) block(n int) ([]provision.Change, error) {
	zr, err := gzip.NewReader(bytes.NewReader(x.blocks[n]))
	if err != nil {
		return nil, fmt.Errorf("plan index block %d: %w", n, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("plan index block %d: %w", n, err)
	}
	var cs []provision.Change
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, fmt.Errorf("plan index block %d: %w", n, err)
	}
	return cs, nil
}
