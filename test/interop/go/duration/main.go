// duration reads one duration per line on stdin and prints, per line, the
// nanoseconds time.ParseDuration returns or "error: " and its message.
package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		d, err := time.ParseDuration(in.Text())
		if err != nil {
			fmt.Printf("error: %s\n", err)
			continue
		}
		fmt.Printf("%d\n", int64(d))
	}
}
