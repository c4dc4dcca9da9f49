package main

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"time"
)

// The exact comparison every Check method and every client call uses.
//
//   - Types must be identical, down to the dynamic type inside an interface
//     (int(7) is not float64(7), Celsius(1) is not float64(1)).
//   - Floats: NaN equals NaN (any payload); -0 differs from +0; otherwise
//     bit-exact equality.
//   - Strings and []byte compare byte by byte.
//   - nil differs from empty for slices, maps, pointers and interfaces;
//     what a codec cannot carry is in the delivered value, not here.
//   - Unexported fields are compared too (they must arrive zero).
//   - time.Time: the same instant, the same nanoseconds and the same zone
//     offset. The zone's name is not compared: neither gob (offset only)
//     nor json (RFC 3339) carries it, and a decoded offset may come back as
//     time.Local, time.UTC or an unnamed fixed zone.

var timeType = reflect.TypeOf(time.Time{})

// difference reports the first difference between want and got as
// "path: want X, got Y", or "" when they are equal.
func difference(path string, want, got reflect.Value) string {
	if !want.IsValid() || !got.IsValid() {
		if want.IsValid() == got.IsValid() {
			return ""
		}
		return mismatch(path, want, got)
	}
	if want.Type() != got.Type() {
		return fmt.Sprintf("%s: want type %s, got type %s (%s)", path, want.Type(), got.Type(), show(got))
	}
	if want.Type() == timeType {
		return timeDifference(path, want, got)
	}
	switch want.Kind() {
	case reflect.Bool:
		if want.Bool() != got.Bool() {
			return mismatch(path, want, got)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if want.Int() != got.Int() {
			return mismatch(path, want, got)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if want.Uint() != got.Uint() {
			return mismatch(path, want, got)
		}
	case reflect.Float32, reflect.Float64:
		if !sameFloat(want.Float(), got.Float()) {
			return mismatch(path, want, got)
		}
	case reflect.Complex64, reflect.Complex128:
		w, g := want.Complex(), got.Complex()
		if !sameFloat(real(w), real(g)) || !sameFloat(imag(w), imag(g)) {
			return mismatch(path, want, got)
		}
	case reflect.String:
		if want.String() != got.String() {
			return mismatch(path, want, got)
		}
	case reflect.Slice:
		if want.IsNil() != got.IsNil() || want.Len() != got.Len() {
			return mismatch(path, want, got)
		}
		return elementsDifference(path, want, got)
	case reflect.Array:
		return elementsDifference(path, want, got)
	case reflect.Map:
		return mapDifference(path, want, got)
	case reflect.Pointer, reflect.Interface:
		if want.IsNil() != got.IsNil() {
			return mismatch(path, want, got)
		}
		if want.IsNil() {
			return ""
		}
		return difference(path, want.Elem(), got.Elem())
	case reflect.Struct:
		for i := 0; i < want.NumField(); i++ {
			if d := difference(path+"."+want.Type().Field(i).Name, want.Field(i), got.Field(i)); d != "" {
				return d
			}
		}
	default:
		return fmt.Sprintf("%s: cannot compare kind %s", path, want.Kind())
	}
	return ""
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

func elementsDifference(path string, want, got reflect.Value) string {
	if want.Type().Elem().Kind() == reflect.Uint8 && want.Kind() == reflect.Slice {
		w, g := want.Bytes(), got.Bytes()
		for i := range w {
			if w[i] != g[i] {
				return fmt.Sprintf("%s[%d]: want %d, got %d", path, i, w[i], g[i])
			}
		}
		return ""
	}
	for i := 0; i < want.Len(); i++ {
		if d := difference(fmt.Sprintf("%s[%d]", path, i), want.Index(i), got.Index(i)); d != "" {
			return d
		}
	}
	return ""
}

func mapDifference(path string, want, got reflect.Value) string {
	if want.IsNil() != got.IsNil() {
		return mismatch(path, want, got)
	}
	for _, k := range sortedKeys(want) {
		kp := path + "[" + showKey(k) + "]"
		if d := difference(kp, want.MapIndex(k), got.MapIndex(k)); d != "" {
			return d
		}
	}
	for _, k := range sortedKeys(got) {
		if !want.MapIndex(k).IsValid() {
			return fmt.Sprintf("%s[%s]: want no entry, got %s", path, showKey(k), show(got.MapIndex(k)))
		}
	}
	return ""
}

// timeDifference compares instants, nanoseconds and zone offsets.
func timeDifference(path string, want, got reflect.Value) string {
	w, g := want.Interface().(time.Time), got.Interface().(time.Time)
	_, wOff := w.Zone()
	_, gOff := g.Zone()
	if !w.Equal(g) || w.Nanosecond() != g.Nanosecond() || wOff != gOff {
		return mismatch(path, want, got)
	}
	return ""
}

// sortedKeys lists a map's keys in a fixed order so the first difference
// reported is always the same one.
func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return showKey(keys[i]) < showKey(keys[j]) })
	return keys
}

func mismatch(path string, want, got reflect.Value) string {
	return fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got))
}

func showKey(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return strconv.Quote(k.String())
	}
	return show(k)
}

// show formats a value for a difference report: Go syntax, so nil and
// empty, -0 and +0, and a value's type are all visible; long values are
// cut short.
func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<absent>"
	}
	if v.Type() == timeType && v.CanInterface() {
		t := v.Interface().(time.Time)
		name, off := t.Zone()
		return fmt.Sprintf("time %s (zone %q, offset %ds)", t.Format(time.RFC3339Nano), name, off)
	}
	switch v.Kind() {
	case reflect.Float32:
		return "float32(" + strconv.FormatFloat(v.Float(), 'g', -1, 32) + ")"
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.String:
		return cut(strconv.Quote(v.String()))
	case reflect.Slice, reflect.Map:
		if v.IsNil() {
			return fmt.Sprintf("%s(nil)", v.Type())
		}
		if v.Len() > 16 {
			return fmt.Sprintf("%s of length %d", v.Type(), v.Len())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("%s(%d)", v.Type(), v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("%s(%d)", v.Type(), v.Uint())
	}
	if !v.CanInterface() {
		return v.Type().String() + " (unexported)"
	}
	return cut(fmt.Sprintf("%#v", v.Interface()))
}

func cut(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
