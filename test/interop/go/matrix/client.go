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
	"reflect"
	"strings"
	"time"
)

// clientConfig says what the client calls and how.
type clientConfig struct {
	addr, transport, codec, service string
	// methods holds the kinds of call to make: echo, get, check, fail.
	methods map[string]bool
	// only, when not empty, holds the names of the cases to run.
	only map[string]bool
	// timeout bounds each call; a call past it counts as failed and the
	// connection is dropped.
	timeout time.Duration
	// excluded runs, instead of the matrix, the cases Go → Go cannot carry
	// over the codec, each on its own connection, to show that they fail.
	excluded bool
}

// result is one line of the client's output.
type result struct {
	Case   string `json:"case"`
	Method string `json:"method"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Excluded marks a line of an -excluded run, where ok means the call
	// failed the way the exclusion says.
	Excluded bool `json:"excluded,omitempty"`
}

// summary is the client's last line.
type summary struct {
	Summary   bool   `json:"summary"`
	Transport string `json:"transport"`
	Codec     string `json:"codec"`
	Total     int    `json:"total"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`
}

// dial connects the way a stock Go program does for the transport and codec.
func dial(cfg *clientConfig) (*rpc.Client, error) {
	switch cfg.transport + "/" + cfg.codec {
	case "http/gob":
		return rpc.DialHTTP("tcp", cfg.addr)
	case "http/json":
		return dialJSONConnect(cfg.addr)
	case "tcp/gob":
		return rpc.Dial("tcp", cfg.addr)
	case "tcp/json":
		return jsonrpc.Dial("tcp", cfg.addr)
	}
	return nil, fmt.Errorf("unknown transport/codec %s/%s", cfg.transport, cfg.codec)
}

// dialJSONConnect opens an HTTP CONNECT tunnel exactly as rpc.DialHTTP
// does (bare LF line ends), asking for the json codec with an Rpc-Codec
// header, and speaks Go's jsonrpc over it.
func dialJSONConnect(addr string) (*rpc.Client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	io.WriteString(conn, "CONNECT "+rpc.DefaultRPCPath+" HTTP/1.0\nRpc-Codec: json\n\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "CONNECT"})
	if err == nil && resp.Status != "200 Connected to Go RPC" {
		err = fmt.Errorf("unexpected HTTP response: %s", resp.Status)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return jsonrpc.NewClient(conn), nil
}

// runner makes the calls and writes the results.
type runner struct {
	cfg    *clientConfig
	client *rpc.Client
	out    *json.Encoder
	sum    summary
}

// call makes one call within the timeout. A failure other than a
// ServerError drops the connection, so the next call dials afresh.
func (r *runner) call(method string, args, reply interface{}) error {
	if r.client == nil {
		c, err := dial(r.cfg)
		if err != nil {
			return fmt.Errorf("dial: %w", err)
		}
		r.client = c
	}
	call := r.client.Go(r.cfg.service+"."+method, args, reply, make(chan *rpc.Call, 1))
	timer := time.NewTimer(r.cfg.timeout)
	defer timer.Stop()
	select {
	case <-call.Done:
		if _, remote := call.Error.(rpc.ServerError); call.Error != nil && !remote {
			r.drop()
		}
		return call.Error
	case <-timer.C:
		r.drop()
		return fmt.Errorf("no reply within %s", r.cfg.timeout)
	}
}

func (r *runner) drop() {
	if r.client != nil {
		r.client.Close()
		r.client = nil
	}
}

func (r *runner) report(res result) {
	r.sum.Total++
	if res.OK {
		r.sum.Passed++
	} else {
		r.sum.Failed++
	}
	r.out.Encode(res)
}

// replyResult compares a reply with the value the case delivers.
func replyResult(c *matrixCase, method string, want interface{}, reply reflect.Value, err error) result {
	res := result{Case: c.Name, Method: method}
	if err != nil {
		res.Detail = describeError(err)
		return res
	}
	res.Detail = difference(c.Name, reflect.ValueOf(want), reply.Elem())
	res.OK = res.Detail == ""
	return res
}

func describeError(err error) string {
	if _, remote := err.(rpc.ServerError); remote {
		return "server error: " + err.Error()
	}
	return fmt.Sprintf("%T: %s", err, err.Error())
}

func (r *runner) runCase(c *matrixCase) {
	want := c.Delivered(r.cfg.codec)
	if r.cfg.methods["echo"] {
		reply := reflect.New(c.Type)
		err := r.call("Echo"+c.Name, c.Canonical(), reply.Interface())
		r.report(replyResult(c, r.cfg.service+".Echo"+c.Name, want, reply, err))
	}
	if r.cfg.methods["get"] {
		reply := reflect.New(c.Type)
		err := r.call("Get"+c.Name, Empty{}, reply.Interface())
		r.report(replyResult(c, r.cfg.service+".Get"+c.Name, want, reply, err))
	}
	if r.cfg.methods["check"] {
		res := result{Case: c.Name, Method: r.cfg.service + ".Check" + c.Name}
		if err := r.call("Check"+c.Name, c.Canonical(), &Empty{}); err != nil {
			res.Detail = describeError(err)
		} else {
			res.OK = true
		}
		r.report(res)
	}
}

func (r *runner) runFail() {
	res := result{Case: "Fail", Method: r.cfg.service + ".Fail"}
	err := r.call("Fail", Empty{}, &Empty{})
	if _, remote := err.(rpc.ServerError); remote && err.Error() == failText {
		res.OK = true
	} else if err == nil {
		res.Detail = "the call succeeded"
	} else {
		res.Detail = fmt.Sprintf("want server error %q, got %s", failText, describeError(err))
	}
	r.report(res)
}

// runExcluded calls Echo for a case Go → Go cannot carry, on a connection
// of its own (a failed encode can leave a gob stream unusable).
func (r *runner) runExcluded(c *matrixCase, ex exclusion) {
	r.drop()
	defer r.drop()
	res := result{Case: c.Name, Method: r.cfg.service + ".Echo" + c.Name, Excluded: true}
	reply := reflect.New(c.Type)
	err := r.call("Echo"+c.Name, c.Canonical(), reply.Interface())
	if err != nil {
		res.Detail = describeError(err)
		res.OK = strings.Contains(err.Error(), ex.GoError)
	} else if d := difference(c.Name, reflect.ValueOf(c.Canonical()), reply.Elem()); d != "" {
		res.Detail = "delivered a different value: " + d
	} else {
		res.Detail = "delivered the value unchanged"
	}
	r.report(res)
}

// runClient runs every selected case and prints one JSON line per call
// and a summary line. Failed cases do not change the exit status.
func runClient(cfg *clientConfig) {
	r := &runner{cfg: cfg, out: json.NewEncoder(os.Stdout)}
	r.out.SetEscapeHTML(false)
	r.sum = summary{Summary: true, Transport: cfg.transport, Codec: cfg.codec}
	defer r.drop()
	for i := range cases {
		c := &cases[i]
		if len(cfg.only) > 0 && !cfg.only[c.Name] {
			continue
		}
		ex, excluded := c.Excluded[cfg.codec]
		switch {
		case cfg.excluded && excluded:
			r.runExcluded(c, ex)
		case !cfg.excluded && !excluded:
			r.runCase(c)
		}
	}
	if !cfg.excluded && cfg.methods["fail"] {
		r.runFail()
	}
	r.out.Encode(r.sum)
}
