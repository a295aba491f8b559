// Command disasmprobe makes known map calls on known types, one per line,
// for `mapscope disasm --sites`. expected.tsv beside it lists, by hand, every
// call the compiler must emit here (function, line, operation, fast path on
// 64-bit and on 32-bit targets, map type), derived from the rules in
// cmd/compile/internal/walk (mapfast, mapfn, walkMakeMap, walkRange) — not
// from mapscope's output. Every operation sits in its own //go:noinline
// function so that it is found where the table says, except lookupInlined,
// which is inlined on purpose into useInlined.
package main

import "os"

type point struct{ x, y int32 }

// pair has a string inside: no memory-only hash, so no fast path.
type pair struct {
	name string
	id   int
}

type big struct{ a [200]byte } // elem over 128 bytes: no fast path

type huge struct{ a [1100]byte } // elem over 1024 bytes: the _fat variants

var (
	sinkSmall  map[string]int
	sinkHint   map[uint64]point
	sinkHint64 map[int32]bool
)

//go:noinline
func mkSmall() { sinkSmall = make(map[string]int) }

//go:noinline
func mkHint(n int) { sinkHint = make(map[uint64]point, n) }

//go:noinline
func mkHint64(n int64) { sinkHint64 = make(map[int32]bool, n) }

//go:noinline
func get32(m map[uint32]int, k uint32) int { return m[k] }

//go:noinline
func get64(m map[uint64]string, k uint64) string { return m[k] }

//go:noinline
func getInt(m map[int]int, k int) int { return m[k] }

//go:noinline
func getStr(m map[string]int, k string) int { return m[k] }

//go:noinline
func getStr2(m map[string]float64, k string) bool { _, ok := m[k]; return ok }

//go:noinline
func getStruct(m map[pair]string, k pair) string { return m[k] }

//go:noinline
func getStruct2(m map[pair]string, k pair) bool { _, ok := m[k]; return ok }

//go:noinline
func getBig(m map[int64]big, k int64) byte { return m[k].a[3] }

//go:noinline
func getHuge(m map[string]huge, k string) byte { return m[k].a[7] }

//go:noinline
func getHuge2(m map[string]huge, k string) bool { _, ok := m[k]; return ok }

//go:noinline
func setPtr(m map[*point]int, k *point) { m[k] = 1 }

//go:noinline
func set32(m map[uint32]int, k uint32) { m[k] = 2 }

//go:noinline
func set64(m map[uint64]int, k uint64) { m[k] = 3 }

//go:noinline
func setStr(m map[string]point, k string) { m[k] = point{1, 2} }

//go:noinline
func setStruct(m map[pair]string, k pair) { m[k] = "x" }

//go:noinline
func del32(m map[uint32]int, k uint32) { delete(m, k) }

//go:noinline
func del64(m map[uint64]string, k uint64) { delete(m, k) }

//go:noinline
func delStr(m map[string]int, k string) { delete(m, k) }

//go:noinline
func delStruct(m map[pair]string, k pair) { delete(m, k) }

//go:noinline
func iterate(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

//go:noinline
func clearAll(m map[pair]string) {
	for k := range m {
		delete(m, k)
	}
}

func lookupInlined(m map[string]bool, k string) bool {
	return m[k]
}

//go:noinline
func useInlined(m map[string]bool) bool { return lookupInlined(m, "probe") }

// gget is generic: its shape instantiations take the map type from the
// dictionary their caller passes.
//
//go:noinline
func gget[K comparable, V any](m map[K]V, k K) V { return m[k] }

// main passes nil maps: the program is built to be disassembled, and main
// itself makes no map call.
func main() {
	mkSmall()
	mkHint(len(os.Args))
	mkHint64(int64(len(os.Args)))
	p := point{1, 2}
	q := pair{"a", 1}
	_ = get32(nil, 1)
	_ = get64(nil, 1)
	_ = getInt(nil, 1)
	_ = getStr(nil, "a")
	_ = getStr2(nil, "a")
	_ = getStruct(nil, q)
	_ = getStruct2(nil, q)
	_ = getBig(nil, 1)
	_ = getHuge(nil, "a")
	_ = getHuge2(nil, "a")
	setPtr(nil, &p)
	set32(nil, 1)
	set64(nil, 1)
	setStr(nil, "a")
	setStruct(nil, q)
	del32(nil, 1)
	del64(nil, 1)
	delStr(nil, "a")
	delStruct(nil, q)
	_ = iterate(nil)
	clearAll(nil)
	_ = useInlined(nil)
	_ = gget[string, int](nil, "a")
	_ = gget[pair, int](nil, q)
}
