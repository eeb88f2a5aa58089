package main

import (
	"encoding/json"
	"github.com/cybridge/cybridge/internal/msg"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJSONErrorsForEveryMistake: once -format json is given, every error —
// also a mistake on the command line after it — is {"error":{code,message}}
// on stdout with exit 1 (SPEC §8.1), and a bad -source is refused before a
// run is recorded.
func TestJSONErrorsForEveryMistake(t *testing.T) {
	env := map[string]string{"CYBRIDGE_DB": filepath.Join(t.TempDir(), "cybridge.db")}
	for _, args := range [][]string{
		{"plan", "-format", "json", "-source", "ftp"},
		{"apply", "-format", "json", "-csv-encoding", "ebcdic", "-csv-dir", "."},
		{"check", "-format", "json", "-csv-separator", "pipe", "-csv-dir", "."},
		{"plan", "-format", "json", "extra"},
		{"plan", "-format", "json", "-no-such-flag"},
		{"runs", "-format", "json", "-limit", "0"},
		{"runs", "show", "-format", "json"},
		{"runs", "show", "x", "-format", "json"},
		{"calendar", "show", "-format", "json"},
		{"calendar", "list", "-format", "json", "-state", "bogus"},
		{"calendar", "record-error", "s.ito", "-format", "json"},
		{"roster", "export", "-format", "json", "-kind", "people"},
	} {
		res := runCLI(t, env, args...)
		if res.code != msg.ExitError {
			t.Errorf("cybridge %s: exit %d, want 1", strings.Join(args, " "), res.code)
		}
		var out struct {
			Error *struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &out); err != nil || out.Error == nil || out.Error.Code == "" || out.Error.Message == "" {
			t.Errorf("cybridge %s: stdout is not a JSON error (%v):\n%s\nstderr: %s", strings.Join(args, " "), err, res.stdout, res.stderr)
		}
	}
	// None of those was a run.
	res := runCLI(t, env, "runs", "-format", "json")
	if diff := cmp.Diff("{\n  \"runs\": []\n}\n", res.stdout); diff != "" {
		t.Errorf("runs recorded by command-line mistakes (-want +got):\n%s", diff)
	}
}

// TestHelpExitsZero: -h of every command and subcommand prints its flags
// and exits 0.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "-h"}, {"apply", "-h"}, {"serve", "-h"}, {"runs", "-h"}, {"runs", "show", "-h"},
		{"check", "-h"}, {"resume", "-h"}, {"version", "-h"}, {"roster", "-h"}, {"roster", "export", "-h"},
		{"roster", "dept", "add", "-h"}, {"roster", "member", "edit", "-h"}, {"calendar", "-h"},
		{"calendar", "list", "-h"}, {"calendar", "set", "-h"}, {"calendar", "record-error", "-h"},
	} {
		res := runCLI(t, nil, args...)
		if res.code != msg.ExitOK || res.stdout != "" {
			t.Errorf("cybridge %s: exit %d, stdout %q, want 0 and nothing\nstderr: %s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
		}
	}
}
