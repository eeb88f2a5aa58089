package provision_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/golden"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

func renderings(t *testing.T, p *provision.Plan) (text, js []byte) {
	t.Helper()
	var tb, jb bytes.Buffer
	if err := provision.RenderText(&tb, p, provision.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteJSON(&jb); err != nil {
		t.Fatal(err)
	}
	return tb.Bytes(), jb.Bytes()
}

// The fixture company's first import, and a second import after a
// transfer, a leaver, a new hire and a suspension.
func TestPlanRenderingsGolden(t *testing.T) {
	e := newEnv(t)
	first := e.mustRun(company())
	text, js := renderings(t, first.Plan)
	golden.Check(t, filepath.Join("testdata", "company-first.txt"), text)
	golden.Check(t, filepath.Join("testdata", "company-first.json"), js)

	e.runner.Safeguards.MaxDeletePercent = 100
	second := e.mustRun(changed(), dryRun)
	text, js = renderings(t, second.Plan)
	golden.Check(t, filepath.Join("testdata", "company-second.txt"), text)
	golden.Check(t, filepath.Join("testdata", "company-second.json"), js)

	// The same report in Japanese, times in Tokyo time.
	var ja bytes.Buffer
	if err := provision.RenderText(&ja, second.Plan, provision.TextOptions{Lang: msg.Ja, Location: time.FixedZone("JST", 9*3600)}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "company-second.ja.txt"), ja.Bytes())

	// The JSON reads back to the same plan.
	back, err := provision.ReadPlan(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	_, js2 := renderings(t, back)
	if diff := cmp.Diff(string(js), string(js2)); diff != "" {
		t.Errorf("JSON round trip (-first +second):\n%s", diff)
	}
}

// EncodeCompact (how runs store plans, one change at a time) writes the
// same JSON as WriteJSON, without the indentation.
func TestEncodeCompactMatchesWriteJSON(t *testing.T) {
	e := newEnv(t)
	p := e.mustRun(company(), dryRun).Plan
	p.Warnings = append(p.Warnings, provision.Issue{Code: "x", Message: `"changes":null <&>`})
	var indented, compacted, compact bytes.Buffer
	if err := p.WriteJSON(&indented); err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&compacted, indented.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := p.EncodeCompact(&compact); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(compacted.String(), compact.String()); diff != "" {
		t.Errorf("(-WriteJSON +EncodeCompact):\n%s", diff)
	}
}

// WriteJSON streams the changes but writes what json.Encoder (indented,
// no HTML escaping) writes, byte for byte: with changes, with none and
// with a nil list.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	e := newEnv(t)
	full := e.mustRun(company(), dryRun).Plan
	full.Warnings = append(full.Warnings, provision.Issue{Code: "x", Message: `"changes": null <&>`})
	empty := *full
	empty.Changes = []provision.Change{}
	none := *full
	none.Changes = nil
	for name, p := range map[string]*provision.Plan{"changes": full, "empty": &empty, "nil": &none} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p); err != nil {
			t.Fatal(err)
		}
		if err := p.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s (-json.Encoder +WriteJSON):\n%s", name, diff)
		}
	}
}
