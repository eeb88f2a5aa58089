package provision

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
)

// TextOptions say how the text report is written: in which language, and
// in which time zone times are shown (with their offset). The zero value is
// English in UTC.
type TextOptions struct {
	Lang     msg.Lang
	Location *time.Location
	// SafeguardHeading, when set, replaces the safeguard heading: the
	// surface says how it releases a safeguard (the CLI names its flag).
	SafeguardHeading string
}

// TimeFormat is how every surface shows a time: in the configured zone,
// with its offset.
const TimeFormat = "2006-01-02 15:04:05 -07:00"

// RenderText writes the human report of a plan: the source, each target's
// changes as a diff (+ create, ~ update, ! disable, - delete, with old → new
// field values and why each object was matched), errors, warnings, tripped
// safeguards, and one summary line per target — every word from the
// catalogue, in o.Lang.
//
// Every string from the directory (keys, labels, values, the domain, the
// parameters of issues) is escaped (termtext): a control character, a
// line break or a bidi override in a display name is shown, never sent to
// the admin's terminal, so it can neither hide nor forge a line of the
// report.
func RenderText(w io.Writer, p *Plan, o TextOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	l := o.Lang
	if l == "" {
		l = msg.En
	}
	src := p.Source
	domain := ""
	if src.Domain != "" {
		domain = " " + termtext.Escape(src.Domain)
	}
	bw.WriteString(msg.Text(l, "report.header", msg.Params{"source": msg.TextOr(l, "source."+src.Kind, nil, src.Kind),
		"domain": domain, "users": src.Users, "orgs": src.Organizations}))
	if !src.ReadAt.IsZero() {
		bw.WriteString(msg.Text(l, "report.sep", nil))
		bw.WriteString(msg.Text(l, "report.read_at", msg.Params{"time": FormatTime(src.ReadAt, o.Location)}))
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
		if s := TargetName(l, c.Target) + ": " + KindName(l, kinfo.Plural); s != section {
			section = s
			fmt.Fprintf(bw, "\n%s\n", termtext.Escape(s))
		}
		writeChange(bw, l, c, kinfo)
	}
	if p.SwitchesDomain() {
		fmt.Fprintf(bw, "\n%s\n  ~ %s → %s\n", msg.Text(l, "report.linked_domain", nil), termtext.Escape(p.LinkedDomain), termtext.Escape(p.Source.Domain))
	}
	switch {
	case !p.HasChanges() && len(p.Errors) > 0:
		// An error can stop planning (another domain): nothing is known
		// to be up to date.
		fmt.Fprintf(bw, "\n%s\n", msg.Text(l, "report.blocked_errors", nil))
	case !p.HasChanges():
		fmt.Fprintf(bw, "\n%s\n", msg.Text(l, "report.no_changes", nil))
	}
	writeIssues(bw, l, msg.Text(l, "report.errors", nil), "x", p.Errors)
	writeIssues(bw, l, msg.Text(l, "report.warnings", nil), "!", p.Warnings)
	if len(p.Safeguards) > 0 {
		head := msg.Text(l, "report.safeguards", nil)
		if o.SafeguardHeading != "" {
			head = o.SafeguardHeading
		}
		writeIssues(bw, l, head, "#", p.Safeguards)
	}
	fmt.Fprintln(bw)
	for _, t := range p.Targets {
		fmt.Fprintln(bw, SummaryLine(l, p.Summary, t))
	}
	return bw.Flush()
}

func writeIssues(w *bufio.Writer, l msg.Lang, head, glyph string, issues []Issue) {
	if len(issues) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", head)
	for _, e := range issues {
		fmt.Fprintf(w, "  %s [%s] %s\n", glyph, termtext.Escape(e.Code), termtext.Escape(IssueText(l, e)))
	}
}

// IssueText is an error, warning or safeguard reason in l: rendered from
// its key (or code) and parameters, or its stored English message when it has no
// parameters (a plan stored by an older version).
//
// A "target" parameter is stored as the target's name (safety, calendar),
// so that plans and the API stay language-free, and rendered as the
// target's name in l (安否確認).
func IssueText(l msg.Lang, i Issue) string {
	if t := i.Texts[l]; t != "" {
		return t
	}
	p := i.Params
	if t, ok := p["target"].(string); ok {
		p = make(msg.Params, len(i.Params))
		for k, v := range i.Params {
			p[k] = v
		}
		p["target"] = TargetName(l, t)
	}
	return msg.TextOr(l, i.TextKey(), p, i.Message)
}

// FormatTime shows t in loc (UTC when nil) with its offset.
func FormatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(TimeFormat)
}

// TargetName is a target's name in l ("安否確認" for safety); an unknown
// target (a SCIM instance) shows as its own name.
func TargetName(l msg.Lang, name string) string { return msg.TextOr(l, "target."+name, nil, name) }

// KindName is a kind's plural name in l ("部署" for departments).
func KindName(l msg.Lang, plural string) string { return msg.TextOr(l, "kind."+plural, nil, plural) }

// FieldName is a field's name in l for a kind of object ("表示名" for a
// member's name, "部署名" for a department's).
func FieldName(l msg.Lang, kind, name string) string {
	if t, ok := msg.Template(l, "field."+kind+"."+name); ok {
		return t
	}
	return msg.TextOr(l, "field."+name, nil, name)
}

// ActionName, ReasonText and FlagText are the plan's vocabulary in l.
func ActionName(l msg.Lang, a Action) string {
	return msg.TextOr(l, "action."+string(a), nil, string(a))
}

// ReasonText says why a change's object was matched.
func ReasonText(l msg.Lang, r string) string { return msg.TextOr(l, "reason."+r, nil, r) }

// FlagText names a change's flag.
func FlagText(l msg.Lang, f string) string { return msg.TextOr(l, "flag."+f, nil, f) }

// SummaryLine is one target's one-line summary, e.g. "safety: departments
// 3 to create, 1 to update, 0 to delete; members 40 to create, 0 to
// update, 0 to delete."
func SummaryLine(l msg.Lang, s Summary, t TargetInfo) string {
	var parts []string
	for _, k := range t.Kinds {
		counts := s[t.Name][k.Plural]
		var as []string
		for _, a := range k.Actions {
			as = append(as, msg.Text(l, "report.summary_count", msg.Params{"count": counts[a], "action": ActionName(l, a)}))
		}
		parts = append(parts, msg.Text(l, "report.summary_kind", msg.Params{"kind": KindName(l, k.Plural), "counts": strings.Join(as, msg.Text(l, "report.sep", nil))}))
	}
	end := "."
	if l == msg.Ja {
		end = "。"
	}
	return TargetName(l, t.Name) + ": " + strings.Join(parts, msg.Text(l, "report.kind_sep", nil)) + end
}

func kindInfo(t TargetInfo, kind string) KindInfo {
	for _, k := range t.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return KindInfo{Kind: kind, Plural: kind}
}

func writeChange(w *bufio.Writer, l msg.Lang, c *Change, k KindInfo) {
	fmt.Fprintf(w, "  %s %s", c.Action.Glyph(), termtext.Escape(c.Key))
	if c.Label != "" && c.Label != c.Key {
		fmt.Fprintf(w, " (%s)", termtext.Escape(c.Label))
	}
	if r := c.Reason; r != "" {
		fmt.Fprintf(w, "  — %s", termtext.Escape(ReasonText(l, r)))
	}
	for _, f := range c.Flags {
		fmt.Fprintf(w, " [%s]", termtext.Escape(FlagText(l, f)))
	}
	w.WriteByte('\n')
	names := make([]string, len(c.Fields))
	width := 0
	for i, f := range c.Fields {
		names[i] = FieldName(l, k.Kind, f.Name) + ":"
		if n := displayWidth(names[i]); n > width {
			width = n
		}
	}
	for i, f := range c.Fields {
		fmt.Fprintf(w, "      %s%s ", termtext.Escape(names[i]), strings.Repeat(" ", width-displayWidth(names[i])))
		empty := EmptyText(l, k.EmptyText[f.Name])
		if c.Action == Create || f.Old == nil {
			w.WriteString(Value(l, f.New, empty))
		} else {
			w.WriteString(Value(l, f.Old, empty))
			w.WriteString(" → ")
			w.WriteString(Value(l, f.New, empty))
		}
		w.WriteByte('\n')
	}
}

// EmptyText is a kind's EmptyText ("(root)", "[]") in l.
func EmptyText(l msg.Lang, s string) string {
	switch s {
	case "(root)":
		return msg.Text(l, "report.root", nil)
	}
	return s
}

// displayWidth counts a wide (Japanese) character as two columns, so the
// field values line up in a terminal.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n += 2
			continue
		}
		n++
	}
	return n
}

// Value renders one field value: strings quoted (Go escapes: a control
// character or bidi override shows as \x1b or \u202e), lists in brackets,
// booleans as words in l; empty as the kind says. Anything else is
// escaped (termtext), so a value never carries a control character.
func Value(l msg.Lang, v any, empty string) string {
	switch x := v.(type) {
	case nil:
		return msg.Text(l, "report.none", nil)
	case string:
		if x == "" && empty != "" {
			return empty
		}
		return quote(x)
	case bool:
		return msg.Text(l, "report."+strconv.FormatBool(x), nil)
	case []string, []any:
		ls := Strings(x)
		if len(ls) == 0 && empty != "" {
			return empty
		}
		q := make([]string, len(ls))
		for i, s := range ls {
			q[i] = quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return termtext.Escape(fmt.Sprint(v))
}

// quote is strconv.Quote with the bidi controls and separators termtext
// names escaped too (Quote keeps a printable rune; these are format
// characters it already escapes, but the guarantee is termtext's).
func quote(s string) string { return termtext.Escape(strconv.Quote(s)) }
