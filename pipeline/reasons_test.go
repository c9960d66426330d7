package pipeline_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"testing"

	"github.com/voc-analytics/voc/pipeline"
)

// TestReasonsListsEveryReason: every constant of type Reason declared in the
// package's source is in pipeline.Reasons, once, so code that enumerates
// reasons (metrics, tests) cannot miss a new one.
func TestReasonsListsEveryReason(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var declared []string
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Reason" {
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok {
						declared = append(declared, lit.Value[1:len(lit.Value)-1])
					}
				}
			}
			return true
		})
	}
	if len(declared) < 10 {
		t.Fatalf("found %d Reason constants in the source, want the full set", len(declared))
	}
	var listed []string
	for _, r := range pipeline.Reasons {
		if slices.Contains(listed, string(r)) {
			t.Errorf("%s is listed twice", r)
		}
		listed = append(listed, string(r))
	}
	for _, d := range declared {
		if !slices.Contains(listed, d) {
			t.Errorf("Reason %q is declared but not in pipeline.Reasons", d)
		}
	}
	if len(listed) != len(declared) {
		t.Errorf("pipeline.Reasons has %d entries, the source declares %d", len(listed), len(declared))
	}
}
