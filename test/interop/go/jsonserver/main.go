// Command jsonserver is a Go net/rpc server speaking net/rpc/jsonrpc over
// HTTP CONNECT: it hijacks CONNECT requests on /_goRPC_ the way
// rpc.Server.ServeHTTP does, but serves the connection with
// jsonrpc.ServeConn. It prints "listening HOST:PORT" once ready. With the
// argument "tcp" it serves plain TCP instead: every accepted connection
// goes to jsonrpc.ServeConn's codec (what jsonrpc.Dial reaches).
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"strconv"
	"strings"
	"time"
)

type Args struct{ A, B int }

type Quotient struct{ Quo, Rem int }

type Arith int

func (t *Arith) Multiply(args *Args, reply *int) error {
	*reply = args.A * args.B
	return nil
}

func (t *Arith) Divide(args *Args, quo *Quotient) error {
	if args.B == 0 {
		return errors.New("divide by zero")
	}
	quo.Quo = args.A / args.B
	quo.Rem = args.A % args.B
	return nil
}

type Echo int

func (t *Echo) Upper(s string, reply *string) error {
	*reply = strings.ToUpper(s)
	return nil
}

func (t *Echo) Sleep(ms int, reply *int) error {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	*reply = ms
	return nil
}

func (t *Echo) Echo(v map[string]interface{}, reply *map[string]interface{}) error {
	*reply = v
	return nil
}

// Kinds echoes 64-bit integers with Go's own decimal rendering of what it
// decoded ("Seen"), so a test can tell every digit arrived.
type Kinds int

type Ints struct{ I64 int64 }

type IntsReply struct {
	I64  int64
	Seen string
}

type Uints struct{ U64 uint64 }

type UintsReply struct {
	U64  uint64
	Seen string
}

func (t *Kinds) Ints(a Ints, r *IntsReply) error {
	*r = IntsReply{a.I64, strconv.FormatInt(a.I64, 10)}
	return nil
}

func (t *Kinds) Uints(a Uints, r *UintsReply) error {
	*r = UintsReply{a.U64, strconv.FormatUint(a.U64, 10)}
	return nil
}

func main() {
	server := rpc.NewServer()
	server.Register(new(Arith))
	server.Register(new(Echo))
	server.Register(new(Kinds))
	http.HandleFunc("/_goRPC_", func(w http.ResponseWriter, req *http.Request) {
		if req.Method != "CONNECT" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusMethodNotAllowed)
			io.WriteString(w, "405 must CONNECT\n")
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			log.Print("hijack: ", err)
			return
		}
		io.WriteString(conn, "HTTP/1.0 200 Connected to Go RPC\n\n")
		server.ServeCodec(jsonrpc.NewServerCodec(conn))
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	if len(os.Args) > 1 && os.Args[1] == "tcp" {
		for {
			conn, err := l.Accept()
			if err != nil {
				log.Fatal(err)
			}
			go server.ServeCodec(jsonrpc.NewServerCodec(conn))
		}
	}
	log.Fatal(http.Serve(l, nil))
}
