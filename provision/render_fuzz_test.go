package provision_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/termtext"
	"github.com/cybridge/cybridge/provision"
)

// hostilePlan is a plan whose every directory string is s: keys, labels,
// field values (strings and lists), the domain, an issue's parameter.
func hostilePlan(s string) *provision.Plan {
	info := provision.TargetInfo{Name: "safety", Kinds: []provision.KindInfo{
		{Kind: "member", Plural: "members", Actions: []provision.Action{provision.Create, provision.Update, provision.Delete}},
	}}
	return &provision.Plan{
		Source:       provision.Source{Kind: "cybozu", Domain: s, Users: 3},
		LinkedDomain: "old" + s,
		Targets:      []provision.TargetInfo{info},
		Changes: []provision.Change{
			{Target: "safety", Kind: "member", Action: provision.Update, Key: "k.fukuda", Label: s, Reason: "link",
				Fields: provision.Fields{{Name: "name", Old: "Fukuda", New: s}, {Name: "departments", Old: []string{s}, New: []any{"a", s}}}},
			{Target: "safety", Kind: "member", Action: provision.Delete, Key: s, Label: "Okada " + s, Reason: s},
			{Target: "safety", Kind: "member", Action: provision.Create, Key: "x" + s, Flags: []string{s},
				Fields: provision.Fields{{Name: s, New: s}, {Name: "phone", New: 12}}},
		},
		Errors:     []provision.Issue{{Code: "duplicate_login", Key: "directory.duplicate_login", Params: msg.Params{"login": s, "first": s}}},
		Warnings:   []provision.Issue{{Code: s, Message: s}},
		Safeguards: []provision.Issue{{Code: "x", Texts: map[msg.Lang]string{msg.En: s, msg.Ja: s}}},
		Summary:    provision.Summary{"safety": {"members": {provision.Create: 1, provision.Update: 1, provision.Delete: 1}}},
	}
}

// FuzzRenderTextHostileNames: whatever a directory string holds (control
// characters, ESC sequences, line breaks, bidi overrides), the text report
// holds no unsafe character but its own line feeds, and has exactly the
// lines the same plan has with a harmless name: nothing is hidden or
// forged.
func FuzzRenderTextHostileNames(f *testing.F) {
	for _, s := range []string{"Fukuda\x1b[8m", "\x1b[2J\x1b[31mRED\x1b[0m\x1b]0;pwned\x07", "line1\nline2\rCR",
		"abc\u202etxt.exe", "\u2066x\u2069", "a\u0085b\u009b2J", "\xff\xfe", "tab\there", "\u2028\u2029", "岡田\x00彩"} {
		f.Add(s)
	}
	render := func(t *testing.T, p *provision.Plan, l msg.Lang) string {
		var b bytes.Buffer
		if err := provision.RenderText(&b, p, provision.TextOptions{Lang: l}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range []msg.Lang{msg.En, msg.Ja} {
			got := render(t, hostilePlan(s), l)
			if !termtext.Safe(got, true) || strings.Contains(got, "\t") {
				t.Fatalf("%s report of %q holds an unescaped control character:\n%q", l, s, got)
			}
			want := render(t, hostilePlan("x"), l)
			if g, w := strings.Count(got, "\n"), strings.Count(want, "\n"); g != w {
				t.Fatalf("%s report of %q has %d lines, want %d:\n%s", l, s, g, w, got)
			}
		}
	})
}
