// Command mapcontend writes real block and mutex profiles for the profile
// tests: goroutines take turns on one map behind a sync.Mutex (the usual
// guard of a shared map), so their waits on the lock are what both profiles
// record. Map code itself never blocks, so the map functions' share of these
// profiles is what mapscope must find: none, with the totals pprof gives.
package main

import (
	"flag"
	"fmt"
	"strconv"
	"sync"
	"time"

	"mapscope/profiles"
)

var (
	workers = flag.Int("workers", 4, "goroutines sharing the map")
	rounds  = flag.Int("rounds", 20000, "inserts and lookups per goroutine")
	prof    = profiles.Register("block", "mutex")
)

type guarded struct {
	mu sync.Mutex
	m  map[string]int
}

func (g *guarded) add(k string, v int, i int) {
	g.mu.Lock()
	g.m[k] += v
	if i%256 == 0 {
		// Hold the lock a while now and then, so that the other goroutines
		// queue on it even when the machine is busy and they rarely overlap.
		time.Sleep(50 * time.Microsecond)
	}
	g.mu.Unlock()
}

func (g *guarded) get(k string) int {
	g.mu.Lock()
	v := g.m[k]
	g.mu.Unlock()
	return v
}

func main() {
	flag.Parse()
	prof.Start()
	g := &guarded{m: make(map[string]int)}
	var wg sync.WaitGroup
	sum := make([]int, *workers)
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < *rounds; i++ {
				k := strconv.Itoa(i % 512)
				g.add(k, w, i)
				sum[w] += g.get(k)
			}
		}(w)
	}
	wg.Wait()
	prof.Stop()
	total := 0
	for _, s := range sum {
		total += s
	}
	fmt.Println(len(g.m), total)
}
