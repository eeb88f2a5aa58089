package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

// The log is written in the apply's transaction: an apply that fails
// after the run row was written leaves no rows.
func TestChangeLogRollsBackWithTheApply(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	boom := errors.New("target failed")
	err := s.Update(ctx, func(q provision.Querier) error {
		if _, err := s.InsertRun(ctx, q, appliedRun(s.Now(), yamadaCreate)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update: %v", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM run_changes").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d change rows after a rolled-back apply (%v), want 0", n, err)
	}
}

// Migration 0004 fills the log from the plans of runs applied before it.
func TestChangeLogBackfill(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	id := insertApplied(t, s, appliedRun(s.Now(), salesDept, yamadaCreate, yamadaMove))
	// Back to before 0004: the rows and the migration gone.
	for _, stmt := range []string{"DROP TABLE run_changes", "DELETE FROM schema_migrations WHERE version = 4"} {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := s.PersonChanges(ctx, personKinds, "yamada", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].RunID != id || recs[0].Change.Action != provision.Create || recs[1].Change.Action != provision.Update {
		t.Fatalf("backfilled records: %+v", recs)
	}
	if diff := cmp.Diff(yamadaCreate.Fields, recs[0].Change.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	// Pruning a run deletes its rows.
	if err := s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "DELETE FROM runs WHERE id = ?", id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if recs, _ := s.PersonChanges(ctx, personKinds, "yamada", 10); len(recs) != 0 {
		t.Errorf("%d records after the run was deleted", len(recs))
	}
}
