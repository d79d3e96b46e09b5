// Command goparser prints every identifier of the Go files named on its command line as
// Go's own parser (go/parser, go/ast) reads it, in routeaudit's occurrence vocabulary:
// func, method, type, field, const, var, call, reference. It is the reference the Go
// front-end is tested against (tests/go_differential.rs); standard library only.
//
// Output, one line per identifier: path, byte offset, name and kind, separated by tabs.
// A file Go cannot parse gets one line: path, the word "error", and the message.
package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
)

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, path := range os.Args[1:] {
		dump(out, path)
	}
}

func dump(out *bufio.Writer, path string) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		fmt.Fprintf(out, "%s\terror\t%s\n", path, strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	kinds := roles(file)
	ast.Inspect(file, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Name == "_" || id.Name == "." {
			return true
		}
		kind, known := kinds[id]
		if !known {
			kind = "reference"
		}
		if kind == "" {
			return true // labels are not occurrences
		}
		fmt.Fprintf(out, "%s\t%d\t%s\t%s\n", path, fset.Position(id.Pos()).Offset, id.Name, kind)
		return true
	})
}

// roles gives the kind of every identifier that is not a plain reference ("" for labels).
func roles(file *ast.File) map[*ast.Ident]string {
	k := map[*ast.Ident]string{}
	names := func(fields *ast.FieldList, kind string) {
		if fields == nil {
			return
		}
		for _, f := range fields.List {
			for _, n := range f.Names {
				k[n] = kind
			}
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Recv != nil {
				k[n.Name] = "method"
				names(n.Recv, "var")
				for _, f := range n.Recv.List {
					for _, p := range receiverTypeParams(f.Type) {
						k[p] = "type"
					}
				}
			} else {
				k[n.Name] = "func"
			}
		case *ast.FuncType:
			names(n.TypeParams, "type")
			names(n.Params, "var")
			names(n.Results, "var")
		case *ast.TypeSpec:
			k[n.Name] = "type"
			names(n.TypeParams, "type")
		case *ast.GenDecl:
			for _, s := range n.Specs {
				if v, ok := s.(*ast.ValueSpec); ok {
					for _, id := range v.Names {
						if n.Tok == token.CONST {
							k[id] = "const"
						} else {
							k[id] = "var"
						}
					}
				}
			}
		case *ast.StructType:
			for _, f := range n.Fields.List {
				for _, id := range f.Names {
					k[id] = "field"
				}
				if len(f.Names) == 0 {
					if id := typeName(f.Type); id != nil {
						k[id] = "field"
					}
				}
			}
		case *ast.InterfaceType:
			for _, f := range n.Methods.List {
				for _, id := range f.Names {
					k[id] = "method"
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						k[id] = "var"
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						k[id] = "var"
					}
				}
			}
		case *ast.CallExpr:
			if id := callee(n.Fun); id != nil {
				k[id] = "call"
			}
		case *ast.LabeledStmt:
			k[n.Label] = ""
		case *ast.BranchStmt:
			if n.Label != nil {
				k[n.Label] = ""
			}
		}
		return true
	})
	return k
}

// callee is the name a call expression calls: f(), x.f(), f[T](), (f)().
func callee(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			return x.Sel
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// typeName is the name of an embedded field's type: T, *T, pkg.T, T[A], *pkg.T[A].
func typeName(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.StarExpr:
			e = x.X
		case *ast.SelectorExpr:
			return x.Sel
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// receiverTypeParams are the type parameters a receiver declares: T in (s *Set[T]).
func receiverTypeParams(e ast.Expr) []*ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			if id, ok := x.Index.(*ast.Ident); ok {
				return []*ast.Ident{id}
			}
			return nil
		case *ast.IndexListExpr:
			var ids []*ast.Ident
			for _, i := range x.Indices {
				if id, ok := i.(*ast.Ident); ok {
					ids = append(ids, id)
				}
			}
			return ids
		default:
			return nil
		}
	}
}
