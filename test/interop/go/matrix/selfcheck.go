package main

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"time"
)

// selfcheckReport is what the selfcheck command prints.
type selfcheckReport struct {
	Selfcheck bool `json:"selfcheck"`
	// Mutations counts the single-spot changes tried; each must be found.
	Mutations int `json:"mutations"`
	// Pairs counts the hand-written comparisons tried.
	Pairs    int      `json:"pairs"`
	Failures []string `json:"failures"`
}

// pair is a hand-written comparison with its expected outcome.
type pair struct {
	name      string
	want, got interface{}
	equal     bool
}

func unexportedWith(hidden int) Unexported { return Unexported{Public: "p", hidden: hidden} }

// pairs holds what a mutation walk cannot reach: unexported fields, values
// equal though their representation differs, and types that differ though
// the values print alike.
func pairs() []pair {
	instant := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	nan1, nan2 := math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0x7ff8000000000002)
	return []pair{
		{"NaN payloads are equal", nan1, nan2, true},
		{"float32 NaN equals NaN", float32(math.NaN()), float32(math.NaN()), true},
		{"-0 is not +0", negZero(), 0.0, false},
		{"unexported fields are compared", unexportedWith(1), unexportedWith(0), false},
		{"zone names are not compared", instant.In(time.FixedZone("A", 3600)), instant.In(time.FixedZone("B", 3600)), true},
		{"UTC equals an unnamed zero offset", instant, instant.In(time.FixedZone("", 0)), true},
		{"same instant, other offset", instant, instant.In(time.FixedZone("", 3600)), false},
		{"int in an interface is not float64", Interfaces{Int: 7}, Interfaces{Int: 7.0}, false},
		{"Celsius in an interface is not float64", Interfaces{Temp: Celsius(1)}, Interfaces{Temp: 1.0}, false},
		{"Rect in an interface is not a map", Interfaces{Shape: Rect{1, 2}}, Interfaces{Shape: map[string]interface{}{"W": 1.0, "H": 2.0}}, false},
		{"*Circle is not Circle", Interfaces{Pointer: &Circle{1}}, Interfaces{Pointer: Circle{1}}, false},
		{"an extra map entry", map[string]int{"a": 1}, map[string]int{"a": 1, "b": 2}, false},
		{"a typed nil pointer in an interface is not nil", Interfaces{Pointer: (*Circle)(nil)}, Interfaces{}, false},
		{"invalid UTF-8 is not U+FFFD", "\xff", "\uFFFD", false},
		{"a nil slice is not empty", []string(nil), []string{}, false},
		{"a nil map is not empty", map[string]int(nil), map[string]int{}, false},
	}
}

// mutations changes every spot of every case's delivered value, one at a
// time, and checks the comparison reports the change at its path.
func mutations(failures *[]string) int {
	count := 0
	for i := range cases {
		c := &cases[i]
		for _, codec := range []string{codecGob, codecJSON} {
			if !c.applies(codec) {
				continue
			}
			want := reflect.ValueOf(c.Delivered(codec))
			if d := difference(c.Name, want, reflect.ValueOf(c.Delivered(codec))); d != "" {
				*failures = append(*failures, codec+" "+c.Name+" differs from itself: "+d)
			}
			for target := 0; ; target++ {
				got := reflect.New(c.Type).Elem()
				got.Set(reflect.ValueOf(c.Delivered(codec)))
				m := mutator{target: target}
				if !m.walk(c.Name, got) {
					break
				}
				count++
				if d := difference(c.Name, want, got); d == "" || !strings.HasPrefix(d, m.path) {
					*failures = append(*failures, codec+" mutation at "+m.path+" reported as "+`"`+d+`"`)
				}
			}
		}
	}
	return count
}

// runSelfcheck proves the comparison exact and prints a selfcheckReport.
func runSelfcheck() {
	report := selfcheckReport{Selfcheck: true, Failures: []string{}}
	for _, p := range pairs() {
		report.Pairs++
		d := difference("v", reflect.ValueOf(p.want), reflect.ValueOf(p.got))
		if (d == "") != p.equal {
			report.Failures = append(report.Failures, p.name+": got "+`"`+d+`"`)
		}
	}
	report.Mutations = mutations(&report.Failures)
	json.NewEncoder(os.Stdout).Encode(report)
}
