package app

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/history"
)

// The feed of applied changes through the application, on a real store:
// a first apply's changes, in plan order, page by page and whole alike;
// a dry run adds none; a bad cursor is invalid input.
func TestChangesFeed(t *testing.T) {
	ctx := context.Background()
	a, _ := testApp(t, nil)
	dryRun(t, a)
	res, err := a.Run(ctx, RunRequest{Trigger: provision.TriggerCLI})
	if err != nil {
		t.Fatal(err)
	}
	run, err := a.store.GetRun(ctx, res.RunID)
	if err != nil || run.Plan == nil {
		t.Fatalf("run %d: %v", res.RunID, err)
	}
	var want []string
	for i, c := range run.Plan.Changes {
		want = append(want, history.Cursor(res.RunID, i)+" "+c.Kind+" "+c.Key+" "+string(c.Action))
	}
	if len(want) < 20 {
		t.Fatalf("only %d changes applied", len(want))
	}
	whole, err := a.Changes(ctx, "", 0)
	if err != nil || whole.More || whole.Next != history.Cursor(res.RunID, len(want)-1) {
		t.Fatalf("whole feed: more %v next %q, %v", whole.More, whole.Next, err)
	}
	var got []string
	after := ""
	for {
		feed, err := a.Changes(ctx, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range feed.Changes {
			got = append(got, c.Cursor+" "+c.Change.Kind+" "+c.Change.Key+" "+string(c.Change.Action))
		}
		after = feed.Next
		if !feed.More {
			break
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("feed in pages of 7 (-plan +feed):\n%s", diff)
	}
	if end, err := a.Changes(ctx, after, 0); err != nil || len(end.Changes) != 0 || end.Next != after {
		t.Errorf("after the end: %+v, %v", end, err)
	}
	if _, err := a.Changes(ctx, "12x", 0); msg.Code(err) != msg.CodeInvalidInput || msg.KindOf(err) != msg.KindInvalid {
		t.Errorf("bad cursor: %v", err)
	}
}
