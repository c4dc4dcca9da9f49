// Command gobclient calls a netrpc server with Go's stock net/rpc client
// (rpc.DialHTTP: no Rpc-Codec header, so the gob codec) and prints one JSON
// line per check: {"name": ..., "reply": ..., "error": ...}. Integers that
// JSON numbers cannot carry exactly are printed as decimal strings.
//
// Usage: gobclient ADDR full|demo. "demo" runs only the checks the demo
// services (Arith, Echo) answer; "full" also calls the Kinds test service.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/rpc"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

type Args struct{ A, B int }

type Quotient struct{ Quo, Rem int }

type Uints struct {
	U32 uint32
	U64 uint64
}

type UintsReply struct {
	U32  uint32
	U64  uint64
	Seen string
}

type Ints struct{ I64 int64 }

type IntsReply struct {
	I64  int64
	Seen string
}

type Floats struct{ F float64 }

type FloatsReply struct {
	F, Half, Double float64
	Seen            string
}

type Inner struct {
	S string
	N int
}

type Mid struct {
	Label string
	Inner *Inner
}

type Outer struct {
	Name string
	Mid  *Mid
	Nil  *Mid
}

type Node struct {
	Val  int
	Next *Node
}

type result struct {
	Name  string      `json:"name"`
	Reply interface{} `json:"reply"`
	Error string      `json:"error,omitempty"`
}

var out = json.NewEncoder(os.Stdout)

func emit(name string, reply interface{}, err error) {
	r := result{Name: name, Reply: reply}
	if err != nil {
		r.Error = err.Error()
		if _, ok := err.(rpc.ServerError); !ok {
			r.Error = "NOT A SERVER ERROR: " + r.Error
		}
	}
	out.Encode(r)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gobclient ADDR full|demo")
		os.Exit(2)
	}
	client, err := rpc.DialHTTP("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	demo(client)
	if os.Args[2] == "full" {
		full(client)
	}
	client.Close()
	emit("done", nil, nil)
}

// demo runs the checks the demo services answer.
func demo(client *rpc.Client) {
	// A fresh reply variable per call: gob does not reset fields it omits.
	var product int
	err := client.Call("Arith.Multiply", Args{7, 8}, &product)
	emit("multiply", product, err)

	var sum int
	err = client.Call("Arith.Add", &Args{-3, 10}, &sum)
	emit("add-pointer-args", sum, err)

	var quo Quotient
	err = client.Call("Arith.Divide", Args{-7, 2}, &quo)
	emit("divide", quo, err)

	var exact Quotient
	err = client.Call("Arith.Divide", Args{8, 4}, &exact)
	emit("divide-exact", exact, err)

	var zero Quotient
	err = client.Call("Arith.Divide", Args{0, 5}, &zero)
	emit("divide-zero-result", zero, err)

	var none Quotient
	err = client.Call("Arith.Divide", Args{1, 0}, &none)
	emit("divide-by-zero", nil, err)

	var upper string
	err = client.Call("Echo.Upper", "héllo, wörld", &upper)
	emit("upper", upper, err)

	var s string
	err = client.Call("Echo.Fail", "boom", &s)
	emit("fail", nil, err)

	err = client.Call("Nope.Method", 1, &s)
	emit("unknown-service", nil, err)

	err = client.Call("Arith.Nope", 1, &s)
	emit("unknown-method", nil, err)

	err = client.Call("NoDot", 1, &s)
	emit("ill-formed", nil, err)

	var after int
	err = client.Call("Arith.Multiply", Args{6, 7}, &after)
	emit("after-errors", after, err)
}

// full runs the checks that need the Kinds test service or exercise the
// connection harder.
func full(client *rpc.Client) {
	// Echo.Echo with a 3 MiB []byte.
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>11)
	}
	var back []byte
	err := client.Call("Echo.Echo", big, &back)
	emit("bytes-3mib", map[string]interface{}{"len": len(back), "equal": bytes.Equal(big, back)}, err)

	var strs []string
	err = client.Call("Echo.Echo", []string{"a", "", "ü"}, &strs)
	emit("echo-strings", strs, err)

	var ints []int
	err = client.Call("Echo.Echo", []int{1, -2, 0, 1 << 40}, &ints)
	emit("echo-ints", ints, err)

	var flag bool
	err = client.Call("Echo.Echo", true, &flag)
	emit("echo-bool", flag, err)

	when := time.Date(2024, 2, 29, 23, 59, 58, 123000000, time.UTC)
	var whenBack time.Time
	err = client.Call("Echo.Echo", when, &whenBack)
	emit("echo-time", map[string]interface{}{"equal": whenBack.Equal(when), "got": whenBack.UTC().Format(time.RFC3339Nano)}, err)

	// A pointer to a GobEncoder at top level travels under an empty type name.
	var whenBack2 time.Time
	err = client.Call("Echo.Echo", &when, &whenBack2)
	emit("echo-time-pointer", map[string]interface{}{"equal": whenBack2.Equal(when), "got": whenBack2.UTC().Format(time.RFC3339Nano)}, err)

	// Unsigned extremes.
	for _, c := range []struct {
		name string
		in   Uints
	}{
		{"uints-zero", Uints{0, 0}},
		{"uints-max", Uints{math.MaxUint32, math.MaxUint64}},
		{"uints-mid", Uints{1 << 31, 1<<53 + 1}},
	} {
		var r UintsReply
		err = client.Call("Kinds.Uints", c.in, &r)
		emit(c.name, map[string]string{"U32": strconv.FormatUint(uint64(r.U32), 10), "U64": strconv.FormatUint(r.U64, 10), "Seen": r.Seen}, err)
	}

	// Signed 64-bit extremes.
	for _, c := range []struct {
		name string
		in   int64
	}{
		{"int64-min", math.MinInt64},
		{"int64-max", math.MaxInt64},
		{"int64-neg", -42},
		{"int64-neg-big", -(1 << 60)},
	} {
		var r IntsReply
		err = client.Call("Kinds.Ints", &Ints{c.in}, &r)
		emit(c.name, map[string]string{"I64": strconv.FormatInt(r.I64, 10), "Seen": r.Seen}, err)
	}

	// Floats, including integral values that must stay floats on the wire.
	for _, c := range []struct {
		name string
		in   float64
	}{
		{"float-frac", 2.5},
		{"float-integral", 2.0},
		{"float-neg-tiny", -1e-300},
		{"float-big", 1e300},
		{"float-zero", 0},
	} {
		var r FloatsReply
		err = client.Call("Kinds.Floats", Floats{c.in}, &r)
		emit(c.name, map[string]string{
			"F":      strconv.FormatFloat(r.F, 'g', -1, 64),
			"Half":   strconv.FormatFloat(r.Half, 'g', -1, 64),
			"Double": strconv.FormatFloat(r.Double, 'g', -1, 64),
			"Seen":   r.Seen,
		}, err)
	}

	// Maps.
	var sm map[string]int
	err = client.Call("Kinds.StrMap", map[string]int{"a": 1, "b": -2, "zero": 0}, &sm)
	emit("map-string-int", sm, err)

	var im map[int]string
	err = client.Call("Kinds.IntMap", map[int]string{1: "one", -2: "minus two", 1 << 60: "big"}, &im)
	keys := make([]int, 0, len(im))
	for k := range im {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	pairs := []string{}
	for _, k := range keys {
		pairs = append(pairs, fmt.Sprintf("%d=%s", k, im[k]))
	}
	emit("map-int-string", pairs, err)

	// Nested pointers, with a nil one.
	var nest Outer
	err = client.Call("Kinds.Nest", &Outer{Name: "o", Mid: &Mid{Label: "m", Inner: &Inner{S: "i", N: 41}}}, &nest)
	emit("nested-pointers", map[string]interface{}{"Name": nest.Name, "Label": nest.Mid.Label, "S": nest.Mid.Inner.S, "N": nest.Mid.Inner.N, "NilIsNil": nest.Nil == nil}, err)

	// A recursive type (the server has no GoType for it and infers one).
	var list *Node
	err = client.Call("Kinds.List", &Node{1, &Node{2, &Node{3, nil}}}, &list)
	vals := []int{}
	for n := list; n != nil; n = n.Next {
		vals = append(vals, n.Val)
	}
	emit("linked-list", vals, err)

	// A slow call must not hold back a fast one on the same client.
	slow := client.Go("Echo.Sleep", 2000, new(int), nil)
	var fast int
	err = client.Call("Arith.Add", Args{1, 1}, &fast)
	emit("fast-during-slow", map[string]interface{}{"reply": fast, "slowDone": isDone(slow)}, err)
	<-slow.Done
	emit("slow", *(slow.Reply.(*int)), slow.Error)

	// Many parallel calls on one client.
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := []string{}
	for i := 0; i < 500; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var r int
			if err := client.Call("Arith.Multiply", Args{i, 3}, &r); err != nil || r != i*3 {
				mu.Lock()
				bad = append(bad, fmt.Sprintf("%d: %v %d", i, err, r))
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	emit("parallel-500", map[string]interface{}{"bad": bad}, nil)

	// An error followed by a success on the same connection.
	var s string
	err = client.Call("Echo.Fail", "again", &s)
	emit("error-again", nil, err)
	var product int
	err = client.Call("Arith.Multiply", Args{6, 7}, &product)
	emit("after-error", product, err)
}

func isDone(c *rpc.Call) bool {
	select {
	case <-c.Done:
		return true
	default:
		return false
	}
}
