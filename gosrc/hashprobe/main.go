// Command hashprobe prints, as JSON, what the running Go runtime's map hash
// functions return for a fixed list of inputs, together with the process's
// random key material (runtime.hashkey, runtime.aeskeysched), so mapscope's
// TypeScript hashes can be compared value by value with the real runtime.
//
// Build with -ldflags=-checklinkname=0 (Go >= 1.23 refuses these go:linkname
// references otherwise). Run with GODEBUG=cpu.aes=off for the portable
// fallback hashes, without it for the AES hashes (where the CPU, or qemu,
// reports AES).
//
// Every hash comes from the runtime itself: the scalar ones through
// go:linkname to runtime.memhash & co., the composite ones through the Hasher
// the compiler stored in the map type descriptor (reached via `any(map)`),
// whose function name is printed too so the choice of hasher can be checked.
package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"unsafe"
)

//go:linkname memhash runtime.memhash
//go:noescape
func memhash(p unsafe.Pointer, h, s uintptr) uintptr

//go:linkname strhash runtime.strhash
//go:noescape
func strhash(p unsafe.Pointer, h uintptr) uintptr

//go:linkname memhash32 runtime.memhash32
//go:noescape
func memhash32(p unsafe.Pointer, h uintptr) uintptr

//go:linkname memhash64 runtime.memhash64
//go:noescape
func memhash64(p unsafe.Pointer, h uintptr) uintptr

//go:linkname f32hash runtime.f32hash
//go:noescape
func f32hash(p unsafe.Pointer, h uintptr) uintptr

//go:linkname f64hash runtime.f64hash
//go:noescape
func f64hash(p unsafe.Pointer, h uintptr) uintptr

//go:linkname c64hash runtime.c64hash
//go:noescape
func c64hash(p unsafe.Pointer, h uintptr) uintptr

//go:linkname c128hash runtime.c128hash
//go:noescape
func c128hash(p unsafe.Pointer, h uintptr) uintptr

//go:linkname nilinterhash runtime.nilinterhash
//go:noescape
func nilinterhash(p unsafe.Pointer, h uintptr) uintptr

//go:linkname interhash runtime.interhash
//go:noescape
func interhash(p unsafe.Pointer, h uintptr) uintptr

const ptrSize = unsafe.Sizeof(uintptr(0))

// typeHead mirrors the fixed prefix of the runtime's type descriptor
// (runtime._type before 1.21, internal/abi.Type after; same layout 1.19-1.27).
type typeHead struct {
	size       uintptr
	ptrBytes   uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      unsafe.Pointer
	gcdata     unsafe.Pointer
	str        int32
	ptrToThis  int32
}

// mapTypeHead mirrors the start of the map type descriptor: runtime.maptype
// (classic) and abi.SwissMapType/abi.MapType (1.24+) all put the hasher after
// the type header and three type pointers.
type mapTypeHead struct {
	typ    typeHead
	key    unsafe.Pointer
	elem   unsafe.Pointer
	group  unsafe.Pointer
	hasher func(unsafe.Pointer, uintptr) uintptr
}

type hasherFn = func(unsafe.Pointer, uintptr) uintptr

func hx(v uintptr) string { return fmt.Sprintf("%#x", uint64(v)) }

func hexList(vs []uintptr) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = hx(v)
	}
	return out
}

// ---- type descriptions (what mapscope's hash recipe needs of a type) ----

type fieldDesc struct {
	Name   string    `json:"name"`
	Offset uintptr   `json:"offset"`
	Type   *typeDesc `json:"type"`
}

type typeDesc struct {
	Name    string      `json:"name"`
	Kind    string      `json:"kind"`
	Size    uintptr     `json:"size"`
	Align   int         `json:"align"`
	Fields  []fieldDesc `json:"fields,omitempty"`
	Len     int         `json:"len,omitempty"`
	Elem    *typeDesc   `json:"elem,omitempty"`
	Methods int         `json:"methods,omitempty"`
}

func describe(t reflect.Type) *typeDesc {
	d := &typeDesc{Name: t.String(), Kind: t.Kind().String(), Size: t.Size(), Align: t.Align()}
	switch t.Kind() {
	case reflect.Struct:
		d.Fields = []fieldDesc{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			d.Fields = append(d.Fields, fieldDesc{Name: f.Name, Offset: f.Offset, Type: describe(f.Type)})
		}
	case reflect.Array:
		d.Len = t.Len()
		d.Elem = describe(t.Elem())
	case reflect.Interface:
		d.Methods = t.NumMethod()
	}
	return d
}

// isDirectIface reports whether values of t are stored in the interface data
// word itself (cmd/compile/internal/types.IsDirectIface).
func isDirectIface(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Ptr, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() == 1 && isDirectIface(t.Elem())
	case reflect.Struct:
		return t.NumField() == 1 && isDirectIface(t.Field(0).Type)
	}
	return false
}

// ---- key records: the key's bytes plus the memory its pointers reach ----

type dynType struct {
	Type   *typeDesc `json:"type"`
	Direct bool      `json:"direct"`
}

type keyRecord struct {
	Label  string             `json:"label"`
	Type   *typeDesc          `json:"type"`
	Hasher string             `json:"hasher,omitempty"`
	Bytes  string             `json:"bytes"`
	Heap   map[string]string  `json:"heap,omitempty"`
	Dyn    map[string]dynType `json:"dyn,omitempty"`
	Hashes []string           `json:"hashes"`
}

func bytesAt(p uintptr, n uintptr) []byte {
	if n == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
}

func (r *keyRecord) addHeap(p, n uintptr) {
	if n == 0 {
		return
	}
	k := hx(p)
	if old, ok := r.Heap[k]; ok && uintptr(len(old)/2) >= n {
		return
	}
	r.Heap[k] = hex.EncodeToString(bytesAt(p, n))
}

// walk records the string data and interface contents reachable from a value
// of type t at address p.
func (r *keyRecord) walk(t reflect.Type, p uintptr) {
	switch t.Kind() {
	case reflect.String:
		w := (*[2]uintptr)(unsafe.Pointer(p))
		r.addHeap(w[0], w[1])
	case reflect.Interface:
		w := (*[2]uintptr)(unsafe.Pointer(p))
		if w[0] == 0 {
			return
		}
		dyn := reflect.NewAt(t, unsafe.Pointer(p)).Elem().Elem().Type()
		direct := isDirectIface(dyn)
		r.Dyn[hx(w[0])] = dynType{Type: describe(dyn), Direct: direct}
		if direct {
			return
		}
		r.addHeap(w[1], dyn.Size())
		r.walk(dyn, w[1])
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			r.walk(f.Type, p+f.Offset)
		}
	case reflect.Array:
		for i := 0; i < t.Len(); i++ {
			r.walk(t.Elem(), p+uintptr(i)*t.Elem().Size())
		}
	}
}

func record(label string, t reflect.Type, p unsafe.Pointer, fn hasherFn, hasherName string) keyRecord {
	r := keyRecord{Label: label, Type: describe(t), Hasher: hasherName,
		Bytes: hex.EncodeToString(bytesAt(uintptr(p), t.Size())),
		Heap:  map[string]string{}, Dyn: map[string]dynType{}}
	r.walk(t, uintptr(p))
	for _, s := range seeds {
		r.Hashes = append(r.Hashes, hx(fn(p, s)))
	}
	if len(r.Heap) == 0 {
		r.Heap = nil
	}
	if len(r.Dyn) == 0 {
		r.Dyn = nil
	}
	return r
}

// viaMap hashes k with the hasher the compiler installed in map[K]bool's
// type descriptor.
func viaMap[K comparable](label string, k K) keyRecord {
	return viaMapOf(label, map[K]bool(nil), &k)
}

// viaMapOf is viaMap for key types that Go 1.19 does not let satisfy
// `comparable` (those holding interfaces): m is a nil map[K]V, kp a *K.
func viaMapOf(label string, m any, kp any) keyRecord {
	mt := (*mapTypeHead)((*[2]unsafe.Pointer)(unsafe.Pointer(&m))[0])
	fn := mt.hasher
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	p := (*[2]unsafe.Pointer)(unsafe.Pointer(&kp))[1]
	return record(label, reflect.TypeOf(kp).Elem(), p, fn, name)
}

// ---- fixed inputs ----

var seeds []uintptr

func init() {
	wide := uint64(0x9e3779b97f4a7c15)
	wide2 := uint64(0xfedcba9876543210)
	seeds = []uintptr{0, 1, uintptr(wide), uintptr(wide2)}
}

// data is deterministic pseudo-random bytes (a 64-bit LCG), the input of the
// memhash/strhash series.
func makeData(n int) []byte {
	b := make([]byte, n)
	x := uint64(0x243f6a8885a308d3)
	for i := range b {
		x = x*6364136223846793005 + 1442695040888963407
		b[i] = byte(x >> 56)
	}
	return b
}

type series struct {
	Fn     string     `json:"fn"`
	Seed   string     `json:"seed"`
	Offset int        `json:"offset,omitempty"`
	Hashes [][]string `json:"hashes"` // [length, hash] pairs, decimal length
}

type valueHash struct {
	Fn     string   `json:"fn"`
	Input  string   `json:"input"` // hex of the bytes hashed
	Note   string   `json:"note,omitempty"`
	Hashes []string `json:"hashes"` // one per seed
}

// Key types for the compiler-generated hashers.
type (
	KStrInt   struct{ S string; A int32 }
	KPad      struct{ A int8; B int64; S string }
	KBlank    struct{ A, B int32; _ int32; C int64 }
	KZeroTail struct{ A int32; B struct{} }
	KNested   struct {
		X  int32
		In struct {
			Y int32
			S string
		}
	}
	KMemFloat  struct{ A int32; F float32 }
	KInt16x2   struct{ A, B int16 }
	KTailPad   struct{ A int64; B int8 }
	KPadElem   struct{ A int8; B int16 }
	KMixed     struct{ S string; F float64; E any; I stringer; C complex64; B bool }
	KOneString struct{ S string }
	KMemRun    struct{ A, B, C int32; D int64; S string; E, F uint8 }
	KFloatRun  struct{ A int16; F float64; G float32; H int32 }
	KBig       struct{ A [20]int64; S string }
)

type stringer interface{ Str() string }

type myInt int64
type myStr string
type myPair struct {
	A int32
	S string
}
type myPtr struct{ P *int }

func (myInt) Str() string  { return "int" }
func (myStr) Str() string  { return "str" }
func (myPair) Str() string { return "pair" }
func (myPtr) Str() string  { return "ptr" }

var someInt = 42

var someAny any = int64(7)

var someStringer stringer = myPair{A: 3, S: "p"}

type report struct {
	GoVersion   string        `json:"goVersion"`
	GOARCH      string        `json:"goarch"`
	GOOS        string        `json:"goos"`
	PtrSize     int           `json:"ptrSize"`
	GODEBUG     string        `json:"godebug"`
	UseAeshash  bool          `json:"useAeshash"`
	KeyHome     string        `json:"keyHome"`
	Hashkey     []string      `json:"hashkey"`
	Aeskeysched string        `json:"aeskeysched"`
	Seeds       []string      `json:"seeds"`
	Data        string        `json:"data"`
	Series      []series      `json:"series"`
	Values      []valueHash   `json:"values"`
	Keys        []keyRecord   `json:"keys"`
}

func main() {
	data := makeData(640)
	rep := report{
		GoVersion: runtime.Version(), GOARCH: runtime.GOARCH, GOOS: runtime.GOOS,
		PtrSize: int(ptrSize), GODEBUG: os.Getenv("GODEBUG"), UseAeshash: useAeshash,
		KeyHome: keyHome, Hashkey: hexList(hashkey[:]),
		Aeskeysched: hex.EncodeToString(aeskeysched[:]), Seeds: hexList(seeds),
		Data: hex.EncodeToString(data),
	}

	// memhash and strhash over every length 0..300.
	for _, si := range []int{1, 2} {
		s := series{Fn: "memhash", Seed: hx(seeds[si])}
		for n := 0; n <= 300; n++ {
			s.Hashes = append(s.Hashes, []string{fmt.Sprint(n), hx(memhash(unsafe.Pointer(&data[0]), seeds[si], uintptr(n)))})
		}
		rep.Series = append(rep.Series, s)
	}
	for _, si := range []int{0, 3} {
		s := series{Fn: "strhash", Seed: hx(seeds[si])}
		for n := 0; n <= 300; n++ {
			str := string(data[:n])
			s.Hashes = append(s.Hashes, []string{fmt.Sprint(n), hx(strhash(unsafe.Pointer(&str), seeds[si]))})
		}
		rep.Series = append(rep.Series, s)
	}
	// Unaligned starts, and the tail of a buffer (the amd64/386 short-key
	// path loads differently near the end of a page).
	for _, off := range []int{1, 3, 7, 13} {
		s := series{Fn: "memhash", Seed: hx(seeds[3]), Offset: off}
		for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 127, 128, 129, 200, 257} {
			s.Hashes = append(s.Hashes, []string{fmt.Sprint(n), hx(memhash(unsafe.Pointer(&data[off]), seeds[3], uintptr(n)))})
		}
		rep.Series = append(rep.Series, s)
	}

	valueSeeds := func(fn string, in []byte, note string, f func(unsafe.Pointer, uintptr) uintptr) {
		v := valueHash{Fn: fn, Input: hex.EncodeToString(in), Note: note}
		buf := make([]byte, len(in)+8)
		copy(buf, in)
		for _, s := range seeds {
			v.Hashes = append(v.Hashes, hx(f(unsafe.Pointer(&buf[0]), s)))
		}
		rep.Values = append(rep.Values, v)
	}
	// Short inputs whose first byte sits in the last 16 bytes of a 4 KiB
	// page: amd64/386 AES hashing then loads the 16 bytes *ending* at the
	// input and shuffles them down (label endofpage) instead of masking.
	page := make([]byte, 8192)
	copy(page, makeData(8192))
	for i := range page {
		if (uintptr(unsafe.Pointer(&page[i]))+16)&0xff0 == 0 {
			for n := 1; n < 16; n++ {
				valueSeeds("memhash", page[i:i+n], "endofpage", func(p unsafe.Pointer, h uintptr) uintptr {
					return memhash(unsafe.Pointer(&page[i]), h, uintptr(n))
				})
			}
			break
		}
	}
	u32s := []uint32{0, 1, 2, 0xffffffff, 0x80000000, 0x7fffffff, 0x12345678, 0xdeadbeef}
	u64s := []uint64{0, 1, 2, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x123456789abcdef0, 0xdeadbeefcafebabe}
	for i := 0; i < 24; i++ {
		x := uint64(i)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
		u32s = append(u32s, uint32(x>>13))
		u64s = append(u64s, x^(x>>29))
	}
	for _, x := range u32s {
		b := (*[4]byte)(unsafe.Pointer(&x))[:]
		valueSeeds("memhash32", b, "", memhash32)
	}
	for _, x := range u64s {
		b := (*[8]byte)(unsafe.Pointer(&x))[:]
		valueSeeds("memhash64", b, "", memhash64)
	}
	for _, f := range []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.1, float32(math.Inf(1)), float32(math.Inf(-1)), math.SmallestNonzeroFloat32, math.MaxFloat32} {
		b := (*[4]byte)(unsafe.Pointer(&f))[:]
		valueSeeds("f32hash", b, fmt.Sprint(f), f32hash)
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64, math.MaxFloat64} {
		b := (*[8]byte)(unsafe.Pointer(&f))[:]
		valueSeeds("f64hash", b, fmt.Sprint(f), f64hash)
	}
	negz := math.Copysign(0, -1)
	for _, c := range []complex128{0, complex(negz, 0), complex(0, negz), complex(1, 2), complex(math.Inf(1), -1), complex(1.5, negz)} {
		c64 := complex64(c)
		valueSeeds("c64hash", (*[8]byte)(unsafe.Pointer(&c64))[:], fmt.Sprint(c), c64hash)
		valueSeeds("c128hash", (*[16]byte)(unsafe.Pointer(&c))[:], fmt.Sprint(c), c128hash)
	}

	// Interfaces: the runtime's own nilinterhash/interhash.
	efaces := []struct {
		label string
		v     any
	}{
		{"nil", nil}, {"int64", int64(7)}, {"int32", int32(7)}, {"uint8", uint8(3)}, {"string", "hello, map"},
		{"float64", 3.5}, {"float32-negzero", float32(math.Copysign(0, -1))}, {"complex128", complex(1, 2)},
		{"struct", KStrInt{S: "inner", A: 9}}, {"array", [2]string{"a", "bc"}}, {"pointer", &someInt},
		{"empty-struct", struct{}{}}, {"bool", true}, {"int", 123456}, {"nested-any", KMixed{S: "m", F: 2, E: "x", I: myInt(5), C: 1i, B: true}},
	}
	for _, e := range efaces {
		v := e.v
		rep.Keys = append(rep.Keys, record("nilinterhash/"+e.label, reflect.TypeOf(&v).Elem(), unsafe.Pointer(&v), nilinterhash, "runtime.nilinterhash"))
	}
	ifaces := []struct {
		label string
		v     stringer
	}{
		{"nil", nil}, {"myInt", myInt(-3)}, {"myStr", myStr("abc")}, {"myPair", myPair{A: 1, S: "zz"}}, {"myPtr", myPtr{P: &someInt}},
	}
	for _, e := range ifaces {
		v := e.v
		rep.Keys = append(rep.Keys, record("interhash/"+e.label, reflect.TypeOf(&v).Elem(), unsafe.Pointer(&v), interhash, "runtime.interhash"))
	}

	// Map key types: the hasher the compiler picked, called on one key.
	var strs [40]KStrInt
	for i := range strs {
		strs[i] = KStrInt{S: string(data[i : i+i%7]), A: int32(i * 3)}
	}
	var bigArr [20]int64
	for i := range bigArr {
		bigArr[i] = int64(i) * 77
	}
	var b16 [16]byte
	copy(b16[:], data)
	var i16 [16]int16
	for i := range i16 {
		i16[i] = int16(i * 1000)
	}
	ch := make(chan int)
	rep.Keys = append(rep.Keys,
		viaMap("int8", int8(-5)), viaMap("int16", int16(-300)), viaMap("int32", int32(-70000)),
		viaMap("int64", int64(-1)), viaMap("int", 1234567), viaMap("uint", uint(99)), viaMap("uintptr", uintptr(0xabc)),
		viaMap("bool", true), viaMap("string", "a map key"), viaMap("string-empty", ""),
		viaMap("float32", float32(1.25)), viaMap("float64", -2.5), viaMap("float64-negzero", negz),
		viaMap("complex64", complex64(complex(1, -1))), viaMap("complex128", complex(negz, 3)),
		viaMap("pointer", &someInt), viaMap("chan", ch), viaMap("unsafe.Pointer", unsafe.Pointer(&someInt)),
		viaMap("[0]string", [0]string{}), viaMap("struct{}", struct{}{}),
		viaMap("[2]uint8", [2]uint8{1, 2}), viaMap("[3]byte", [3]byte{1, 2, 3}), viaMap("[4]byte", [4]byte{1, 2, 3, 4}),
		viaMap("[2]int16", [2]int16{-1, 7}), viaMap("[5]uint16", [5]uint16{1, 2, 3, 4, 5}), viaMap("[16]byte", b16),
		viaMap("[16]int16", i16), viaMap("[1]string", [1]string{"solo"}), viaMap("KOneString", KOneString{S: "one"}),
		viaMap("[3]string", [3]string{"x", "", "yz"}), viaMap("[4]float64", [4]float64{1, negz, 0, 3}),
		viaMap("[2]complex64", [2]complex64{1, complex(0, 2)}),
		viaMap("KStrInt", KStrInt{S: "key", A: 5}), viaMap("KPad", KPad{A: 1, B: 2, S: "pad"}),
		viaMap("KBlank", KBlank{A: 1, B: 2, C: 3}), viaMap("KZeroTail", KZeroTail{A: 77}),
		viaMap("KNested", KNested{X: 1, In: struct {
			Y int32
			S string
		}{Y: 2, S: "nest"}}),
		viaMap("[2]KMemFloat", [2]KMemFloat{{1, 2}, {3, 4}}), viaMap("[3]KMemFloat", [3]KMemFloat{{1, 2}, {3, 4}, {5, 6}}),
		viaMap("KInt16x2", KInt16x2{A: 1, B: 2}), viaMap("KTailPad", KTailPad{A: 1, B: 2}),
		viaMap("[3]KPadElem", [3]KPadElem{{1, 2}, {3, 4}, {5, 6}}),
		viaMapOf("KMixed", map[KMixed]bool(nil), &KMixed{S: "mixed", F: 0.5, E: int32(8), I: myStr("q"), C: complex(2, 3), B: true}),
		viaMapOf("KMixed-nil", map[KMixed]bool(nil), &KMixed{}),
		viaMap("KMemRun", KMemRun{A: 1, B: 2, C: 3, D: 4, S: "run", E: 5, F: 6}),
		viaMap("KFloatRun", KFloatRun{A: 1, F: 2, G: 3, H: 4}),
		viaMap("[40]KStrInt", strs), viaMap("KBig", KBig{A: bigArr, S: "big"}),
		viaMap("[9]string", [9]string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}),
		viaMapOf("[8]any", map[[8]any]bool(nil), &[8]any{1, "two", 3.0, nil, int8(5), KStrInt{S: "s"}, [1]int{7}, struct{}{}}),
		viaMapOf("any", map[any]bool(nil), &someAny), viaMapOf("stringer", map[stringer]bool(nil), &someStringer),
	)

	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(&rep); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
