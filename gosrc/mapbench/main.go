// Command mapbench is the native side of `npm run bench` (bench/engine.ts):
// it times insert, lookup and delete of n keys on a real Go map, the same
// work the engine does on the other side, and prints ns/op per repetition
// (process CPU time) as JSON.
//
//	mapbench -keys int64|string -n 1000000 -reps 3
//
// Each repetition makes a map without a hint, inserts every key, looks every
// key up, then deletes every key from that same map. Keys are those
// bench/engine.ts uses: int64(i)*2654435761, or "key-"+strconv.Itoa(i). The
// hash is whatever the runtime picked: GODEBUG=cpu.aes=off selects the
// fallback hash, as the benchmark does for its fallback rows.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// cpu is the process's CPU time (user + system, every thread: the GC's
// included), in nanoseconds. The benchmark's machine is shared, so CPU time,
// not wall time, is what both sides report.
func cpu() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

type result struct {
	Insert []float64 `json:"insert"`
	Lookup []float64 `json:"lookup"`
	Delete []float64 `json:"delete"`
	Sum    int64     `json:"sum"`
}

func run[K comparable](keys []K, reps int) result {
	var r result
	n := float64(len(keys))
	for rep := 0; rep < reps; rep++ {
		m := make(map[K]int64)
		t := cpu()
		for i, k := range keys {
			m[k] = int64(i)
		}
		r.Insert = append(r.Insert, float64(cpu()-t)/n)
		t = cpu()
		for _, k := range keys {
			r.Sum += m[k]
		}
		r.Lookup = append(r.Lookup, float64(cpu()-t)/n)
		t = cpu()
		for _, k := range keys {
			delete(m, k)
		}
		r.Delete = append(r.Delete, float64(cpu()-t)/n)
	}
	return r
}

func main() {
	kind := flag.String("keys", "int64", "int64 or string")
	n := flag.Int("n", 1000000, "keys")
	reps := flag.Int("reps", 1, "repetitions")
	flag.Parse()
	var r result
	switch *kind {
	case "int64":
		keys := make([]int64, *n)
		for i := range keys {
			keys[i] = int64(i) * 2654435761
		}
		r = run(keys, *reps)
	case "string":
		keys := make([]string, *n)
		for i := range keys {
			keys[i] = "key-" + strconv.Itoa(i)
		}
		r = run(keys, *reps)
	default:
		fmt.Fprintln(os.Stderr, "mapbench: -keys is int64 or string")
		os.Exit(2)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}
