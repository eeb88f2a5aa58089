package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cybridge/cybridge/provision"
)

// Links returns one target's links, sorted by kind and object id.
func (s *Store) Links(ctx context.Context, q provision.Querier, target string) ([]provision.Link, error) {
	rows, err := q.QueryContext(ctx, "SELECT kind, object_id, dir_id, dir_key FROM links WHERE target = ? ORDER BY kind, object_id", target)
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	defer rows.Close()
	var out []provision.Link
	for rows.Next() {
		l := provision.Link{Target: target}
		if err := rows.Scan(&l.Kind, &l.ObjectID, &l.Dir.ID, &l.Dir.Key); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LinkWriter returns a writer of one target's links inside q; runID (0
// outside runs) is recorded with each link it writes.
func (s *Store) LinkWriter(q provision.Querier, target string, runID int64) provision.LinkWriter {
	return &linkWriter{q: q, target: target, runID: runID}
}

// linkWriter prepares its two statements once per transaction (applies of
// a whole directory write one link per object).
type linkWriter struct {
	q      provision.Querier
	target string
	runID  int64
	set    *sql.Stmt
	del    *sql.Stmt
}

func (w *linkWriter) run() any {
	if w.runID == 0 {
		return nil
	}
	return w.runID
}

func (w *linkWriter) Set(ctx context.Context, kind, objectID string, ref provision.DirRef) error {
	if w.set == nil {
		st, err := w.q.PrepareContext(ctx, `INSERT INTO links (target, kind, object_id, dir_id, dir_key, run_id) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (target, kind, object_id) DO UPDATE SET dir_id = excluded.dir_id, dir_key = excluded.dir_key, run_id = excluded.run_id`)
		if err != nil {
			return err
		}
		w.set = st
	}
	if _, err := w.set.ExecContext(ctx, w.target, kind, objectID, ref.ID, ref.Key, w.run()); err != nil {
		return fmt.Errorf("link %s %s %s: %w", w.target, kind, objectID, err)
	}
	return nil
}

func (w *linkWriter) Delete(ctx context.Context, kind, objectID string) error {
	if w.del == nil {
		st, err := w.q.PrepareContext(ctx, "DELETE FROM links WHERE target = ? AND kind = ? AND object_id = ?")
		if err != nil {
			return err
		}
		w.del = st
	}
	if _, err := w.del.ExecContext(ctx, w.target, kind, objectID); err != nil {
		return fmt.Errorf("unlink %s %s %s: %w", w.target, kind, objectID, err)
	}
	return nil
}

// LinkedDomain is the cybozu.com domain the database follows ("" = none).
func (s *Store) LinkedDomain(ctx context.Context, q provision.Querier) (string, error) {
	var d string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'linked_domain'").Scan(&d)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return d, err
}

// SetLinkedDomain records the domain the database follows.
func (s *Store) SetLinkedDomain(ctx context.Context, q provision.Querier, domain string) error {
	_, err := q.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('linked_domain', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", domain)
	return err
}
