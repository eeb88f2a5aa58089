package provision

import "fmt"

// Safeguard codes (the reasons of a BlockedError).
const (
	SafeguardMaxDeletes       = "max_deletes"
	SafeguardMaxDeletePercent = "max_delete_percent"
	SafeguardMinSourceRatio   = "min_source_ratio"
)

// Safeguards stop a run that would remove too much, or that read a
// directory much smaller than last time — the classic sign of a partial
// read (an account that sees only part of the domain). They block the whole
// run; -allow-deletes releases them.
type Safeguards struct {
	// MaxDeletes: a target's deletes + disables (+ sync resets, see
	// Plan.Removals) above this block the run.
	// 0 means any delete blocks.
	MaxDeletes int
	// MaxDeletePercent: a target's deletes + disables above this percentage
	// of its linked objects block the run. 100 turns it off.
	MaxDeletePercent int
	// MinSourceRatio: a directory with fewer users than this percentage of
	// the last successful run's blocks the run. 0 turns it off.
	MinSourceRatio int
}

// Check returns the safeguards p trips. lastUsers is the user count of the
// last applied run (0 when there is none). It is pure.
func (s Safeguards) Check(p *Plan, lastUsers int) []Issue {
	var out []Issue
	for _, t := range p.Targets {
		n := p.Removals(t.Name)
		if n == 0 {
			continue
		}
		if n > s.MaxDeletes {
			out = append(out, Issue{Code: SafeguardMaxDeletes, Target: t.Name, Message: fmt.Sprintf(
				"%s: this run would delete, disable or reset %d %s, more than max_deletes = %d", t.Name, n, plural(n, "object", "objects"), s.MaxDeletes)})
		}
		if t.Linked > 0 && n*100 > s.MaxDeletePercent*t.Linked {
			out = append(out, Issue{Code: SafeguardMaxDeletePercent, Target: t.Name, Message: fmt.Sprintf(
				"%s: this run would delete, disable or reset %d of %d linked objects (%.1f%%), more than max_delete_percent = %d%%",
				t.Name, n, t.Linked, float64(n)*100/float64(t.Linked), s.MaxDeletePercent)})
		}
	}
	if lastUsers > 0 && p.Source.Users*100 < s.MinSourceRatio*lastUsers {
		out = append(out, Issue{Code: SafeguardMinSourceRatio, Message: fmt.Sprintf(
			"the directory has %d users, fewer than min_source_ratio = %d%% of the %d read by the last successful run; "+
				"a partial read (an account that is not a cybozu.com administrator, or 組織間のアクセス権) looks like mass leaving — check the account with cybridge check",
			p.Source.Users, s.MinSourceRatio, lastUsers)})
	}
	return out
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
