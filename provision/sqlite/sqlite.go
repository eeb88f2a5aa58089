// Package sqlite is cybridge's state store on SQLite (modernc.org/sqlite,
// no cgo): the targets' tables, links, run history, the run lease and
// stored plans, in one database file.
//
// Migrations are the numbered files in migration/ (NNNN_name.sql), embedded
// in the binary and applied in order, each in its own transaction together
// with its row in schema_migrations. Numbers 0001–0099 belong to the core
// and the safety roster, 0100–0199 to calendar enrolments, 0200–0299 to
// serve and the console, 0300–0399 to notifications, 0400–0499 to
// accounts, API tokens and the audit log; a number is never
// reused or edited once released.
//
// Connection settings and why:
//   - WAL: readers (the console, a dry run) never block the writer and the
//     writer never blocks readers; a crash mid-transaction leaves the last
//     committed state.
//   - synchronous=NORMAL: with WAL this is safe against process crashes
//     (kill -9); only an OS crash can lose the last commit, never corrupt.
//   - foreign_keys=ON: SQLite leaves them off by default; the roster relies
//     on them (memberships cascade, departments keep their parents).
//   - busy_timeout: other processes (a CLI next to `serve`) wait for the
//     write lock instead of failing at once.
//   - One writer connection with BEGIN IMMEDIATE: write transactions take
//     the lock up front, so they never fail half-way on a lock upgrade;
//     read transactions use a separate pool of read-only connections.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	driver "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// busyTimeout is how long a statement waits for another process's lock.
const busyTimeout = 15 * time.Second

// Store is the SQLite state store. It implements provision.Store.
type Store struct {
	db   *sql.DB // the one writer connection
	ro   *sql.DB // read-only connections
	path string
	file os.FileInfo // the file opened, to notice it deleted or replaced
	// Clock is the store's time source (time.Now when nil); tests inject
	// a fixed clock.
	Clock func() time.Time
}

var _ provision.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, &provision.Error{Code: "db_path", Message: fmt.Sprintf("database path %q: give a file path without ? or #", path)}
	}
	// The roster is personal data: a new database is created readable by
	// its owner only (SQLite gives its -wal and -shm files the same mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, &provision.Error{Code: "db_open", Message: fmt.Sprintf("cannot create the database %s: %v; check db (CYBRIDGE_DB) and that its folder exists and is writable", path, err), Err: err}
	}
	params := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", path+"?"+params+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, path: path}
	err = connect(ctx, db)
	if err == nil {
		err = s.migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, &provision.Error{Code: "db_open", Message: fmt.Sprintf("cannot open the database %s: %v", path, err), Err: err}
	}
	ro, err := sql.Open("sqlite", path+"?"+params+"&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	ro.SetMaxOpenConns(4)
	s.ro = ro
	if s.file, err = os.Stat(path); err != nil {
		s.Close()
		return nil, &provision.Error{Code: "db_open", Message: fmt.Sprintf("cannot open the database %s: %v", path, err), Err: err}
	}
	return s, nil
}

// connect makes the writer's first connection. Processes that open a new
// database at once race to switch it to WAL, and SQLite answers the losers
// SQLITE_BUSY at once instead of waiting busy_timeout; they try again for
// as long as busy_timeout.
func connect(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := db.PingContext(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY: another connection
// holds the lock.
func isBusy(err error) bool {
	var se *driver.Error
	return errors.As(err, &se) && se.Code()&0xff == 5 // SQLITE_BUSY
}

// CodeDatabaseBusy: another process held the write lock for longer than
// busy_timeout.
const CodeDatabaseBusy = "database_busy"

// busyError explains a write that waited busy_timeout for the lock.
func busyError(err error) error {
	return &provision.Error{Code: CodeDatabaseBusy, Err: err, Message: fmt.Sprintf(
		"the database is busy: another cybridge process (an apply, or cybridge serve) kept it locked for more than %s; nothing was changed — try again when it is done", busyTimeout)}
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.ro.Close(), s.db.Close())
}

// CheckFile reports whether the database file at the path is still the
// one opened: db_missing when it was deleted or moved, db_replaced when
// another file took its place (a process keeps writing to the file it
// opened, and what it writes would be lost at the next start).
func (s *Store) CheckFile() error {
	fi, err := os.Stat(s.path)
	switch {
	case err != nil:
		return &msg.Error{Kind: msg.KindUnavailable, Code: CodeDBMissing, Params: msg.Params{"path": s.path}, Err: err}
	case !os.SameFile(fi, s.file):
		return &msg.Error{Kind: msg.KindUnavailable, Code: CodeDBReplaced, Params: msg.Params{"path": s.path}}
	}
	return nil
}

// Codes of CheckFile.
const (
	CodeDBMissing  = "db_missing"
	CodeDBReplaced = "db_replaced"
)

// Path is the database file.
func (s *Store) Path() string { return s.path }

// DB is the writer connection pool, for packages that keep their own
// tables in this database (targets' roster commands).
func (s *Store) DB() *sql.DB { return s.db }

// Now is the store's clock.
func (s *Store) Now() time.Time {
	if s.Clock != nil {
		return s.Clock().UTC()
	}
	return time.Now().UTC()
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(q provision.Querier) error) error {
	tx, err := s.ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// Update runs fn in a write transaction (BEGIN IMMEDIATE), committing when
// fn returns nil and rolling back otherwise.
func (s *Store) Update(ctx context.Context, fn func(q provision.Querier) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if isBusy(err) {
		return busyError(err)
	}
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); isBusy(err) {
		return busyError(err)
	} else if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Changes is the number of rows this store has inserted, updated or
// deleted since it was opened (SQLite's total_changes() of the one writer
// connection). Tests use it to prove that a run wrote nothing.
func (s *Store) Changes(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, "SELECT total_changes()").Scan(&n)
	return n, err
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations in order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "migration/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name it NNNN_name.sql", base)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same number", prev, base)
		}
		seen[v] = base
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the migrations not yet applied, each in its own
// transaction. An up-to-date database is only read. Processes opening a
// new database at once each apply a migration only if no other did first.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var exists int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		if _, err := s.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	applied := map[int]bool{}
	rows, err := s.db.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := s.Update(ctx, func(q provision.Querier) error {
			// Another process may have applied it since we looked: the
			// write lock taken now makes this check final.
			var done int
			if err := q.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done); err != nil || done > 0 {
				return err
			}
			if _, err := q.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if err := afterMigration(ctx, q, m.version); err != nil {
				return err
			}
			_, err := q.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, s.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// afterMigration is the part of a migration SQL cannot do, run in its
// transaction: 0005 cuts the stored plans of applied runs into chunks and
// writes their change index. (0004 filled its change log from the stored
// plans too; 0005 drops that table, so its fill is no longer done.)
func afterMigration(ctx context.Context, q provision.Querier, version int) error {
	switch version {
	case 5:
		return backfillIndex(ctx, q)
	}
	return nil
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
