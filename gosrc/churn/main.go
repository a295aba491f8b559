// Command churn keeps writing two global maps from one goroutine (inserts,
// deletes, growth, and on Swiss maps table splits) until its stdin closes,
// so `mapscope check --pid` can read maps that are being written: frozen at
// random moments they must check clean unless caught mid-write, and read
// without freezing every finding must be one a write could explain.
//
// It prints one line of JSON (the maps' header addresses) and then READY.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"unsafe"
)

var (
	ints map[int64]int64
	strs map[string]int
	ops  atomic.Int64
)

func header(p unsafe.Pointer) string { return fmt.Sprintf("%#x", *(*uintptr)(p)) }

func main() {
	ints = map[int64]int64{}
	strs = map[string]int{}
	out, _ := json.Marshal(map[string]string{
		"main.ints": header(unsafe.Pointer(&ints)),
		"main.strs": header(unsafe.Pointer(&strs)),
	})
	fmt.Println(string(out))
	fmt.Println("READY")
	go func() {
		// A window of 3000 live keys sliding over an ever-growing key space: every op
		// inserts one key and deletes the oldest, so growth, tombstones and reuse never stop.
		for i := int64(0); ; i++ {
			ints[i] = i
			strs["k"+strconv.FormatInt(i, 10)] = int(i)
			if i >= 3000 {
				delete(ints, i-3000)
				delete(strs, "k"+strconv.FormatInt(i-3000, 10))
			}
			if i%20000 == 19999 {
				// Start over now and then so small sizes and fresh growth are seen too.
				for k := range ints {
					delete(ints, k)
				}
				clear(strs)
			}
			ops.Add(1)
		}
	}()
	bufio.NewReader(os.Stdin).ReadString('\n')
	fmt.Println(ops.Load())
}
