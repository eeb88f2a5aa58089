package web

import (
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/internal/msg"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryMessageInBothLanguages: every key the templates and handlers
// translate — literally, or as a prefix and one of the values SPEC §6/§7
// gives it — has a Japanese and an English text, so that no page shows a
// raw key such as "plan.safeguards".
func TestEveryMessageInBothLanguages(t *testing.T) {
	used := map[string]string{} // key → where
	tmplKey := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	goKey := regexp.MustCompile(`\.T\("([a-z_.]+)"`)
	tmpls, err := fs.Glob(assets, "templates/*.html")
	if err != nil || len(tmpls) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, name := range tmpls {
		b, _ := fs.ReadFile(assets, name)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = name
		}
	}
	gos, _ := filepath.Glob("*.go")
	for _, name := range gos {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix: see below
				used[m[1]] = name
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the patterns no longer match the sources", len(used))
	}
	// Keys made of a prefix and a value (localizer.Opt, "cal.done."+action).
	for prefix, values := range map[string][]string{
		"status.":           {"no_changes", "applied", "dry_run", "failed", "blocked"},
		"trigger.":          {"cli", "schedule", "console", "csv_upload", "api"},
		"target.":           {"safety", "calendar"},
		"kind.":             {"departments", "members", "enrolments"},
		"action.":           {"create", "update", "disable", "delete"},
		"source.":           {"api", "csv"},
		"cal.state.":        {"disabled", "stopped", "syncing"},
		"cal.auth.":         {"none", "authenticated", "reauth_required"},
		"cal.switch.":       {"sync", "stopped"},
		"cal.":              {"google", "caldav"},
		"cal.done.":         {"permit", "revoke", "unpin"},
		"roster.origin.":    {"directory", "local"},
		"cal.check.":        {"reachable", "unauthorized", "not_calendar"},
		"pause.reason.":     {"consecutive_failures", "failure_rate", "blocked", "admin", "auth_failed"},
		"fix.":              {"stale_plan", "run_in_progress", "blocked"},
		"upload.encoding.":  csvfile.Encodings(),
		"upload.separator.": csvfile.Separators(),
	} {
		for _, v := range values {
			used[prefix+v] = "values of " + prefix
		}
	}
	for key, where := range used {
		if !msg.Has(key) {
			t.Errorf("%s: %q has no text in the catalogue", where, key)
		}
	}
}
