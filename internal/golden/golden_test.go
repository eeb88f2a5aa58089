package golden

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors, fatals int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }
func (r *recorder) Fatal(...any)          { r.fatals++; runtime.Goexit() }
func (r *recorder) Fatalf(string, ...any) { r.fatals++; runtime.Goexit() }
func (r *recorder) check(path string, got string) *recorder {
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, path, []byte(got))
	}()
	<-done
	return r
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.txt")
	if err := os.WriteFile(path, []byte("+ sato\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name           string
		path, got      string
		errors, fatals int
	}{
		{"same", path, "+ sato\n", 0, 0},
		{"differs", path, "- sato\n", 1, 0},
		{"no golden file", path + ".missing", "+ sato\n", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := (&recorder{TB: t}).check(tc.path, tc.got)
			if r.errors != tc.errors || r.fatals != tc.fatals {
				t.Errorf("errors %d, fatals %d; want %d, %d", r.errors, r.fatals, tc.errors, tc.fatals)
			}
		})
	}
}
