package calendar

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ListPage selects by the state Enrolment.State shows (its SQL form must
// agree with it), by text, and pages by login.
func TestListPageAgreesWithState(t *testing.T) {
	w := newWorld(t, calConfig(), "")
	w.run(company())
	ctx := context.Background()
	if _, err := w.editor.Stop(ctx, "ito"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.editor.RecordError(ctx, "sato", ErrForbidden); err != nil {
		t.Fatal(err)
	}
	if _, err := w.editor.Permit(ctx, "suzuki"); err != nil {
		t.Fatal(err)
	}
	all := w.list()
	wantCounts := map[DisplayState]int{}
	for _, e := range all {
		wantCounts[e.State()]++
	}
	if wantCounts[StateStopped] < 2 || wantCounts[StateSyncing] < 1 || wantCounts[StateDisabled] < 1 {
		t.Fatalf("states %v: want every state, two stopped (switched off, auto-stopped)", wantCounts)
	}
	for _, tc := range []struct {
		name string
		q    PageQuery
		want []string
	}{
		{"all", PageQuery{Limit: 10}, []string{"ito", "sato", "suzuki", "tanaka"}},
		{"a page", PageQuery{Offset: 1, Limit: 2}, []string{"sato", "suzuki"}},
		{"past the end", PageQuery{Offset: 9, Limit: 2}, nil},
		{"stopped", PageQuery{State: StateStopped, Limit: 10}, logins(all, StateStopped)},
		{"syncing", PageQuery{State: StateSyncing, Limit: 10}, logins(all, StateSyncing)},
		{"disabled", PageQuery{State: StateDisabled, Limit: 10}, logins(all, StateDisabled)},
		{"text, any case", PageQuery{Text: "SUZ", Limit: 10}, []string{"suzuki"}},
		{"text with a LIKE wildcard", PageQuery{Text: "%", Limit: 10}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := w.editor.ListPage(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range p.Enrolments {
				got = append(got, e.Login)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("logins (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantCounts, p.Counts); diff != "" || p.All != len(all) {
				t.Errorf("counts (-want +got):\n%s; all %d", diff, p.All)
			}
		})
	}
}

// logins are the logins in state st, by login.
func logins(all map[string]Enrolment, st DisplayState) []string {
	var out []string
	for _, l := range []string{"ito", "sato", "suzuki", "tanaka"} {
		if e, ok := all[l]; ok && e.State() == st {
			out = append(out, l)
		}
	}
	return out
}
