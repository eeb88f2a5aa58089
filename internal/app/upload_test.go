package app

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/fixtures"
)

// upload is an upload of the files (name, data, name, data, …) as the
// console keeps one: in a folder of its own.
func upload(t *testing.T, files ...any) Upload {
	t.Helper()
	up := Upload{Dir: t.TempDir()}
	for i := 0; i < len(files); i += 2 {
		f := UploadFile{Name: files[i].(string), Path: filepath.Join(up.Dir, files[i].(string))}
		if err := os.WriteFile(f.Path, files[i+1].([]byte), 0o600); err != nil {
			t.Fatal(err)
		}
		up.Files = append(up.Files, f)
	}
	return up
}

// peakHeap runs fn and returns the most heap in use (above what was in
// use before) that sampling saw while it ran. The collector runs at 5%
// growth meanwhile, so that the heap in use is close to what is live
// (with the default 100%, garbage alone may double it).
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak {
				peak = m.HeapAlloc - base
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak
}

// wideCSV is about size bytes of rows of very many short columns, each
// line under the reader's 1 MiB line limit (F6's cols48.csv).
func wideCSV(size int) []byte {
	line := strings.Repeat("x,", 500_000-1) + "x\n"
	var b bytes.Buffer
	for b.Len()+len(line) <= size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// A 50 MB upload with millions of columns is previewed in bounded memory,
// with a bounded answer: the preview holds at most csvfile.PreviewColumns
// columns of a few rows (F6).
func TestUploadWideFileBounded(t *testing.T) {
	a, _ := testApp(t, nil)
	data := wideCSV(50 << 20)
	var pv UploadPreview
	var err error
	peak := peakHeap(func() {
		pv, err = a.PreviewCSV(context.Background(), upload(t, "user.csv", data))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("peak heap above the upload: %d MB", peak>>20)
	if peak > 48<<20 {
		t.Errorf("previewing a 50 MB wide file took %d MB of heap, want at most 48 MB", peak>>20)
	}
	cells := 0
	for _, f := range pv.Files {
		for _, r := range f.Rows {
			cells += len(r)
		}
	}
	if cells > previewRows*csvfile.PreviewColumns {
		t.Errorf("the preview holds %d cells", cells)
	}
}

// The upload preview never shows a password: the パスワード column of
// user.csv is masked, read with its header row or without one (F8).
func TestUploadPreviewMasksPasswords(t *testing.T) {
	a, _ := testApp(t, nil)
	files := fixtures.CSVExports()
	var up []any
	for _, name := range []string{"user.csv", "organization.csv", "userOrganizations.csv", "userGroups.csv", "group.csv", "title.csv"} {
		b, err := fs.ReadFile(files, "english/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "user.csv" {
			b = []byte(strings.Replace(string(b), "a.okada;岡田 愛;*;;", "a.okada;岡田 愛;*;UserPw-001-Secret;", 1))
		}
		up = append(up, name, b)
	}
	for _, header := range []bool{true, false} {
		files := slices.Clone(up)
		if !header {
			for i := 1; i < len(files); i += 2 {
				_, rest, _ := strings.Cut(string(files[i].([]byte)), "\n")
				files[i] = []byte(rest)
			}
		}
		in := upload(t, files...)
		in.Header = &header
		pv, err := a.PreviewCSV(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range pv.Files {
			for _, r := range f.Rows {
				if slices.Contains(r, "UserPw-001-Secret") {
					t.Errorf("header %v: %s shows the password: %q", header, f.Name, r)
				}
			}
			if f.Name == "user.csv" && !f.Passwords {
				t.Errorf("header %v: the users file is not marked as holding passwords", header)
			}
		}
	}
}
