// Command matrix checks Go's net/rpc values across the Go type system, over
// HTTP CONNECT and plain TCP, with the gob and json codecs.
//
//	matrix serve -transport http|tcp -codec gob|json [-service Matrix]
//	    serves the Matrix service on a loopback port and prints
//	    "listening HOST:PORT".
//	matrix call -addr HOST:PORT -transport http|tcp -codec gob|json
//	    [-service Matrix] [-methods echo,get,check,fail] [-cases A,B]
//	    [-timeout 20s] [-excluded]
//	    calls every case and prints one JSON line per call, then a summary
//	    line; it exits 0 whatever the calls gave.
//	matrix list
//	    prints the cases, the codecs each is excluded from and why, and
//	    Fail's error text, as one JSON value.
//	matrix selfcheck
//	    proves the comparison finds every single change to every case.
//	matrix types
//	    prints each case's Go type as a netrpc GoType (null when recursive).
//
// Standard library only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// listing is what the list command prints.
type listing struct {
	Cases    []listedCase `json:"cases"`
	FailText string       `json:"failText"`
}

type listedCase struct {
	Name     string               `json:"name"`
	Excluded map[string]exclusion `json:"excluded"`
}

func runList() {
	l := listing{FailText: failText, Cases: []listedCase{}}
	for _, c := range cases {
		ex := c.Excluded
		if ex == nil {
			ex = map[string]exclusion{}
		}
		l.Cases = append(l.Cases, listedCase{Name: c.Name, Excluded: ex})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.Encode(l)
}

func set(list string) map[string]bool {
	s := map[string]bool{}
	for _, v := range strings.Split(list, ",") {
		if v = strings.TrimSpace(v); v != "" {
			s[v] = true
		}
	}
	return s
}

// checkSubset exits when list names something outside choices.
func checkSubset(name string, list map[string]bool, choices []string) {
	for v := range list {
		checkChoice(name, v, choices...)
	}
}

func caseNames() []string {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.Name
	}
	return names
}

func checkChoice(name, value string, choices ...string) {
	for _, c := range choices {
		if value == c {
			return
		}
	}
	fmt.Fprintf(os.Stderr, "matrix: -%s must be one of %s, not %q\n", name, strings.Join(choices, ", "), value)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: matrix serve|call|list|selfcheck|types [flags]")
		os.Exit(2)
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	transport := flags.String("transport", "http", "http (CONNECT on /_goRPC_) or tcp (plain TCP)")
	codec := flags.String("codec", "gob", "gob or json")
	service := flags.String("service", "Matrix", "the service name calls go to")
	addr := flags.String("addr", "", "call: the server's HOST:PORT")
	methods := flags.String("methods", "echo,get,check,fail", "call: the kinds of call to make")
	only := flags.String("cases", "", "call: the cases to run, comma-separated (default all)")
	timeout := flags.Duration("timeout", 20*time.Second, "call: the limit on each call")
	excluded := flags.Bool("excluded", false, "call: run the cases excluded for the codec, to show they fail Go → Go")
	flags.Parse(os.Args[2:])
	checkChoice("transport", *transport, "http", "tcp")
	checkChoice("codec", *codec, codecGob, codecJSON)

	switch os.Args[1] {
	case "serve":
		if err := serve(*transport, *codec, *service); err != nil {
			fmt.Fprintln(os.Stderr, "matrix serve:", err)
			os.Exit(1)
		}
	case "call":
		if *addr == "" {
			fmt.Fprintln(os.Stderr, "matrix call: -addr is required")
			os.Exit(2)
		}
		cfg := &clientConfig{
			addr: *addr, transport: *transport, codec: *codec, service: *service,
			methods: set(*methods), only: set(*only), timeout: *timeout, excluded: *excluded,
		}
		checkSubset("methods", cfg.methods, []string{"echo", "get", "check", "fail"})
		checkSubset("cases", cfg.only, caseNames())
		runClient(cfg)
	case "list":
		runList()
	case "selfcheck":
		runSelfcheck()
	case "types":
		runTypes()
	default:
		fmt.Fprintf(os.Stderr, "matrix: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}
