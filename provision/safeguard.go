package provision

import (
	"math"

	"github.com/cybridge/cybridge/internal/msg"
)

// Safeguard codes (the reasons of a BlockedError).
const (
	SafeguardMaxDeletes       = "max_deletes"
	SafeguardMaxDeletePercent = "max_delete_percent"
	SafeguardMinSourceRatio   = "min_source_ratio"
)

// Safeguards stop a run that would remove too much, or that read a
// directory much smaller than last time — the classic sign of a partial
// read (an account that sees only part of the domain). They block the whole
// run; allowing deletes (Request.AllowDeletes) releases them.
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

// Check returns the safeguards p trips, each with the Params of its
// reason's text and the English Message rendered from them. lastUsers is
// the user count of the last applied run (0 when there is none). It is
// pure.
func (s Safeguards) Check(p *Plan, lastUsers int) []Issue {
	var out []Issue
	for _, t := range p.Targets {
		n := p.Removals(t.Name)
		if n == 0 {
			continue
		}
		if n > s.MaxDeletes {
			out = append(out, reason(SafeguardMaxDeletes, t.Name, msg.Params{"target": t.Name, "count": n, "limit": s.MaxDeletes}))
		}
		if t.Linked > 0 && n*100 > s.MaxDeletePercent*t.Linked {
			percent := math.Round(float64(n)*1000/float64(t.Linked)) / 10 // one decimal, as the text shows it
			out = append(out, reason(SafeguardMaxDeletePercent, t.Name, msg.Params{
				"target": t.Name, "count": n, "linked": t.Linked, "percent": percent, "limit": s.MaxDeletePercent}))
		}
	}
	if lastUsers > 0 && p.Source.Users*100 < s.MinSourceRatio*lastUsers {
		out = append(out, reason(SafeguardMinSourceRatio, "", msg.Params{"users": p.Source.Users, "limit": s.MinSourceRatio, "last": lastUsers}))
	}
	return out
}

// reason is the issue of a tripped safeguard.
func reason(code, target string, p msg.Params) Issue {
	return Issue{Code: code, Target: target, Params: p, Message: msg.Text(msg.En, code, p)}
}
