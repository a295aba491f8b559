// Command bigmap holds one global map of N entries (N is its first argument,
// default 1,000,000; 0 leaves the map nil) and keeps a goroutine busy, so
// `mapscope check --pid --freeze` has a large map to copy from a program
// that is running. It prints one line of JSON (the map's header address and
// len), then READY, then obeys lines on its stdin: "exec" replaces the
// process with a fresh bigmap holding no map; end of input exits.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

var (
	big   map[int64]int64
	ticks atomic.Int64
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if n > 0 {
		big = map[int64]int64{}
		for i := int64(0); i < int64(n); i++ {
			big[i*7919] = i
		}
	}
	out, _ := json.Marshal(map[string]any{"main.big": fmt.Sprintf("%#x", *(*uintptr)(unsafe.Pointer(&big))), "len": len(big)})
	fmt.Println(string(out))
	fmt.Println("READY")
	go func() {
		for {
			ticks.Add(1)
			time.Sleep(time.Millisecond)
		}
	}()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "exec" {
			self, _ := os.Executable()
			syscall.Exec(self, []string{self, "0"}, os.Environ())
		}
	}
}
