package provision

import (
	"context"
	"fmt"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
)

// RemoteTarget is a Target whose state lives in another system (a SCIM
// app), reached over the network: it cannot take part in the database
// transaction. The Runner calls LoadRemote instead of Load and ApplyRemote
// instead of Apply; Load and Apply are never called for it.
//
// Decisions:
//   - Remote states are read before the database's read transaction, in
//     target order, and a failed read fails the run: nothing is planned
//     from a partial read, so nothing is deleted or deactivated.
//   - A remote target's TargetInfo.Digest covers its links only (the
//     remote state is not in the database). What a stored plan read of
//     each remote object travels in its change (Change.Data); before a
//     stored plan is applied, CheckRemote re-reads the objects it touches
//     and refuses the whole apply with stale_plan when any moved on, before
//     anything is sent. A fresh plan is applied at once, without that
//     re-read: the target's own guards (If-Match) cover the moments between.
//   - Remote changes are sent after the local targets' freshness check and
//     before the apply transaction; the transaction then applies the local
//     targets, records the run and the links of the remote changes that
//     succeeded. Should that transaction fail, the remote changes stay
//     made without links: a remote target must therefore be able to match
//     its objects again without them (SCIM: by externalId). That
//     transaction runs even when the run was cancelled or timed out while
//     the changes were sent: what was made is recorded.
//   - A run where some remote changes failed ends StatusPartial: what
//     succeeded is committed and recorded (the run's plan holds only the
//     applied changes, so the history and the change log tell what
//     happened), and its error, a *PartialError, lists every failure.
type RemoteTarget interface {
	Target
	// LoadRemote reads the target's current state from the remote system.
	LoadRemote(ctx context.Context) (State, error)
	// CheckRemote re-reads the remote objects changes touch and returns
	// a *StaleObject naming the first one that changed since the plan
	// was made; any other error fails the run.
	CheckRemote(ctx context.Context, changes []Change) error
	// ApplyRemote sends this target's changes of one plan and returns one
	// Outcome per change, in order. It never stops at a failed change: a
	// failure is that change's Outcome.
	ApplyRemote(ctx context.Context, changes []Change) []Outcome
}

// Outcome is how one remote change went.
type Outcome struct {
	// ObjectID is the remote object's id (the new id of a created one).
	ObjectID string
	// Err is why the change failed; nil when it succeeded. A coded error
	// (ErrorCode, ErrorParams) keeps its code in the run's failure list.
	Err error
}

// StaleObject is CheckRemote's answer when a remote object changed since
// the plan: the Runner turns it into stale_plan.
type StaleObject struct {
	Kind, Key, ObjectID string
}

func (s *StaleObject) Error() string {
	return fmt.Sprintf("%s %s (%s) changed since the plan", s.Kind, s.Key, s.ObjectID)
}

// keyStaleRemote is stale_plan's text for a remote object that changed.
const keyStaleRemote = "stale_plan.remote"

// CodePartial is the code of a run some of whose remote changes failed.
const CodePartial = "partially_applied"

// PartialError is the error of a StatusPartial run: every remote change
// that failed, as an issue with the failure's code and the object (params
// target, kind, key, label, action, detail and what the failure gave).
type PartialError struct {
	Applied  int
	Failures []Issue
}

func (e *PartialError) ErrorCode() string { return CodePartial }

// ErrorKind: the remote system refused or failed part of the run; the
// next run tries again.
func (e *PartialError) ErrorKind() msg.Kind { return msg.KindUnavailable }
func (e *PartialError) ErrorParams() msg.Params {
	return msg.Params{"applied": e.Applied, "failed": len(e.Failures)}
}
func (e *PartialError) Error() string { return e.Localize(msg.En) }

// Localize renders the heading and one line per failure, naming the
// object and the failure.
func (e *PartialError) Localize(lang msg.Lang) string {
	var b strings.Builder
	b.WriteString(msg.Text(lang, CodePartial, e.ErrorParams()))
	for _, i := range e.Failures {
		b.WriteString("\n  [" + i.Code + "] ")
		b.WriteString(msg.Text(lang, keyPartialObject, i.Params))
		if t, ok := i.Texts[lang]; ok {
			b.WriteString(t)
		} else {
			b.WriteString(i.Localize(lang))
		}
	}
	return b.String()
}

// keyPartialObject names the object of one failure in a PartialError.
const keyPartialObject = "partially_applied.object"

// failureIssue is the issue of change c's failure err.
func failureIssue(c *Change, err error) Issue {
	p := msg.Params{}
	for k, v := range msg.ParamsOf(err) {
		p[k] = v
	}
	p["target"], p["kind"], p["key"], p["action"] = c.Target, c.Kind, c.Key, string(c.Action)
	if _, ok := p["detail"]; !ok {
		p["detail"] = err.Error()
	}
	code := msg.Code(err)
	if code == "" || code == msg.CodeInternal {
		code = CodeApplyFailed
	}
	i := Issue{Code: code, Target: c.Target, Params: p, Message: err.Error(), Texts: map[msg.Lang]string{}}
	for _, l := range msg.Langs() {
		i.Texts[l] = msg.Localize(l, err)
	}
	return i
}

// remoteDigest is the state part of a remote target's TargetInfo.Digest:
// the state is not in the database, so the digest covers the links only.
type remoteDigest struct{}

func (remoteDigest) Digest() string { return "remote" }

// targetDigest is what a plan records of t's state st and links.
func targetDigest(t Target, st State, links []Link) string {
	if _, ok := t.(RemoteTarget); ok {
		st = remoteDigest{}
	}
	return StateDigest(st, links)
}

// loadRemote reads every remote target's state, in target order.
func (r *Runner) loadRemote(ctx context.Context) (map[string]State, error) {
	out := map[string]State{}
	for _, t := range r.Targets {
		rt, ok := t.(RemoteTarget)
		if !ok {
			continue
		}
		r.progress(&Request{}, Progress{Stage: StageReading}, "reading "+t.Name())
		st, err := rt.LoadRemote(ctx)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", t.Name(), err)
		}
		out[t.Name()] = st
	}
	return out, nil
}

// checkRemote re-reads the remote objects a stored plan touches (refusing
// it with stale_plan when any changed) before anything is sent.
func (r *Runner) checkRemote(ctx context.Context, plan *Plan, targets map[string]Target) error {
	for _, ti := range plan.Targets {
		rt, ok := targets[ti.Name].(RemoteTarget)
		changes := plan.ChangesFor(ti.Name)
		if !ok || len(changes) == 0 {
			continue
		}
		r.progress(&Request{}, Progress{Stage: StageApplying}, "checking "+ti.Name)
		err := rt.CheckRemote(ctx, changes)
		if so, stale := err.(*StaleObject); stale {
			return newError(CodeStalePlan, keyStaleRemote, msg.Params{"target": ti.Name, "kind": so.Kind, "key": so.Key,
				"created": plan.CreatedAt.Format("2006-01-02T15:04:05Z07:00")}, err)
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", ti.Name, err)
		}
	}
	return nil
}

// remoteResult is what the remote targets did: the outcome of each of
// their changes, by target.
type remoteResult map[string][]Outcome

// applyRemote sends every remote target's changes, telling req's progress
// after each target, and returns the outcomes with how many changes were
// sent (of total).
func (r *Runner) applyRemote(ctx context.Context, req *Request, plan *Plan, targets map[string]Target, total int) (remoteResult, int) {
	out, sent := remoteResult{}, 0
	for _, ti := range plan.Targets {
		rt, ok := targets[ti.Name].(RemoteTarget)
		changes := plan.ChangesFor(ti.Name)
		if !ok || len(changes) == 0 {
			continue
		}
		r.progress(&Request{}, Progress{Stage: StageApplying}, fmt.Sprintf("sending %d changes to %s", len(changes), ti.Name))
		outs := rt.ApplyRemote(ctx, changes)
		if len(outs) != len(changes) { // a target bug: count every change as failed
			outs = make([]Outcome, len(changes))
			for i := range outs {
				outs[i].Err = fmt.Errorf("%s returned no outcome", ti.Name)
			}
		}
		out[ti.Name] = outs
		sent += len(changes)
		r.progress(req, Progress{Stage: StageApplying, Applied: sent, Total: total}, "")
	}
	return out, sent
}

// applied is plan reduced to the changes that were applied (the local
// targets' and the remote ones that succeeded) and the failures of the
// others; plan itself when every change succeeded.
func (rr remoteResult) applied(plan *Plan) (*Plan, *PartialError) {
	var failures []Issue
	kept := make([]Change, 0, len(plan.Changes))
	for _, ti := range plan.Targets {
		outs, remote := rr[ti.Name]
		for i, c := range plan.ChangesFor(ti.Name) {
			if remote && outs[i].Err != nil {
				failures = append(failures, failureIssue(&c, outs[i].Err))
				continue
			}
			kept = append(kept, c)
		}
	}
	if len(failures) == 0 {
		return plan, nil
	}
	p := *plan
	p.Changes = kept
	p.Summary = summarize(kept, p.Targets)
	return &p, &PartialError{Applied: len(kept), Failures: failures}
}

// writeRemoteLinks records the links of a remote target's changes that
// succeeded: a created or matched object is linked, a deleted one
// unlinked.
func writeRemoteLinks(ctx context.Context, lw LinkWriter, changes []Change, outs []Outcome) error {
	for i := range changes {
		c, o := &changes[i], outs[i]
		if o.Err != nil {
			continue
		}
		id := o.ObjectID
		if id == "" {
			id = c.ObjectID
		}
		switch {
		case c.Action == Delete:
			if err := lw.Delete(ctx, c.Kind, id); err != nil {
				return err
			}
		case c.Link != nil && id != "":
			if err := lw.Set(ctx, c.Kind, id, *c.Link); err != nil {
				return err
			}
		}
	}
	return nil
}
