// Command footprint is the real-runtime side of `mapscope footprint`: it
// grows one map to each requested size and prints the heap the map holds
// there, measured by runtime.MemStats.HeapAlloc after a full GC minus the
// same figure before the map existed (its keys are made beforehand, so only
// the map's own objects are counted). It also prints the map's seed and the
// process's hash keys, so the engine can replay this very run.
//
//	footprint -type int64|string|big -impl classic|swiss -sizes 1000,10000,...
//
// Keys are those mapscope footprint inserts: entry i has key int64(i), or
// strconv.Itoa(i) for string keys; "big" is map[int64][20]int64, whose
// 160-byte elems live out of line.
package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

type big [20]int64

func main() {
	typ := flag.String("type", "int64", "int64, string or big")
	impl := flag.String("impl", "classic", "classic or swiss: how to read the map's seed")
	sizesFlag := flag.String("sizes", "1000,10000", "comma-separated entry counts, ascending")
	flag.Parse()
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || (len(sizes) > 0 && n < sizes[len(sizes)-1]) {
			fmt.Fprintln(os.Stderr, "footprint: -sizes wants ascending whole numbers")
			os.Exit(2)
		}
		sizes = append(sizes, n)
	}
	max := sizes[len(sizes)-1]
	// A run counts when the heap falls back to its baseline once the map is
	// dropped: otherwise the runtime allocated something of its own meanwhile
	// (a background worker's goroutine, …) that some figures include. The
	// first run also wakes what the runtime allocates lazily as the heap
	// grows. Up to five runs; the last one's residual is printed.
	var measure func() ([]uint64, uint64, int64)
	switch *typ {
	case "int64":
		keys := make([]int64, max)
		for i := range keys {
			keys[i] = int64(i)
		}
		measure = func() ([]uint64, uint64, int64) { return grow(keys, int64(0), sizes, *impl) }
	case "string":
		keys := make([]string, max)
		for i := range keys {
			keys[i] = strconv.Itoa(i)
		}
		measure = func() ([]uint64, uint64, int64) { return grow(keys, int64(0), sizes, *impl) }
	case "big":
		keys := make([]int64, max)
		for i := range keys {
			keys[i] = int64(i)
		}
		measure = func() ([]uint64, uint64, int64) { return grow(keys, big{}, sizes, *impl) }
	default:
		fmt.Fprintln(os.Stderr, "footprint: -type is int64, string or big")
		os.Exit(2)
	}
	var got []uint64
	var seed uint64
	var residual int64
	runs := 0
	for runs < 5 {
		got, seed, residual = measure()
		runs++
		if runs > 1 && residual == 0 {
			break
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, `{"goversion":%q,"goarch":%q,"useAeshash":%t,"seed":"%d","hashkey":[`, runtime.Version(), runtime.GOARCH, useAeshash, seed)
	for i, k := range hashkey {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"%d"`, uint64(k))
	}
	fmt.Fprintf(&b, `],"aeskeysched":%q,"runs":%d,"residual":%d,"points":[`, hex.EncodeToString(aeskeysched[:]), runs, residual)
	for i, n := range sizes {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"entries":%d,"bytes":%d}`, n, got[i])
	}
	b.WriteString("]}")
	fmt.Println(b.String())
}

// grow makes a map, inserts keys[i] for i = 0, 1, …, and at each size in
// sizes records the heap bytes above the baseline taken before make (make
// allocates the header, which belongs to the map). It returns them with the
// map's seed.
func grow[K comparable, V any](keys []K, v V, sizes []int, impl string) ([]uint64, uint64, int64) {
	got := make([]uint64, len(sizes))
	for i := 0; i < 4; i++ {
		heap()
	}
	base := heap()
	m := make(map[K]V)
	sink = m // the map escapes, as a long-lived map does: its header is on the heap, not the stack
	seed := seedOf(*(*unsafe.Pointer)(unsafe.Pointer(&m)), impl)
	next := 0
	for i := 0; i <= len(keys); i++ {
		for next < len(sizes) && sizes[next] == i {
			got[next] = heap() - base
			next++
		}
		if i < len(keys) {
			m[keys[i]] = v
		}
	}
	runtime.KeepAlive(m)
	sink = nil
	m = nil
	// What is left above the baseline without the map was allocated by the
	// runtime meanwhile, and is in some of the figures.
	residual := int64(heap()) - int64(base)
	return got, seed, residual
}

var sink any

// heap is HeapAlloc after a full collection: the bytes of live objects, each
// counted at its size class (or whole pages for large ones).
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// seedOf reads the seed the map hashes with: hmap.hash0 (classic: after
// count int, flags, B uint8 and noverflow uint16) or maps.Map.seed (Swiss:
// after used uint64).
func seedOf(h unsafe.Pointer, impl string) uint64 {
	if impl == "swiss" {
		return uint64(*(*uintptr)(unsafe.Add(h, 8)))
	}
	return uint64(*(*uint32)(unsafe.Add(h, unsafe.Sizeof(int(0))+4)))
}
