package main

import (
	"context"
	"time"

	"github.com/cybridge/cybridge/directory"
)

// planApplyResult is one plan + first apply.
type planApplyResult struct {
	Plan, Apply time.Duration
	Applied     bool
}

// planApply plans snap against a fresh database at db and applies the plan.
// Until the safety roster target exists, it plans and applies nothing.
func planApply(ctx context.Context, snap *directory.Snapshot, db string) (planApplyResult, error) {
	return planApplyResult{}, nil
}

// benchApply measures plan, first apply and the no-change re-run.
func benchApply(ctx context.Context, p Params, full *directory.Snapshot, logf func(string, ...any)) ([]Figure, error) {
	logf("apply: not available yet (targets/safety has no Target)")
	return nil, nil
}
