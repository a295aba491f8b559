// Command perfprobe spends its time in two map operations, each the only map
// call in its own //go:noinline function, so that a `perf record -g` profile
// of it has a known answer: map samples under main.lookup belong to its one
// mapaccess1_fast64 call (line 24), those under main.insert to its one
// mapassign_faststr call (line 28). test/disasm-perf.test.ts reads a recorded
// `perf script` of it (test/fixtures/perf/, the command in its README).
package main

import (
	"fmt"
	"os"
	"strconv"
)

var keys []string

func init() {
	for i := 0; i < 1<<12; i++ {
		keys = append(keys, "key-"+strconv.Itoa(i))
	}
}

//go:noinline
func lookup(m map[uint64]int, k uint64) int { return m[k] }

//go:noinline
func insert(m map[string]int, i int) {
	m[keys[i&(len(keys)-1)]] = i
}

func main() {
	n := 1 << 22
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	nums := make(map[uint64]int, 1<<16)
	for i := uint64(0); i < 1<<16; i++ {
		nums[i*0x9e3779b97f4a7c15] = int(i)
	}
	strs := make(map[string]int)
	sum := 0
	for i := 0; i < n; i++ {
		sum += lookup(nums, uint64(i&(1<<16-1))*0x9e3779b97f4a7c15)
		insert(strs, i)
	}
	fmt.Println(sum, len(strs))
}
