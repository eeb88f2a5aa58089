package sqlite

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cybridge/cybridge/provision"
)

// A stored plan read one change at a time gives back its changes, in
// order, and its head — whose members follow the changes — whether it is
// stored compressed and compact, or plain and indented, with braces,
// brackets and escaped quotes inside strings, and with no changes.
func TestPlanStreamReadsChangesAndHead(t *testing.T) {
	p := &provision.Plan{FormatVersion: provision.FormatVersion, CreatedAt: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC),
		Targets:  []provision.TargetInfo{{Name: "safety"}},
		Errors:   []provision.Issue{{Code: "e", Message: `a "quoted" {brace} [list] \ end`}},
		Warnings: []provision.Issue{{Code: "w"}},
	}
	for i, label := range []string{`田中 "タナカ"`, `}{][`, `back\slash`, ""} {
		p.Changes = append(p.Changes, provision.Change{Target: "safety", Kind: "member", Action: provision.Create, Key: string(rune('a' + i)), Label: label,
			Flags: []string{"x"}, Fields: provision.Fields{{Name: "name", New: label}, {Name: "n", New: float64(i)}}, Data: []byte(`{"nested":{"x":[1,2]}}`)})
	}
	empty := *p
	empty.Changes = []provision.Change{}
	none := *p
	none.Changes = nil
	for _, tc := range []struct {
		name   string
		plan   *provision.Plan
		stored func(*provision.Plan) []byte
	}{
		{"compressed", p, func(p *provision.Plan) []byte { b, _, _ := compressPlan(p); return b }},
		{"indented", p, func(p *provision.Plan) []byte { var b bytes.Buffer; p.WriteJSON(&b); return b.Bytes() }},
		{"no changes", &empty, func(p *provision.Plan) []byte { b, _, _ := compressPlan(p); return b }},
		{"null changes", &none, func(p *provision.Plan) []byte { var b bytes.Buffer; p.WriteJSON(&b); return b.Bytes() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := openPlan(tc.stored(tc.plan))
			if err != nil {
				t.Fatal(err)
			}
			var got []provision.Change
			for {
				c, err := ps.Next()
				if err != nil {
					t.Fatal(err)
				}
				if c == nil {
					break
				}
				got = append(got, *c)
			}
			// Data is kept as written: compare it compacted.
			compact := cmp.Transformer("compact", func(m json.RawMessage) string {
				var b bytes.Buffer
				json.Compact(&b, m)
				return b.String()
			})
			if diff := cmp.Diff(tc.plan.Changes, got, cmpopts.EquateEmpty(), compact); diff != "" {
				t.Errorf("changes (-plan +read):\n%s", diff)
			}
			head, err := ps.Head()
			if err != nil {
				t.Fatal(err)
			}
			want := *tc.plan
			want.Changes = nil
			if diff := cmp.Diff(&want, head, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("head (-plan +read):\n%s", diff)
			}
		})
	}
}
