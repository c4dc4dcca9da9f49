// Command gobserver is a stock Go net/rpc server: rpc.Register,
// rpc.HandleHTTP and http.Serve, so it speaks gob over HTTP CONNECT on
// /_goRPC_. It listens on 127.0.0.1:0 and prints "listening HOST:PORT".
// With the argument "tcp" it serves plain TCP instead, with rpc.Accept
// (what rpc.Dial reaches).
// Replies carry a "Seen" text where the test needs to know exactly what
// Go decoded.
package main

import (
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"net/http"
	"net/rpc"
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

func (t *Arith) Add(args Args, reply *int) error {
	*reply = args.A + args.B
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

func (t *Echo) Fail(msg string, reply *string) error {
	return errors.New("failed: " + msg)
}

func (t *Echo) Bytes(b []byte, reply *[]byte) error {
	*reply = b
	return nil
}

func (t *Echo) Strings(s []string, reply *[]string) error {
	*reply = s
	return nil
}

func (t *Echo) Bool(b bool, reply *bool) error {
	*reply = !b
	return nil
}

func (t *Echo) Time(v time.Time, reply *time.Time) error {
	*reply = v.Add(time.Second)
	return nil
}

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

// Zeros has a field of most kinds, all left at their zero value in replies.
type Zeros struct {
	I   int
	U   uint64
	F   float64
	S   string
	B   bool
	Bs  []byte
	Sl  []int
	M   map[string]int
	P   *Inner
	In  Inner
	Arr [2]int
}

type Kinds int

func (t *Kinds) Uints(a Uints, r *UintsReply) error {
	*r = UintsReply{a.U32, a.U64, fmt.Sprintf("%d %d", a.U32, a.U64)}
	return nil
}

func (t *Kinds) Ints(a Ints, r *IntsReply) error {
	*r = IntsReply{a.I64, strconv.FormatInt(a.I64, 10)}
	return nil
}

func (t *Kinds) Floats(a Floats, r *FloatsReply) error {
	*r = FloatsReply{a.F, a.F / 2, a.F * 2, strconv.FormatFloat(a.F, 'g', -1, 64)}
	return nil
}

func (t *Kinds) StrMap(m map[string]int, r *map[string]int) error {
	out := map[string]int{}
	for k, v := range m {
		out[k] = v * 2
	}
	*r = out
	return nil
}

func (t *Kinds) IntMap(m map[int]string, r *map[int]string) error {
	out := map[int]string{}
	for k, v := range m {
		out[k] = strings.ToUpper(v)
	}
	*r = out
	return nil
}

func (t *Kinds) Nest(o *Outer, r *Outer) error {
	if o.Mid == nil || o.Mid.Inner == nil {
		return errors.New("Nest wants Mid and Mid.Inner")
	}
	if o.Nil != nil {
		return errors.New("Nest wants Nil to be nil")
	}
	*r = Outer{Name: o.Name + "!", Mid: &Mid{Label: o.Mid.Label + "!", Inner: &Inner{o.Mid.Inner.S + "!", o.Mid.Inner.N + 1}}}
	return nil
}

func (t *Kinds) List(n *Node, r *Node) error {
	var vals []int
	for ; n != nil; n = n.Next {
		vals = append(vals, n.Val)
	}
	var head *Node
	for i := len(vals) - 1; i >= 0; i-- {
		head = &Node{vals[i] * 2, head}
	}
	if head != nil {
		*r = *head
	}
	return nil
}

func (t *Kinds) Zeros(_ int, r *Zeros) error {
	*r = Zeros{}
	return nil
}

func main() {
	rpc.Register(new(Arith))
	rpc.Register(new(Echo))
	rpc.Register(new(Kinds))
	rpc.HandleHTTP()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	if len(os.Args) > 1 && os.Args[1] == "tcp" {
		rpc.Accept(l)
		return
	}
	log.Fatal(http.Serve(l, nil))
}
