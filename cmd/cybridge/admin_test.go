package main

import (
	"bytes"
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// mode600Cmd is `mode600 FILE`: FILE is readable and writable by its
// owner only.
func mode600Cmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: mode600 FILE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm() == 0o600; got == neg {
		ts.Fatalf("%s has mode %v", args[0], fi.Mode().Perm())
	}
}

// lastLineCmd is `lastline FROM TO`: TO holds FROM's last line, without
// its newline.
func lastLineCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: lastline FROM TO")
	}
	lines := strings.Split(strings.TrimRight(ts.ReadFile(args[0]), "\n"), "\n")
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(lines[len(lines)-1]), 0o600))
}

// grepFileCmd is `grepfile NEEDLE HAYSTACK`: HAYSTACK (a file, or stdout;
// a database file together with its -wal) holds NEEDLE's bytes as they
// are.
func grepFileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: grepfile NEEDLE HAYSTACK")
	}
	needle := []byte(ts.ReadFile(args[0]))
	if len(needle) == 0 {
		ts.Fatalf("%s is empty", args[0])
	}
	var hay []byte
	if args[1] == "stdout" {
		hay = []byte(ts.ReadFile("stdout"))
	} else {
		for _, f := range []string{args[1], args[1] + "-wal"} {
			b, err := os.ReadFile(ts.MkAbs(f))
			if err != nil && !os.IsNotExist(err) {
				ts.Fatalf("%v", err)
			}
			hay = append(hay, b...)
		}
	}
	if found := bytes.Contains(hay, needle); found != !neg {
		ts.Fatalf("%s in %s: %v", args[0], args[1], found)
	}
}
