// Command plainclient calls a server over plain TCP with Go's stock
// clients, rpc.Dial (gob) or jsonrpc.Dial (json), and prints one JSON line
// per check: {"name": ..., "reply": ..., "error": ...}.
//
// Usage: plainclient gob|json ADDR
package main

import (
	"encoding/json"
	"fmt"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sync"
)

type Args struct{ A, B int }

type Quotient struct{ Quo, Rem int }

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
		fmt.Fprintln(os.Stderr, "usage: plainclient gob|json ADDR")
		os.Exit(2)
	}
	var client *rpc.Client
	var err error
	switch os.Args[1] {
	case "gob":
		client, err = rpc.Dial("tcp", os.Args[2])
	case "json":
		client, err = jsonrpc.Dial("tcp", os.Args[2])
	default:
		err = fmt.Errorf("unknown codec %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}

	var product int
	err = client.Call("Arith.Multiply", Args{7, 8}, &product)
	emit("multiply", product, err)

	var sum int
	err = client.Call("Arith.Add", &Args{-3, 10}, &sum)
	emit("add", sum, err)

	var quo Quotient
	err = client.Call("Arith.Divide", Args{-7, 2}, &quo)
	emit("divide", quo, err)

	var none Quotient
	err = client.Call("Arith.Divide", Args{1, 0}, &none)
	emit("divide-by-zero", nil, err)

	var upper string
	err = client.Call("Echo.Upper", "héllo, wörld", &upper)
	emit("upper", upper, err)

	var echoed string
	err = client.Call("Echo.Echo", "round trip", &echoed)
	emit("echo", echoed, err)

	var s string
	err = client.Call("Echo.Fail", "boom", &s)
	emit("fail", nil, err)

	err = client.Call("Arith.Nope", 1, &s)
	emit("unknown-method", nil, err)

	// A slow call must not hold back a fast one on the same connection.
	slow := client.Go("Echo.Sleep", 1000, new(int), nil)
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

	var after int
	err = client.Call("Arith.Multiply", Args{6, 7}, &after)
	emit("after-errors", after, err)
	client.Close()
	emit("done", nil, nil)
}

func isDone(c *rpc.Call) bool {
	select {
	case <-c.Done:
		return true
	default:
		return false
	}
}
