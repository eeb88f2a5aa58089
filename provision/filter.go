package provision

import "strings"

// ChangeFilter selects a plan's changes for a report: by target, kind and
// action (each empty for any) and by text, which matches a change whose
// key or label contains it, ignoring case. The console's plan and run
// pages page through the changes it selects.
type ChangeFilter struct {
	Target string `json:"target,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Action Action `json:"action,omitempty"`
	Text   string `json:"text,omitempty"`
}

// IsZero reports whether f selects every change.
func (f ChangeFilter) IsZero() bool { return f == ChangeFilter{} }

// Match reports whether f selects c.
func (f ChangeFilter) Match(c *Change) bool {
	if f.Target != "" && c.Target != f.Target || f.Kind != "" && c.Kind != f.Kind || f.Action != "" && c.Action != f.Action {
		return false
	}
	return f.Text == "" || strings.Contains(SearchText(c), strings.ToLower(strings.TrimSpace(f.Text)))
}

// SearchText is what a text filter searches in c: its key and label,
// lower-cased.
func SearchText(c *Change) string {
	if c.Label == "" {
		return strings.ToLower(c.Key)
	}
	return strings.ToLower(c.Key + "\x00" + c.Label)
}
