package main

import (
	"go/types"
	"strings"
)

// describer builds TypeRefs and the type table. A defined type is entered
// in the table once, under its ID, and described from a work list, so
// recursive types become references instead of endless trees.
type describer struct {
	l       *loaded
	docs    docIndex
	gob     []gobEntry
	table   map[string]*NamedType
	pending []*types.Named
}

func newDescriber(l *loaded, docs docIndex, gob []gobEntry) *describer {
	return &describer{l: l, docs: docs, gob: gob, table: map[string]*NamedType{}}
}

// typeID is the table key of a defined type: its package path and name
// (with type arguments, by path), which is unique in a program. Types
// declared inside a function can share a name, so they also carry their
// position.
func (d *describer) typeID(n *types.Named) string {
	obj := n.Obj()
	if obj.Pkg() == nil {
		return obj.Name()
	}
	id := obj.Pkg().Path() + "." + reflectName(n)
	if obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope() {
		id += "@" + positionString(d.l.fset.Position(obj.Pos()))
	}
	return id
}

// describe returns the TypeRef of t, entering the defined types it
// mentions in the table.
func (d *describer) describe(t types.Type) *TypeRef {
	ref := &TypeRef{Go: reflectString(t)}
	switch t := t.(type) {
	case *types.Named:
		ref.Kind = "named"
		ref.ID = d.enter(t)
	case *types.Basic:
		d.describeBasic(ref, t)
	case *types.Pointer:
		ref.Kind = "pointer"
		ref.Elem = d.describe(t.Elem())
	case *types.Slice:
		ref.Kind = "slice"
		if b, ok := t.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			// gob and encoding/json send a slice of any uint8 kind as bytes.
			ref.Kind = "bytes"
			if _, named := t.Elem().(*types.Named); !named {
				return ref
			}
		}
		ref.Elem = d.describe(t.Elem())
	case *types.Array:
		ref.Kind = "array"
		n := t.Len()
		ref.Len = &n
		ref.Elem = d.describe(t.Elem())
	case *types.Map:
		ref.Kind = "map"
		ref.Key = d.describe(t.Key())
		ref.Elem = d.describe(t.Elem())
		if msg := jsonMapKeyError(t); msg != "" {
			ref.Unsupported = &Unsupported{JSON: msg}
		}
	case *types.Struct:
		d.describeStruct(ref, t, t)
	case *types.Interface:
		d.describeInterface(ref, t)
	case *types.Chan:
		ref.Kind = "chan"
		ref.Dir = chanDir(t.Dir())
		ref.Elem = d.describe(t.Elem())
		ref.Unsupported = notTransmissible(ref.Go)
	case *types.Signature:
		ref.Kind = "func"
		ref.Unsupported = notTransmissible(ref.Go)
	default:
		ref.Kind = "unknown"
	}
	return ref
}

// basicKinds are the model's kind names of Go's basic types.
var basicKinds = map[types.BasicKind]string{
	types.Bool: "bool", types.String: "string",
	types.Int: "int", types.Int8: "int8", types.Int16: "int16", types.Int32: "int32", types.Int64: "int64",
	types.Uint: "uint", types.Uint8: "uint8", types.Uint16: "uint16", types.Uint32: "uint32", types.Uint64: "uint64",
	types.Uintptr: "uintptr", types.Float32: "float32", types.Float64: "float64",
	types.Complex64: "complex64", types.Complex128: "complex128", types.UnsafePointer: "unsafePointer",
}

func (d *describer) describeBasic(ref *TypeRef, t *types.Basic) {
	kind, ok := basicKinds[types.Default(t).(*types.Basic).Kind()]
	if !ok {
		ref.Kind = "unknown"
		return
	}
	ref.Kind = kind
	switch kind {
	case "complex64", "complex128":
		ref.Unsupported = &Unsupported{JSON: "json: unsupported type: " + ref.Go}
	case "unsafePointer":
		ref.Unsupported = notTransmissible(ref.Go)
	}
}

// notTransmissible holds the errors gob and encoding/json report for a
// chan, func or unsafe.Pointer value. (As a struct field, gob leaves a
// chan or func out silently instead: see Field.GobSent.)
func notTransmissible(goString string) *Unsupported {
	return &Unsupported{
		Gob:  "gob NewTypeObject can't handle type: " + goString,
		JSON: "json: unsupported type: " + goString,
	}
}

func chanDir(dir types.ChanDir) string {
	switch dir {
	case types.SendOnly:
		return "send"
	case types.RecvOnly:
		return "recv"
	}
	return "both"
}

// jsonMapKeyError is encoding/json's error for a map whose key is neither
// a string or integer kind nor an encoding.TextMarshaler, or "".
func jsonMapKeyError(m *types.Map) string {
	if b, ok := m.Key().Underlying().(*types.Basic); ok {
		switch {
		case b.Info()&types.IsString != 0, b.Info()&types.IsInteger != 0:
			return ""
		}
	}
	if types.Implements(m.Key(), textMarshalerIface) {
		return ""
	}
	return "json: unsupported type: " + reflectString(m)
}

func (d *describer) describeInterface(ref *TypeRef, t *types.Interface) {
	ref.Kind = "interface"
	methods := []InterfaceFn{}
	for i := 0; i < t.NumMethods(); i++ {
		m := t.Method(i)
		var b strings.Builder
		b.WriteString("func")
		writeSignature(&b, m.Type().(*types.Signature), false)
		methods = append(methods, InterfaceFn{Name: m.Name(), Go: b.String()})
	}
	ref.Methods = &methods
	ref.GobConcrete = gobNamesImplementing(d.gob, t)
}

// describeStruct fills ref for struct s, the underlying type of owner
// (s itself for a struct literal): its fields, those gob and
// encoding/json send, and gob's error when it sends none.
func (d *describer) describeStruct(ref *TypeRef, s *types.Struct, owner types.Type) {
	ref.Kind = "struct"
	fields := d.describeFields(s)
	ref.Fields = &fields
	gobFields := d.gobWireFields(s)
	ref.GobFields = &gobFields
	jsonFields := d.jsonWireFields(s)
	ref.JSONFields = &jsonFields
	if msg := gobNoFieldsError(s, gobFields, owner); msg != "" {
		ref.Unsupported = &Unsupported{Gob: msg}
	}
}

// wellKnownTypes are the IDs of the defined types the wire formats (or
// their users) treat specially: they encode themselves, or encoding/json
// knows them by name.
var wellKnownTypes = map[string]bool{
	"time.Time":                true,
	"math/big.Int":             true,
	"math/big.Rat":             true,
	"math/big.Float":           true,
	"encoding/json.Number":     true,
	"encoding/json.RawMessage": true,
}

// enter adds n to the table (to be described later) and returns its ID.
func (d *describer) enter(n *types.Named) string {
	id := d.typeID(n)
	if _, ok := d.table[id]; ok {
		return id
	}
	obj := n.Obj()
	entry := &NamedType{ID: id, Name: reflectName(n), Go: reflectString(n)}
	if pkg := obj.Pkg(); pkg != nil {
		entry.Package, entry.PackageName = pkg.Path(), pkg.Name()
	}
	if wellKnownTypes[id] {
		entry.WellKnown = id
	}
	if obj.Pkg() == d.l.pkg {
		c := d.docs[obj.Pos()]
		entry.Doc = joinComments(c)
		entry.Position = positionString(d.l.fset.Position(obj.Pos()))
	}
	d.table[id] = entry
	d.pending = append(d.pending, n)
	return id
}

// finish describes every entered type, including those entered meanwhile.
func (d *describer) finish() map[string]*NamedType {
	for len(d.pending) > 0 {
		n := d.pending[0]
		d.pending = d.pending[1:]
		entry := d.table[d.typeID(n)]
		args := n.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			entry.TypeArgs = append(entry.TypeArgs, d.describe(args.At(i)))
		}
		if s, ok := n.Underlying().(*types.Struct); ok {
			entry.Underlying = &TypeRef{Go: reflectString(s)}
			d.describeStruct(entry.Underlying, s, n)
		} else {
			entry.Underlying = d.describe(n.Underlying())
		}
		if !types.IsInterface(n) {
			entry.Marshalers = marshalersOf(n)
		}
	}
	return d.table
}

// joinComments is a declaration's doc comment, or its line comment when it
// has no doc comment.
func joinComments(c comments) string {
	if c.doc != "" {
		return c.doc
	}
	return c.line
}
