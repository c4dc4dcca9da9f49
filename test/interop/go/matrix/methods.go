package main

import (
	"errors"
	"fmt"
	"reflect"
)

// Matrix is the service both directions of the matrix call. For every case
// it has Echo<Case> (the reply is the argument), Get<Case> (the reply is
// the canonical value) and Check<Case> (an error naming the first
// difference between the argument and what Go → Go delivers over the
// server's codec, or nil); Fail always fails with failText.
type Matrix struct {
	// codec is the codec this server speaks: it decides what Check expects.
	codec string
}

// Fail returns failText as the call's error.
func (m *Matrix) Fail(_ Empty, _ *Empty) error { return errors.New(failText) }

// check compares a decoded argument with what the case delivers over the
// server's codec.
func (m *Matrix) check(name string, got interface{}) error {
	want := caseByName(name).Delivered(m.codec)
	if d := difference(name, reflect.ValueOf(want), reflect.ValueOf(got)); d != "" {
		return fmt.Errorf("%s", d)
	}
	return nil
}

// get stores the case's canonical value in reply.
func get[T any](name string, reply *T) error {
	*reply = caseByName(name).Canonical().(T)
	return nil
}

func (m *Matrix) EchoInts(a Ints, r *Ints) error   { *r = a; return nil }
func (m *Matrix) GetInts(_ Empty, r *Ints) error   { return get("Ints", r) }
func (m *Matrix) CheckInts(a Ints, _ *Empty) error { return m.check("Ints", a) }

func (m *Matrix) EchoFloats(a Floats, r *Floats) error { *r = a; return nil }
func (m *Matrix) GetFloats(_ Empty, r *Floats) error   { return get("Floats", r) }
func (m *Matrix) CheckFloats(a Floats, _ *Empty) error { return m.check("Floats", a) }

func (m *Matrix) EchoFloatSpecials(a FloatSpecials, r *FloatSpecials) error { *r = a; return nil }
func (m *Matrix) GetFloatSpecials(_ Empty, r *FloatSpecials) error          { return get("FloatSpecials", r) }
func (m *Matrix) CheckFloatSpecials(a FloatSpecials, _ *Empty) error {
	return m.check("FloatSpecials", a)
}

func (m *Matrix) EchoComplexes(a Complexes, r *Complexes) error { *r = a; return nil }
func (m *Matrix) GetComplexes(_ Empty, r *Complexes) error      { return get("Complexes", r) }
func (m *Matrix) CheckComplexes(a Complexes, _ *Empty) error    { return m.check("Complexes", a) }

func (m *Matrix) EchoStrings(a Strings, r *Strings) error { *r = a; return nil }
func (m *Matrix) GetStrings(_ Empty, r *Strings) error    { return get("Strings", r) }
func (m *Matrix) CheckStrings(a Strings, _ *Empty) error  { return m.check("Strings", a) }

func (m *Matrix) EchoInvalidUTF8(a InvalidUTF8, r *InvalidUTF8) error { *r = a; return nil }
func (m *Matrix) GetInvalidUTF8(_ Empty, r *InvalidUTF8) error        { return get("InvalidUTF8", r) }
func (m *Matrix) CheckInvalidUTF8(a InvalidUTF8, _ *Empty) error      { return m.check("InvalidUTF8", a) }

func (m *Matrix) EchoBytes(a Bytes, r *Bytes) error  { *r = a; return nil }
func (m *Matrix) GetBytes(_ Empty, r *Bytes) error   { return get("Bytes", r) }
func (m *Matrix) CheckBytes(a Bytes, _ *Empty) error { return m.check("Bytes", a) }

func (m *Matrix) EchoBigBytes(a []byte, r *[]byte) error { *r = a; return nil }
func (m *Matrix) GetBigBytes(_ Empty, r *[]byte) error   { return get("BigBytes", r) }
func (m *Matrix) CheckBigBytes(a []byte, _ *Empty) error { return m.check("BigBytes", a) }

func (m *Matrix) EchoArrays(a Arrays, r *Arrays) error { *r = a; return nil }
func (m *Matrix) GetArrays(_ Empty, r *Arrays) error   { return get("Arrays", r) }
func (m *Matrix) CheckArrays(a Arrays, _ *Empty) error { return m.check("Arrays", a) }

func (m *Matrix) EchoSlices(a Slices, r *Slices) error { *r = a; return nil }
func (m *Matrix) GetSlices(_ Empty, r *Slices) error   { return get("Slices", r) }
func (m *Matrix) CheckSlices(a Slices, _ *Empty) error { return m.check("Slices", a) }

func (m *Matrix) EchoMaps(a Maps, r *Maps) error   { *r = a; return nil }
func (m *Matrix) GetMaps(_ Empty, r *Maps) error   { return get("Maps", r) }
func (m *Matrix) CheckMaps(a Maps, _ *Empty) error { return m.check("Maps", a) }

func (m *Matrix) EchoKeyedMaps(a KeyedMaps, r *KeyedMaps) error { *r = a; return nil }
func (m *Matrix) GetKeyedMaps(_ Empty, r *KeyedMaps) error      { return get("KeyedMaps", r) }
func (m *Matrix) CheckKeyedMaps(a KeyedMaps, _ *Empty) error    { return m.check("KeyedMaps", a) }

func (m *Matrix) EchoOtherKeyMaps(a OtherKeyMaps, r *OtherKeyMaps) error { *r = a; return nil }
func (m *Matrix) GetOtherKeyMaps(_ Empty, r *OtherKeyMaps) error         { return get("OtherKeyMaps", r) }
func (m *Matrix) CheckOtherKeyMaps(a OtherKeyMaps, _ *Empty) error       { return m.check("OtherKeyMaps", a) }

func (m *Matrix) EchoNested(a Nested, r *Nested) error { *r = a; return nil }
func (m *Matrix) GetNested(_ Empty, r *Nested) error   { return get("Nested", r) }
func (m *Matrix) CheckNested(a Nested, _ *Empty) error { return m.check("Nested", a) }

func (m *Matrix) EchoEmbedded(a Embedded, r *Embedded) error { *r = a; return nil }
func (m *Matrix) GetEmbedded(_ Empty, r *Embedded) error     { return get("Embedded", r) }
func (m *Matrix) CheckEmbedded(a Embedded, _ *Empty) error   { return m.check("Embedded", a) }

func (m *Matrix) EchoPointers(a Pointers, r *Pointers) error { *r = a; return nil }
func (m *Matrix) GetPointers(_ Empty, r *Pointers) error     { return get("Pointers", r) }
func (m *Matrix) CheckPointers(a Pointers, _ *Empty) error   { return m.check("Pointers", a) }

func (m *Matrix) EchoNamed(a Named, r *Named) error  { *r = a; return nil }
func (m *Matrix) GetNamed(_ Empty, r *Named) error   { return get("Named", r) }
func (m *Matrix) CheckNamed(a Named, _ *Empty) error { return m.check("Named", a) }

func (m *Matrix) EchoRecursive(a Recursive, r *Recursive) error { *r = a; return nil }
func (m *Matrix) GetRecursive(_ Empty, r *Recursive) error      { return get("Recursive", r) }
func (m *Matrix) CheckRecursive(a Recursive, _ *Empty) error    { return m.check("Recursive", a) }

func (m *Matrix) EchoUnexported(a Unexported, r *Unexported) error { *r = a; return nil }
func (m *Matrix) GetUnexported(_ Empty, r *Unexported) error       { return get("Unexported", r) }
func (m *Matrix) CheckUnexported(a Unexported, _ *Empty) error     { return m.check("Unexported", a) }

func (m *Matrix) EchoZeroFields(a Zeros, r *Zeros) error  { *r = a; return nil }
func (m *Matrix) GetZeroFields(_ Empty, r *Zeros) error   { return get("ZeroFields", r) }
func (m *Matrix) CheckZeroFields(a Zeros, _ *Empty) error { return m.check("ZeroFields", a) }

func (m *Matrix) EchoAllZero(a Zeros, r *Zeros) error  { *r = a; return nil }
func (m *Matrix) GetAllZero(_ Empty, r *Zeros) error   { return get("AllZero", r) }
func (m *Matrix) CheckAllZero(a Zeros, _ *Empty) error { return m.check("AllZero", a) }

func (m *Matrix) EchoTimes(a Times, r *Times) error  { *r = a; return nil }
func (m *Matrix) GetTimes(_ Empty, r *Times) error   { return get("Times", r) }
func (m *Matrix) CheckTimes(a Times, _ *Empty) error { return m.check("Times", a) }

func (m *Matrix) EchoFarTimes(a FarTimes, r *FarTimes) error { *r = a; return nil }
func (m *Matrix) GetFarTimes(_ Empty, r *FarTimes) error     { return get("FarTimes", r) }
func (m *Matrix) CheckFarTimes(a FarTimes, _ *Empty) error   { return m.check("FarTimes", a) }

func (m *Matrix) EchoInterfaces(a Interfaces, r *Interfaces) error { *r = a; return nil }
func (m *Matrix) GetInterfaces(_ Empty, r *Interfaces) error       { return get("Interfaces", r) }
func (m *Matrix) CheckInterfaces(a Interfaces, _ *Empty) error     { return m.check("Interfaces", a) }

func (m *Matrix) EchoTypedInterface(a TypedInterface, r *TypedInterface) error { *r = a; return nil }
func (m *Matrix) GetTypedInterface(_ Empty, r *TypedInterface) error           { return get("TypedInterface", r) }
func (m *Matrix) CheckTypedInterface(a TypedInterface, _ *Empty) error {
	return m.check("TypedInterface", a)
}

func (m *Matrix) EchoNilElements(a NilElements, r *NilElements) error { *r = a; return nil }
func (m *Matrix) GetNilElements(_ Empty, r *NilElements) error        { return get("NilElements", r) }
func (m *Matrix) CheckNilElements(a NilElements, _ *Empty) error      { return m.check("NilElements", a) }

func (m *Matrix) EchoTopInt64(a int64, r *int64) error  { *r = a; return nil }
func (m *Matrix) GetTopInt64(_ Empty, r *int64) error   { return get("TopInt64", r) }
func (m *Matrix) CheckTopInt64(a int64, _ *Empty) error { return m.check("TopInt64", a) }

func (m *Matrix) EchoTopUint64(a uint64, r *uint64) error { *r = a; return nil }
func (m *Matrix) GetTopUint64(_ Empty, r *uint64) error   { return get("TopUint64", r) }
func (m *Matrix) CheckTopUint64(a uint64, _ *Empty) error { return m.check("TopUint64", a) }

func (m *Matrix) EchoTopNegZero(a float64, r *float64) error { *r = a; return nil }
func (m *Matrix) GetTopNegZero(_ Empty, r *float64) error    { return get("TopNegZero", r) }
func (m *Matrix) CheckTopNegZero(a float64, _ *Empty) error  { return m.check("TopNegZero", a) }

func (m *Matrix) EchoTopString(a string, r *string) error { *r = a; return nil }
func (m *Matrix) GetTopString(_ Empty, r *string) error   { return get("TopString", r) }
func (m *Matrix) CheckTopString(a string, _ *Empty) error { return m.check("TopString", a) }

func (m *Matrix) EchoTopZero(a int, r *int) error    { *r = a; return nil }
func (m *Matrix) GetTopZero(_ Empty, r *int) error   { return get("TopZero", r) }
func (m *Matrix) CheckTopZero(a int, _ *Empty) error { return m.check("TopZero", a) }

func (m *Matrix) EchoTopEmptySlice(a []string, r *[]string) error { *r = a; return nil }
func (m *Matrix) GetTopEmptySlice(_ Empty, r *[]string) error     { return get("TopEmptySlice", r) }
func (m *Matrix) CheckTopEmptySlice(a []string, _ *Empty) error   { return m.check("TopEmptySlice", a) }

func (m *Matrix) EchoTopNilMap(a map[string]int, r *map[string]int) error { *r = a; return nil }
func (m *Matrix) GetTopNilMap(_ Empty, r *map[string]int) error           { return get("TopNilMap", r) }
func (m *Matrix) CheckTopNilMap(a map[string]int, _ *Empty) error         { return m.check("TopNilMap", a) }
