// Command gobloop calls Arith.Multiply in a loop with Go's stock net/rpc
// client (rpc.DialHTTP, gob) for a while, redialing whenever a call or a
// dial fails, and reports how it went. It is what a Go service calling a
// netrpc deployment through a load balancer does.
//
// Usage: gobloop ADDR SECONDS [CONNECTIONS]
//
// Each of CONNECTIONS goroutines (default 4) owns one connection. Every
// 100 ms it prints a progress line, and at the end a final one, each a
// JSON object: {"final":false,"ok":N,"fail":N,"redials":N,"dialErrors":N,
// "wrong":N,"lastError":"..."}. "ok" counts calls answered correctly,
// "wrong" calls answered with a wrong product, "fail" calls that failed
// (each is followed by a redial), "dialErrors" dials that failed (retried
// after 20 ms). A call gets 5 s before it counts as failed.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/rpc"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Args is Arith.Multiply's argument.
type Args struct{ A, B int }

type counters struct {
	ok, fail, redials, dialErrors, wrong atomic.Int64
	mu                                   sync.Mutex
	lastError                            string
}

func (c *counters) failed(err error) {
	c.mu.Lock()
	c.lastError = err.Error()
	c.mu.Unlock()
}

func (c *counters) print(final bool) {
	c.mu.Lock()
	last := c.lastError
	c.mu.Unlock()
	line, _ := json.Marshal(map[string]any{
		"final":      final,
		"ok":         c.ok.Load(),
		"fail":       c.fail.Load(),
		"redials":    c.redials.Load(),
		"dialErrors": c.dialErrors.Load(),
		"wrong":      c.wrong.Load(),
		"lastError":  last,
	})
	fmt.Println(string(line))
}

var errCallTimeout = errors.New("call timed out after 5s")

func call(client *rpc.Client, a, b int) (int, error) {
	var product int
	done := client.Go("Arith.Multiply", Args{a, b}, &product, make(chan *rpc.Call, 1)).Done
	select {
	case c := <-done:
		return product, c.Error
	case <-time.After(5 * time.Second):
		return 0, errCallTimeout
	}
}

func loop(addr string, deadline time.Time, id int, c *counters) {
	var client *rpc.Client
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
	for i := 0; time.Now().Before(deadline); i++ {
		if client == nil {
			var err error
			client, err = rpc.DialHTTP("tcp", addr)
			if err != nil {
				c.dialErrors.Add(1)
				c.failed(err)
				client = nil
				time.Sleep(20 * time.Millisecond)
				continue
			}
		}
		a, b := id+1, i%1000
		product, err := call(client, a, b)
		switch {
		case err != nil:
			c.fail.Add(1)
			c.failed(err)
			client.Close()
			client = nil
			c.redials.Add(1)
		case product != a*b:
			c.wrong.Add(1)
		default:
			c.ok.Add(1)
		}
	}
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gobloop ADDR SECONDS [CONNECTIONS]")
		os.Exit(2)
	}
	addr := os.Args[1]
	seconds, err := strconv.ParseFloat(os.Args[2], 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobloop: bad SECONDS:", err)
		os.Exit(2)
	}
	conns := 4
	if len(os.Args) > 3 {
		if conns, err = strconv.Atoi(os.Args[3]); err != nil || conns < 1 {
			fmt.Fprintln(os.Stderr, "gobloop: bad CONNECTIONS")
			os.Exit(2)
		}
	}
	deadline := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	var c counters
	var wg sync.WaitGroup
	for id := 0; id < conns; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			loop(addr, deadline, id, &c)
		}(id)
	}
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				c.print(false)
			case <-stop:
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	c.print(true)
}
