package main

// Growth measured on real maps: the runtime's own header, read through unsafe
// on the map pointer, at the field offsets the DWARF gives (never hard-coded).
//
// Classic: B after make(map[int64]int64, hint), and the counts at which B
// changes while inserting 0,1,2,... (B is decided by overLoadFactor on the
// count alone, so the series is the same on every run).
//
// Swiss: dirLen/globalDepth and each table's capacity after make, and the
// counts at which they change while inserting. Up to the first split (one
// table of 1024 slots full) this depends on the count alone. After it, the
// moment a table splits depends on how the per-process random hash spreads the
// keys, so it differs run to run; the insert series therefore stops right
// after the first split (insertMax says where).

import (
	"strconv"
	"unsafe"
)

// Growth is the "growth" object of the fixture.
type Growth struct {
	Classic *ClassicGrowth `json:"classic,omitempty"`
	Swiss   *SwissGrowth   `json:"swiss,omitempty"`
}

type ClassicGrowth struct {
	HintB     map[string]uint64 `json:"hintB"`
	InsertB   [][2]uint64       `json:"insertB"`
	InsertMax int               `json:"insertMax"`
}

type SwissState struct {
	DirLen      uint64   `json:"dirLen"`
	Small       bool     `json:"small,omitempty"`
	GlobalDepth *uint64  `json:"globalDepth,omitempty"`
	Capacities  []uint64 `json:"capacities,omitempty"`
}

type SwissGrowth struct {
	Hint      map[string]*SwissState `json:"hint"`
	Insert    [][2]any               `json:"insert"`
	InsertMax int                    `json:"insertMax"`
}

// hints are the make() size hints measured.
func hints() []int {
	var h []int
	for i := 0; i <= 70; i++ {
		h = append(h, i)
	}
	return append(h, 100, 1000, 5000)
}

// sink makes every measured map escape, so the runtime builds it on the heap
// the way a map that outlives its function is built.
var sink []map[int64]int64

func mapPtr(m map[int64]int64) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&m)) }

func fieldReader(structs map[string]*Struct, sname string) func(p unsafe.Pointer, field string) uint64 {
	s := structs[sname]
	if s == nil {
		fatalf("DWARF lacks %s, needed to read map headers", sname)
	}
	return func(p unsafe.Pointer, field string) uint64 {
		f := s.member(sname, field)
		return readUint(p, uintptr(f.Offset), uintptr(f.Size))
	}
}

func classicGrowth(structs map[string]*Struct) *ClassicGrowth {
	hmap := fieldReader(structs, "runtime.hmap")
	g := &ClassicGrowth{HintB: map[string]uint64{}, InsertB: [][2]uint64{}, InsertMax: 2000}
	for _, h := range hints() {
		m := make(map[int64]int64, h)
		sink = append(sink, m)
		g.HintB[strconv.Itoa(h)] = hmap(mapPtr(m), "B")
	}
	m := make(map[int64]int64)
	sink = append(sink, m)
	last := hmap(mapPtr(m), "B")
	for i := 0; i < g.InsertMax; i++ {
		m[int64(i)] = int64(i)
		if b := hmap(mapPtr(m), "B"); b != last {
			g.InsertB = append(g.InsertB, [2]uint64{uint64(len(m)), b})
			last = b
		}
	}
	sink = nil
	return g
}

func swissState(structs map[string]*Struct, p unsafe.Pointer) *SwissState {
	mp := fieldReader(structs, "internal/runtime/maps.Map")
	tab := fieldReader(structs, "internal/runtime/maps.table")
	st := &SwissState{DirLen: mp(p, "dirLen")}
	if st.DirLen == 0 {
		st.Small = true
		return st
	}
	gd := mp(p, "globalDepth")
	st.GlobalDepth = &gd
	dir := *(*unsafe.Pointer)(unsafe.Add(p, structs["internal/runtime/maps.Map"].member("maps.Map", "dirPtr").Offset))
	var prev unsafe.Pointer
	// A table covers a run of 1<<(globalDepth-localDepth) directory entries;
	// report each distinct table once, in directory order.
	st.Capacities = []uint64{}
	for i := uintptr(0); i < uintptr(st.DirLen); i++ {
		t := *(*unsafe.Pointer)(unsafe.Add(dir, i*ptrSize))
		if t == prev {
			continue
		}
		prev = t
		st.Capacities = append(st.Capacities, tab(t, "capacity"))
	}
	return st
}

func sameState(a, b *SwissState) bool {
	if a.DirLen != b.DirLen || a.Small != b.Small || len(a.Capacities) != len(b.Capacities) {
		return false
	}
	if (a.GlobalDepth == nil) != (b.GlobalDepth == nil) || (a.GlobalDepth != nil && *a.GlobalDepth != *b.GlobalDepth) {
		return false
	}
	for i := range a.Capacities {
		if a.Capacities[i] != b.Capacities[i] {
			return false
		}
	}
	return true
}

func swissGrowth(structs map[string]*Struct) *SwissGrowth {
	g := &SwissGrowth{Hint: map[string]*SwissState{}, Insert: [][2]any{}}
	for _, h := range hints() {
		m := make(map[int64]int64, h)
		sink = append(sink, m)
		g.Hint[strconv.Itoa(h)] = swissState(structs, mapPtr(m))
	}
	m := make(map[int64]int64)
	sink = append(sink, m)
	last := swissState(structs, mapPtr(m))
	const limit = 5000
	for i := 0; i < limit; i++ {
		m[int64(i)] = int64(i)
		st := swissState(structs, mapPtr(m))
		if !sameState(st, last) {
			g.Insert = append(g.Insert, [2]any{len(m), st})
			last = st
			if st.DirLen > 1 {
				break // first split: later events depend on the random hash seed
			}
		}
	}
	g.InsertMax = len(m)
	sink = nil
	return g
}
