package main

import (
	"go/types"
	"reflect"
	"strings"
	"unicode"
)

// describeFields describes a struct's fields in declaration order (the
// order reflect, gob and encoding/json use). The type of an unexported
// field is described only when the field is embedded: encoding/json
// promotes the exported fields of an unexported embedded struct.
func (d *describer) describeFields(s *types.Struct) []Field {
	fields := make([]Field, 0, s.NumFields())
	for i := 0; i < s.NumFields(); i++ {
		v := s.Field(i)
		f := Field{
			Name:     v.Name(),
			GoType:   reflectString(v.Type()),
			Embedded: v.Embedded(),
			Exported: v.Exported(),
			GobSent:  gobSent(v),
			Tag:      s.Tag(i),
		}
		if f.Exported || f.Embedded {
			f.Type = d.describe(v.Type())
		}
		f.JSON = jsonTag(s.Tag(i), v.Type())
		if v.Pkg() == d.l.pkg {
			c := d.docs[v.Pos()]
			f.Doc, f.Comment = c.doc, c.line
		}
		fields = append(fields, f)
	}
	return fields
}

// gobSent is encoding/gob's isSent: the field is exported and, under any
// pointers, neither a chan nor a func.
func gobSent(v *types.Var) bool {
	if !v.Exported() {
		return false
	}
	switch gobBase(v.Type()).Underlying().(type) {
	case *types.Chan, *types.Signature:
		return false
	}
	return true
}

// jsonTag reads a field's `json` tag as encoding/json does: "-" leaves the
// field out, an invalid name is ignored, and the string option counts only
// for bool, integer, float and string fields (under one unnamed pointer).
func jsonTag(tag string, t types.Type) *JSONTag {
	raw, ok := reflect.StructTag(tag).Lookup("json")
	if !ok {
		return nil
	}
	if raw == "-" {
		return &JSONTag{Skip: true}
	}
	name, opts, _ := strings.Cut(raw, ",")
	j := &JSONTag{}
	if validJSONName(name) {
		j.Name = name
	}
	for _, opt := range strings.Split(opts, ",") {
		switch opt {
		case "omitempty":
			j.OmitEmpty = true
		case "string":
			j.String = jsonQuotable(t)
		}
	}
	if *j == (JSONTag{}) {
		return nil
	}
	return j
}

func jsonQuotable(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsBoolean|types.IsInteger|types.IsFloat|types.IsString) != 0 && b.Kind() != types.UnsafePointer
}

// validJSONName is encoding/json's isValidTag.
func validJSONName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
