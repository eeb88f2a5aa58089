package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/fixtures"
)

// writeExports copies the fixture company's English CSV exports to dir,
// leaving out the users named in drop.
func writeExports(t *testing.T, dir string, drop ...string) {
	t.Helper()
	src, err := fs.Sub(fixtures.CSVExports(), "english")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := fs.ReadDir(src, ".")
	for _, e := range entries {
		data, err := fs.ReadFile(src, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
	line:
		for _, l := range strings.SplitAfter(string(data), "\n") {
			for _, d := range drop {
				if strings.HasPrefix(l, d+";") || strings.TrimSpace(l) == d {
					continue line
				}
			}
			kept = append(kept, l)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(strings.Join(kept, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlanAndApplyExitCodes checks the exit codes of SPEC §8.1: 0 no changes
// or applied, 1 error, 2 changes with -detailed-exitcode, 3 blocked.
func TestPlanAndApplyExitCodes(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "all"))
	writeExports(t, filepath.Join(dir, "leaver"), "a.okada")
	vars := map[string]string{
		"CYBRIDGE_DB":                      filepath.Join(dir, "cybridge.db"),
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": "welcome-2025",
		"CYBRIDGE_CALENDAR_ENABLED":        "false",
		"CYBRIDGE_SOURCE_KIND":             "csv",
		"CYBRIDGE_SAFEGUARDS_MAX_DELETES":  "0",
		"CYBRIDGE_CYBOZU_URL":              "https://demo.cybozu.com",
	}
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, environ(vars), strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	all, leaver := "-csv-dir="+filepath.Join(dir, "all"), "-csv-dir="+filepath.Join(dir, "leaver")
	steps := []struct {
		args []string
		want int
	}{
		{[]string{"plan", all}, 0},
		{[]string{"plan", all, "-detailed-exitcode"}, 2},
		{[]string{"apply", all}, 0},
		{[]string{"plan", all, "-detailed-exitcode"}, 0},
		{[]string{"apply", all}, 0},
		{[]string{"plan", leaver, "-detailed-exitcode"}, 2},
		{[]string{"apply", leaver}, 3},
		{[]string{"apply", leaver, "-format", "json"}, 3},
		{[]string{"apply", leaver, "-allow-deletes"}, 0},
		{[]string{"apply", "-plan", filepath.Join(dir, "missing.json")}, 1},
		{[]string{"runs", "show", "x"}, 1},
	}
	for _, s := range steps {
		if code, out := run(s.args...); code != s.want {
			t.Fatalf("cybridge %s: exit %d, want %d\n%s", strings.Join(s.args, " "), code, s.want, out)
		}
	}
}
