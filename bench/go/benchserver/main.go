// Command benchserver is the Go net/rpc benchmark server: rpc.Register,
// rpc.HandleHTTP and http.Serve (gob over HTTP CONNECT on /_goRPC_). It
// serves Arith.Multiply and the Bench echoes (Struct, Bytes) that the
// netrpc bench server also serves. It listens on 127.0.0.1:0 and prints
// "listening HOST:PORT".
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"net/rpc"
)

// Args are the operands of Arith.Multiply.
type Args struct{ A, B int }

// Arith is the example service from the net/rpc documentation.
type Arith int

// Multiply sets *reply to A*B.
func (t *Arith) Multiply(args *Args, reply *int) error {
	*reply = args.A * args.B
	return nil
}

// Record is the ~1 KiB struct of the struct1k scenario.
type Record struct {
	ID    int
	Name  string
	Email string
	Title string
	Body  string
	Count int
	Score int
}

// Bench holds the echo methods.
type Bench int

// Struct echoes a Record.
func (b *Bench) Struct(r *Record, reply *Record) error {
	*reply = *r
	return nil
}

// Bytes echoes a byte slice.
func (b *Bench) Bytes(p []byte, reply *[]byte) error {
	*reply = p
	return nil
}

func main() {
	if err := rpc.Register(new(Arith)); err != nil {
		log.Fatal(err)
	}
	if err := rpc.Register(new(Bench)); err != nil {
		log.Fatal(err)
	}
	rpc.HandleHTTP()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	log.Fatal(http.Serve(l, nil))
}
