// coreprobe: a Go program whose global maps mapscope finds in a core dump
// or a live process. It prints its own truth (each map's header address, its
// len, the first header words, the hash key material) as one JSON line, then
// either waits for stdin to close ("wait": for gcore and /proc reads) or
// crashes with a traceback level of "crash" so the kernel (or qemu-user)
// writes a core ("crash").
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"unsafe"
)

type Point struct {
	X, Y int32
	Name string
}

// BigKey is 160 bytes: over the 128-byte limit, so maps store it indirectly.
type BigKey struct{ A [20]int64 }

// BigElem is 200 bytes: stored indirectly as an element.
type BigElem struct {
	B [24]int64
	S string
}

type Cfg struct {
	ByID   map[int64]string
	ByName map[string]int
	Limit  int
}

type Holder struct {
	Tag string
	M   map[string]int64
}

var (
	small   map[int64]int64
	strs    map[string]string
	points  map[Point]int
	bigKeys map[BigKey]int
	bigVals map[int]BigElem
	big     map[int64]int64
	growing map[int64]int64
	cfg     Cfg
	list    []map[int]int
	arr     [2]map[int32]int32
	holder  *Holder
	nested  map[string]map[int]int
	nilMap  map[int]int
	// Maps behind interfaces: found through the dynamic type.
	boxed    any
	boxedCfg any
	boxedVal any
	handlers map[string]any
	status   error
)

// mapError is an error type holding a map: a map behind a non-empty interface.
type mapError struct{ Codes map[string]int }

func (e *mapError) Error() string { return "map error" }

type mapTruth struct {
	Name string   `json:"name"`
	Addr string   `json:"addr"`
	Len  int      `json:"len"`
	Hdr  []string `json:"hdr"`
}

type truth struct {
	Go          string     `json:"go"`
	GOARCH      string     `json:"goarch"`
	Pid         int        `json:"pid"`
	Maps        []mapTruth `json:"maps"`
	Hashkey     []string   `json:"hashkey"`
	Aeskeysched string     `json:"aeskeysched"`
	UseAeshash  bool       `json:"useAeshash"`
	// Runtime type descriptors of a few types (ifacekeys.go), for corrupting interface keys.
	Types map[string]string `json:"types"`
}

// header is the value a map variable holds: the address of its *hmap / *maps.Map.
func header(p unsafe.Pointer) uintptr { return *(*uintptr)(p) }

func describe(name string, p unsafe.Pointer, n int) mapTruth {
	h := header(p)
	t := mapTruth{Name: name, Addr: fmt.Sprintf("0x%x", h), Len: n}
	for i := uintptr(0); i < 6; i++ {
		w := *(*uintptr)(unsafe.Pointer(h + i*unsafe.Sizeof(uintptr(0))))
		t.Hdr = append(t.Hdr, fmt.Sprintf("0x%x", w))
	}
	return t
}

func fill() {
	small = map[int64]int64{}
	for i := int64(0); i < 5; i++ {
		small[i*7] = i
	}
	strs = map[string]string{}
	for i := 0; i < 100; i++ {
		strs[fmt.Sprintf("key-%d", i)] = fmt.Sprintf("value-%d", i)
	}
	points = map[Point]int{}
	for i := int32(0); i < 40; i++ {
		points[Point{X: i, Y: -i, Name: fmt.Sprint("p", i)}] = int(i)
	}
	bigKeys = map[BigKey]int{}
	for i := 0; i < 20; i++ {
		var k BigKey
		k.A[0], k.A[19] = int64(i), int64(i*i)
		bigKeys[k] = i
	}
	bigVals = map[int]BigElem{}
	for i := 0; i < 30; i++ {
		bigVals[i] = BigElem{S: fmt.Sprint("e", i)}
	}
	big = map[int64]int64{}
	for i := int64(0); i < 5000; i++ {
		big[i*2654435761] = i
	}
	// 53 inserts: the 53rd finds 52 entries in 8 buckets over the load factor
	// 6.5, starts growing to 16 buckets and evacuates at most two old buckets,
	// so a classic map is caught with oldbuckets set. (Swiss maps grow at once.)
	growing = map[int64]int64{}
	for i := int64(0); i < 53; i++ {
		growing[i] = i
	}
	cfg.ByID = map[int64]string{1: "one", 2: "two", 3: "three"}
	cfg.ByName = map[string]int{"one": 1, "two": 2}
	cfg.Limit = 10
	list = []map[int]int{{1: 1}, nil, {2: 2, 3: 3}}
	arr[0] = map[int32]int32{5: 5}
	arr[1] = map[int32]int32{6: 6, 7: 7}
	holder = &Holder{Tag: "h", M: map[string]int64{"x": 1, "y": 2, "z": 3}}
	nested = map[string]map[int]int{"a": {1: 10}, "b": {2: 20, 3: 30}}
	boxed = map[string]int{"a": 1, "b": 2}
	boxedCfg = &Cfg{ByID: map[int64]string{9: "nine"}}
	// Holder has two fields: not pointer-shaped, so the interface's data word points to a copy.
	boxedVal = Holder{Tag: "v", M: map[string]int64{"v": 1}}
	handlers = map[string]any{"m": map[int]string{1: "x"}, "n": 5}
	status = &mapError{Codes: map[string]int{"E1": 1}}
}

func main() {
	fill()
	fillIface()
	t := truth{Go: runtime.Version(), GOARCH: runtime.GOARCH, Pid: os.Getpid(), UseAeshash: useAeshash, Aeskeysched: hex.EncodeToString(aeskeysched[:])}
	for _, k := range hashkey {
		t.Hashkey = append(t.Hashkey, fmt.Sprintf("0x%x", k))
	}
	add := func(name string, p unsafe.Pointer, n int) { t.Maps = append(t.Maps, describe(name, p, n)) }
	add("main.small", unsafe.Pointer(&small), len(small))
	add("main.strs", unsafe.Pointer(&strs), len(strs))
	add("main.points", unsafe.Pointer(&points), len(points))
	add("main.bigKeys", unsafe.Pointer(&bigKeys), len(bigKeys))
	add("main.bigVals", unsafe.Pointer(&bigVals), len(bigVals))
	add("main.big", unsafe.Pointer(&big), len(big))
	add("main.growing", unsafe.Pointer(&growing), len(growing))
	add("main.cfg.ByID", unsafe.Pointer(&cfg.ByID), len(cfg.ByID))
	add("main.cfg.ByName", unsafe.Pointer(&cfg.ByName), len(cfg.ByName))
	add("main.list[0]", unsafe.Pointer(&list[0]), len(list[0]))
	add("main.list[2]", unsafe.Pointer(&list[2]), len(list[2]))
	add("main.arr[0]", unsafe.Pointer(&arr[0]), len(arr[0]))
	add("main.arr[1]", unsafe.Pointer(&arr[1]), len(arr[1]))
	add("main.holder.M", unsafe.Pointer(&holder.M), len(holder.M))
	add("main.nested", unsafe.Pointer(&nested), len(nested))
	for _, k := range []string{"a", "b"} {
		m := nested[k]
		add(fmt.Sprintf("main.nested[%q]", k), unsafe.Pointer(&m), len(m))
	}
	b := boxed.(map[string]int)
	add("main.boxed.(map[string]int)", unsafe.Pointer(&b), len(b))
	bc := boxedCfg.(*Cfg).ByID
	add("main.boxedCfg.(*main.Cfg).ByID", unsafe.Pointer(&bc), len(bc))
	bv := boxedVal.(Holder).M
	add("main.boxedVal.(main.Holder).M", unsafe.Pointer(&bv), len(bv))
	add("main.handlers", unsafe.Pointer(&handlers), len(handlers))
	hm := handlers["m"].(map[int]string)
	add(`main.handlers["m"].(map[int]string)`, unsafe.Pointer(&hm), len(hm))
	sc := status.(*mapError).Codes
	add("main.status.(*main.mapError).Codes", unsafe.Pointer(&sc), len(sc))
	addIface(add)
	t.Types = ifaceTypes()
	out, _ := json.Marshal(t)
	os.Stdout.Write(append(out, '\n'))
	mode := "wait"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "crash":
		// Like GOTRACEBACK=crash: the runtime raises SIGABRT after the traceback, which dumps core.
		debug.SetTraceback("crash")
		panic("coreprobe: crashing for a core dump")
	default:
		fmt.Println("READY")
		// Block until the test closes stdin (it reads /proc or runs gcore meanwhile).
		bufio.NewReader(os.Stdin).ReadString('\n')
		runtime.KeepAlive(nilMap)
	}
}
