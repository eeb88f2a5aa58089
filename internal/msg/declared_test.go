package msg_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// vocabularyFamily names the families of stable values a surface shows or
// an API client compares: error and warning codes (Code*, Warn*: both
// are an issue's code), triggers, run statuses, change flags and reasons,
// states and origins. A constant's family is its name's prefix.
var vocabularyFamily = regexp.MustCompile(`^(Code|Warn|Trigger|Status|Flag|Reason|State|Origin)[A-Z]`)

// family groups the prefixes whose values share one namespace.
func family(name string) string {
	m := vocabularyFamily.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	if m[1] == "Warn" {
		return "Code"
	}
	return m[1]
}

// declared is a string constant of the vocabulary, where it is declared.
type declared struct {
	pkg, name, value string
	pos              token.Position
}

// sources parses every non-test Go file of the module (../.. from here),
// by package directory.
func sources(t *testing.T) (map[string][]*ast.File, *token.FileSet) {
	t.Helper()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || n == "vendor" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		pkgs[filepath.ToSlash(dir)] = append(pkgs[filepath.ToSlash(dir)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found only %d packages under %s: is the test run from its own directory?", len(pkgs), root)
	}
	return pkgs, fset
}

// TestCodesDeclaredOnce: every stable code, trigger, status, flag,
// reason, state and origin is declared once in the module. A value two
// packages both need is declared where it belongs (a code every package
// shares, such as not_found, in msg; a flag both targets raise in
// provision) and the others refer to that constant: two declarations of
// one value drift apart, and then the CLI and the API say different
// things for the same failure. Comparing a code, status or trigger with
// a literal, or building an error with a literal code that a constant
// declares, is the same duplication by another name.
//
// Only declarations with a string literal count: `FlagResetsSync =
// provision.FlagResetsSync` names the one declaration, it does not make a
// second. Within one package a value may serve two families (a run's
// status blocked and its error code blocked).
func TestCodesDeclaredOnce(t *testing.T) {
	pkgs, fset := sources(t)
	byValue := map[string][]declared{} // family + value → declarations
	values := map[string]declared{}    // value → a declaration (codes, statuses, triggers)
	for _, dir := range slices.Sorted(maps.Keys(pkgs)) {
		for _, f := range pkgs[dir] {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						fam := family(n.Name)
						if fam == "" || i >= len(vs.Values) {
							continue
						}
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						v, _ := strconv.Unquote(lit.Value)
						dcl := declared{pkg: dir, name: n.Name, value: v, pos: fset.Position(n.Pos())}
						byValue[fam+"\x00"+v] = append(byValue[fam+"\x00"+v], dcl)
						if fam == "Code" || fam == "Status" || fam == "Trigger" {
							values[v] = dcl
						}
					}
				}
			}
		}
	}
	if len(values) < 20 {
		t.Fatalf("found only %d codes, statuses and triggers: the walk misses the sources", len(values))
	}
	for _, key := range slices.Sorted(maps.Keys(byValue)) {
		ds := byValue[key]
		var where []string
		for _, d := range ds {
			if !slices.ContainsFunc(where, func(s string) bool { return strings.HasPrefix(s, d.pkg+".") }) {
				where = append(where, d.pkg+"."+d.name)
			}
		}
		if len(where) > 1 {
			t.Errorf("%q is declared in %d packages: %s; declare it once and refer to that constant", ds[0].value, len(where), strings.Join(where, ", "))
		}
	}

	// Literals standing for a declared code, status or trigger.
	for _, dir := range slices.Sorted(maps.Keys(pkgs)) {
		for _, f := range pkgs[dir] {
			ast.Inspect(f, func(n ast.Node) bool {
				var lit *ast.BasicLit
				switch x := n.(type) {
				case *ast.KeyValueExpr: // Error{Code: "not_found"}
					if k, ok := x.Key.(*ast.Ident); ok && (k.Name == "Code" || k.Name == "Status" || k.Name == "Trigger") {
						lit, _ = x.Value.(*ast.BasicLit)
					}
				case *ast.BinaryExpr: // o.ErrorCode == "run_in_progress"
					if x.Op != token.EQL && x.Op != token.NEQ {
						return true
					}
					for _, pair := range [][2]ast.Expr{{x.X, x.Y}, {x.Y, x.X}} {
						if l, ok := pair[1].(*ast.BasicLit); ok && namesVocabulary(pair[0]) {
							lit = l
						}
					}
				}
				if lit == nil || lit.Kind != token.STRING {
					return true
				}
				v, _ := strconv.Unquote(lit.Value)
				if d, ok := values[v]; ok {
					t.Errorf("%s: %s is spelt out; use %s.%s (%s)", fset.Position(lit.Pos()), lit.Value, filepath.Base(d.pkg), d.name, d.pkg)
				}
				return true
			})
		}
	}
}

// namesVocabulary reports whether e reads a code, status or trigger:
// x.ErrorCode, x.Code, x.Status, x.Trigger, msg.Code(err), err.ErrorCode().
func namesVocabulary(e ast.Expr) bool {
	if c, ok := e.(*ast.CallExpr); ok {
		e = c.Fun
	}
	var name string
	switch x := e.(type) {
	case *ast.SelectorExpr:
		name = x.Sel.Name
	case *ast.Ident:
		name = x.Name
	}
	switch name {
	case "ErrorCode", "Code", "Status", "Trigger", "code":
		return true
	}
	return false
}
