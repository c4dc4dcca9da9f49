package main

import (
	"encoding/gob"
	"time"
)

// Empty is the argument of the Get methods and the reply of Check and Fail.
type Empty struct{}

// Ints holds every integer width at its extremes.
type Ints struct {
	IntMin, IntMax     int
	Int8Min, Int8Max   int8
	Int16Min, Int16Max int16
	Int32Min, Int32Max int32
	Int64Min, Int64Max int64
	UintMax            uint
	Uint8Max           uint8
	Uint16Max          uint16
	Uint32Max          uint32
	Uint64Max          uint64
	UintptrMax         uintptr
	MinusOne           int64
	One                uint64
	Pow53Plus1         int64  // 2^53+1, the first integer a float64 cannot hold
	Pow63              uint64 // 2^63, one past int64's maximum
}

// Floats holds finite float32 and float64 edge values, -0 among them.
type Floats struct {
	F32Max, F32MinusMax, F32SmallestNormal, F32SmallestSubnormal, F32NegZero, F32Third float32
	F64Max, F64MinusMax, F64SmallestNormal, F64SmallestSubnormal, F64NegZero, F64Third float64
	F64Pow53                                                                           float64
	NegZeroArray                                                                       [2]float64
	NegZeroSlice                                                                       []float64
	F32NegZeroSlice                                                                    []float32
}

// FloatSpecials holds NaN and the infinities.
type FloatSpecials struct {
	F32NaN, F32Inf, F32NegInf float32
	F64NaN, F64Inf, F64NegInf float64
	Slice                     []float64
}

// Complexes holds complex64 and complex128 values, special parts included.
type Complexes struct {
	C64         complex64
	C64Max      complex64
	C128        complex128
	C128Special complex128
	NegZero     complex128
	NegZeroReal complex128
	Slice       []complex128
}

// Strings holds valid UTF-8 texts of every plane and the characters
// encoders escape.
type Strings struct {
	Empty, ASCII, Latin, CJK, Astral, Mixed, NUL, Controls, JSONSpecial, Separators, Replacement, BOM string
	List                                                                                              []string
}

// InvalidUTF8 holds strings that are not valid UTF-8.
type InvalidUTF8 struct {
	LoneFF, Continuation, Overlong, Truncated, Surrogate, TooLarge, Mixed string
}

// Bytes holds []byte values of 0 and 1 byte, nil and empty.
type Bytes struct {
	Nil, Empty, One, Zero, All []byte
	Nested                     [][]byte
}

// Point is a small struct used inside containers.
type Point struct{ X, Y int }

// Arrays holds arrays of scalars, of structs and of arrays.
type Arrays struct {
	Int32s  [4]int32
	Strings [3]string
	Points  [2]Point
	Empty   [0]int
	Bools   [3]bool
	Grid    [2][2]uint8
	Fixed   [4]byte
}

// Slices holds slices of structs, of pointers and of slices.
type Slices struct {
	Points    []Point
	PointPtrs []*Point
	Nested    [][]int
	Strings   []string
	Bools     []bool
	Empty     []Point
	Nil       []Point
}

// Maps holds maps of structs, pointers, slices and maps.
type Maps struct {
	ByName map[string]Point
	ByID   map[int]*Point
	Lists  map[string][]int
	Nested map[string]map[string]int
	Empty  map[string]int
	Nil    map[string]int
}

// KeyedMaps holds maps with the key kinds both gob and json carry.
type KeyedMaps struct {
	Ints    map[int]string
	Int8s   map[int8]int8
	Uint64s map[uint64]bool
	Strings map[string]int
	Named   map[Level]Celsius
}

// OtherKeyMaps holds maps with keys only gob carries.
type OtherKeyMaps struct {
	Floats   map[float64]string
	Float32s map[float32]int
	Bools    map[bool]int
	Structs  map[Point]string
	Arrays   map[[2]int]string
}

// Deeper is the innermost struct of Nested.
type Deeper struct {
	Val  int
	Tags []string
}

// Inner is the middle struct of Nested.
type Inner struct {
	Label  string
	Deeper Deeper
}

// Nested holds structs inside structs, named, pointed to and anonymous.
type Nested struct {
	Name     string
	Inner    Inner
	InnerPtr *Inner
	Anon     struct {
		A int
		B struct{ C string }
	}
	Zero Inner
}

// Base is embedded by value in Embedded.
type Base struct {
	ID   uint64
	Name string
}

// Extra is embedded by pointer in Embedded.
type Extra struct {
	Note  string
	Score float64
}

// Meta is embedded by a pointer left nil in Embedded.
type Meta struct{ Tag string }

// Embedded embeds structs by value and by pointer.
type Embedded struct {
	Base
	*Extra
	*Meta
	Own int
}

// Pointers holds pointers nil and set, to zero values and to pointers.
type Pointers struct {
	NilInt        *int
	Int           *int
	ZeroInt       *int
	Str           *string
	EmptyStr      *string
	PtrPtr        **int
	PtrToNilPtr   **int
	NilPoint      *Point
	Point         *Point
	ZeroPoint     *Point
	PtrPtrPoint   **Point
	SlicePtr      *[]int
	EmptySlicePtr *[]int
}

// Celsius is a named float64.
type Celsius float64

// IDs is a named slice.
type IDs []uint64

// Level is a named int8.
type Level int8

// Label is a named string.
type Label string

// Tags is a named map.
type Tags map[string]Level

// Named holds values of named types.
type Named struct {
	Temp    Celsius
	Temps   []Celsius
	IDs     IDs
	Level   Level
	Label   Label
	Tags    Tags
	TempPtr *Celsius
}

// Node is a singly linked list.
type Node struct {
	Val  int
	Next *Node
}

// Tree is a tree with any number of children.
type Tree struct {
	Label string
	Kids  []*Tree
}

// Recursive holds values of recursive types.
type Recursive struct {
	List *Node
	Tree Tree
}

// Unexported has unexported fields that neither codec carries.
type Unexported struct {
	Public  string
	hidden  int
	secret  string
	Visible int
	inner   Point
}

// Zeros has a field of every kind that can hold a zero value. gob omits a
// struct field holding its type's zero value (arrays and structs excepted).
type Zeros struct {
	Marker     int
	Int        int
	Uint       uint
	Float      float64
	Bool       bool
	Str        string
	Bytes      []byte
	EmptyBytes []byte
	Slice      []int
	EmptySlice []int
	Map        map[string]int
	EmptyMap   map[string]int
	Ptr        *int
	Struct     Point
	StructPtr  *Point
	Time       time.Time
	Iface      interface{}
	Array      [2]int
}

// Times holds time.Time values that both codecs carry (years 0 to 9999).
type Times struct {
	UTC       time.Time
	Kolkata   time.Time
	SaoPaulo  time.Time
	Kathmandu time.Time
	Chatham   time.Time
	Zero      time.Time
	Epoch     time.Time
	PreEpoch  time.Time
	Year1     time.Time
	Year9999  time.Time
	Ptr       *time.Time
	NilPtr    *time.Time
	List      []time.Time
}

// FarTimes holds time.Time values outside RFC 3339's range, and a zone
// offset with seconds.
type FarTimes struct {
	Past          time.Time
	Future        time.Time
	SecondsOffset time.Time
}

// Rect is registered with gob and sent inside interface values.
type Rect struct{ W, H float64 }

// Area makes Rect a Shape.
func (r Rect) Area() float64 { return r.W * r.H }

// Circle is registered with gob as *Circle and sent inside interface values.
type Circle struct{ R float64 }

// Area makes *Circle a Shape.
func (c *Circle) Area() float64 { return 3 * c.R * c.R }

// Shape is a non-empty interface.
type Shape interface{ Area() float64 }

// Interfaces holds interface{} fields with registered concrete types.
type Interfaces struct {
	Shape     interface{}
	ZeroShape interface{}
	Temp      interface{}
	Level     interface{}
	Pointer   interface{}
	Str       interface{}
	Int       interface{}
	Nil       interface{}
	Any       map[string]interface{}
}

// TypedInterface holds fields of a non-empty interface type.
type TypedInterface struct {
	Main Shape
	Ptr  Shape
	Nil  Shape
}

// NilElements holds nil pointers inside a slice and a map.
type NilElements struct {
	Ptrs []*Point
	Map  map[string]*Point
}

func init() {
	gob.Register(Rect{})
	gob.Register(&Circle{})
	gob.Register(Celsius(0))
	gob.Register(Level(0))
}
