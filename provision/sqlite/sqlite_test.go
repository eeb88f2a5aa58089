package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/provision"
)

func openTest(t *testing.T) (*Store, *time.Time) {
	t.Helper()
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = func() time.Time { return now }
	t.Cleanup(func() { s.Close() })
	return s, &now
}

func TestMigrateOnceAndReopenWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || n < 2 {
		t.Errorf("%d migrations recorded, want %d (at least 2)", n, len(ms))
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	s.Close()

	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if c, _ := s2.Changes(ctx); c != 0 {
		t.Errorf("reopening an up-to-date database changed %d rows, want 0", c)
	}
}

func TestMigrationNames(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if i > 0 && ms[i-1].version >= m.version {
			t.Errorf("migrations out of order: %s after %s", m.name, ms[i-1].name)
		}
	}
}

func TestRootDepartmentCannotBeDeleted(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	err := s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "DELETE FROM safety_departments WHERE is_root = 1")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "root department cannot be deleted") {
		t.Errorf("deleting the root: %v", err)
	}
}

func TestLinks(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	err := s.Update(ctx, func(q provision.Querier) error {
		w := s.LinkWriter(q, "safety", 0)
		if err := w.Set(ctx, "member", "2", provision.DirRef{ID: "10", Key: "b"}); err != nil {
			return err
		}
		if err := w.Set(ctx, "member", "1", provision.DirRef{Key: "a"}); err != nil {
			return err
		}
		if err := w.Set(ctx, "member", "1", provision.DirRef{ID: "9", Key: "a2"}); err != nil {
			return err
		}
		if err := w.Set(ctx, "department", "5", provision.DirRef{Key: "d"}); err != nil {
			return err
		}
		if err := w.Delete(ctx, "department", "5"); err != nil {
			return err
		}
		return s.LinkWriter(q, "calendar", 0).Set(ctx, "enrolment", "1", provision.DirRef{Key: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []provision.Link
	if err := s.View(ctx, func(q provision.Querier) error {
		var err error
		got, err = s.Links(ctx, q, "safety")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := []provision.Link{
		{Target: "safety", Kind: "member", ObjectID: "1", Dir: provision.DirRef{ID: "9", Key: "a2"}},
		{Target: "safety", Kind: "member", ObjectID: "2", Dir: provision.DirRef{ID: "10", Key: "b"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

// A lease whose holder is a process of this host that is gone (kill -9)
// is taken over at once; one held by this (live) process, or by a process
// of another host, is still refused until it expires (F14).
func TestLeaseOfDeadProcessTakenOver(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPid := dead.ProcessState.Pid()
	tests := []struct {
		name, holder string
		takenOver    bool
	}{
		{"dead process of this host", fmt.Sprintf("%s:%d:abcd1234", host, deadPid), true},
		{"this live process", fmt.Sprintf("%s:%d:abcd1234", host, os.Getpid()), false},
		{"a live process of this host", fmt.Sprintf("%s:%d:abcd1234", host, os.Getppid()), false},
		{"dead pid on another host", fmt.Sprintf("other-%s:%d:abcd1234", host, deadPid), false},
		{"another form", "serve-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.AcquireLease(ctx, tt.holder, time.Hour); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.ReleaseLease(ctx, "next") })
			defer s.ReleaseLease(ctx, tt.holder)
			err := s.AcquireLease(ctx, "next", time.Minute)
			if tt.takenOver && err != nil {
				t.Fatalf("not taken over: %v", err)
			}
			var pe *provision.Error
			if !tt.takenOver && (!errors.As(err, &pe) || pe.Code != provision.CodeRunInProgress) {
				t.Fatalf("taken over (or failed): %v, want run_in_progress", err)
			}
			if l, _ := s.CurrentLease(ctx); tt.takenOver && (l == nil || l.Holder != "next") {
				t.Errorf("lease after take-over: %+v", l)
			}
		})
	}
}

func TestLease(t *testing.T) {
	s, now := openTest(t)
	ctx := context.Background()
	if err := s.AcquireLease(ctx, "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	err := s.AcquireLease(ctx, "b", time.Minute)
	var pe *provision.Error
	if !errors.As(err, &pe) || pe.Code != provision.CodeRunInProgress {
		t.Fatalf("second holder: %v, want run_in_progress", err)
	}
	if !strings.Contains(err.Error(), "expires at") {
		t.Errorf("message %q does not say when the lease expires", err)
	}
	// The holder can renew inside a transaction; another cannot.
	if err := s.Update(ctx, func(q provision.Querier) error { return s.RenewLease(ctx, q, "a", time.Minute) }); err != nil {
		t.Errorf("renew by holder: %v", err)
	}
	if err := s.Update(ctx, func(q provision.Querier) error { return s.RenewLease(ctx, q, "b", time.Minute) }); err == nil {
		t.Error("renew by another holder succeeded")
	}
	// An expired lease (a crashed holder) can be taken.
	*now = now.Add(2 * time.Minute)
	if err := s.AcquireLease(ctx, "b", time.Minute); err != nil {
		t.Fatalf("taking an expired lease: %v", err)
	}
	if err := s.Update(ctx, func(q provision.Querier) error { return s.RenewLease(ctx, q, "a", time.Minute) }); err == nil {
		t.Error("the old holder renewed a lease it lost")
	}
	if err := s.ReleaseLease(ctx, "a"); err != nil { // not the holder: no effect
		t.Fatal(err)
	}
	if l, _ := s.CurrentLease(ctx); l == nil || l.Holder != "b" {
		t.Fatalf("lease after a stranger's release: %+v", l)
	}
	if err := s.ReleaseLease(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := s.AcquireLease(ctx, "c", time.Minute); err != nil {
		t.Errorf("after release: %v", err)
	}
}

func TestRuns(t *testing.T) {
	s, now := openTest(t)
	ctx := context.Background()
	plan := &provision.Plan{FormatVersion: 1, Source: provision.Source{Kind: "api", Users: 7},
		Summary: provision.Summary{"safety": {"members": {provision.Create: 7}}}, Changes: []provision.Change{}}
	var ids []int64
	err := s.Update(ctx, func(q provision.Querier) error {
		for i, st := range []provision.Status{provision.StatusApplied, provision.StatusFailed} {
			r := &provision.Run{Trigger: provision.TriggerCLI, Source: provision.RunSource{Kind: "api", Domain: "x.cybozu.com"},
				Users: 7 + i, Status: st, StartedAt: *now, FinishedAt: now.Add(time.Second), Summary: plan.Summary, Plan: plan}
			if st == provision.StatusFailed {
				r.Error = &provision.Issue{Code: "source_unavailable", Message: "busy"}
				r.Plan = nil
			}
			id, err := s.InsertRun(ctx, q, r)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := s.ListRuns(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != ids[1] || runs[0].Error == nil || runs[0].Error.Code != "source_unavailable" {
		t.Fatalf("runs newest first: %+v", runs)
	}
	r, err := s.GetRun(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if r.Plan == nil || r.Plan.Source.Users != 7 || r.Summary["safety"]["members"][provision.Create] != 7 {
		t.Errorf("run with plan: %+v", r)
	}
	var users int
	s.View(ctx, func(q provision.Querier) error { users, err = s.LastAppliedUsers(ctx, q); return err })
	if users != 7 {
		t.Errorf("last applied users = %d, want 7 (the failed run does not count)", users)
	}
	if _, err := s.GetRun(ctx, 99); err == nil || !strings.Contains(err.Error(), "no run #99") {
		t.Errorf("missing run: %v", err)
	}
	if err := s.Update(ctx, func(q provision.Querier) error { return s.PruneRuns(ctx, q, now.Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	// The last applied run stays: it is min_source_ratio's baseline.
	if runs, _ := s.ListRuns(ctx, 10); len(runs) != 1 || runs[0].ID != ids[0] {
		t.Errorf("runs after pruning: %+v, want only the last applied one", runs)
	}
}

func TestDumpIsStable(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	var a, b strings.Builder
	if err := s.Dump(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := s.Dump(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || !strings.Contains(a.String(), "最上位部署") {
		t.Errorf("dump:\n%s", a.String())
	}
}

// TestConcurrentOpensOfANewDatabase: two processes starting at once on a
// database that does not exist yet (a cron run and a hand run on the first
// day) both open it; the one that loses the race to migrate finds the
// migrations done instead of failing with "table already exists".
func TestConcurrentOpensOfANewDatabase(t *testing.T) {
	for round := 0; round < 5; round++ {
		path := filepath.Join(t.TempDir(), "new.db")
		const n = 4
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			go func() {
				<-start
				s, err := Open(context.Background(), path)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		close(start)
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: concurrent open: %v", round, err)
			}
		}
	}
}

// TestNewDatabaseReadableByOwnerOnly: the database holds the roster
// (names, emails, phone numbers, password hashes); like a saved plan, a
// new one is readable by its owner only, and so are its WAL files.
func TestNewDatabaseReadableByOwnerOnly(t *testing.T) {
	s, _ := openTest(t)
	if err := s.Update(context.Background(), func(q provision.Querier) error {
		return s.SetLinkedDomain(context.Background(), q, "x.cybozu.com")
	}); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(s.Path() + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", filepath.Base(s.Path()+suffix), perm)
		}
	}
}

// TestBusyDatabaseHasACode: when another process holds the write lock for
// longer than busy_timeout (a long first apply under serve), a write gets
// database_busy saying what to do, not an internal SQLITE_BUSY.
func TestBusyDatabaseHasACode(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	// Do not wait: the test would take busy_timeout otherwise.
	if _, err := s.db.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	err = s.Update(ctx, func(q provision.Querier) error { return s.SetLinkedDomain(ctx, q, "x.cybozu.com") })
	var pe *provision.Error
	if !errors.As(err, &pe) || pe.Code != "database_busy" || !strings.Contains(pe.Message, "try again") {
		t.Errorf("write while another process holds the lock: %v, want database_busy", err)
	}
}
