package calendar

import (
	"context"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/provision"
)

// Name is the target's name in plans, summaries and links.
const Name = "calendar"

// KindEnrolment is the one kind of object this target manages.
const KindEnrolment = "enrolment"

// Target is the calendar-sync enrolment target (SPEC §6).
type Target struct {
	Policy Policy
}

var _ provision.Target = (*Target)(nil)

// New makes the target from the configuration; an invalid scope or URL
// template is an error (config.Load reports them too).
func New(c config.Calendar) (*Target, error) {
	p, err := NewPolicy(c)
	if err != nil {
		return nil, err
	}
	return &Target{Policy: p}, nil
}

// Name is "calendar".
func (t *Target) Name() string { return Name }

// Kinds lists enrolments, which can be created, updated, disabled and
// deleted.
func (t *Target) Kinds() []provision.KindInfo {
	return []provision.KindInfo{{
		Kind: KindEnrolment, Plural: "enrolments",
		Actions: []provision.Action{provision.Create, provision.Update, provision.Disable, provision.Delete},
	}}
}

// Load reads every enrolment, by id.
func (t *Target) Load(ctx context.Context, q provision.Querier) (provision.State, error) {
	return loadAll(ctx, q)
}
