package provision

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// reasonText is how the text report explains a change's reason.
var reasonText = map[string]string{
	ReasonLink:       "matched by link",
	ReasonLogin:      "matched by login name",
	ReasonEmail:      "matched by email",
	ReasonCode:       "matched by code",
	ReasonNew:        "new",
	ReasonGone:       "gone from the directory",
	"parent_deleted": "its parent department is deleted",
}

// RenderText writes the human report of a plan: the source, each target's
// changes as a diff (+ create, ~ update, ! disable, - delete, with old → new
// field values and why each object was matched), errors, warnings, tripped
// safeguards, and one summary line per target.
func RenderText(w io.Writer, p *Plan) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	src := p.Source
	fmt.Fprintf(bw, "Plan from %s", src.Kind)
	if src.Domain != "" {
		fmt.Fprintf(bw, " %s", src.Domain)
	}
	fmt.Fprintf(bw, " (%d users, %d organizations)", src.Users, src.Organizations)
	if !src.ReadAt.IsZero() {
		fmt.Fprintf(bw, ", read %s", src.ReadAt.Format("2006-01-02 15:04:05Z07:00"))
	}
	bw.WriteByte('\n')

	infos := map[string]TargetInfo{}
	for _, t := range p.Targets {
		infos[t.Name] = t
	}
	var section string
	for i := range p.Changes {
		c := &p.Changes[i]
		kinfo := kindInfo(infos[c.Target], c.Kind)
		if s := c.Target + ": " + kinfo.Plural; s != section {
			section = s
			fmt.Fprintf(bw, "\n%s\n", s)
		}
		writeChange(bw, c, kinfo)
	}
	if p.SwitchesDomain() {
		fmt.Fprintf(bw, "\nlinked domain\n  ~ %s → %s\n", p.LinkedDomain, p.Source.Domain)
	}
	switch {
	case !p.HasChanges() && len(p.Errors) > 0:
		// An error can stop planning (another domain): nothing is known
		// to be up to date.
		fmt.Fprintln(bw, "\nNo changes can be planned until the errors below are fixed.")
	case !p.HasChanges():
		fmt.Fprintln(bw, "\nNo changes: every target is up to date.")
	}
	if len(p.Errors) > 0 {
		fmt.Fprintln(bw, "\nErrors (nothing is applied until they are fixed):")
		for _, e := range p.Errors {
			fmt.Fprintf(bw, "  x [%s] %s\n", e.Code, e.Message)
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(bw, "\nWarnings:")
		for _, e := range p.Warnings {
			fmt.Fprintf(bw, "  ! [%s] %s\n", e.Code, e.Message)
		}
	}
	if len(p.Safeguards) > 0 {
		fmt.Fprintln(bw, "\nSafeguards tripped (an apply of this plan needs -allow-deletes):")
		for _, e := range p.Safeguards {
			fmt.Fprintf(bw, "  # [%s] %s\n", e.Code, e.Message)
		}
	}
	fmt.Fprintln(bw)
	for _, t := range p.Targets {
		fmt.Fprintln(bw, SummaryLine(p.Summary, t))
	}
	return bw.Flush()
}

// SummaryLine is one target's one-line summary, e.g. "safety: departments
// 3 to create, 1 to update, 0 to delete; members 40 to create, 0 to
// update, 0 to delete."
func SummaryLine(s Summary, t TargetInfo) string {
	var parts []string
	for _, k := range t.Kinds {
		counts := s[t.Name][k.Plural]
		var as []string
		for _, a := range k.Actions {
			as = append(as, fmt.Sprintf("%d to %s", counts[a], a))
		}
		parts = append(parts, k.Plural+" "+strings.Join(as, ", "))
	}
	return t.Name + ": " + strings.Join(parts, "; ") + "."
}

func kindInfo(t TargetInfo, kind string) KindInfo {
	for _, k := range t.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return KindInfo{Kind: kind, Plural: kind}
}

func writeChange(w *bufio.Writer, c *Change, k KindInfo) {
	fmt.Fprintf(w, "  %s %s", c.Action.Glyph(), c.Key)
	if c.Label != "" && c.Label != c.Key {
		fmt.Fprintf(w, " (%s)", c.Label)
	}
	if r := c.Reason; r != "" {
		if t, ok := reasonText[r]; ok {
			r = t
		}
		fmt.Fprintf(w, "  — %s", r)
	}
	for _, f := range c.Flags {
		fmt.Fprintf(w, " [%s]", f)
	}
	w.WriteByte('\n')
	width := 0
	for _, f := range c.Fields {
		if len(f.Name) > width {
			width = len(f.Name)
		}
	}
	for _, f := range c.Fields {
		fmt.Fprintf(w, "      %-*s ", width+1, f.Name+":")
		if c.Action == Create || f.Old == nil {
			w.WriteString(value(f.New, k.EmptyText[f.Name]))
		} else {
			w.WriteString(value(f.Old, k.EmptyText[f.Name]))
			w.WriteString(" → ")
			w.WriteString(value(f.New, k.EmptyText[f.Name]))
		}
		w.WriteByte('\n')
	}
}

// value renders one field value: strings quoted, lists in brackets,
// booleans as words; empty per the kind's EmptyText.
func value(v any, empty string) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		if x == "" && empty != "" {
			return empty
		}
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case []string, []any:
		l := Strings(x)
		if len(l) == 0 && empty != "" {
			return empty
		}
		q := make([]string, len(l))
		for i, s := range l {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(v)
}
