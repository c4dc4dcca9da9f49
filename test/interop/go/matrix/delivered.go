package main

// What a Go peer decodes when a Go peer sends the canonical value, per
// codec: the canonical value less what the codec cannot carry. Each loss is
// written out where it happens; a case without a function here arrives
// exactly as sent over both codecs. The Go → Go run of every transport and
// codec checks each of these against what Go 1.19 really delivers.
//
// Distinctions gob cannot carry:
//   - a struct field holding its type's zero value is not sent, and == is
//     the test: a -0 float field and a complex(-0, -0) field arrive as +0;
//     a pointer to a zero scalar, to "" or to an empty slice arrives nil;
//     an empty slice or []byte field arrives nil. (Array and struct fields
//     are always sent; so are empty non-nil maps, which arrive empty.)
//   - an empty slice or []byte is nil on arrival wherever it is: top
//     level, slice element or map value.
//   - a nil top-level map is sent as 0 entries and arrives empty.
//   - pointers are not sent, only what they point to: a pointer to a nil
//     pointer arrives nil.
//   - a time's zone name (only the offset is sent), unexported fields.
//   - nil pointers inside slices and maps: the encoder refuses them.
//
// Distinctions json cannot carry:
//   - NaN, ±Inf, complex numbers, map keys other than strings and
//     integers, non-empty interfaces, years outside 0..9999: Go refuses
//     them (the excluded cases); a reply that encodes as null (a nil map
//     top-level reply) is "result":null, which Go's jsonrpc client takes
//     for a broken connection.
//   - invalid UTF-8 (each bad byte becomes U+FFFD).
//   - the concrete type inside an interface{}: numbers arrive as float64,
//     structs as map[string]interface{}.
//   - a pointer to a nil pointer (null) arrives as a nil pointer.
//   - a time's zone name; a zone offset's seconds (RFC 3339 has minutes
//     only, so such a time arrives as another instant); unexported fields.

const (
	codecGob  = "gob"
	codecJSON = "json"
)

// gob sends no struct field holding its type's zero value, and -0 == 0 for
// that test: a -0 field arrives as +0. Inside arrays and slices every
// element is sent, so -0 elements stay -0. json writes "-0" and keeps it.
func deliveredFloats(v Floats, codec string) Floats {
	if codec == codecGob {
		v.F32NegZero = 0
		v.F64NegZero = 0
	}
	return v
}

// gob omits a complex field equal to 0, and complex(-0, -0) == 0: it
// arrives as 0+0i. A -0 part of a complex that is sent, or of a slice
// element, is kept.
func deliveredComplexes(v Complexes, codec string) Complexes {
	if codec == codecGob {
		v.NegZero = 0
	}
	return v
}

// json replaces each byte that does not start a valid UTF-8 sequence with
// U+FFFD (so a truncated or surrogate sequence becomes one U+FFFD per
// byte); gob carries a string's bytes as they are.
func deliveredInvalidUTF8(v InvalidUTF8, codec string) InvalidUTF8 {
	if codec == codecJSON {
		return InvalidUTF8{
			LoneFF:       "\uFFFD",
			Continuation: "a\uFFFDb",
			Overlong:     "\uFFFD\uFFFD",
			Truncated:    "\uFFFD\uFFFD",
			Surrogate:    "\uFFFD\uFFFD\uFFFD",
			TooLarge:     "\uFFFD\uFFFD\uFFFD\uFFFD",
			Mixed:        "ok\uFFFDé\uFFFD!",
		}
	}
	return v
}

// gob sends an empty []byte field as nothing, so it arrives nil; an empty
// or nil element of a [][]byte is sent as length 0 and arrives nil. json
// writes nil as null and empty as "", and keeps the difference.
func deliveredBytes(v Bytes, codec string) Bytes {
	if codec == codecGob {
		v.Empty = nil
		v.Nested = [][]byte{{1}, nil, nil}
	}
	return v
}

// gob: an empty slice field arrives nil; an empty element of a slice of
// slices arrives nil. json keeps nil (null) and empty ([]) apart.
func deliveredSlices(v Slices, codec string) Slices {
	if codec == codecGob {
		v.Empty = nil
		v.Nested = [][]int{{1}, nil, nil, {2, 3}}
	}
	return v
}

// gob sends an empty, non-nil map field (unlike an empty slice) and the
// decoder makes it: maps keep nil and empty apart. An empty slice held as
// a map value arrives nil. json keeps nil and empty apart everywhere.
func deliveredMaps(v Maps, codec string) Maps {
	if codec == codecGob {
		v.Lists["empty"] = nil
	}
	return v
}

// gob sends the value a pointer points to, not the pointer: a pointer to a
// zero scalar (or to an empty slice) is not sent and arrives nil, and so
// does a pointer to a nil pointer. A pointer to a zero struct is sent (gob
// sends every struct field) and arrives as a pointer to a zero struct.
// json writes a pointer to a nil pointer as null, which arrives as a nil
// outer pointer; everything else arrives as sent.
func deliveredPointers(v Pointers, codec string) Pointers {
	v.PtrToNilPtr = nil
	if codec == codecGob {
		v.ZeroInt = nil
		v.EmptyStr = nil
		v.EmptySlicePtr = nil
	}
	return v
}

// Unexported fields travel in neither codec: they arrive as zero values.
func deliveredUnexported(v Unexported, _ string) Unexported {
	return Unexported{Public: v.Public, Visible: v.Visible}
}

// gob: empty slice and []byte fields arrive nil; an empty map field is
// sent and arrives empty. json keeps them all empty.
func deliveredZeroFields(v Zeros, codec string) Zeros {
	if codec == codecGob {
		v.EmptyBytes = nil
		v.EmptySlice = nil
	}
	return v
}

// json decodes an interface{} without knowing the concrete type: numbers
// arrive as float64 (an int64 beyond 2^53 rounded), structs as
// map[string]interface{} keyed by field name. gob sends the registered
// concrete type's name and the value arrives with that type.
func deliveredInterfaces(v Interfaces, codec string) Interfaces {
	if codec != codecJSON {
		return v
	}
	return Interfaces{
		Shape:     map[string]interface{}{"W": 3.0, "H": 4.0},
		ZeroShape: map[string]interface{}{"W": 0.0, "H": 0.0},
		Temp:      21.5,
		Level:     -3.0,
		Pointer:   map[string]interface{}{"R": 1.5},
		Str:       v.Str,
		Int:       7.0,
		Any: map[string]interface{}{
			"s": "x", "n": float64(1 << 53), "f": 2.5, "r": map[string]interface{}{"W": 1.0, "H": 2.0}, "l": 5.0,
		},
	}
}

// gob sends a top-level value even when it is empty, but the decoder keeps
// a nil slice nil when it is told the length is 0: an empty top-level slice
// arrives nil. json keeps it empty.
func deliveredTopEmptySlice(v []string, codec string) []string {
	if codec == codecGob {
		return nil
	}
	return v
}

// gob sends a nil top-level map as a map of 0 entries, and the decoder
// makes the map: it arrives empty, not nil.
func deliveredTopNilMap(v map[string]int, codec string) map[string]int {
	if codec == codecGob {
		return map[string]int{}
	}
	return v
}
