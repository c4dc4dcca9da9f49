package main

import (
	"go/ast"
	"go/token"
	"strings"
)

// comments are the doc comment and the line comment of one declaration.
type comments struct {
	doc  string
	line string
}

// docIndex maps the position of a declared name (a type, a method, a
// struct field or an interface method) to its comments, for the files of
// the package being read.
type docIndex map[token.Pos]comments

func indexDocs(files []*ast.File) docIndex {
	idx := docIndex{}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				idx.add(d.Name.Pos(), d.Doc, nil)
			case *ast.GenDecl:
				if d.Tok != token.TYPE {
					continue
				}
				for _, spec := range d.Specs {
					ts := spec.(*ast.TypeSpec)
					doc := ts.Doc
					if doc == nil && len(d.Specs) == 1 {
						doc = d.Doc
					}
					idx.add(ts.Name.Pos(), doc, ts.Comment)
				}
			}
		}
		// Field lists nest anywhere (struct literals inside types, local
		// types in functions), so visit them all.
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.StructType:
				idx.addFields(n.Fields)
			case *ast.InterfaceType:
				idx.addFields(n.Methods)
			case *ast.DeclStmt:
				if gd, ok := n.Decl.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
					for _, spec := range gd.Specs {
						ts := spec.(*ast.TypeSpec)
						doc := ts.Doc
						if doc == nil && len(gd.Specs) == 1 {
							doc = gd.Doc
						}
						idx.add(ts.Name.Pos(), doc, ts.Comment)
					}
				}
			}
			return true
		})
	}
	return idx
}

func (idx docIndex) addFields(list *ast.FieldList) {
	if list == nil {
		return
	}
	for _, field := range list.List {
		if len(field.Names) == 0 {
			if id := embeddedIdent(field.Type); id != nil {
				idx.add(id.Pos(), field.Doc, field.Comment)
			}
			continue
		}
		for _, name := range field.Names {
			idx.add(name.Pos(), field.Doc, field.Comment)
		}
	}
}

func (idx docIndex) add(pos token.Pos, doc, line *ast.CommentGroup) {
	c := comments{doc: commentText(doc), line: commentText(line)}
	if c.doc != "" || c.line != "" {
		idx[pos] = c
	}
}

// embeddedIdent is the identifier go/types positions an embedded field at:
// the type name, under any pointer, package qualifier or type arguments.
func embeddedIdent(e ast.Expr) *ast.Ident {
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
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

func commentText(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.TrimRight(g.Text(), "\n")
}
