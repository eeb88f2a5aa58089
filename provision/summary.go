package provision

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
)

// TargetCounts is one target's part of a summary as the surfaces lay it
// out: its kinds with their non-zero counts, in the target's report order.
type TargetCounts struct {
	Target string
	Kinds  []KindCounts
}

// KindCounts is one kind's non-zero counts, in the kind's action order.
type KindCounts struct {
	Kind string // plural, as the summary counts it
	Acts []ActionCount
}

// ActionCount is how many changes of one action a kind has.
type ActionCount struct {
	Action Action
	N      int
}

// Layout lays out s by the targets' metadata (Target.Info): targets and
// kinds in report order, actions in each kind's order, zero counts left
// out. A target or kind the metadata does not name (a target since
// disabled) follows, by name, with its actions by name. A target in s
// with nothing to do is there with no kinds. It is the one layout of a
// summary: the console's and the CLI's run lists render it.
func (s Summary) Layout(targets []TargetInfo) []TargetCounts {
	infos := slices.Clone(targets)
	for _, name := range slices.Sorted(maps.Keys(s)) {
		if !slices.ContainsFunc(infos, func(t TargetInfo) bool { return t.Name == name }) {
			infos = append(infos, TargetInfo{Name: name})
		}
	}
	var out []TargetCounts
	for _, t := range infos {
		counts, ok := s[t.Name]
		if !ok {
			continue
		}
		kinds := slices.Clone(t.Kinds)
		for _, plural := range slices.Sorted(maps.Keys(counts)) {
			if !slices.ContainsFunc(kinds, func(k KindInfo) bool { return k.Plural == plural }) {
				kinds = append(kinds, KindInfo{Plural: plural, Actions: slices.Sorted(maps.Keys(counts[plural]))})
			}
		}
		tc := TargetCounts{Target: t.Name}
		for _, k := range kinds {
			kc := KindCounts{Kind: k.Plural}
			for _, a := range k.Actions {
				if n := counts[k.Plural][a]; n > 0 {
					kc.Acts = append(kc.Acts, ActionCount{Action: a, N: n})
				}
			}
			if len(kc.Acts) > 0 {
				tc.Kinds = append(tc.Kinds, kc)
			}
		}
		out = append(out, tc)
	}
	return out
}

// CompactSummary is s in one short line, as a table of runs shows it:
// per target (in Layout's order) its changes of every kind added up by
// action, "safety +3 ~1 -0" (create, update, delete; disable "!2" only
// when there are some); "-" when s is empty.
func CompactSummary(l msg.Lang, s Summary, targets []TargetInfo) string {
	rows := s.Layout(targets)
	if len(rows) == 0 {
		return "-"
	}
	parts := make([]string, len(rows))
	for i, t := range rows {
		n := map[Action]int{}
		for _, k := range t.Kinds {
			for _, a := range k.Acts {
				n[a.Action] += a.N
			}
		}
		p := fmt.Sprintf("%s %s%d %s%d %s%d", TargetName(l, t.Target), Create.Glyph(), n[Create], Update.Glyph(), n[Update], Delete.Glyph(), n[Delete])
		if x := n[Disable]; x > 0 {
			p += fmt.Sprintf(" %s%d", Disable.Glyph(), x)
		}
		parts[i] = p
	}
	return strings.Join(parts, ", ")
}
