package csvfile

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/encoding/japanese"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
)

var update = flag.Bool("update", false, "rewrite the fixture CSV files and golden files")

// fixtureDir is where fixtures.CSVExports comes from.
const fixtureDir = "../../fixtures/csv"

// companyAsExported is fixtures.Company as a CSV export holds it: without
// the Administrator.
func companyAsExported() *directory.Snapshot {
	s := fixtures.Company()
	s.DropUser(directory.AdministratorLogin)
	return s
}

// exportFiles renders every file of a snapshot with opt.
func exportFiles(t testing.TB, s *directory.Snapshot, opt WriteOptions) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for k := Kind(0); k < numKinds; k++ {
		var b bytes.Buffer
		if err := Write(&b, k, s, opt); err != nil {
			t.Fatalf("write %s: %v", k.FileName(), err)
		}
		out[k.FileName()] = b.Bytes()
	}
	return out
}

// brokenEdits turn the UTF-8 text of export-sjis's files into the broken
// variants; each edits one file. "\x00FF" is replaced by the byte 0xFF
// after encoding to Shift_JIS.
var brokenEdits = map[string]struct {
	file string
	edit func(lines []string) []string
}{
	"broken-short-row": {"user.csv", func(l []string) []string {
		l[4] = strings.Join(strings.Split(l[4], ",")[:20], ",") // line 5: 20 of 26 columns
		return l
	}},
	"broken-encoding": {"user.csv", func(l []string) []string {
		l[6] = strings.Replace(l[6], "吉田 恵美", "吉田\x00FF恵美", 1) // line 7: e.yoshida
		return l
	}},
	"broken-duplicate-login": {"user.csv", func(l []string) []string {
		dup := strings.Replace(l[2], "清水 明日香", "清水 明日香 (2)", 1) // a.shimizu again
		return append(l[:len(l)-1], dup, "")                    // before the final empty line
	}},
	"broken-unknown-org": {"userOrganizations.csv", func(l []string) []string {
		l[9] = strings.Replace(l[9], ",sales-osaka,", ",sales-nagoya,", 1) // line 10
		return l
	}},
	"broken-missing-column": {"user.csv", func(l []string) []string {
		for i, line := range l {
			if line == "" {
				continue
			}
			f := strings.Split(line, ",")
			l[i] = strings.Join(slices.Delete(f, 10, 11), ",") // E-mail
		}
		return l
	}},
}

// fixtureVariants renders every fixture folder in memory.
func fixtureVariants(t testing.TB) map[string]map[string][]byte {
	s := companyAsExported()
	v := map[string]map[string][]byte{
		"export-sjis": exportFiles(t, s, WriteOptions{}),
		"utf8-bom":    exportFiles(t, s, WriteOptions{Encoding: "utf-8", BOM: true}),
		"tab":         exportFiles(t, s, WriteOptions{Separator: "tab"}),
		"no-header":   exportFiles(t, s, WriteOptions{NoHeader: true}),
		"english":     exportFiles(t, s, WriteOptions{Encoding: "utf-8", Separator: "semicolon", English: true, LF: true}),
	}
	plain := exportFiles(t, s, WriteOptions{Encoding: "utf-8"})
	for name, b := range brokenEdits {
		files := map[string][]byte{}
		for f, data := range v["export-sjis"] {
			files[f] = data
		}
		before := string(plain[b.file])
		lines := b.edit(strings.Split(before, "\r\n"))
		if strings.Join(lines, "\r\n") == before {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(strings.Join(lines, "\r\n")))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[b.file] = bytes.ReplaceAll(sjis, []byte("\x00FF"), []byte{0xff})
		v[name] = files
	}
	return v
}

// TestFixtureFiles checks that fixtures/csv holds exactly what Write makes
// of fixtures.Company (-update rewrites it).
func TestFixtureFiles(t *testing.T) {
	for variant, files := range fixtureVariants(t) {
		for name, want := range files {
			path := filepath.Join(fixtureDir, variant, name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./directory/csvfile -run TestFixtureFiles -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what Write makes of fixtures.Company (run with -update)", path)
			}
		}
	}
	all := append(slices.Clone(fixtures.CSVVariants), fixtures.CSVBrokenVariants...)
	if got := len(fixtureVariants(t)); got != len(all) {
		t.Errorf("fixtures lists %d variants, the test makes %d", len(all), got)
	}
}

// variantFiles names a fixture folder's files.
func variantFiles(variant string) Files {
	var f Files
	for k := Kind(0); k < numKinds; k++ {
		f.Set(k, variant+"/"+k.FileName())
	}
	return f
}

// snapshotOpts compare a CSV snapshot with an API one: ids, locations and
// the read time aside; Group.Type is only known from CSV.
var snapshotOpts = cmp.Options{
	cmpopts.IgnoreFields(directory.User{}, "ID", "Origin"),
	cmpopts.IgnoreFields(directory.Organization{}, "ID", "Origin"),
	cmpopts.IgnoreFields(directory.Title{}, "ID", "Origin"),
	cmpopts.IgnoreFields(directory.Group{}, "ID", "Origin", "Type"),
	cmpopts.IgnoreFields(directory.Snapshot{}, "ReadAt"),
	cmpopts.EquateEmpty(),
}

// TestFixtureVariantsReadAsCompany: every good variant reads back as the
// API-shaped fixture company, field by field.
func TestFixtureVariantsReadAsCompany(t *testing.T) {
	want := companyAsExported()
	want.Source.Kind = directory.SourceCSV
	for _, variant := range fixtures.CSVVariants {
		t.Run(variant, func(t *testing.T) {
			opt := Options{Domain: fixtures.Domain}
			if variant == "no-header" {
				opt.CustomItems = []string{"costCenter"}
			}
			got, err := ReadFS(context.Background(), fixtures.CSVExports(), variantFiles(variant), opt)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got, snapshotOpts); d != "" {
				t.Errorf("snapshot (-want +got):\n%s", d)
			}
			for _, g := range got.Groups {
				if wantType := map[bool]string{true: "dynamic", false: "static"}[g.Code == directory.EveryoneGroup]; g.Type != wantType {
					t.Errorf("group %s type %q, want %q", g.Code, g.Type, wantType)
				}
			}
		})
	}
}

// TestFixtureBrokenVariants: each broken variant is rejected with exactly
// one problem, at the exact file, line and column.
func TestFixtureBrokenVariants(t *testing.T) {
	tests := map[string]struct {
		want     RowError
		sentinel error
	}{
		"broken-short-row":       {RowError{File: "user.csv", Line: 5, Column: 21, Field: "誕生日"}, ErrShortRow},
		"broken-encoding":        {RowError{File: "user.csv", Line: 7, Column: 2, Field: "表示名"}, ErrInvalidEncoding},
		"broken-duplicate-login": {RowError{File: "user.csv", Line: 43, Column: 1, Field: "ログイン名"}, ErrDuplicate},
		"broken-unknown-org":     {RowError{File: "userOrganizations.csv", Line: 10, Column: 2, Field: "組織コード1"}, ErrUnknownReference},
		"broken-missing-column":  {RowError{File: "user.csv", Line: 1, Column: 11, Field: "E-mail"}, ErrMissingColumn},
	}
	if len(tests) != len(fixtures.CSVBrokenVariants) {
		t.Fatalf("%d cases for %d broken variants", len(tests), len(fixtures.CSVBrokenVariants))
	}
	for _, variant := range fixtures.CSVBrokenVariants {
		t.Run(variant, func(t *testing.T) {
			tc := tests[variant]
			snap, err := ReadFS(context.Background(), fixtures.CSVExports(), variantFiles(variant), Options{})
			if snap != nil {
				t.Errorf("got a snapshot with an error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want *Error", err)
			}
			if len(e.Problems) != 1 || e.More != 0 {
				t.Fatalf("want exactly one problem, got:\n%v", err)
			}
			got := *e.Problems[0]
			if !errors.Is(got.Err, tc.sentinel) {
				t.Errorf("problem %v, want %v", got.Err, tc.sentinel)
			}
			got.Err = nil
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("position (-want +got):\n%s\n%v", d, err)
			}
			if e.ErrorCode() != "csv_invalid" {
				t.Errorf("code %q", e.ErrorCode())
			}
		})
	}
}

var _ fs.FS = fixtures.CSVExports()
