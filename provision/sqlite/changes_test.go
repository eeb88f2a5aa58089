package sqlite

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cybridge/cybridge/provision"
)

var personKinds = []string{"member", "enrolment"}

// appliedRun is an applied run whose plan holds changes.
func appliedRun(at time.Time, changes ...provision.Change) *provision.Run {
	return &provision.Run{Trigger: provision.TriggerCLI, Status: provision.StatusApplied, StartedAt: at, FinishedAt: at,
		Plan: &provision.Plan{CreatedAt: at, Changes: changes}, Repeats: 1}
}

var (
	yamadaCreate = provision.Change{Target: "safety", Kind: "member", Action: provision.Create, Key: "yamada", Label: "山田 太郎",
		Reason: provision.ReasonNew, Flags: []string{},
		Fields: provision.Fields{{Name: "login", New: "yamada"}, {Name: "name", New: "山田 太郎"}, {Name: "email", New: "Yamada@example.com"}}}
	yamadaMove = provision.Change{Target: "safety", Kind: "member", Action: provision.Update, Key: "yamada", Label: "山田 太郎",
		Reason: provision.ReasonLink, Fields: provision.Fields{{Name: "departments", Old: []any{"sales"}, New: []any{"dev"}}}}
	hanakoCreate = provision.Change{Target: "safety", Kind: "member", Action: provision.Create, Key: "hanako", Label: "山田 花子",
		Reason: provision.ReasonNew, Fields: provision.Fields{{Name: "login", New: "hanako"}}}
	salesDept = provision.Change{Target: "safety", Kind: "department", Action: provision.Create, Key: "yamada-dept", Label: "山田部", Reason: provision.ReasonNew}
)

func insertApplied(t *testing.T, s *Store, r *provision.Run) int64 {
	t.Helper()
	var id int64
	err := s.Update(context.Background(), func(q provision.Querier) error {
		var err error
		id, err = s.InsertRun(context.Background(), q, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestChangeLogSearchAndOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	first := insertApplied(t, s, appliedRun(t0, salesDept, yamadaCreate, hanakoCreate))
	// A dry run's changes are not applied: not in the log.
	dry := appliedRun(t0.Add(time.Hour), yamadaMove)
	dry.Status = provision.StatusDryRun
	insertApplied(t, s, dry)
	second := insertApplied(t, s, appliedRun(t0.Add(2*time.Hour), yamadaMove))

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"山田", []string{"hanako", "yamada"}}, // display names, departments excluded
		{"太郎", []string{"yamada"}},
		{"YAMADA@EXAMPLE", []string{"yamada"}}, // e-mail, ASCII case-insensitive
		{"HANA", []string{"hanako"}},
		{"%", nil}, // a LIKE wildcard is a plain character
		{"鈴木", nil},
	} {
		people, total, err := s.People(ctx, personKinds, tc.query, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range people {
			got = append(got, p.Login)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || total != len(tc.want) {
			t.Errorf("People(%q) total %d (-want +got):\n%s", tc.query, total, diff)
		}
	}
	people, _, err := s.People(ctx, personKinds, "yamada", 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]PersonRef{{Login: "yamada", Name: "山田 太郎", Email: "Yamada@example.com", Changes: 2}}, people); diff != "" {
		t.Errorf("People(yamada) (-want +got):\n%s", diff)
	}

	recs, err := s.PersonChanges(ctx, personKinds, "yamada", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Change.Action))
		if r.RunID != first && r.RunID != second {
			t.Errorf("change from run %d, want only applied runs %d and %d", r.RunID, first, second)
		}
	}
	if diff := cmp.Diff([]string{"update", "create"}, got); diff != "" {
		t.Errorf("PersonChanges order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(yamadaMove.Fields, recs[0].Change.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if !recs[0].At.Equal(t0.Add(2*time.Hour)) || recs[0].Trigger != provision.TriggerCLI {
		t.Errorf("record at %v by %q", recs[0].At, recs[0].Trigger)
	}
	if recs, _ := s.PersonChanges(ctx, personKinds, "yamada", 1); len(recs) != 1 {
		t.Errorf("limit 1: %d records", len(recs))
	}
}

// The index is written in the apply's transaction: an apply that fails
// after the run row was written leaves no rows.
func TestChangeIndexRollsBackWithTheApply(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	boom := errors.New("target failed")
	err := s.Update(ctx, func(q provision.Querier) error {
		if _, err := s.InsertRun(ctx, q, appliedRun(s.Now(), manyChanges(300)...)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update: %v", err)
	}
	for _, table := range []string{"change_keys", "plan_chunks", "runs"} {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d rows in %s after a rolled-back apply (%v), want 0", n, table, err)
		}
	}
	if got, next, err := s.ChangesAfter(ctx, FeedCursor{}, 10); err != nil || len(got) != 0 || next != (FeedCursor{}) {
		t.Errorf("feed after a rolled-back apply: %d changes, cursor %+v, %v", len(got), next, err)
	}
}

// manyChanges is n member creates user0000…, each with an e-mail, the
// data and object id the index does not keep.
func manyChanges(n int) []provision.Change {
	cs := make([]provision.Change, n)
	for i := range cs {
		login := fmt.Sprintf("user%04d", i)
		cs[i] = provision.Change{Target: "safety", Kind: "member", Action: provision.Create, Key: login, Label: "利用者 " + login,
			Reason: provision.ReasonNew, Flags: []string{},
			Fields:   provision.Fields{{Name: "login", New: login}, {Name: "email", New: login + "@example.com"}, {Name: "departments", New: []any{"sales"}}},
			ObjectID: "7", Data: json.RawMessage(`{"secret":"not kept"}`)}
	}
	return cs
}

// kept is c as the index gives it back: without Data, ObjectID and Link.
func kept(c provision.Change) provision.Change {
	c.Data, c.ObjectID, c.Link = nil, "", nil
	return c
}

// readFeed reads the whole feed after from, limit changes at a time.
func readFeed(t *testing.T, s *Store, from FeedCursor, limit int) []ChangeRecord {
	t.Helper()
	var all []ChangeRecord
	for {
		got, next, err := s.ChangesAfter(context.Background(), from, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > limit {
			t.Fatalf("%d changes for limit %d", len(got), limit)
		}
		if len(got) == 0 {
			if next != from {
				t.Fatalf("an empty read moved the cursor from %+v to %+v", from, next)
			}
			return all
		}
		all, from = append(all, got...), next
	}
}

// feedWant is the feed the applied runs make: their changes in order.
func feedWant(runs []int64, plans ...[]provision.Change) []string {
	var out []string
	for i, cs := range plans {
		for seq, c := range cs {
			out = append(out, fmt.Sprintf("%d/%d %s %s", runs[i], seq, c.Key, c.Action))
		}
	}
	return out
}

func feedGot(recs []ChangeRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = fmt.Sprintf("%d/%d %s %s", r.RunID, r.Seq, r.Change.Key, r.Change.Action)
	}
	return out
}

// The feed lists every change of every applied run in order, in pages of
// any size, resuming exactly at its cursor; dry runs are not in it.
func TestChangesAfterFeed(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	big := manyChanges(2*chunkChanges + 88)
	a := insertApplied(t, s, appliedRun(t0, big...))
	dry := appliedRun(t0.Add(time.Hour), yamadaMove)
	dry.Status = provision.StatusDryRun
	insertApplied(t, s, dry)
	small := []provision.Change{yamadaCreate, hanakoCreate, salesDept}
	b := insertApplied(t, s, appliedRun(t0.Add(2*time.Hour), small...))
	want := feedWant([]int64{a, b}, big, small)

	for _, limit := range []int{1, 7, chunkChanges, 1000} {
		got := readFeed(t, s, FeedCursor{}, limit)
		if diff := cmp.Diff(want, feedGot(got)); diff != "" {
			t.Fatalf("feed in pages of %d (-want +got):\n%s", limit, diff)
		}
		if limit == 1000 {
			for i, r := range got[:len(big)] {
				if diff := cmp.Diff(kept(big[i]), r.Change); diff != "" {
					t.Fatalf("change %d (-want +got):\n%s", i, diff)
				}
			}
			if !got[len(got)-1].At.Equal(t0.Add(2*time.Hour)) || got[0].Trigger != provision.TriggerCLI {
				t.Errorf("record at %v by %q", got[len(got)-1].At, got[0].Trigger)
			}
		}
	}
	// From a cursor in the middle of a chunk, and at a run's last change.
	for _, from := range []FeedCursor{{Run: a, Seq: 300}, {Run: a, Seq: len(big) - 1}, {Run: b, Seq: 2}} {
		got := feedGot(readFeed(t, s, from, 100))
		skip := 0
		for skip < len(want) && want[skip] != fmt.Sprintf("%d/%d %s", from.Run, from.Seq, strings.SplitN(want[skip], " ", 2)[1]) {
			skip++
		}
		if diff := cmp.Diff(want[skip+1:], got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("feed after %+v (-want +got):\n%s", from, diff)
		}
	}
	// A later applied run appears after the cursor the reader holds.
	_, end, err := s.ChangesAfter(ctx, FeedCursor{}, len(want))
	if err != nil || end != (FeedCursor{Run: b, Seq: 2}) {
		t.Fatalf("cursor at the end %+v, %v", end, err)
	}
	c := insertApplied(t, s, appliedRun(t0.Add(3*time.Hour), yamadaMove))
	if diff := cmp.Diff([]string{fmt.Sprintf("%d/0 yamada update", c)}, feedGot(readFeed(t, s, end, 10))); diff != "" {
		t.Errorf("feed after the end (-want +got):\n%s", diff)
	}
}

// Migration 0005 converts a database written before it: the stored plans
// of applied runs (one gzip member, or plain JSON) are cut into chunks,
// their index is written, 0004's change log is dropped; every stored plan
// still reads back the same.
func TestChangeIndexUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	big := manyChanges(chunkChanges + 10)
	small := []provision.Change{salesDept, yamadaCreate, yamadaMove}
	a := insertApplied(t, s, appliedRun(time.UnixMilli(1000).UTC(), big...))
	dry := appliedRun(time.UnixMilli(2000).UTC(), yamadaMove)
	dry.Status = provision.StatusDryRun
	d := insertApplied(t, s, dry)
	b := insertApplied(t, s, appliedRun(time.UnixMilli(3000).UTC(), small...))
	plans := map[int64]*provision.Plan{}
	for _, id := range []int64{a, d, b} {
		r, err := s.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		plans[id] = r.Plan
	}
	// Back to before 0005: plans stored as 0004 stored them (run a's
	// gzip-compressed in one member, run b's as plain JSON, as the first
	// releases did), 0004's table, no index.
	old0004, err := migrationFS.ReadFile("migration/0004_run_changes.sql")
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{"DROP TABLE change_keys", "DROP TABLE plan_chunks", string(old0004), "DELETE FROM schema_migrations WHERE version = 5"}
	for _, stmt := range stmts {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	for id, gz := range map[int64]bool{a: true, d: true, b: false} {
		var raw bytes.Buffer
		w := io.Writer(&raw)
		zw := gzip.NewWriter(&raw)
		if gz {
			w = zw
		}
		if err := plans[id].EncodeCompact(w); err != nil {
			t.Fatal(err)
		}
		if gz {
			zw.Close()
		}
		if _, err := s.db.ExecContext(ctx, "UPDATE runs SET plan = ? WHERE id = ?", raw.Bytes(), id); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'run_changes'").Scan(&n); err != nil || n != 0 {
		t.Errorf("run_changes still there (%d, %v)", n, err)
	}
	for id, p := range plans {
		r, err := s.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, r.Plan); diff != "" {
			t.Errorf("run %d's plan after the upgrade (-before +after):\n%s", id, diff)
		}
	}
	if diff := cmp.Diff(feedWant([]int64{a, b}, big, small), feedGot(readFeed(t, s, FeedCursor{}, 100))); diff != "" {
		t.Errorf("feed after the upgrade (-want +got):\n%s", diff)
	}
	recs, err := s.PersonChanges(ctx, personKinds, "yamada", 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]provision.Change{yamadaCreate, yamadaMove}, []provision.Change{recs[0].Change, recs[1].Change}, cmpopts.EquateEmpty()); len(recs) != 2 || diff != "" {
		t.Errorf("yamada after the upgrade: %d records (-want +got):\n%s", len(recs), diff)
	}
	people, total, err := s.People(ctx, personKinds, "user02", 100)
	if err != nil || total != 66 || len(people) != 66 || people[0] != (PersonRef{Login: "user0200", Name: "利用者 user0200", Email: "user0200@example.com", Changes: 1}) {
		t.Errorf("People(user02) after the upgrade: %d of %d, first %+v, %v", len(people), total, people[0], err)
	}
	// A run applied after the upgrade follows in the feed.
	c := insertApplied(t, s, appliedRun(time.UnixMilli(4000).UTC(), hanakoCreate))
	if got := feedGot(readFeed(t, s, FeedCursor{Run: b, Seq: 2}, 10)); len(got) != 1 || got[0] != fmt.Sprintf("%d/0 hanako create", c) {
		t.Errorf("feed after the upgrade's last change: %v", got)
	}
	// Pruning a run deletes its rows.
	if err := s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "DELETE FROM runs WHERE id = ?", b)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if recs, _ := s.PersonChanges(ctx, personKinds, "yamada", 10); len(recs) != 0 {
		t.Errorf("%d records after the run was deleted", len(recs))
	}
	for _, table := range []string{"change_keys", "plan_chunks"} {
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE run_id = ?", b).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d rows of the deleted run in %s (%v)", n, table, err)
		}
	}
}
