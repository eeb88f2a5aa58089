package sqlite

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// InsertRun records a run (with its plan as JSON) and returns its id.
func (s *Store) InsertRun(ctx context.Context, q provision.Querier, r *provision.Run) (int64, error) {
	summary := r.Summary
	if summary == nil {
		summary = provision.Summary{} // a failed read: {} in the history, not null
	}
	sum, err := json.Marshal(summary)
	if err != nil {
		return 0, err
	}
	var plan any
	if r.Plan != nil {
		b, err := compressPlan(r.Plan)
		if err != nil {
			return 0, fmt.Errorf("encode the plan: %w", err)
		}
		plan = b
	}
	var code, msg string
	if r.Error != nil {
		code, msg = r.Error.Code, r.Error.Message
	}
	res, err := q.ExecContext(ctx, `INSERT INTO runs (triggered_by, dry_run, source_kind, source_domain, users, status,
started_at, finished_at, summary, error_code, error_message, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(r.Trigger), r.DryRun, r.Source.Kind, r.Source.Domain, r.Users, string(r.Status),
		millis(r.StartedAt), millis(r.FinishedAt), string(sum), code, msg, plan)
	if err != nil {
		return 0, fmt.Errorf("record the run: %w", err)
	}
	return res.LastInsertId()
}

// FinishRun sets a run's finish time.
func (s *Store) FinishRun(ctx context.Context, q provision.Querier, id int64, at time.Time) error {
	_, err := q.ExecContext(ctx, "UPDATE runs SET finished_at = ? WHERE id = ?", millis(at), id)
	return err
}

// PruneRuns deletes runs started before the given time, except the last
// applied run: it is the baseline of min_source_ratio (LastAppliedUsers),
// and a directory that does not change for months records no newer one.
func (s *Store) PruneRuns(ctx context.Context, q provision.Querier, before time.Time) error {
	_, err := q.ExecContext(ctx, `DELETE FROM runs WHERE started_at < ?
AND id IS NOT (SELECT max(id) FROM runs WHERE status = 'applied')`, millis(before))
	return err
}

// LastAppliedUsers is the user count of the last applied run (0 if none).
func (s *Store) LastAppliedUsers(ctx context.Context, q provision.Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT users FROM runs WHERE status = 'applied' ORDER BY id DESC LIMIT 1").Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, err
}

const runColumns = "id, triggered_by, dry_run, source_kind, source_domain, users, status, started_at, finished_at, summary, error_code, error_message"

func scanRun(sc interface{ Scan(...any) error }, extra ...any) (*provision.Run, error) {
	var r provision.Run
	var trig, status, sum, code, msg string
	var started, finished int64
	dest := []any{&r.ID, &trig, &r.DryRun, &r.Source.Kind, &r.Source.Domain, &r.Users, &status, &started, &finished, &sum, &code, &msg}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.Trigger, r.Status = provision.Trigger(trig), provision.Status(status)
	r.StartedAt, r.FinishedAt = fromMillis(started), fromMillis(finished)
	if err := json.Unmarshal([]byte(sum), &r.Summary); err != nil {
		return nil, fmt.Errorf("run %d summary: %w", r.ID, err)
	}
	if r.Summary == nil {
		r.Summary = provision.Summary{}
	}
	if code != "" {
		r.Error = &provision.Issue{Code: code, Message: msg}
	}
	return &r, nil
}

// ListRuns returns up to limit runs, newest first, without their plans.
func (s *Store) ListRuns(ctx context.Context, limit int) ([]*provision.Run, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT "+runColumns+" FROM runs ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	out := []*provision.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetRun returns one run with its plan, or an error with code not_found.
func (s *Store) GetRun(ctx context.Context, id int64) (*provision.Run, error) {
	var plan []byte
	r, err := scanRun(s.ro.QueryRowContext(ctx, "SELECT "+runColumns+", plan FROM runs WHERE id = ?", id), &plan)
	if err == sql.ErrNoRows {
		return nil, &provision.Error{Code: "not_found", Message: fmt.Sprintf("there is no run %d; list runs with cybridge runs", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	if plan != nil {
		p, err := decompressPlan(plan)
		if err != nil {
			return nil, fmt.Errorf("run %d plan: %w", id, err)
		}
		r.Plan = p
	}
	return r, nil
}

// compressPlan is how runs store a plan: its compact JSON, gzip-compressed
// (plans of a whole directory are ~100 MB of JSON and compress ~10×), and
// streamed so that the JSON is never held whole in memory.
func compressPlan(p *provision.Plan) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := p.EncodeCompact(zw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decompressPlan reads a stored plan (gzip-compressed JSON; plain JSON is
// read too).
func decompressPlan(b []byte) (*provision.Plan, error) {
	var r io.Reader = bytes.NewReader(b)
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	var p provision.Plan
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}
