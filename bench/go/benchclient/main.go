// Command benchclient is the Go net/rpc benchmark client. It dials
// -conns connections with rpc.DialHTTP (gob) and runs -inflight
// goroutines per connection, each calling in a loop (Go's client
// multiplexes them on the connection). After -warmup ms it counts the
// calls completed in -duration ms and prints one JSON line:
// {"calls":N,"seconds":S,"p50":µs,"p99":µs,"bytes":B}.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"net/rpc"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Args are the operands of Arith.Multiply.
type Args struct{ A, B int }

// Record is the ~1 KiB struct of the struct1k scenario (same as bench/payloads.ts).
type Record struct {
	ID    int
	Name  string
	Email string
	Title string
	Body  string
	Count int
	Score int
}

const subBuckets = 64
const maxPow = 40

// histogram counts latencies in logarithmic microsecond buckets (as bench/stats.ts).
type histogram struct {
	counts [subBuckets * maxPow]uint64
	n      uint64
}

func (h *histogram) record(us float64) {
	if us < 1 {
		us = 1
	}
	i := int(math.Floor(math.Log2(us) * subBuckets))
	if i >= len(h.counts) {
		i = len(h.counts) - 1
	}
	h.counts[i]++
	h.n++
}

func (h *histogram) add(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
}

func (h *histogram) percentile(p float64) float64 {
	if h.n == 0 {
		return 0
	}
	target := uint64(math.Ceil(p / 100 * float64(h.n)))
	if target < 1 {
		target = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= target {
			return math.Pow(2, (float64(i)+0.5)/subBuckets)
		}
	}
	return math.Pow(2, maxPow)
}

type result struct {
	Calls   uint64  `json:"calls"`
	Seconds float64 `json:"seconds"`
	P50     float64 `json:"p50"`
	P99     float64 `json:"p99"`
	Bytes   uint64  `json:"bytes"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:1234", "server host:port")
	scenario := flag.String("scenario", "seq", "seq|inflight64|conns4x64|struct1k|bytes1m|small")
	inflight := flag.Int("inflight", 1, "calls in flight per connection")
	conns := flag.Int("conns", 1, "connections")
	warmup := flag.Int("warmup", 1000, "warm-up, ms")
	duration := flag.Int("duration", 3000, "measured time, ms")
	flag.String("codec", "gob", "ignored: Go's net/rpc speaks gob")
	flag.Parse()

	var method string
	var args interface{}
	var newReply func() interface{}
	var bytesPerCall uint64
	switch *scenario {
	case "struct1k":
		method = "Bench.Struct"
		args = &Record{ID: 123456789, Name: strings.Repeat("n", 64), Email: strings.Repeat("e", 64), Title: strings.Repeat("t", 128), Body: strings.Repeat("b", 744), Count: 42, Score: 31337}
		newReply = func() interface{} { return new(Record) }
		bytesPerCall = 2 * (64 + 64 + 128 + 744 + 3*8)
	case "bytes1m":
		p := make([]byte, 1<<20)
		for i := range p {
			p[i] = byte(i)
		}
		method = "Bench.Bytes"
		args = p
		newReply = func() interface{} { return new([]byte) }
		bytesPerCall = 2 << 20
	default:
		method = "Arith.Multiply"
		args = &Args{7, 8}
		newReply = func() interface{} { return new(int) }
	}

	clients := make([]*rpc.Client, *conns)
	for i := range clients {
		c, err := rpc.DialHTTP("tcp", *addr)
		if err != nil {
			log.Fatal(err)
		}
		if err := c.Call(method, args, newReply()); err != nil {
			log.Fatal(err)
		}
		clients[i] = c
	}

	var measuring, stopped atomic.Bool
	var calls atomic.Uint64
	var wg sync.WaitGroup
	hists := make([]*histogram, *conns**inflight)
	for ci, c := range clients {
		for j := 0; j < *inflight; j++ {
			h := new(histogram)
			hists[ci**inflight+j] = h
			wg.Add(1)
			go func(c *rpc.Client, h *histogram) {
				defer wg.Done()
				reply := newReply()
				for !stopped.Load() {
					t0 := time.Now()
					if err := c.Call(method, args, reply); err != nil {
						log.Fatal(err)
					}
					if measuring.Load() {
						h.record(float64(time.Since(t0).Nanoseconds()) / 1000)
						calls.Add(1)
					}
				}
			}(c, h)
		}
	}
	time.Sleep(time.Duration(*warmup) * time.Millisecond)
	start := time.Now()
	measuring.Store(true)
	time.Sleep(time.Duration(*duration) * time.Millisecond)
	measuring.Store(false)
	seconds := time.Since(start).Seconds()
	stopped.Store(true)
	wg.Wait()

	total := new(histogram)
	for _, h := range hists {
		total.add(h)
	}
	n := calls.Load()
	out, _ := json.Marshal(result{Calls: n, Seconds: seconds, P50: total.percentile(50), P99: total.percentile(99), Bytes: n * bytesPerCall})
	fmt.Fprintln(os.Stdout, string(out))
}
