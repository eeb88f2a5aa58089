// Package golden compares what a test renders with a golden file, and
// rewrites golden files with `go test -update`.
//
// It is for tests only: importing it registers the -update flag, so only
// _test.go files import it.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update rewrites golden files instead of comparing with them:
//
//	go test ./provision -run TestX -update
var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Check compares got with the file at path (e.g. testdata/plan.txt), or
// with -update writes got there, creating its folder.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, diff)
	}
}
