// Command drainclient watches a netrpc server drain through Go's stock
// net/rpc client: gob over rpc.DialHTTP, or net/rpc/jsonrpc over a CONNECT
// tunnel (Rpc-Codec: json). It starts a slow call (Echo.Sleep) that keeps
// the connection busy, prints {"ready":true}, then calls Arith.Multiply
// every 10 ms until a call fails, and prints one JSON line for that failure
// ({"error": ..., "serverError": true when Go saw an rpc.ServerError, "calls": calls
// that succeeded}) and one for the slow call ({"slept": ..., "error": ...}).
//
// Usage: drainclient gob|json HOST:PORT SLEEP_MS
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
	"strconv"
	"time"
)

type Args struct{ A, B int }

func dialJSON(addr string) (*rpc.Client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
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
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: drainclient gob|json HOST:PORT SLEEP_MS")
		os.Exit(2)
	}
	sleepMs, _ := strconv.Atoi(os.Args[3])
	var client *rpc.Client
	var err error
	if os.Args[1] == "json" {
		client, err = dialJSON(os.Args[2])
	} else {
		client, err = rpc.DialHTTP("tcp", os.Args[2])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	defer client.Close()
	out := json.NewEncoder(os.Stdout)
	var slept int
	slow := client.Go("Echo.Sleep", sleepMs, &slept, nil)
	var product int
	if err := client.Call("Arith.Multiply", Args{6, 7}, &product); err != nil || product != 42 {
		fmt.Fprintln(os.Stderr, "first call:", err, product)
		os.Exit(1)
	}
	out.Encode(map[string]bool{"ready": true})
	calls := 0
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		err := client.Call("Arith.Multiply", Args{calls, 2}, &product)
		if err != nil {
			_, isServerError := err.(rpc.ServerError)
			out.Encode(map[string]interface{}{"error": err.Error(), "serverError": isServerError, "calls": calls})
			break
		}
		calls++
		time.Sleep(10 * time.Millisecond)
	}
	<-slow.Done
	r := map[string]interface{}{"slept": slept}
	if slow.Error != nil {
		r["error"] = slow.Error.Error()
	}
	out.Encode(r)
}
