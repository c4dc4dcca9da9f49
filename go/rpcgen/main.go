// Command rpcgen reads one Go package and prints, as JSON on stdout, the
// net/rpc services it declares (with Go's own rules for which methods
// qualify), every type their methods send and receive, the gob and rpc
// registrations in its source and the doc comments of all of these.
//
//	rpcgen [-importer auto|gc|source] [-importpath PATH] DIR
//
// The package is read with go/build, go/parser and go/types; imports are
// read from export data when there is some and from source otherwise. The
// output is the same bytes for the same package. When the package cannot
// be read it prints {"failure": {...}} instead and exits with status 3.
// Standard library only.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
)

// exitFailure is the status of a run that printed a Failure.
const exitFailure = 3

func main() {
	importerMode := flag.String("importer", "auto", "where imports are read from: auto, gc (export data) or source")
	importPath := flag.String("importpath", "", "the import path of a package that is not a command, when the module or GOPATH does not give it")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: rpcgen [-importer auto|gc|source] [-importpath PATH] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	l, err := loadPackage(flag.Arg(0), *importPath, *importerMode)
	if err != nil {
		var f *failure
		if !errors.As(err, &f) {
			f = loadFailure(err.Error())
		}
		write(struct {
			Failure Failure `json:"failure"`
		}{f.Failure})
		fmt.Fprintln(os.Stderr, "rpcgen: "+f.Error())
		os.Exit(exitFailure)
	}
	write(analyze(l))
}

// analyze builds the model of a loaded package.
func analyze(l *loaded) *Model {
	docs := indexDocs(l.files)
	rpcCalls, gobCalls := findCalls(l)
	gobRegs, gobKnown := gobRegistrations(gobCalls)
	d := newDescriber(l, docs, gobKnown)
	services, unregistrable := findServices(l, d, rpcCalls)
	for i, c := range gobCalls {
		if c.value != nil {
			gobRegs[i].Type = d.describe(c.value)
		}
	}
	m := &Model{
		Version:          modelVersion,
		Package:          packageInfo(l),
		Services:         services,
		Unregistrable:    unregistrable,
		RPCRegistrations: d.rpcRegistrations(rpcCalls),
		GobRegistrations: gobRegs,
	}
	if m.Services == nil {
		m.Services = []Service{}
	}
	if m.Unregistrable == nil {
		m.Unregistrable = []Unregistrable{}
	}
	if m.GobRegistrations == nil {
		m.GobRegistrations = []GobRegistration{}
	}
	m.Types = d.finish()
	return m
}

func packageInfo(l *loaded) Package {
	p := Package{Name: l.pkg.Name(), ImportPath: l.importPath, ImportPathFrom: l.pathFrom, Files: l.fileNames}
	for _, f := range l.files {
		if f.Doc != nil {
			p.Doc = commentText(f.Doc)
			break
		}
	}
	return p
}

// write prints v as indented JSON, without HTML escaping, and a newline.
func write(v interface{}) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, "rpcgen:", err)
		os.Exit(1)
	}
	os.Stdout.Write(b.Bytes())
}
