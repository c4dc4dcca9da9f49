package main

import (
	"encoding/json"
	"os"
	"reflect"
)

// goType is netrpc's GoType (src/codec/go-type.ts) as JSON.
type goType map[string]interface{}

// registeredTypes are the concrete types interface values carry in the
// cases, by the name gob sends (gob.Register's, or a predeclared type's).
var registeredTypes = map[string]reflect.Type{
	"main.Rect":    reflect.TypeOf(Rect{}),
	"*main.Circle": reflect.TypeOf(&Circle{}),
	"main.Celsius": reflect.TypeOf(Celsius(0)),
	"main.Level":   reflect.TypeOf(Level(0)),
	"int":          reflect.TypeOf(0),
	"int64":        reflect.TypeOf(int64(0)),
	"string":       reflect.TypeOf(""),
	"float64":      reflect.TypeOf(float64(0)),
}

// describeType converts t, or returns nil when t is recursive (a GoType
// is a tree, so netrpc infers recursive values instead).
func describeType(t reflect.Type, visiting map[reflect.Type]bool) goType {
	if t == timeType {
		return goType{"kind": "time"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return goType{"kind": "bool"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return sized("int", t)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return sized("uint", t)
	case reflect.Float32, reflect.Float64:
		return goType{"kind": "float", "bits": t.Bits()}
	case reflect.Complex64, reflect.Complex128:
		return goType{"kind": "complex", "bits": t.Bits()}
	case reflect.String:
		return goType{"kind": "string"}
	case reflect.Interface:
		types := goType{}
		for name, rt := range registeredTypes {
			if t.NumMethod() == 0 || rt.Implements(t) {
				types[name] = describeType(rt, map[reflect.Type]bool{})
			}
		}
		return goType{"kind": "interface", "types": types}
	case reflect.Pointer:
		elem := describeType(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return goType{"kind": "pointer", "elem": elem}
	}
	if visiting[t] {
		return nil
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return goType{"kind": "bytes"}
		}
		elem := describeType(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return goType{"kind": "slice", "elem": elem}
	case reflect.Array:
		elem := describeType(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return goType{"kind": "array", "len": t.Len(), "elem": elem}
	case reflect.Map:
		key, elem := describeType(t.Key(), visiting), describeType(t.Elem(), visiting)
		if key == nil || elem == nil {
			return nil
		}
		return goType{"kind": "map", "key": key, "elem": elem}
	case reflect.Struct:
		fields := []goType{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			ft := describeType(f.Type, visiting)
			if ft == nil {
				return nil
			}
			fields = append(fields, goType{"name": f.Name, "type": ft})
		}
		return goType{"kind": "struct", "fields": fields}
	}
	return nil
}

// sized is an integer GoType: int and uint (and uintptr) carry no bits,
// the sized kinds do.
func sized(kind string, t reflect.Type) goType {
	switch t.Kind() {
	case reflect.Int, reflect.Uint, reflect.Uintptr:
		return goType{"kind": kind}
	}
	return goType{"kind": kind, "bits": t.Bits()}
}

// runTypes prints each case's GoType (null for a recursive one) as one JSON object.
func runTypes() {
	out := map[string]goType{}
	for _, c := range cases {
		out[c.Name] = describeType(c.Type, map[reflect.Type]bool{})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.Encode(out)
}
