package provision

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
)

// Querier is what targets read and write through: an open transaction
// (*sql.Tx), or a *sql.DB for one-off reads.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Link records which directory object a target object was created or last
// updated from. Object ids are the target's own (as text).
type Link struct {
	Target   string `json:"target"`
	Kind     string `json:"kind"`
	ObjectID string `json:"object_id"`
	Dir      DirRef `json:"dir"`
}

// LinkWriter writes one target's links inside the apply transaction.
type LinkWriter interface {
	// Set links the object to ref (creating or replacing its link).
	Set(ctx context.Context, kind, objectID string, ref DirRef) error
	// Delete removes the object's link, if any.
	Delete(ctx context.Context, kind, objectID string) error
}

// State is what a target loaded from its store. The planner only passes it
// back to the target; Digest identifies its content, so that a stored plan
// can tell whether the state moved on.
type State interface {
	Digest() string
}

// PlanInput is everything a target plans from besides its own state. It is
// data only: planning does no I/O, reads no clock and logs nothing.
type PlanInput struct {
	Snapshot *directory.Snapshot
	Index    *directory.Index
	// Links are this target's links, sorted by kind and object id.
	Links []Link
	// Now is the plan's creation time, for rules that depend on time.
	Now time.Time
}

// TargetPlan is one target's part of a plan.
type TargetPlan struct {
	Changes  []Change
	Errors   []Issue
	Warnings []Issue
}

// ApplyTx is what a target applies its changes with: the open transaction
// (shared by every target, the links and the run record), a link writer for
// this target, the run's id and the apply time.
type ApplyTx struct {
	Querier
	Links LinkWriter
	RunID int64
	Now   time.Time
	// applied, when set, is the run's progress (Applied).
	applied func(n int)
}

// Applied tells the run's progress that n more of the target's changes
// were applied (in the open transaction). A target calls it as it goes;
// one that does not is counted whole when its Apply returns.
func (tx ApplyTx) Applied(n int) {
	if tx.applied != nil {
		tx.applied(n)
	}
}

// Target is one app whose state cybridge keeps in step with the directory.
// Target-specific settings live in the implementing struct.
type Target interface {
	// Name is the target's name in plans, summaries and links ("safety").
	Name() string
	// Kinds lists the kinds of objects it manages, in report order.
	Kinds() []KindInfo
	// Load reads the target's current state.
	Load(ctx context.Context, q Querier) (State, error)
	// Plan computes the changes that bring st in step with the directory.
	// It must be pure: same input, same output; no I/O, clock or logging.
	// Changes must carry everything Apply needs (ids, new values): Apply
	// never reads the directory.
	Plan(in PlanInput, st State) TargetPlan
	// Apply executes this target's changes of one plan, in plan order,
	// inside tx. It returns an error for anything it cannot do; the whole
	// run is then rolled back.
	Apply(ctx context.Context, tx ApplyTx, changes []Change) error
}

// QueryIDs runs query and returns its single integer column, in order: the
// ids a caller then visits one by one (the rows are closed first, so the
// visit may query again on the same connection).
func QueryIDs(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// LikeContains is a LIKE pattern (with ESCAPE '\') matching any text that
// contains s: % _ and \ in s are escaped. LIKE ignores the case of ASCII
// letters only.
func LikeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
