package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"reflect"
)

// serve registers Matrix under service and serves it on a loopback port
// over transport ("http": CONNECT on rpc.DefaultRPCPath; "tcp": plain TCP)
// with codec ("gob" or "json"), printing "listening HOST:PORT" once ready.
// It returns only on a fatal error.
func serve(transport, codec, service string) error {
	if err := verifyMethods(); err != nil {
		return err
	}
	server := rpc.NewServer()
	if err := server.RegisterName(service, &Matrix{codec: codec}); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", l.Addr())
	switch transport + "/" + codec {
	case "http/gob":
		// rpc.HandleHTTP for this server: CONNECT on /_goRPC_, the debug
		// page on /debug/rpc.
		server.HandleHTTP(rpc.DefaultRPCPath, rpc.DefaultDebugPath)
		return http.Serve(l, nil)
	case "http/json":
		http.HandleFunc(rpc.DefaultRPCPath, func(w http.ResponseWriter, req *http.Request) { serveJSONConnect(server, w, req) })
		return http.Serve(l, nil)
	case "tcp/gob":
		server.Accept(l)
		return fmt.Errorf("accept stopped")
	case "tcp/json":
		for {
			conn, err := l.Accept()
			if err != nil {
				return err
			}
			go server.ServeCodec(jsonrpc.NewServerCodec(conn))
		}
	}
	return fmt.Errorf("unknown transport/codec %s/%s", transport, codec)
}

// serveJSONConnect answers a CONNECT the way rpc.Server.ServeHTTP does,
// then serves the hijacked connection with Go's jsonrpc codec.
func serveJSONConnect(server *rpc.Server, w http.ResponseWriter, req *http.Request) {
	if req.Method != "CONNECT" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, "405 must CONNECT\n")
		return
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		log.Print("rpc hijacking ", req.RemoteAddr, ": ", err)
		return
	}
	io.WriteString(conn, "HTTP/1.0 200 Connected to Go RPC\n\n")
	server.ServeCodec(jsonrpc.NewServerCodec(conn))
}

// verifyMethods checks that Matrix has the Echo, Get and Check methods of
// every case, with the case's type, so no case is left unserved.
func verifyMethods() error {
	m := reflect.TypeOf(&Matrix{})
	empty := reflect.TypeOf(Empty{})
	for _, c := range cases {
		want := map[string][2]reflect.Type{
			"Echo" + c.Name:  {c.Type, reflect.PointerTo(c.Type)},
			"Get" + c.Name:   {empty, reflect.PointerTo(c.Type)},
			"Check" + c.Name: {c.Type, reflect.PointerTo(empty)},
		}
		for name, io := range want {
			method, ok := m.MethodByName(name)
			if !ok {
				return fmt.Errorf("Matrix has no method %s", name)
			}
			if method.Type.NumIn() != 3 || method.Type.In(1) != io[0] || method.Type.In(2) != io[1] {
				return fmt.Errorf("Matrix.%s has type %s, want (%s, %s)", name, method.Type, io[0], io[1])
			}
		}
	}
	return nil
}
