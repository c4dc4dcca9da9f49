package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
)

// maxProblems caps the messages of one failure, as the Go compiler stops
// after ten errors.
const maxProblems = 10

// loaded is a parsed and type-checked package.
type loaded struct {
	fset       *token.FileSet
	files      []*ast.File
	fileNames  []string
	pkg        *types.Package
	info       *types.Info
	importPath string
	pathFrom   string
}

// failure is an error that becomes a Failure on stdout.
type failure struct{ Failure }

func (f *failure) Error() string {
	if len(f.Problems) == 0 {
		return f.Kind
	}
	p := f.Problems[0]
	if p.Position != "" {
		return p.Position + ": " + p.Message
	}
	return p.Message
}

func loadFailure(msg string) *failure {
	return &failure{Failure{Kind: "load", Problems: []Problem{{Message: msg}}}}
}

// loadPackage reads the Go package in dir: the files the go command would
// build for this platform (tests left out), parsed with comments and type
// checked with the importer named by importerMode ("auto" tries export
// data first and falls back to source when an import has none).
func loadPackage(dir, importPathFlag, importerMode string) (*loaded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, loadFailure(err.Error())
	}
	bp, err := build.Default.ImportDir(abs, 0)
	if err != nil {
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil, loadFailure("no Go files to build in " + dir)
		}
		return nil, loadFailure(err.Error())
	}
	l := &loaded{fset: token.NewFileSet()}
	names := append(append([]string{}, bp.GoFiles...), bp.CgoFiles...)
	sort.Strings(names)
	var parseErrs scanner.ErrorList
	for _, name := range names {
		f, err := parser.ParseFile(l.fset, filepath.Join(abs, name), nil, parser.ParseComments)
		if err != nil {
			var list scanner.ErrorList
			if errors.As(err, &list) {
				parseErrs = append(parseErrs, list...)
				continue
			}
			return nil, loadFailure(err.Error())
		}
		l.files = append(l.files, f)
		l.fileNames = append(l.fileNames, name)
	}
	if len(parseErrs) > 0 {
		parseErrs.Sort()
		return nil, &failure{Failure{Kind: "parse", Problems: errorListProblems(l.fset, parseErrs)}}
	}
	l.importPath, l.pathFrom = packageImportPath(abs, bp, importPathFlag)
	if err := l.check(importerMode); err != nil {
		return nil, err
	}
	return l, nil
}

func errorListProblems(fset *token.FileSet, list scanner.ErrorList) []Problem {
	var out []Problem
	for i, e := range list {
		if i == maxProblems {
			out = append(out, Problem{Message: "too many errors"})
			break
		}
		out = append(out, Problem{Position: positionString(e.Pos), Message: e.Msg})
	}
	return out
}

// positionString prints a position as file:line:column with the file's
// base name: every file of a package is in one directory.
func positionString(p token.Position) string {
	if !p.IsValid() {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", filepath.Base(p.Filename), p.Line, p.Column)
}

// check type-checks the files. In "auto" mode it first imports from
// compiled export data (fast, and complete for the standard library) and,
// if some import has none (a module's own packages, GOPATH packages never
// installed), checks again importing everything from source, so that every
// package is seen through one importer.
func (l *loaded) check(mode string) error {
	switch mode {
	case "gc", "source":
		return l.checkWith(mode, nil)
	case "auto":
		var missing []string
		err := l.checkWith("gc", &missing)
		if len(missing) == 0 {
			return err
		}
		return l.checkWith("source", nil)
	}
	return loadFailure("unknown importer " + mode + " (want auto, gc or source)")
}

// recordingImporter notes the paths its importer could not import.
type recordingImporter struct {
	types.ImporterFrom
	missing *[]string
}

func (r recordingImporter) Import(path string) (*types.Package, error) {
	return r.ImportFrom(path, "", 0)
}

func (r recordingImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	p, err := r.ImporterFrom.ImportFrom(path, dir, mode)
	if err != nil && r.missing != nil {
		*r.missing = append(*r.missing, path)
	}
	return p, err
}

func (l *loaded) checkWith(compiler string, missing *[]string) error {
	imp := importer.ForCompiler(l.fset, compiler, nil).(types.ImporterFrom)
	var problems []Problem
	conf := types.Config{
		Importer:    recordingImporter{imp, missing},
		FakeImportC: true,
		Error: func(err error) {
			if len(problems) > maxProblems {
				return
			}
			if len(problems) == maxProblems {
				problems = append(problems, Problem{Message: "too many errors"})
				return
			}
			var te types.Error
			if errors.As(err, &te) {
				problems = append(problems, Problem{Position: positionString(te.Fset.Position(te.Pos)), Message: te.Msg})
				return
			}
			problems = append(problems, Problem{Message: err.Error()})
		},
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	pkg, _ := conf.Check(l.importPath, l.fset, l.files, info)
	if len(problems) > 0 {
		return &failure{Failure{Kind: "type", Problems: problems}}
	}
	l.pkg, l.info = pkg, info
	return nil
}
