package main

import (
	"fmt"
	"reflect"
)

// matrixCase is one group of values with its own method triple on the
// Matrix service: Echo<Name>, Get<Name> and Check<Name>.
type matrixCase struct {
	Name string
	// Excluded maps a codec to why Go → Go cannot carry this case over it.
	Excluded map[string]exclusion
	// Type is the Go type of the case's argument and reply.
	Type reflect.Type
	// Canonical builds the value sent; every call builds a fresh one.
	Canonical func() interface{}
	// Delivered builds the value a Go peer decodes over codec when a Go
	// peer sends Canonical.
	Delivered func(codec string) interface{}
}

// newCase declares a case from its canonical constructor and, when the
// codecs lose something, the function applying those losses.
func newCase[T any](name string, canonical func() T, delivered func(T, string) T, excluded map[string]exclusion) matrixCase {
	return matrixCase{
		Name:      name,
		Excluded:  excluded,
		Type:      reflect.TypeOf((*T)(nil)).Elem(),
		Canonical: func() interface{} { return canonical() },
		Delivered: func(codec string) interface{} {
			if delivered == nil {
				return canonical()
			}
			return delivered(canonical(), codec)
		},
	}
}

// exclusion says why Go → Go cannot carry a case over a codec.
type exclusion struct {
	// Why explains the failure.
	Why string `json:"why"`
	// GoError is the text Go 1.19's failed Echo call contains.
	GoError string `json:"goError"`
}

// Why Go → Go fails for the excluded cases.
var (
	jsonNoNaN = map[string]exclusion{codecJSON: {
		"encoding/json refuses NaN and ±Inf", "json: unsupported value: NaN"}}
	jsonNoComplex = map[string]exclusion{codecJSON: {
		"encoding/json has no complex numbers", "json: unsupported type: complex64"}}
	jsonNoKeys = map[string]exclusion{codecJSON: {
		"encoding/json takes only string and integer map keys", "json: unsupported type: map[float64]string"}}
	jsonNoFarTime = map[string]exclusion{codecJSON: {
		"time.Time's MarshalJSON refuses years outside 0..9999", "Time.MarshalJSON: year outside of range [0,9999]"}}
	jsonNoTypedIfc = map[string]exclusion{codecJSON: {
		"encoding/json cannot decode into a non-empty interface", "json: cannot unmarshal object into Go struct field TypedInterface.Main of type main.Shape"}}
	jsonNoNilReply = map[string]exclusion{codecJSON: {
		"a nil map reply is written as \"result\":null, which Go's jsonrpc client takes for a broken connection", "invalid error <nil>"}}
	gobNoNilElement = map[string]exclusion{codecGob: {
		"gob refuses a nil pointer inside a slice or map", "gob: encodeArray: nil element"}}
)

// cases lists every case in the order clients run them.
var cases = []matrixCase{
	newCase("Ints", canonicalInts, nil, nil),
	newCase("Floats", canonicalFloats, deliveredFloats, nil),
	newCase("FloatSpecials", canonicalFloatSpecials, nil, jsonNoNaN),
	newCase("Complexes", canonicalComplexes, deliveredComplexes, jsonNoComplex),
	newCase("Strings", canonicalStrings, nil, nil),
	newCase("InvalidUTF8", canonicalInvalidUTF8, deliveredInvalidUTF8, nil),
	newCase("Bytes", canonicalBytes, deliveredBytes, nil),
	newCase("BigBytes", canonicalBigBytes, nil, nil),
	newCase("Arrays", canonicalArrays, nil, nil),
	newCase("Slices", canonicalSlices, deliveredSlices, nil),
	newCase("Maps", canonicalMaps, deliveredMaps, nil),
	newCase("KeyedMaps", canonicalKeyedMaps, nil, nil),
	newCase("OtherKeyMaps", canonicalOtherKeyMaps, nil, jsonNoKeys),
	newCase("Nested", canonicalNested, nil, nil),
	newCase("Embedded", canonicalEmbedded, nil, nil),
	newCase("Pointers", canonicalPointers, deliveredPointers, nil),
	newCase("Named", canonicalNamed, nil, nil),
	newCase("Recursive", canonicalRecursive, nil, nil),
	newCase("Unexported", canonicalUnexported, deliveredUnexported, nil),
	newCase("ZeroFields", canonicalZeroFields, deliveredZeroFields, nil),
	newCase("AllZero", canonicalAllZero, nil, nil),
	newCase("Times", canonicalTimes, nil, nil),
	newCase("FarTimes", canonicalFarTimes, nil, jsonNoFarTime),
	newCase("Interfaces", canonicalInterfaces, deliveredInterfaces, nil),
	newCase("TypedInterface", canonicalTypedInterface, nil, jsonNoTypedIfc),
	newCase("NilElements", canonicalNilElements, nil, gobNoNilElement),
	newCase("TopInt64", canonicalTopInt64, nil, nil),
	newCase("TopUint64", canonicalTopUint64, nil, nil),
	newCase("TopNegZero", canonicalTopNegZero, nil, nil),
	newCase("TopString", canonicalTopString, nil, nil),
	newCase("TopZero", canonicalTopZero, nil, nil),
	newCase("TopEmptySlice", canonicalTopEmptySlice, deliveredTopEmptySlice, nil),
	newCase("TopNilMap", canonicalTopNilMap, deliveredTopNilMap, jsonNoNilReply),
}

// caseByName finds a case; it panics on a name no case has, which is a
// bug in this program.
func caseByName(name string) *matrixCase {
	for i := range cases {
		if cases[i].Name == name {
			return &cases[i]
		}
	}
	panic(fmt.Sprintf("no case %q", name))
}

// applies reports whether Go → Go carries the case over codec.
func (c *matrixCase) applies(codec string) bool {
	_, excluded := c.Excluded[codec]
	return !excluded
}
