package main

import (
	"fmt"
	"math"
	"reflect"
	"time"
)

// mutator changes one spot of a value: the target-th spot of a walk in a
// fixed order. Each scalar, each time.Time (its instant, then its zone
// offset), and the nil-ness or length of each slice, map, pointer and
// interface is a spot. Running it with target 0, 1, 2, ... until walk
// reports false visits every spot once.
type mutator struct {
	target, seen int
	// path is where the mutation happened, in difference's notation.
	path string
}

func (m *mutator) hit(path string) bool {
	hit := m.seen == m.target
	m.seen++
	if hit {
		m.path = path
	}
	return hit
}

// walk visits the settable value v and applies the target mutation,
// reporting whether it did.
func (m *mutator) walk(path string, v reflect.Value) bool {
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if m.hit(path) {
			v.Set(reflect.ValueOf(t.Add(time.Nanosecond)))
			return true
		}
		if _, off := t.Zone(); m.hit(path) {
			v.Set(reflect.ValueOf(t.In(time.FixedZone("", off+60))))
			return true
		}
		return false
	}
	switch v.Kind() {
	case reflect.Bool:
		if m.hit(path) {
			v.SetBool(!v.Bool())
			return true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if m.hit(path) {
			v.SetInt(v.Int() ^ 1)
			return true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if m.hit(path) {
			v.SetUint(v.Uint() ^ 1)
			return true
		}
	case reflect.Float32, reflect.Float64:
		if m.hit(path) {
			v.SetFloat(otherFloat(v.Float(), v.Type().Bits()))
			return true
		}
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		bits := v.Type().Bits() / 2
		if m.hit(path) {
			v.SetComplex(complex(otherFloat(real(c), bits), imag(c)))
			return true
		}
		if m.hit(path) {
			v.SetComplex(complex(real(c), otherFloat(imag(c), bits)))
			return true
		}
	case reflect.String:
		if m.hit(path) {
			v.SetString(otherString(v.String()))
			return true
		}
	case reflect.Slice:
		if m.hit(path) {
			switch {
			case v.IsNil():
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			case v.Len() == 0:
				v.Set(reflect.Zero(v.Type()))
			default:
				v.Set(v.Slice(0, v.Len()-1))
			}
			return true
		}
		return m.elements(path, v)
	case reflect.Array:
		return m.elements(path, v)
	case reflect.Map:
		return m.mapEntries(path, v)
	case reflect.Pointer:
		if m.hit(path) {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			} else {
				v.Set(reflect.Zero(v.Type()))
			}
			return true
		}
		return !v.IsNil() && m.walk(path, v.Elem())
	case reflect.Interface:
		return m.iface(path, v)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() && m.walk(path+"."+v.Type().Field(i).Name, f) {
				return true
			}
		}
	}
	return false
}

// elements walks a few elements of a long slice or array (the first two,
// the middle and the last) and every element of a short one.
func (m *mutator) elements(path string, v reflect.Value) bool {
	n := v.Len()
	indexes := []int{0, 1, n / 2, n - 1}
	if n <= 8 {
		indexes = indexes[:0]
		for i := 0; i < n; i++ {
			indexes = append(indexes, i)
		}
	}
	for _, i := range indexes {
		if m.walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i)) {
			return true
		}
	}
	return false
}

// mapEntries flips nil and empty, drops the first entry, or changes an
// entry's value (a copy of it, stored back).
func (m *mutator) mapEntries(path string, v reflect.Value) bool {
	if m.hit(path) {
		switch {
		case v.IsNil():
			v.Set(reflect.MakeMap(v.Type()))
		case v.Len() == 0:
			v.Set(reflect.Zero(v.Type()))
		default:
			v.SetMapIndex(sortedKeys(v)[0], reflect.Value{})
		}
		return true
	}
	for _, k := range sortedKeys(v) {
		elem := reflect.New(v.Type().Elem()).Elem()
		elem.Set(v.MapIndex(k))
		if m.walk(path+"["+showKey(k)+"]", elem) {
			v.SetMapIndex(k, elem)
			return true
		}
	}
	return false
}

// iface empties a set interface (or sets an empty interface{} to false),
// or changes a copy of the value it holds and stores it back.
func (m *mutator) iface(path string, v reflect.Value) bool {
	if v.IsNil() {
		if v.Type().NumMethod() == 0 && m.hit(path) {
			v.Set(reflect.ValueOf(false))
			return true
		}
		return false
	}
	if m.hit(path) {
		v.Set(reflect.Zero(v.Type()))
		return true
	}
	elem := reflect.New(v.Elem().Type()).Elem()
	elem.Set(v.Elem())
	if m.walk(path, elem) {
		v.Set(elem)
		return true
	}
	return false
}

// otherFloat returns a float of the given width that differs from x in
// the least way: NaN becomes 0, ±0 the other zero, ±Inf the largest finite
// value, anything else its neighbour one unit in the last place away.
func otherFloat(x float64, bits int) float64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x == 0:
		if math.Signbit(x) {
			return 0
		}
		return math.Copysign(0, -1)
	case math.IsInf(x, 0) && bits == 32:
		return math.Copysign(math.MaxFloat32, x)
	case math.IsInf(x, 0):
		return math.Copysign(math.MaxFloat64, x)
	case bits == 32:
		return float64(math.Float32frombits(math.Float32bits(float32(x)) ^ 1))
	}
	return math.Float64frombits(math.Float64bits(x) ^ 1)
}

// otherString returns "x" for "" and otherwise s with its last byte's
// lowest bit flipped.
func otherString(s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	b[len(b)-1] ^= 1
	return string(b)
}
