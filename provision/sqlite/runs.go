package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cybridge/cybridge/internal/msg"
	"strings"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// InsertRun records a run (with its plan as JSON) and returns its id; an
// applied run's changes are written to the change index too.
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
	var chunks []planChunk
	if r.Plan != nil {
		b, cs, err := compressPlan(r.Plan)
		if err != nil {
			return 0, fmt.Errorf("encode the plan: %w", err)
		}
		plan, chunks = b, cs
	}
	var code, text, params, texts string
	if r.Error != nil {
		code, text = r.Error.Code, r.Error.Message
		if params, err = jsonOrEmpty(r.Error.Params); err == nil {
			texts, err = jsonOrEmpty(r.Error.Texts)
		}
		if err != nil {
			return 0, fmt.Errorf("encode the run's error: %w", err)
		}
	}
	repeats := max(r.Repeats, 1)
	res, err := q.ExecContext(ctx, `INSERT INTO runs (triggered_by, dry_run, source_kind, source_domain, users, status,
started_at, finished_at, summary, error_code, error_message, error_params, error_texts, repeats, plan)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(r.Trigger), r.DryRun, r.Source.Kind, r.Source.Domain, r.Users, string(r.Status),
		millis(r.StartedAt), millis(r.FinishedAt), string(sum), code, text, params, texts, repeats, plan)
	if err != nil {
		return 0, fmt.Errorf("record the run: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	// An applied run's changes go to the change index in the same
	// transaction (see changes.go): a rolled-back apply leaves no rows.
	if (r.Status == provision.StatusApplied || r.Status == provision.StatusPartial) && r.Plan != nil {
		keys := make([]keyRow, len(r.Plan.Changes))
		for i := range r.Plan.Changes {
			keys[i] = keyRowOf(i, &r.Plan.Changes[i])
		}
		if err := writeIndex(ctx, q, id, chunks, keys); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// jsonOrEmpty is v as JSON, or "" when v is empty.
func jsonOrEmpty[M ~map[K]V, K comparable, V any](v M) (string, error) {
	if len(v) == 0 {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// FoldRun folds a no-change run r into the newest run when that one is a
// no-change run of the same trigger from the same source (a test run and
// an apply that both find the roster current say the same thing):
// its count goes up by one and its last time becomes r's finish. It
// returns the newest run's id, or 0 when r must be a row of its own.
func (s *Store) FoldRun(ctx context.Context, q provision.Querier, r *provision.Run) (int64, error) {
	var id int64
	var trig, status, kind, domain string
	err := q.QueryRowContext(ctx, "SELECT id, triggered_by, status, source_kind, source_domain FROM runs ORDER BY id DESC LIMIT 1").
		Scan(&id, &trig, &status, &kind, &domain)
	switch {
	case err == sql.ErrNoRows:
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("read the newest run: %w", err)
	case r.Status != provision.StatusNoChanges || provision.Status(status) != provision.StatusNoChanges ||
		provision.Trigger(trig) != r.Trigger || kind != r.Source.Kind || domain != r.Source.Domain:
		return 0, nil
	}
	if _, err := q.ExecContext(ctx, "UPDATE runs SET repeats = repeats + 1, finished_at = ?, users = ? WHERE id = ?",
		millis(r.FinishedAt), r.Users, id); err != nil {
		return 0, fmt.Errorf("fold the run into run %d: %w", id, err)
	}
	return id, nil
}

// FinishRun sets a run's finish time.
func (s *Store) FinishRun(ctx context.Context, q provision.Querier, id int64, at time.Time) error {
	_, err := q.ExecContext(ctx, "UPDATE runs SET finished_at = ? WHERE id = ?", millis(at), id)
	return err
}

// PruneRuns deletes runs finished before the given time, except the last
// successful run (applied — partially too —, or a no-change run): it is
// the baseline of
// min_source_ratio (LastAppliedUsers). A folded row lives as long as its
// last run is young.
func (s *Store) PruneRuns(ctx context.Context, q provision.Querier, before time.Time) error {
	_, err := q.ExecContext(ctx, `DELETE FROM runs WHERE finished_at < ?
AND id IS NOT (SELECT max(id) FROM runs WHERE status IN ('applied', 'partial', 'no_changes'))`, millis(before))
	return err
}

// LastAppliedUsers is the user count of the last successful run: applied
// (partially too: the directory was read whole), or a no-change run, which read the whole directory and found the roster
// current (0 if none).
func (s *Store) LastAppliedUsers(ctx context.Context, q provision.Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT users FROM runs WHERE status IN ('applied', 'partial', 'no_changes') ORDER BY id DESC LIMIT 1").Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, err
}

const runColumns = "id, triggered_by, dry_run, source_kind, source_domain, users, status, started_at, finished_at, summary, error_code, error_message, error_params, error_texts, repeats"

func scanRun(sc interface{ Scan(...any) error }, extra ...any) (*provision.Run, error) {
	var r provision.Run
	var trig, status, sum, code, text, params, texts string
	var started, finished int64
	dest := []any{&r.ID, &trig, &r.DryRun, &r.Source.Kind, &r.Source.Domain, &r.Users, &status, &started, &finished, &sum, &code, &text, &params, &texts, &r.Repeats}
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
		r.Error = &provision.Issue{Code: code, Message: text}
		for _, f := range []struct {
			s string
			v any
		}{{params, &r.Error.Params}, {texts, &r.Error.Texts}} {
			if f.s == "" {
				continue
			}
			if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
				return nil, fmt.Errorf("run %d error: %w", r.ID, err)
			}
		}
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

// NewestRun returns the newest run with one of the statuses, without its
// plan, or nil when there is none.
func (s *Store) NewestRun(ctx context.Context, statuses ...provision.Status) (*provision.Run, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := make([]any, len(statuses))
	marks := make([]string, len(statuses))
	for i, st := range statuses {
		args[i], marks[i] = string(st), "?"
	}
	r, err := scanRun(s.ro.QueryRowContext(ctx, "SELECT "+runColumns+" FROM runs WHERE status IN ("+strings.Join(marks, ", ")+") ORDER BY id DESC LIMIT 1", args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the newest run: %w", err)
	}
	return r, nil
}

// RunsSince returns the runs whose last run finished at or after since,
// oldest first, without their plans: one query for a trend of the history.
func (s *Store) RunsSince(ctx context.Context, since time.Time) ([]*provision.Run, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT "+runColumns+" FROM runs WHERE finished_at >= ? ORDER BY id", millis(since))
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
		return nil, runNotFound(id)
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

// runNotFound is the not_found of a run id that is not recorded.
func runNotFound(id int64) error {
	return &provision.Error{Code: msg.CodeNotFound, Kind: msg.KindNotFound, Key: "run_not_found", Params: msg.Params{"run": id}, Message: msg.Text(msg.En, "run_not_found", msg.Params{"run": id})}
}

// RunHead returns one run without its plan, or an error with code
// not_found.
func (s *Store) RunHead(ctx context.Context, id int64) (*provision.Run, error) {
	r, err := scanRun(s.ro.QueryRowContext(ctx, "SELECT "+runColumns+" FROM runs WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return nil, runNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	return r, nil
}

// ReadPlan reads run id's stored plan one change at a time, calling each
// with every change's JSON (as stored: compact, the plan's shape) in plan
// order, and returns the plan without its changes; nil when the run has
// no plan. The plan is never decoded whole (a whole directory's is ~100 MB
// of JSON).
func (s *Store) ReadPlan(ctx context.Context, id int64, each func(json.RawMessage) error) (*provision.Plan, error) {
	var plan []byte
	err := s.ro.QueryRowContext(ctx, "SELECT plan FROM runs WHERE id = ?", id).Scan(&plan)
	if err == sql.ErrNoRows {
		return nil, runNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	if plan == nil {
		return nil, nil
	}
	ps, err := openPlan(plan)
	if err != nil {
		return nil, fmt.Errorf("run %d plan: %w", id, err)
	}
	for {
		c, err := ps.NextJSON()
		if err != nil {
			return nil, fmt.Errorf("run %d plan: %w", id, err)
		}
		if c == nil {
			break
		}
		if err := each(c); err != nil {
			return nil, err
		}
	}
	head, err := ps.Head()
	if err != nil {
		return nil, fmt.Errorf("run %d plan: %w", id, err)
	}
	return head, nil
}

// decompressPlan reads a stored plan (gzip-compressed JSON; plain JSON is
// read too).
func decompressPlan(b []byte) (*provision.Plan, error) {
	r, err := planReader(b)
	if err != nil {
		return nil, err
	}
	var p provision.Plan
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// LatestPlanRun returns the id of the newest run that made a plan to apply
// (a dry run, or a run a safeguard blocked), or 0 when there is none.
//
// A later run that applied changes (also partially) or found nothing to
// do, and did not
// apply this plan, supersedes it: the targets moved on, or the directory
// came back to what they hold (the review's C7: after a blocked run, a fix
// and a run with no changes, "the latest plan" is not the blocked one). A
// plan that was applied stays the latest until a later run succeeds.
func (s *Store) LatestPlanRun(ctx context.Context) (int64, error) {
	var id int64
	err := s.ro.QueryRowContext(ctx, `SELECT r.id FROM runs r WHERE r.status IN ('dry_run', 'blocked') AND r.plan IS NOT NULL
AND NOT EXISTS (SELECT 1 FROM runs later WHERE later.id > r.id AND later.status IN ('applied', 'partial', 'no_changes')
  AND later.id IS NOT (SELECT applied_run_id FROM plan_applied WHERE plan_run_id = r.id))
ORDER BY r.id DESC LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the latest plan: %w", err)
	}
	return id, nil
}

// PlanRunOf returns the id of the dry run or blocked run that made plan p
// (a plan written by plan -out, or downloaded from the console, and read
// back), or 0 when no recorded run made it (its run was pruned, or the
// plan comes from another database).
//
// A plan file does not name its run, so the run is recognised: it is the
// dry run or blocked run whose time span holds the plan's creation time
// and whose stored plan has the same creation time, source digest, linked
// domain and target state digests. The planner is a pure function of
// those inputs, so two plans that agree on all of them are the same plan.
func (s *Store) PlanRunOf(ctx context.Context, p *provision.Plan) (int64, error) {
	at := millis(p.CreatedAt)
	rows, err := s.ro.QueryContext(ctx, `SELECT id, plan FROM runs WHERE status IN ('dry_run', 'blocked')
AND plan IS NOT NULL AND started_at <= ? AND finished_at >= ? ORDER BY id DESC`, at, at)
	if err != nil {
		return 0, fmt.Errorf("find the run of the plan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return 0, fmt.Errorf("find the run of the plan: %w", err)
		}
		stored, err := decompressPlan(raw)
		if err != nil {
			return 0, fmt.Errorf("run %d plan: %w", id, err)
		}
		if samePlan(stored, p) {
			return id, nil
		}
	}
	return 0, rows.Err()
}

// samePlan reports whether a and b were made from the same inputs (see
// PlanRunOf).
func samePlan(a, b *provision.Plan) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || a.Source.Digest != b.Source.Digest || a.Source.Domain != b.Source.Domain ||
		a.LinkedDomain != b.LinkedDomain || a.SwitchDomain != b.SwitchDomain ||
		len(a.Targets) != len(b.Targets) || len(a.Changes) != len(b.Changes) {
		return false
	}
	for i := range a.Targets {
		if a.Targets[i].Name != b.Targets[i].Name || a.Targets[i].Digest != b.Targets[i].Digest {
			return false
		}
	}
	return true
}
