package scim

import (
	"context"
	"errors"
	"sort"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// Prefix is the start of every SCIM target's name: "scim.<instance>",
// which no built-in target (safety, calendar) can take.
const Prefix = "scim."

// Client is what the target needs of a SCIM app: *scimapi.Client.
type Client interface {
	ProviderConfig(ctx context.Context) (scimapi.ProviderConfig, error)
	Users(ctx context.Context) ([]scimapi.User, error)
	Groups(ctx context.Context) ([]scimapi.Group, error)
	User(ctx context.Context, id string) (scimapi.User, error)
	Group(ctx context.Context, id string) (scimapi.Group, error)
	Run(ctx context.Context, ops []scimapi.Op) []scimapi.Result
}

// Target is one [[scim]] instance.
type Target struct {
	s      Settings
	client Client
	attrs  []attr
	// listAbove: a stale-plan check of more objects than this reads the
	// whole list instead of each object (a page holds this many).
	listAbove int
}

var _ provision.RemoteTarget = (*Target)(nil)

// New makes the target of instance s over client.
func New(s Settings, client Client) *Target {
	t := &Target{s: s, client: client, attrs: append([]attr(nil), coreAttrs...), listAbove: scimapi.DefaultPageSize}
	mapped := make([]string, 0, len(s.Custom))
	for to := range s.Custom {
		mapped = append(mapped, to)
	}
	sort.Strings(mapped)
	for _, to := range mapped {
		t.attrs = append(t.attrs, custom(to))
	}
	return t
}

// FromConfig makes the target of one [[scim]] instance with its
// scimapi client (a missing token fails the client).
func FromConfig(c config.SCIM) (*Target, *scimapi.Client, error) {
	s, err := SettingsOf(c)
	if err != nil {
		return nil, nil, err
	}
	client, err := scimapi.New(scimapi.Config{BaseURL: c.URL, Token: c.Token, Concurrency: c.Concurrency, PageSize: c.PageSize})
	if err != nil {
		return nil, nil, err
	}
	t := New(s, client)
	if c.PageSize > 0 {
		t.listAbove = c.PageSize
	}
	return t, client, nil
}

// Name is "scim.<instance>".
func (t *Target) Name() string { return Prefix + t.s.Instance }

// Kinds lists users (created, updated, deactivated, deleted) and groups.
func (t *Target) Kinds() []provision.KindInfo {
	return []provision.KindInfo{
		{Kind: KindUser, Plural: "users", Actions: []provision.Action{provision.Create, provision.Update, provision.Disable, provision.Delete}},
		{Kind: KindGroup, Plural: "groups", Actions: []provision.Action{provision.Create, provision.Update, provision.Delete}},
	}
}

// LoadRemote reads what the app supports, every user and, when groups are
// provisioned, every group. Any failure fails the read: nothing is
// planned from part of the app.
func (t *Target) LoadRemote(ctx context.Context) (provision.State, error) {
	pc, err := t.client.ProviderConfig(ctx)
	if err != nil {
		return nil, err
	}
	st := &State{Provider: pc}
	if st.Users, err = t.client.Users(ctx); err != nil {
		return nil, err
	}
	if t.s.Groups || t.s.Organizations {
		if st.Groups, err = t.client.Groups(ctx); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// Load is LoadRemote: the app's state is not in the database.
func (t *Target) Load(ctx context.Context, _ provision.Querier) (provision.State, error) {
	return t.LoadRemote(ctx)
}

// errRemote: the Runner applies a remote target with ApplyRemote.
var errRemote = errors.New("scim: a remote target is applied with ApplyRemote")

// Apply is never called by the Runner for a remote target.
func (t *Target) Apply(context.Context, provision.ApplyTx, []provision.Change) error {
	return errRemote
}
