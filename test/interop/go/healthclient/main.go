// Command healthclient asks a netrpc server's built-in Health.Check about
// each service named on the command line, with Go's stock net/rpc client:
// gob over rpc.DialHTTP, or net/rpc/jsonrpc over a CONNECT tunnel
// (Rpc-Codec: json). It prints one JSON line per service:
// {"service": ..., "status": ..., "error": ...}.
//
// Usage: healthclient gob|json HOST:PORT SERVICE...   ("" asks about the whole server)
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
)

// HealthCheckRequest and HealthCheckResponse follow grpc.health.v1's message fields.
type HealthCheckRequest struct{ Service string }

type HealthCheckResponse struct{ Status string }

type result struct {
	Service string `json:"service"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
}

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
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: healthclient gob|json HOST:PORT SERVICE...")
		os.Exit(2)
	}
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
	for _, service := range os.Args[3:] {
		var reply HealthCheckResponse
		err := client.Call("Health.Check", HealthCheckRequest{Service: service}, &reply)
		r := result{Service: service, Status: reply.Status}
		if err != nil {
			r.Error = err.Error()
		}
		out.Encode(r)
	}
}
