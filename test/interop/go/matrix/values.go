package main

import (
	"math"
	"time"
)

// The canonical values: what a client sends to Echo and Check, and what
// Get returns. Every function builds a fresh value, sharing nothing, so a
// caller may change what it gets.

func canonicalInts() Ints {
	return Ints{
		IntMin: math.MinInt, IntMax: math.MaxInt,
		Int8Min: math.MinInt8, Int8Max: math.MaxInt8,
		Int16Min: math.MinInt16, Int16Max: math.MaxInt16,
		Int32Min: math.MinInt32, Int32Max: math.MaxInt32,
		Int64Min: math.MinInt64, Int64Max: math.MaxInt64,
		UintMax:    math.MaxUint,
		Uint8Max:   math.MaxUint8,
		Uint16Max:  math.MaxUint16,
		Uint32Max:  math.MaxUint32,
		Uint64Max:  math.MaxUint64,
		UintptrMax: ^uintptr(0),
		MinusOne:   -1,
		One:        1,
		Pow53Plus1: 1<<53 + 1,
		Pow63:      1 << 63,
	}
}

func negZero() float64 { return math.Copysign(0, -1) }

func canonicalFloats() Floats {
	return Floats{
		F32Max: math.MaxFloat32, F32MinusMax: -math.MaxFloat32,
		F32SmallestNormal:    math.Float32frombits(0x00800000),
		F32SmallestSubnormal: math.SmallestNonzeroFloat32,
		F32NegZero:           float32(negZero()),
		F32Third:             float32(1) / 3,
		F64Max:               math.MaxFloat64, F64MinusMax: -math.MaxFloat64,
		F64SmallestNormal:    math.Float64frombits(0x0010000000000000),
		F64SmallestSubnormal: math.SmallestNonzeroFloat64,
		F64NegZero:           negZero(),
		F64Third:             1.0 / 3,
		F64Pow53:             1 << 53,
		NegZeroArray:         [2]float64{negZero(), 0},
		NegZeroSlice:         []float64{negZero(), 0, 1},
		F32NegZeroSlice:      []float32{float32(negZero())},
	}
}

func canonicalFloatSpecials() FloatSpecials {
	return FloatSpecials{
		F32NaN: float32(math.NaN()), F32Inf: float32(math.Inf(1)), F32NegInf: float32(math.Inf(-1)),
		F64NaN: math.NaN(), F64Inf: math.Inf(1), F64NegInf: math.Inf(-1),
		Slice: []float64{math.NaN(), math.Inf(-1), math.Inf(1)},
	}
}

func canonicalComplexes() Complexes {
	return Complexes{
		C64:         complex(1.5, -2.25),
		C64Max:      complex(math.MaxFloat32, -math.SmallestNonzeroFloat32),
		C128:        complex(math.MaxFloat64, math.SmallestNonzeroFloat64),
		C128Special: complex(math.NaN(), math.Inf(-1)),
		NegZero:     complex(negZero(), negZero()),
		NegZeroReal: complex(negZero(), 1),
		Slice:       []complex128{complex(negZero(), negZero()), 1i},
	}
}

func canonicalStrings() Strings {
	return Strings{
		Empty:       "",
		ASCII:       "hello, world",
		Latin:       "Grüße, çà et là",
		CJK:         "数据传输",
		Astral:      "𝄞😀🀄",
		Mixed:       "a é 数 😀 z",
		NUL:         "a\x00b",
		Controls:    "\t\n\r\x01\x1f\x7f",
		JSONSpecial: `"\/<>&'`,
		Separators:  "\u2028\u2029\u0085",
		Replacement: "\uFFFD",
		BOM:         "\uFEFFbom",
		List:        []string{"", "a", "😀"},
	}
}

func canonicalInvalidUTF8() InvalidUTF8 {
	return InvalidUTF8{
		LoneFF:       "\xff",
		Continuation: "a\x80b",
		Overlong:     "\xc0\x80",
		Truncated:    "\xe2\x82",
		Surrogate:    "\xed\xa0\x80",
		TooLarge:     "\xf4\x90\x80\x80",
		Mixed:        "ok\xffé\xfe!",
	}
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func canonicalBytes() Bytes {
	return Bytes{
		Nil:    nil,
		Empty:  []byte{},
		One:    []byte{0x7f},
		Zero:   []byte{0},
		All:    allBytes(),
		Nested: [][]byte{{1}, {}, nil},
	}
}

// bigBytesLen is the size of the BigBytes case: several MiB.
const bigBytesLen = 4 << 20

func canonicalBigBytes() []byte {
	b := make([]byte, bigBytesLen)
	for i := range b {
		b[i] = byte(uint32(i) * 2654435761 >> 24)
	}
	return b
}

func canonicalArrays() Arrays {
	return Arrays{
		Int32s:  [4]int32{math.MinInt32, -1, 0, math.MaxInt32},
		Strings: [3]string{"", "a", "ü"},
		Points:  [2]Point{{}, {X: 1, Y: -2}},
		Bools:   [3]bool{true, false, true},
		Grid:    [2][2]uint8{{0, 255}, {1, 2}},
		Fixed:   [4]byte{0, 1, 254, 255},
	}
}

func canonicalSlices() Slices {
	return Slices{
		Points:    []Point{{1, 2}, {}, {-3, 4}},
		PointPtrs: []*Point{{5, 6}, {}},
		Nested:    [][]int{{1}, {}, nil, {2, 3}},
		Strings:   []string{"", "x"},
		Bools:     []bool{false, true},
		Empty:     []Point{},
		Nil:       nil,
	}
}

func canonicalMaps() Maps {
	return Maps{
		ByName: map[string]Point{"origin": {}, "a": {1, 2}, "": {3, 4}},
		ByID:   map[int]*Point{1: {1, 1}, -1: {}},
		Lists:  map[string][]int{"empty": {}, "nil": nil, "one": {1}},
		Nested: map[string]map[string]int{"a": {"b": 1}, "empty": {}},
		Empty:  map[string]int{},
		Nil:    nil,
	}
}

func canonicalKeyedMaps() KeyedMaps {
	return KeyedMaps{
		Ints:    map[int]string{math.MinInt: "min", math.MaxInt: "max", 0: "zero", -1: ""},
		Int8s:   map[int8]int8{math.MinInt8: math.MaxInt8},
		Uint64s: map[uint64]bool{math.MaxUint64: true, 0: false},
		Strings: map[string]int{"": 0, "ключ": -1, "😀": 1},
		Named:   map[Level]Celsius{math.MinInt8: -0.5},
	}
}

func canonicalOtherKeyMaps() OtherKeyMaps {
	return OtherKeyMaps{
		Floats: map[float64]string{
			math.Inf(1): "+inf", math.Inf(-1): "-inf", math.MaxFloat64: "max",
			math.SmallestNonzeroFloat64: "tiny", 0.5: "half", 0: "zero",
		},
		Float32s: map[float32]int{math.MaxFloat32: 1, 1.5: 2},
		Bools:    map[bool]int{true: 1, false: 0},
		Structs:  map[Point]string{{1, 2}: "a", {}: "origin"},
		Arrays:   map[[2]int]string{{0, 1}: "x"},
	}
}

func canonicalNested() Nested {
	v := Nested{
		Name:     "outer",
		Inner:    Inner{Label: "in", Deeper: Deeper{Val: -7, Tags: []string{"a", "b"}}},
		InnerPtr: &Inner{Label: "ptr", Deeper: Deeper{Val: 9}},
	}
	v.Anon.A = 1
	v.Anon.B.C = "c"
	return v
}

func canonicalEmbedded() Embedded {
	return Embedded{
		Base:  Base{ID: math.MaxUint64, Name: "base"},
		Extra: &Extra{Note: "extra", Score: 0.25},
		Own:   3,
	}
}

func canonicalPointers() Pointers {
	i, zero, inner := 42, 0, 7
	s, empty := "set", ""
	innerPtr := &inner
	var nilInner *int
	pp := &Point{3, 4}
	return Pointers{
		Int:           &i,
		ZeroInt:       &zero,
		Str:           &s,
		EmptyStr:      &empty,
		PtrPtr:        &innerPtr,
		PtrToNilPtr:   &nilInner,
		Point:         &Point{1, 2},
		ZeroPoint:     &Point{},
		PtrPtrPoint:   &pp,
		SlicePtr:      &[]int{1, 2},
		EmptySlicePtr: &[]int{},
	}
}

func canonicalNamed() Named {
	body := Celsius(36.6)
	return Named{
		Temp:    -40.5,
		Temps:   []Celsius{0, 100},
		IDs:     IDs{0, math.MaxUint64, 1},
		Level:   math.MinInt8,
		Label:   "ünïcödé",
		Tags:    Tags{"low": math.MinInt8, "high": math.MaxInt8},
		TempPtr: &body,
	}
}

// listLen and treeDepth size the Recursive case.
const (
	listLen   = 24
	treeDepth = 4
)

func canonicalTree(depth int, label string) Tree {
	t := Tree{Label: label}
	if depth == 0 {
		return t
	}
	for _, k := range []string{"a", "b"} {
		kid := canonicalTree(depth-1, label+k)
		t.Kids = append(t.Kids, &kid)
	}
	return t
}

func canonicalRecursive() Recursive {
	var list *Node
	for i := listLen - 1; i >= 0; i-- {
		list = &Node{Val: i - listLen/2, Next: list}
	}
	return Recursive{List: list, Tree: canonicalTree(treeDepth, "root")}
}

func canonicalUnexported() Unexported {
	return Unexported{Public: "shown", hidden: 7, secret: "kept home", Visible: -1, inner: Point{1, 2}}
}

func canonicalZeroFields() Zeros {
	return Zeros{Marker: 1, EmptyBytes: []byte{}, EmptySlice: []int{}, EmptyMap: map[string]int{}}
}

func canonicalAllZero() Zeros { return Zeros{} }

func canonicalTimes() Times {
	ptr := time.Date(2030, 1, 2, 3, 4, 5, 6, time.FixedZone("MART", -(9*3600+30*60)))
	return Times{
		UTC:       time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.UTC),
		Kolkata:   time.Date(2023, 7, 14, 5, 30, 0, 1, time.FixedZone("IST", 5*3600+30*60)),
		SaoPaulo:  time.Date(1999, 12, 31, 21, 0, 0, 999999999, time.FixedZone("BRT", -3*3600)),
		Kathmandu: time.Date(2015, 4, 25, 11, 56, 0, 500000000, time.FixedZone("NPT", 5*3600+45*60)),
		Chatham:   time.Date(2000, 1, 1, 0, 0, 0, 1000, time.FixedZone("CHADT", 13*3600+45*60)),
		Epoch:     time.Unix(0, 0).UTC(),
		PreEpoch:  time.Unix(-1, 500000000).UTC(),
		Year1:     time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		Year9999:  time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		Ptr:       &ptr,
		List: []time.Time{
			time.Date(2020, 5, 17, 8, 0, 0, 0, time.UTC),
			{},
			time.Date(2021, 1, 1, 0, 0, 0, 0, time.FixedZone("", -12*3600)),
		},
	}
}

func canonicalFarTimes() FarTimes {
	return FarTimes{
		Past:          time.Date(-10000, 1, 1, 0, 0, 0, 0, time.UTC),
		Future:        time.Date(100000, 6, 15, 12, 0, 0, 42, time.FixedZone("", 2*3600)),
		SecondsOffset: time.Date(1920, 5, 1, 12, 0, 0, 0, time.FixedZone("AMT", 19*60+32)),
	}
}

func canonicalInterfaces() Interfaces {
	return Interfaces{
		Shape:     Rect{W: 3, H: 4},
		ZeroShape: Rect{},
		Temp:      Celsius(21.5),
		Level:     Level(-3),
		Pointer:   &Circle{R: 1.5},
		Str:       "text ✓",
		Int:       7,
		Any: map[string]interface{}{
			"s": "x", "n": int64(1<<53 + 1), "f": 2.5, "r": Rect{W: 1, H: 2}, "l": Level(5),
		},
	}
}

func canonicalTypedInterface() TypedInterface {
	return TypedInterface{Main: Rect{W: 2, H: 5}, Ptr: &Circle{R: 2}}
}

func canonicalNilElements() NilElements {
	return NilElements{
		Ptrs: []*Point{{1, 2}, nil},
		Map:  map[string]*Point{"nil": nil, "p": {3, 4}},
	}
}

func canonicalTopInt64() int64           { return math.MinInt64 }
func canonicalTopUint64() uint64         { return math.MaxUint64 }
func canonicalTopNegZero() float64       { return negZero() }
func canonicalTopString() string         { return "Grüße, 世界 😀\nline two" }
func canonicalTopZero() int              { return 0 }
func canonicalTopEmptySlice() []string   { return []string{} }
func canonicalTopNilMap() map[string]int { return nil }

// failText is the exact error text of Matrix.Fail: unicode of every plane,
// newlines, a tab, quotes and a backslash.
const failText = "échec — ✗ 数据 😀\nsecond line\r\nthird\t\"quoted\" \\ end"
