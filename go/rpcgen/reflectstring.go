package main

import (
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// reflectString prints t as reflect.Type's String method does at run time:
// named types qualified by package name ("main.Args", "*p.T"), type
// arguments by package path ("p.Pair[example.com/p.T,int]"), byte and rune
// as uint8 and int32, and spaces inside struct and interface braces.
func reflectString(t types.Type) string {
	var b strings.Builder
	writeReflect(&b, t, false)
	return b.String()
}

// reflectName is reflect.Type's Name method: the defined type's name with
// its type arguments, or "" for a type literal.
func reflectName(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		return basicName(t)
	case *types.Named:
		var b strings.Builder
		b.WriteString(t.Obj().Name())
		writeTypeArgs(&b, t)
		return b.String()
	}
	return ""
}

// reflectPkgPath is reflect.Type's PkgPath method: the defining package's
// path for defined types, "" for predeclared types and type literals.
func reflectPkgPath(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return "unsafe"
		}
	case *types.Named:
		if t.Obj().Pkg() != nil {
			return t.Obj().Pkg().Path()
		}
	}
	return ""
}

func basicName(t *types.Basic) string {
	if t.Kind() == types.UnsafePointer {
		return "Pointer"
	}
	return types.Typ[types.Default(t).(*types.Basic).Kind()].Name()
}

func writeTypeArgs(b *strings.Builder, t *types.Named) {
	args := t.TypeArgs()
	if args.Len() == 0 {
		return
	}
	b.WriteByte('[')
	for i := 0; i < args.Len(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		writeReflect(b, args.At(i), true)
	}
	b.WriteByte(']')
}

// writeReflect writes t; byPath qualifies named types by package path, as
// reflect does inside type arguments.
func writeReflect(b *strings.Builder, t types.Type, byPath bool) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			b.WriteString("unsafe.Pointer")
			return
		}
		b.WriteString(basicName(t))
	case *types.Named:
		if pkg := t.Obj().Pkg(); pkg != nil {
			if byPath {
				b.WriteString(pkg.Path())
			} else {
				b.WriteString(pkg.Name())
			}
			b.WriteByte('.')
		}
		b.WriteString(t.Obj().Name())
		writeTypeArgs(b, t)
	case *types.Pointer:
		b.WriteByte('*')
		writeReflect(b, t.Elem(), byPath)
	case *types.Slice:
		b.WriteString("[]")
		writeReflect(b, t.Elem(), byPath)
	case *types.Array:
		b.WriteString("[" + strconv.FormatInt(t.Len(), 10) + "]")
		writeReflect(b, t.Elem(), byPath)
	case *types.Map:
		b.WriteString("map[")
		writeReflect(b, t.Key(), byPath)
		b.WriteByte(']')
		writeReflect(b, t.Elem(), byPath)
	case *types.Chan:
		writeChan(b, t, byPath)
	case *types.Signature:
		b.WriteString("func")
		writeSignature(b, t, byPath)
	case *types.Struct:
		writeStruct(b, t, byPath)
	case *types.Interface:
		writeInterface(b, t, byPath)
	case *types.TypeParam:
		b.WriteString(t.Obj().Name())
	default:
		b.WriteString(types.TypeString(t, nil))
	}
}

func writeChan(b *strings.Builder, t *types.Chan, byPath bool) {
	switch t.Dir() {
	case types.SendOnly:
		b.WriteString("chan<- ")
		writeReflect(b, t.Elem(), byPath)
	case types.RecvOnly:
		b.WriteString("<-chan ")
		writeReflect(b, t.Elem(), byPath)
	default:
		b.WriteString("chan ")
		if inner, ok := t.Elem().(*types.Chan); ok && inner.Dir() == types.RecvOnly {
			b.WriteByte('(')
			writeReflect(b, inner, byPath)
			b.WriteByte(')')
			return
		}
		writeReflect(b, t.Elem(), byPath)
	}
}

// writeSignature writes "(params) results" of a function type.
func writeSignature(b *strings.Builder, sig *types.Signature, byPath bool) {
	b.WriteByte('(')
	params := sig.Params()
	for i := 0; i < params.Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		pt := params.At(i).Type()
		if sig.Variadic() && i == params.Len()-1 {
			b.WriteString("...")
			pt = pt.(*types.Slice).Elem()
		}
		writeReflect(b, pt, byPath)
	}
	b.WriteByte(')')
	results := sig.Results()
	switch results.Len() {
	case 0:
	case 1:
		b.WriteByte(' ')
		writeReflect(b, results.At(0).Type(), byPath)
	default:
		b.WriteString(" (")
		for i := 0; i < results.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeReflect(b, results.At(i).Type(), byPath)
		}
		b.WriteByte(')')
	}
}

func writeStruct(b *strings.Builder, t *types.Struct, byPath bool) {
	if t.NumFields() == 0 {
		b.WriteString("struct {}")
		return
	}
	b.WriteString("struct { ")
	for i := 0; i < t.NumFields(); i++ {
		if i > 0 {
			b.WriteString("; ")
		}
		f := t.Field(i)
		if !f.Embedded() {
			b.WriteString(f.Name())
			b.WriteByte(' ')
		}
		writeReflect(b, f.Type(), byPath)
		if tag := t.Tag(i); tag != "" {
			b.WriteString(" " + strconv.Quote(tag))
		}
	}
	b.WriteString(" }")
}

func writeInterface(b *strings.Builder, t *types.Interface, byPath bool) {
	if t.NumMethods() == 0 {
		b.WriteString("interface {}")
		return
	}
	methods := make([]*types.Func, t.NumMethods())
	for i := range methods {
		methods[i] = t.Method(i)
	}
	sort.Slice(methods, func(i, j int) bool { return methods[i].Name() < methods[j].Name() })
	b.WriteString("interface { ")
	for i, m := range methods {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m.Name())
		writeSignature(b, m.Type().(*types.Signature), byPath)
	}
	b.WriteString(" }")
}

// gobRegisterName is the name gob.Register(v) gives v's type t, following
// encoding/gob's Register: a defined type is named by its package path and
// name ("main.Rect", "example.com/p.T"); any other type, pointers to
// defined types included, by its reflect string ("*main.Circle", "[]int").
func gobRegisterName(t types.Type) string {
	if name := reflectName(t); name != "" {
		if path := reflectPkgPath(t); path != "" {
			return path + "." + name
		}
		return name
	}
	return reflectString(t)
}
