package app

// The console's long lists at 100,000 users, read a page at a time: a
// run's plan through its index (kept in the Console's cache), the roster
// and the enrolments with SQL.

import (
	"context"
	"encoding/json"
	"io"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/planindex"
	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// PlanCacheBytes bounds the plan indexes the console keeps (see
// provision/planindex): three whole-directory plans at 100,000 users
// (~21 MB each).
const PlanCacheBytes = 64 << 20

// RunHead returns one run without its plan (not_found if there is none).
func (a *App) RunHead(ctx context.Context, id int64) (*provision.Run, error) {
	return a.store.RunHead(ctx, id)
}

// IndexPlan reads run id's stored plan one change at a time into an index
// for paging; its Head is nil when the run has no plan.
func (a *App) IndexPlan(ctx context.Context, id int64) (*planindex.Index, error) {
	b := planindex.NewBuilder()
	head, err := a.store.ReadPlan(ctx, id, func(raw json.RawMessage) error { return b.AddJSON(raw) })
	if err != nil {
		return nil, err
	}
	return b.Done(head)
}

// index is run id's plan index, from the console's cache.
func (c *Console) index(ctx context.Context, id int64) (*planindex.Index, error) {
	return c.plans.Get(ctx, id, func() (*planindex.Index, error) { return c.app.IndexPlan(ctx, id) })
}

// RunHead returns one run with its plan's head (no changes) and who
// applied that plan.
func (c *Console) RunHead(ctx context.Context, id int64) (*provision.Run, error) {
	r, err := c.app.RunHead(ctx, id)
	if err != nil {
		return nil, err
	}
	x, err := c.index(ctx, id)
	if err != nil {
		return nil, err
	}
	r.Plan = x.Head
	return c.withAppliedBy(ctx, r)
}

// LatestPlanHead is LatestPlan with the plan's head only.
func (c *Console) LatestPlanHead(ctx context.Context) (*provision.Run, error) {
	id, err := c.app.store.LatestPlanRun(ctx)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, newError(msg.CodeNotFound, KeyNoPlanYet, nil)
	}
	return c.RunHead(ctx, id)
}

// PlanChanges returns a page of the changes of run id's plan that f
// selects.
func (c *Console) PlanChanges(ctx context.Context, id int64, f provision.ChangeFilter, offset, limit int) (web.ChangePage, error) {
	x, err := c.index(ctx, id)
	if err != nil {
		return web.ChangePage{}, err
	}
	cs, n, err := x.Page(f, offset, limit)
	if err != nil {
		return web.ChangePage{}, err
	}
	return web.ChangePage{Changes: cs, Matched: n, Total: x.Len()}, nil
}

// EnrolmentPage is one page of the enrolment list.
func (c *Console) EnrolmentPage(ctx context.Context, q web.EnrolmentQuery) (web.EnrolmentPage, error) {
	ed, err := c.editor()
	if err != nil {
		return web.EnrolmentPage{}, err
	}
	pg, err := ed.ListPage(ctx, calendar.PageQuery{State: calendar.DisplayState(q.State), Text: q.Text, Offset: q.Offset, Limit: q.Limit})
	if err != nil {
		return web.EnrolmentPage{}, err
	}
	out := web.EnrolmentPage{Matched: pg.Matched, All: pg.All, Counts: map[string]int{}, Enrolments: make([]calendar.EnrolmentView, len(pg.Enrolments))}
	for st, n := range pg.Counts {
		out.Counts[string(st)] = n
	}
	for i := range pg.Enrolments {
		out.Enrolments[i] = pg.Enrolments[i].View()
	}
	return out, nil
}

// RosterPage reads the roster's departments and one page of its members
// (safety_disabled while the target is disabled).
func (a *App) RosterPage(ctx context.Context, q safety.PageQuery) (*safety.Page, error) {
	if !a.cfg.Safety.Enabled {
		return nil, errSafetyDisabled
	}
	return safety.ReadPage(ctx, a.store, q)
}

// RosterPage is one page of the roster.
func (c *Console) RosterPage(ctx context.Context, q safety.PageQuery) (*safety.Page, error) {
	return c.app.RosterPage(ctx, q)
}

// WritePlanJSON writes run id's stored plan as `plan -out` writes it,
// streamed from the stored plan one change at a time (its head from the
// plan's index): a whole directory's plan is never decoded whole for a
// download. A run without a plan writes nothing.
func (c *Console) WritePlanJSON(ctx context.Context, id int64, w io.Writer) error {
	x, err := c.index(ctx, id)
	if err != nil || x.Head == nil {
		return err
	}
	return provision.WriteJSONStream(w, x.Head, func(yield func([]byte) error) error {
		_, err := c.app.store.ReadPlan(ctx, id, func(raw json.RawMessage) error { return yield(raw) })
		return err
	})
}
