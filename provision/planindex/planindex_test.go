package planindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/provision"
)

// plan is a plan of n changes: members created, every third updated,
// every tenth an enrolment disabled.
func plan(n int) *provision.Plan {
	p := &provision.Plan{FormatVersion: provision.FormatVersion, Errors: []provision.Issue{{Code: "x"}}}
	for i := range n {
		c := provision.Change{Target: "safety", Kind: "member", Action: provision.Create, Key: fmt.Sprintf("u%05d", i), Label: fmt.Sprintf("Name %d", i),
			Fields: provision.Fields{{Name: "email", New: fmt.Sprintf("u%d@example.com", i)}}, ObjectID: "kept-out", Data: []byte(`{"x":1}`)}
		switch {
		case i%10 == 0:
			c.Target, c.Kind, c.Action = "calendar", "enrolment", provision.Disable
		case i%3 == 0:
			c.Action = provision.Update
		}
		p.Changes = append(p.Changes, c)
	}
	return p
}

func keys(cs []provision.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Key)
	}
	return out
}

func TestPage(t *testing.T) {
	p := plan(1000)
	x, err := FromPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 1000 || x.Head.Changes != nil || len(x.Head.Errors) != 1 {
		t.Fatalf("index: len %d, head %+v", x.Len(), x.Head)
	}
	for _, tc := range []struct {
		name          string
		f             provision.ChangeFilter
		offset, limit int
	}{
		{"first page", provision.ChangeFilter{}, 0, 200},
		{"a page across blocks", provision.ChangeFilter{}, 190, 200},
		{"the last, short page", provision.ChangeFilter{}, 900, 200},
		{"past the end", provision.ChangeFilter{}, 1200, 200},
		{"by target", provision.ChangeFilter{Target: "calendar"}, 50, 30},
		{"by kind and action", provision.ChangeFilter{Kind: "member", Action: provision.Update}, 100, 200},
		{"by text, any case", provision.ChangeFilter{Text: " NAME 99"}, 0, 200},
		{"by key", provision.ChangeFilter{Text: "u0050"}, 0, 5},
		{"unknown target", provision.ChangeFilter{Target: "nope"}, 0, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			n := 0
			for i := range p.Changes {
				if tc.f.Match(&p.Changes[i]) {
					if n >= tc.offset && len(want) < tc.limit {
						want = append(want, p.Changes[i].Key)
					}
					n++
				}
			}
			got, total, err := x.Page(tc.f, tc.offset, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if total != n {
				t.Errorf("total = %d; want %d", total, n)
			}
			if diff := cmp.Diff(want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
	got, _, _ := x.Page(provision.ChangeFilter{}, 3, 1)
	want := p.Changes[3]
	want.ObjectID, want.Data = "", nil // not kept: never shown
	want.Flags = []string{}            // JSON keeps flags a list
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("change (-want +got):\n%s", diff)
	}
}

func TestCacheBoundsBytesAndBuildsOnce(t *testing.T) {
	x, _ := FromPlan(plan(500))
	c := NewCache(x.Size()*2 + 1)
	builds := 0
	build := func() (*Index, error) { builds++; return FromPlan(plan(500)) }
	ctx := context.Background()
	for _, id := range []int64{1, 2, 1, 3, 1} {
		if _, err := c.Get(ctx, id, build); err != nil {
			t.Fatal(err)
		}
	}
	// 1 stays (used last), 2 is evicted by 3.
	if builds != 3 || c.Len() != 2 {
		t.Errorf("builds = %d, held = %d; want 3 and 2", builds, c.Len())
	}
	if _, err := c.Get(ctx, 2, build); err != nil || builds != 4 {
		t.Errorf("run 2 again: builds %d, err %v; want a rebuild", builds, err)
	}
	boom := errors.New("boom")
	if _, err := c.Get(ctx, 9, func() (*Index, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("failed build: %v", err)
	}
	if _, err := c.Get(ctx, 9, build); err != nil {
		t.Errorf("a failed build is not kept: %v", err)
	}
}

// AddJSON reads the stored JSON's leading members itself (labels with
// quotes, backslashes and non-ASCII text, no label) and indexes what Add
// does; JSON of another shape is decoded.
func TestAddJSONReadsWhatAddDoes(t *testing.T) {
	p := plan(300)
	p.Changes[5].Label = `田中 "タナカ" \ 太郎`
	p.Changes[6].Label = ""
	p.Changes[7].Key = `a\"b`
	x, err := FromPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBuilder()
	for i := range p.Changes {
		raw, err := json.Marshal(p.Changes[i])
		if err != nil {
			t.Fatal(err)
		}
		if i == 9 { // members in another order
			raw = []byte(`{"key":"` + p.Changes[i].Key + `","action":"` + string(p.Changes[i].Action) + `","kind":"` + p.Changes[i].Kind + `","target":"` + p.Changes[i].Target + `","label":"` + p.Changes[i].Label + `","flags":[],"fields":{}}`)
		}
		if err := b.AddJSON(raw); err != nil {
			t.Fatal(err)
		}
	}
	y, err := b.Done(x.Head)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(x.meta, y.meta, cmp.AllowUnexported(meta{})); diff != "" {
		t.Errorf("meta (-Add +AddJSON):\n%s", diff)
	}
	if diff := cmp.Diff(x.text, y.text); diff != "" {
		t.Errorf("text (-Add +AddJSON):\n%s", diff)
	}
	for _, q := range []string{"タナカ", `a\"b`, "name 6"} {
		_, n, _ := y.Page(provision.ChangeFilter{Text: q}, 0, 10)
		_, want, _ := x.Page(provision.ChangeFilter{Text: q}, 0, 10)
		if n != want || n == 0 {
			t.Errorf("text %q: %d matches; want %d (and some)", q, n, want)
		}
	}
}
