package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
)

// The JSON shapes of SPEC §8.1, key by key. The API answers with the same
// types (provision.Run, provision.RunList, safety.Export,
// calendar.EnrolmentList, calendar.EnrolmentDetail), so these shapes are
// checked once, on the CLI's output; the API's own tests check what only
// the API adds. A shape is:
//   - map[string]any: an object holding at least these keys, each of its shape;
//   - []any{elem}: a list (never null) whose every element has shape elem;
//   - mapOf{elem}: an object whose every value has shape elem;
//   - orNull{shape}: null or shape;
//   - "string", "number", "bool": a value of that JSON type;
//   - "any": any value, null included (the key must be there).
type (
	mapOf  struct{ elem any }
	orNull struct{ shape any }
)

var (
	issueShape   = map[string]any{"code": "string", "message": "string"}
	summaryShape = map[string]any{
		"safety": map[string]any{
			"departments": map[string]any{"create": "number", "update": "number", "delete": "number"},
			"members":     map[string]any{"create": "number", "update": "number", "delete": "number"},
		},
		"calendar": map[string]any{
			"enrolments": map[string]any{"create": "number", "update": "number", "disable": "number", "delete": "number"},
		},
	}
	sourceShape = map[string]any{"kind": "string", "domain": "string"}
	planShape   = map[string]any{
		"format_version": "number",
		"source":         sourceShape,
		"summary":        summaryShape,
		"changes": []any{map[string]any{
			"target": "string", "kind": "string", "action": "string", "key": "string", "reason": "string",
			"flags":  []any{"string"},
			"fields": mapOf{map[string]any{"old": "any", "new": "any"}},
		}},
		"errors":   []any{issueShape},
		"warnings": []any{issueShape},
	}
	rosterShape = map[string]any{
		"departments": []any{map[string]any{"code": "string", "name": "string", "parent": "string", "origin": "string"}},
		"members": []any{map[string]any{
			"login": "string", "name": "string", "reading": "string", "email": "string", "phone": "string",
			"departments": []any{"string"}, "origin": "string",
		}},
	}
	enrolmentsShape = map[string]any{"enrolments": []any{map[string]any{
		"login": "string", "email": "string", "name": "string", "permitted": "bool", "pinned": "bool",
		"state": "string", "target": "string", "calendar_id": "string", "caldav_url": "string",
		"auth_status": "string", "auto_stop_reason": "string",
	}}}
	runShape = map[string]any{
		"id": "number", "trigger": "string", "source": sourceShape, "status": "string",
		"started_at": "string", "finished_at": "string", "summary": summaryShape, "error": orNull{issueShape},
	}
	runsShape = map[string]any{"runs": []any{runShape}}
	showShape = map[string]any{
		"enrolment": enrolmentsShape["enrolments"].([]any)[0],
		"history":   []any{map[string]any{"at": "string", "actor": "string", "action": "string"}},
	}
)

// shapeProblems lists where v (decoded JSON) departs from shape.
func shapeProblems(path string, v any, shape any) []string {
	switch s := shape.(type) {
	case orNull:
		if v == nil {
			return nil
		}
		return shapeProblems(path, v, s.shape)
	case map[string]any:
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v is not an object", path, v)}
		}
		var out []string
		for k, ks := range s {
			kv, ok := obj[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			out = append(out, shapeProblems(path+"."+k, kv, ks)...)
		}
		return out
	case mapOf:
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v is not an object", path, v)}
		}
		var out []string
		for k, kv := range obj {
			out = append(out, shapeProblems(path+"."+k, kv, s.elem)...)
		}
		return out
	case []any:
		list, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v is not a list", path, v)}
		}
		var out []string
		for i, e := range list {
			out = append(out, shapeProblems(fmt.Sprintf("%s[%d]", path, i), e, s[0])...)
		}
		return out
	case string:
		ok := true
		switch s {
		case "string":
			_, ok = v.(string)
		case "number":
			_, ok = v.(float64)
		case "bool":
			_, ok = v.(bool)
		}
		if !ok {
			return []string{fmt.Sprintf("%s: %v is not a %s", path, v, s)}
		}
	}
	return nil
}

// checkShape decodes doc and reports every departure from shape; nonEmpty
// names lists (by path) that must have elements, so that their element
// shape is checked.
func checkShape(t *testing.T, what, doc string, shape any, nonEmpty ...string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Errorf("%s: not JSON (%v):\n%s", what, err, doc)
		return
	}
	for _, p := range shapeProblems("$", v, shape) {
		t.Errorf("%s: %s", what, p)
	}
	for _, key := range nonEmpty {
		cur := v
		for _, k := range strings.Split(key, ".") {
			m, _ := cur.(map[string]any)
			cur = m[k]
		}
		if l, _ := cur.([]any); len(l) == 0 {
			t.Errorf("%s: %s is empty; the test needs elements to check their shape", what, key)
		}
	}
}

// TestCLIJSONShapes checks plan, roster export, calendar list and runs
// with -format json key by key against SPEC §8.1, on a database with
// imported and roster-only entries, a leaver and an auto-stopped
// enrolment; and that empty lists are [] on an empty database.
func TestCLIJSONShapes(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "all"))
	writeExports(t, filepath.Join(dir, "leaver"), "a.okada")
	env := map[string]string{
		"CYBRIDGE_DB":                      filepath.Join(dir, "cybridge.db"),
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": "welcome-2025",
		"CYBRIDGE_SOURCE_KIND":             "csv",
		"CYBRIDGE_CYBOZU_URL":              "https://demo.cybozu.com",
		"CYBRIDGE_CALENDAR_GOOGLE_DOMAINS": "example.co.jp",
		"CYBRIDGE_CALENDAR_SCOPE":          `organization <= "sales"`,
	}
	must := func(args ...string) string {
		t.Helper()
		res := runCLI(t, env, args...)
		if res.code != msg.ExitOK {
			t.Fatalf("cybridge %s: exit %d\n%s%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
		}
		return res.stdout
	}

	// Empty database: [] everywhere.
	checkShape(t, "roster export (empty)", must("roster", "export", "-format", "json"), rosterShape)
	checkShape(t, "calendar list (empty)", must("calendar", "list", "-format", "json"), enrolmentsShape)
	checkShape(t, "runs (empty)", must("runs", "-format", "json"), runsShape)

	all, leaver := "-csv-dir="+filepath.Join(dir, "all"), "-csv-dir="+filepath.Join(dir, "leaver")
	checkShape(t, "plan (first)", must("plan", all, "-format", "json"), planShape, "changes")
	must("apply", all)
	must("roster", "dept", "add", "-code", "local-1", "-name", "Local")
	must("roster", "member", "add", "-login", "local.member", "-name", "Local Member", "-departments", "local-1")
	must("calendar", "record-error", "t.yamada", "-kind", "forbidden")
	checkShape(t, "plan (leaver)", must("plan", leaver, "-format", "json"), planShape, "changes", "warnings")
	checkShape(t, "roster export", must("roster", "export", "-format", "json"), rosterShape, "departments", "members")
	checkShape(t, "calendar list", must("calendar", "list", "-format", "json"), enrolmentsShape, "enrolments")
	checkShape(t, "calendar show", must("calendar", "show", "t.yamada", "-format", "json"), showShape, "history")
	checkShape(t, "runs", must("runs", "-format", "json"), runsShape, "runs")

	var roster struct {
		Departments []struct{ Code, Parent, Origin string }
	}
	json.Unmarshal([]byte(must("roster", "export", "-format", "json")), &roster)
	origins := map[string]string{}
	for _, d := range roster.Departments {
		if d.Code == "" {
			t.Errorf("a department without a code (the root?) is exported: %+v", d)
		}
		origins[d.Code] = d.Origin + " parent=" + d.Parent
	}
	for code, want := range map[string]string{"sales": "directory parent=", "sales-tokyo": "directory parent=sales", "local-1": "local parent="} {
		if origins[code] != want {
			t.Errorf("department %s: %q, want %q", code, origins[code], want)
		}
	}
}
