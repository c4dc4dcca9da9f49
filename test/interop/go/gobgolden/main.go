// Command gobgolden writes golden gob streams for the netrpc gob codec tests
// and decodes gob streams that netrpc produced.
//
//	gobgolden            prints {"name": "hex", ...} (one fresh gob stream per name)
//	gobgolden decode     reads [{"name": ..., "hex": ...}] on stdin and prints
//	                     {"name": "<decoded value as %+v>" or "ERR: ..."}
package main

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/rpc"
	"os"
	"reflect"
	"strings"
	"time"
)

type Quotient struct {
	Quo, Rem int
}

type Args struct {
	A, B int
}

type Point struct {
	X, Y int
	Tag  string
}

type Inner struct {
	X int
	Y string
}

type Outer struct {
	Name  string
	In    Inner
	P     *Inner
	Ratio float64
}

type Ints struct {
	A int
	B int64
	C int8
	D int64
	E uint64
}

type Floats struct {
	F float64
	G float32
	H float64
	I float64
}

type WithIface struct {
	Label string
	V     interface{}
	W     interface{}
}

type WithTime struct {
	When time.Time
	Zero time.Time
	N    int
}

type WithComplex struct {
	C complex128
	D complex64
}

type WithSlice struct {
	A []int
	B string
	M map[string]int
}

type Tree struct {
	Value    int
	Children []*Tree
}

func init() {
	gob.Register(Point{})
	gob.Register(Inner{})
}

func stream(values ...interface{}) string {
	var b bytes.Buffer
	enc := gob.NewEncoder(&b)
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			panic(err)
		}
	}
	return hex.EncodeToString(b.Bytes())
}

func golden() {
	zone := time.FixedZone("X", 5*3600+30*60)
	out := map[string]string{
		"quotient":     stream(Quotient{Quo: 0, Rem: 2}),
		"ints":         stream(Ints{A: -1, B: math.MinInt64, C: -128, D: math.MaxInt64, E: math.MaxUint64}),
		"maxUint64":    stream(uint64(math.MaxUint64)),
		"topInt":       stream(-7),
		"topIntBig":    stream(int64(1) << 53),
		"topString":    stream("héllo, 世界 🌍"),
		"floats":       stream(Floats{F: 1.5, G: -0.25, H: 1e300, I: -3}),
		"topFloat":     stream(3.141592653589793),
		"nested":       stream(Outer{Name: "o", In: Inner{X: 1, Y: "y"}, P: &Inner{X: 2}, Ratio: 0.5}),
		"nestedNilPtr": stream(Outer{Name: "o"}),
		"points":       stream([]Point{{1, 2, "a"}, {0, 0, ""}, {-3, 4, "ü"}}),
		"mapStrInt":    stream(map[string]int{"one": 1, "two": 2}),
		"mapIntStr":    stream(map[int]string{1: "one", -2: "minus two"}),
		"bytes":        stream([]byte{0, 1, 2, 255}),
		"emptyBytes": stream(struct {
			B []byte
			N int
		}{nil, 1}),
		"array":      stream([3]int{1, 0, -1}),
		"bools":      stream(struct{ T, F bool }{true, false}),
		"time":       stream(time.Date(2023, 4, 5, 6, 7, 8, 123456789, time.UTC)),
		"timeZoned":  stream(time.Date(2001, 2, 3, 4, 5, 6, 0, zone)),
		"withTime":   stream(WithTime{When: time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), N: 3}),
		"iface":      stream(WithIface{Label: "l", V: Point{X: 5, Tag: "t"}, W: nil}),
		"ifaceTwice": stream(WithIface{Label: "a", V: Point{X: 1}}, WithIface{Label: "b", V: Inner{X: 9}, W: Point{Y: 2}}),
		"complex":    stream(WithComplex{C: complex(1.5, -2), D: complex(0, 1)}),
		"topComplex": stream(complex(3, 4)),
		"withSlice":  stream(WithSlice{B: "x"}),
		"tree":       stream(Tree{Value: 1, Children: []*Tree{{Value: 2}, {Value: 3, Children: []*Tree{{Value: 4}}}}}),
		"multi":      stream(Args{7, 8}, Args{0, 1}, Quotient{3, 4}, Args{-1, -2}),
		"rpcRequest": stream(rpc.Request{ServiceMethod: "Arith.Multiply", Seq: 7}, Args{7, 8}, rpc.Request{ServiceMethod: "Arith.Divide", Seq: 8}, Args{1, 0}),
		"rpcResponse": stream(rpc.Response{ServiceMethod: "Arith.Multiply", Seq: 7}, 56,
			rpc.Response{ServiceMethod: "Arith.Divide", Seq: 8, Error: "divide by zero"}, struct{}{}),
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}

// targets maps a stream name to a function that returns a fresh pointer to
// the Go type netrpc's stream is decoded into.
var targets = map[string]func() interface{}{
	"quotient":    func() interface{} { return new(Quotient) },
	"args":        func() interface{} { return new(Args) },
	"ints":        func() interface{} { return new(Ints) },
	"floats":      func() interface{} { return new(Floats) },
	"point":       func() interface{} { return new(Point) },
	"points":      func() interface{} { return new([]Point) },
	"outer":       func() interface{} { return new(Outer) },
	"mapStrInt":   func() interface{} { return new(map[string]int) },
	"mapIntStr":   func() interface{} { return new(map[int]string) },
	"bytes":       func() interface{} { return new([]byte) },
	"string":      func() interface{} { return new(string) },
	"int":         func() interface{} { return new(int) },
	"int8":        func() interface{} { return new(int8) },
	"uint64":      func() interface{} { return new(uint64) },
	"float64":     func() interface{} { return new(float64) },
	"bool":        func() interface{} { return new(bool) },
	"ints3":       func() interface{} { return new([3]int) },
	"intSlice":    func() interface{} { return new([]int) },
	"strSlice":    func() interface{} { return new([]string) },
	"time":        func() interface{} { return new(time.Time) },
	"withTime":    func() interface{} { return new(WithTime) },
	"withIface":   func() interface{} { return new(WithIface) },
	"complex":     func() interface{} { return new(WithComplex) },
	"withSlice":   func() interface{} { return new(WithSlice) },
	"tree":        func() interface{} { return new(Tree) },
	"any":         func() interface{} { return new(interface{}) },
	"rpcRequest":  func() interface{} { return new(rpc.Request) },
	"rpcResponse": func() interface{} { return new(rpc.Response) },
	// discard reads a value without storing it, as net/rpc's client does
	// with the body of an error reply.
	"discard": func() interface{} { return nil },
}

type job struct {
	Name string `json:"name"`
	// Types lists the target of each value in the stream, in order; the
	// last one repeats until the stream ends.
	Types []string `json:"types"`
	Hex   string   `json:"hex"`
}

func show(v interface{}) string {
	switch x := v.(type) {
	case *time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case *WithTime:
		return fmt.Sprintf("{When:%s Zero:%v N:%d}", x.When.UTC().Format(time.RFC3339Nano), x.Zero.IsZero(), x.N)
	case *Tree:
		var b strings.Builder
		var walk func(t *Tree)
		walk = func(t *Tree) {
			fmt.Fprintf(&b, "%d(", t.Value)
			for _, c := range t.Children {
				walk(c)
			}
			b.WriteString(")")
		}
		walk(x)
		return b.String()
	case *Outer:
		if x.P != nil {
			return fmt.Sprintf("%+v P=%+v", *x, *x.P)
		}
		return fmt.Sprintf("%+v", *x)
	case *rpc.Request:
		return fmt.Sprintf("{ServiceMethod:%s Seq:%d}", x.ServiceMethod, x.Seq)
	case *rpc.Response:
		return fmt.Sprintf("{ServiceMethod:%s Seq:%d Error:%s}", x.ServiceMethod, x.Seq, x.Error)
	case nil:
		return "<discarded>"
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		return fmt.Sprintf("%+v", rv.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v)
}

func decode() {
	var jobs []job
	if err := json.NewDecoder(os.Stdin).Decode(&jobs); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for _, j := range jobs {
		raw, err := hex.DecodeString(j.Hex)
		if err != nil {
			out[j.Name] = "ERR: " + err.Error()
			continue
		}
		dec := gob.NewDecoder(bytes.NewReader(raw))
		var parts []string
		for i := 0; ; i++ {
			t := j.Types[len(j.Types)-1]
			if i < len(j.Types) {
				t = j.Types[i]
			}
			mk, ok := targets[t]
			if !ok {
				parts = append(parts, "ERR: unknown target "+t)
				break
			}
			v := mk()
			if err := dec.Decode(v); err != nil {
				if err != io.EOF || i == 0 {
					parts = append(parts, "ERR: "+err.Error())
				}
				break
			}
			parts = append(parts, show(v))
		}
		out[j.Name] = strings.Join(parts, " | ")
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "decode" {
		decode()
		return
	}
	golden()
}
