package main

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cybridge/cybridge/fixtures"
)

// csvFixtureCmd is the testscript command
//
//	csvfixture VARIANT [DIR]
//
// which copies a folder of fixtures.CSVExports (the fixture company as
// cybozu.com CSV exports; e.g. export-sjis, broken-short-row) into DIR
// (default VARIANT) under the script's work directory. The files are
// Shift_JIS and cannot be written in a txtar archive.
func csvFixtureCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: csvfixture VARIANT [DIR]")
	}
	dir := args[0]
	if len(args) == 2 {
		dir = args[1]
	}
	src, err := fs.Sub(fixtures.CSVExports(), args[0])
	ts.Check(err)
	entries, err := fs.ReadDir(src, ".")
	if err != nil || len(entries) == 0 {
		ts.Fatalf("csvfixture: no fixture folder %q", args[0])
	}
	dst := ts.MkAbs(dir)
	ts.Check(os.MkdirAll(dst, 0o755))
	for _, e := range entries {
		data, err := fs.ReadFile(src, e.Name())
		ts.Check(err)
		ts.Check(os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644))
	}
}
