package main

import (
	"bufio"
	"go/build"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// packageImportPath is the import path the package's types carry at run
// time (reflect's PkgPath), which is part of the names gob.Register gives
// them. A command's types are in package "main". Otherwise: the path given
// by -importpath; in module mode the module path joined with the
// directory's place in the module; in GOPATH mode the directory's place
// under a GOPATH src folder, or, outside any, "_" followed by the
// directory, as the go command names such local packages.
func packageImportPath(abs string, bp *build.Package, flag string) (importPath, from string) {
	if bp.Name == "main" {
		return "main", "main"
	}
	if flag != "" {
		return flag, "flag"
	}
	if os.Getenv("GO111MODULE") != "off" {
		if modDir, modPath, ok := findModule(abs); ok {
			rel, err := filepath.Rel(modDir, abs)
			if err == nil {
				if rel == "." {
					return modPath, "module"
				}
				return path.Join(modPath, filepath.ToSlash(rel)), "module"
			}
		}
	}
	if bp.ImportPath != "" && bp.ImportPath != "." && !build.IsLocalImport(bp.ImportPath) {
		return bp.ImportPath, "gopath"
	}
	return path.Join("_", strings.Map(importPathRune, filepath.ToSlash(abs))), "local"
}

// importPathRune keeps r when an import path may hold it and maps it to
// '_' otherwise, the go command's rule for naming local packages.
func importPathRune(r rune) rune {
	const illegal = "!\"#$%&'()*,:;<=>?[\\]^{|}`\uFFFD"
	if !unicode.IsGraphic(r) || unicode.IsSpace(r) || strings.ContainsRune(illegal, r) {
		return '_'
	}
	return r
}

// findModule looks for go.mod in dir and its parents and returns the
// module's directory and path.
func findModule(dir string) (modDir, modPath string, ok bool) {
	for {
		if p, found := readModulePath(filepath.Join(dir, "go.mod")); found {
			return dir, p, p != ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", false
		}
		dir = parent
	}
}

// readModulePath reads the module directive of a go.mod file; found is
// false when there is no such file.
func readModulePath(file string) (modPath string, found bool) {
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest := strings.TrimPrefix(line, "module")
		if rest == line || (rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if unq, err := strconv.Unquote(rest); err == nil {
			rest = unq
		}
		return rest, true
	}
	return "", true
}
