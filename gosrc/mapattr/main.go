// Command mapattr keeps several maps hot, each of a distinct map type and
// each used by exactly one function, so that which map type a profile
// sample's map work belongs to is known by construction:
//
//	hotStrings  map[string]int          (faststr paths)
//	hotIDs      map[uint64]*main.rec    (fast64 paths)
//	hotCodes    map[uint32]string       (fast32 paths)
//	hotArrays   map[[3]int32]float64    (generic paths)
//	hotA, hotB  map[main.A]int, map[main.B]int through one generic function
//	            (one shape function, go.shape.int64: the type comes from the
//	            dictionary each caller passes)
//
// Each function looks keys up, inserts, deletes, and every few rounds
// rebuilds its map from empty so growth happens too. -cpuprofile and
// -memprofile (every allocation sampled) write profiles; the program prints
// nothing else.
package main

import (
	"flag"
	"strconv"

	"mapscope/profiles"
)

type rec struct{ n int }

type A int64
type B int64

var (
	rounds = flag.Int("rounds", 300, "rounds of work")
	prof   = profiles.Register("cpu", "mem")
)

var sink int

var strKeys []string

//go:noinline
func hotStrings(round int, m map[string]int) map[string]int {
	if round%8 == 0 {
		m = make(map[string]int)
	}
	for i, k := range strKeys {
		m[k] += i
	}
	for _, k := range strKeys {
		sink += m[k]
	}
	for i := round % 7; i < len(strKeys); i += 7 {
		delete(m, strKeys[i])
	}
	return m
}

//go:noinline
func hotIDs(round int, m map[uint64]*rec) map[uint64]*rec {
	if round%8 == 0 {
		m = make(map[uint64]*rec)
	}
	for i := uint64(0); i < 4000; i++ {
		if _, ok := m[i*2654435761]; !ok {
			m[i*2654435761] = &rec{int(i)}
		}
	}
	for i := uint64(0); i < 4000; i++ {
		if r := m[i*2654435761]; r != nil {
			sink += r.n
		}
	}
	for i := uint64(round % 5); i < 4000; i += 5 {
		delete(m, i*2654435761)
	}
	return m
}

//go:noinline
func hotCodes(round int, m map[uint32]string) map[uint32]string {
	if round%8 == 0 {
		m = make(map[uint32]string)
	}
	for i := uint32(0); i < 4000; i++ {
		m[i*40503] = "v"
	}
	for i := uint32(0); i < 4000; i++ {
		sink += len(m[i*40503])
	}
	for i := uint32(round % 3); i < 4000; i += 3 {
		delete(m, i*40503)
	}
	return m
}

//go:noinline
func hotArrays(round int, m map[[3]int32]float64) map[[3]int32]float64 {
	if round%8 == 0 {
		m = make(map[[3]int32]float64)
	}
	for i := int32(0); i < 3000; i++ {
		m[[3]int32{i, i ^ 5, int32(round)}] += 1.5
	}
	for i := int32(0); i < 3000; i++ {
		sink += int(m[[3]int32{i, i ^ 5, int32(round)}])
	}
	for k := range m {
		if k[2] != int32(round) {
			delete(m, k)
		}
	}
	return m
}

// churn is one generic body for map[A]int and map[B]int: both instantiate
// the shape go.shape.int64, so the map type reaches the map calls only
// through the dictionary.
//
//go:noinline
func churn[K ~int64](round int, m map[K]int) map[K]int {
	if round%8 == 0 {
		m = make(map[K]int)
	}
	for i := K(0); i < 4000; i++ {
		m[i*7919] += int(i)
	}
	for i := K(0); i < 4000; i++ {
		sink += m[i*7919]
	}
	for i := K(round % 4); i < 4000; i += 4 {
		delete(m, i*7919)
	}
	return m
}

//go:noinline
func hotA(round int, m map[A]int) map[A]int { return churn(round, m) }

//go:noinline
func hotB(round int, m map[B]int) map[B]int { return churn(round, m) }

func main() {
	flag.Parse()
	for i := 0; i < 3000; i++ {
		strKeys = append(strKeys, "key/"+strconv.Itoa(i*31))
	}
	prof.GCBeforeHeap = true
	prof.Start()
	ms := map[string]int{}
	mi := map[uint64]*rec{}
	mc := map[uint32]string{}
	mr := map[[3]int32]float64{}
	ma := map[A]int{}
	mb := map[B]int{}
	for r := 0; r < *rounds; r++ {
		ms = hotStrings(r, ms)
		mi = hotIDs(r, mi)
		mc = hotCodes(r, mc)
		mr = hotArrays(r, mr)
		ma = hotA(r, ma)
		mb = hotB(r, mb)
	}
	prof.Stop()
}
