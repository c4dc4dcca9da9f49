// Command jsonclient calls a netrpc server with Go's net/rpc/jsonrpc
// client over an HTTP CONNECT tunnel (Rpc-Codec: json) and prints one JSON
// line per check: {"name": ..., "reply": ..., "error": ...}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sync"
	"time"
)

type Args struct{ A, B int }

type Quotient struct{ Quo, Rem int }

type result struct {
	Name  string      `json:"name"`
	Reply interface{} `json:"reply"`
	Error string      `json:"error,omitempty"`
}

func dial(addr string) (*rpc.Client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	// Bare LF line ends, exactly as net/rpc's DialHTTPPath writes them.
	io.WriteString(conn, "CONNECT /_goRPC_ HTTP/1.0\nRpc-Codec: json\n\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "CONNECT"})
	if err != nil {
		return nil, err
	}
	if resp.Status != "200 Connected to Go RPC" {
		return nil, fmt.Errorf("unexpected status %q", resp.Status)
	}
	return jsonrpc.NewClient(conn), nil
}

func main() {
	client, err := dial(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	emit := func(name string, reply interface{}, err error) {
		r := result{Name: name, Reply: reply}
		if err != nil {
			r.Error = err.Error()
			if _, ok := err.(rpc.ServerError); !ok {
				r.Error = "NOT A SERVER ERROR: " + r.Error
			}
		}
		out.Encode(r)
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

	var exact Quotient
	err = client.Call("Arith.Divide", Args{8, 4}, &exact)
	emit("divide-exact", exact, err)

	var none Quotient
	err = client.Call("Arith.Divide", Args{1, 0}, &none)
	emit("divide-by-zero", nil, err)

	var upper string
	err = client.Call("Echo.Upper", "héllo, wörld", &upper)
	emit("upper", upper, err)

	var echoed map[string]interface{}
	err = client.Call("Echo.Echo", map[string]interface{}{"nested": []int{1, 2, 3}, "s": "x"}, &echoed)
	emit("echo", echoed, err)

	err = client.Call("Echo.Fail", "boom", &upper)
	emit("fail", nil, err)

	err = client.Call("Nope.Method", 1, &upper)
	emit("unknown-service", nil, err)

	err = client.Call("Arith.Nope", 1, &upper)
	emit("unknown-method", nil, err)

	err = client.Call("NoDot", 1, &upper)
	emit("ill-formed", nil, err)

	// A slow call must not hold back a fast one on the same connection.
	slow := client.Go("Echo.Sleep", 300, new(int), nil)
	start := time.Now()
	var fast int
	err = client.Call("Arith.Add", Args{1, 1}, &fast)
	emit("fast-during-slow", map[string]interface{}{"reply": fast, "slowDone": isDone(slow), "ms": time.Since(start).Milliseconds()}, err)
	<-slow.Done
	emit("slow", *(slow.Reply.(*int)), slow.Error)

	// Many concurrent calls on one client.
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for i := 0; i < 300; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var r int
			if err := client.Call("Arith.Multiply", Args{i, 3}, &r); err != nil || r != i*3 {
				mu.Lock()
				bad++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	emit("concurrent-300", map[string]int{"bad": bad}, nil)

	// An error followed by a success on the same connection.
	err = client.Call("Echo.Fail", "again", &upper)
	emit("error-again", nil, err)
	err = client.Call("Arith.Multiply", Args{6, 7}, &product)
	emit("after-error", product, err)
	client.Close()
}

func isDone(c *rpc.Call) bool {
	select {
	case <-c.Done:
		return true
	default:
		return false
	}
}
