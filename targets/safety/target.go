package safety

import (
	"context"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
)

// Name is the target's name in plans, links and summaries.
const Name = "safety"

// Kinds of roster objects.
const (
	KindDepartment = "department"
	KindMember     = "member"
)

// Login keys (rule 7): what a new member's roster login is.
const (
	LoginKeyLogin = "login"
	LoginKeyEmail = "email"
)

// Config is the target's settings (the [safety] section).
type Config struct {
	// LoginKey is LoginKeyLogin or LoginKeyEmail.
	LoginKey string
	// IncludeSuspended imports 停止中 users like active ones (rule 13).
	IncludeSuspended bool
	// InitialPassword is every new member's password (rule 9). Needed only
	// when a plan creates members; stored only as a hash.
	InitialPassword secret.Secret
	// PasswordCost is the bcrypt cost (0 = bcrypt.DefaultCost).
	PasswordCost int
}

// Target is the safety roster as a provision.Target.
type Target struct {
	cfg Config
}

var _ provision.Target = (*Target)(nil)

// New returns the target with cfg.
func New(cfg Config) *Target {
	if cfg.LoginKey == "" {
		cfg.LoginKey = LoginKeyLogin
	}
	return &Target{cfg: cfg}
}

// FromConfig takes the target's settings from the configuration.
func FromConfig(c *config.Config) *Target {
	return New(Config{LoginKey: c.Safety.LoginKey, IncludeSuspended: c.Safety.IncludeSuspended, InitialPassword: c.Safety.InitialPassword})
}

// Name is "safety".
func (t *Target) Name() string { return Name }

// Kinds are departments and members, each created, updated or deleted.
func (t *Target) Kinds() []provision.KindInfo {
	actions := []provision.Action{provision.Create, provision.Update, provision.Delete}
	return []provision.KindInfo{
		{Kind: KindDepartment, Plural: "departments", Actions: actions, EmptyText: map[string]string{"parent": "(root)"}},
		{Kind: KindMember, Plural: "members", Actions: actions, EmptyText: map[string]string{"departments": "[]"}},
	}
}

// Load reads the roster.
func (t *Target) Load(ctx context.Context, q provision.Querier) (provision.State, error) {
	return Load(ctx, q)
}
