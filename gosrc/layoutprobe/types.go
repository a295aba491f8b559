package main

// The map types the probe reports on.
//
// Each entry is written twice on one line: as a string (the "type" field of
// the fixture) and as the Go expression the compiler sees. They must spell the
// same type; test/layout-fixtures.test.ts checks that the two agree on every
// reg(...) line, with "*main.T" in the string standing for "*T" here. This
// file is deliberately not gofmt-ed so that the strings keep the spelling used
// by mapscope's issue 2 (gofmt would only change spaces inside the literals).
//
// Types whose key or elem contains a 64-bit sync/atomic value live in
// atomic64_*.go files of their own, behind a build tag, because the classic
// map compiler stops with an internal compiler error on 386 and arm for them
// (cmd/compile/internal/reflectdata/reflect.go, MapBucketType). scripts/layout-fixtures.sh finds out which of them
// fail and records the compiler's message instead of the layout.

import (
	"sync/atomic"
	"unsafe"
)

// T is the named type behind the *main.T entries.
type T struct {
	a int
	b string
}

// probe is one entry of the list: the expression's spelling and a nil map of it
// (nil is enough: the probe only needs the interface's type word).
type probe struct {
	expr  string
	value any
}

// atomic64 holds the entries from the atomic64_*.go files that were compiled in.
var atomic64 = map[string]any{}

func regAtomic64(expr string, v any) { atomic64[expr] = v }

func reg(expr string, v any) probe { return probe{expr, v} }

// fromAtomic64 is an entry that may have been left out of the build; value is
// nil then, and main expects a compile error message for it.
func fromAtomic64(expr string) probe { return probe{expr, atomic64[expr]} }

// probeList is built in a function, not a package variable, because the
// atomic64 entries are registered by init functions, which run after package
// variables are initialised.
func probeList() []probe {
	return []probe{
		reg("map[string]int", (map[string]int)(nil)),
		reg("map[int64]int64", (map[int64]int64)(nil)),
		reg("map[int32]int8", (map[int32]int8)(nil)),
		reg("map[int8]int64", (map[int8]int64)(nil)),
		reg("map[uint16]bool", (map[uint16]bool)(nil)),
		reg("map[[3]byte]struct{}", (map[[3]byte]struct{})(nil)),
		reg("map[[16]byte]*main.T", (map[[16]byte]*T)(nil)),
		reg("map[[128]byte]int", (map[[128]byte]int)(nil)),
		reg("map[[129]byte]int", (map[[129]byte]int)(nil)),
		reg("map[[130]byte]int", (map[[130]byte]int)(nil)),
		reg("map[int][128]byte", (map[int][128]byte)(nil)),
		reg("map[int][129]byte", (map[int][129]byte)(nil)),
		reg("map[[200]byte]string", (map[[200]byte]string)(nil)),
		reg("map[string][200]byte", (map[string][200]byte)(nil)),
		reg("map[struct{a int8; b int64}][]string", (map[struct{a int8; b int64}][]string)(nil)),
		reg("map[struct{a int64; b int8}]bool", (map[struct{a int64; b int8}]bool)(nil)),
		reg("map[struct{a int32; _ [0]int64}]int", (map[struct{a int32; _ [0]int64}]int)(nil)),
		reg("map[struct{}]struct{}", (map[struct{}]struct{})(nil)),
		reg("map[struct{}]int", (map[struct{}]int)(nil)),
		reg("map[int64]struct{}", (map[int64]struct{})(nil)),
		reg("map[int]struct{}", (map[int]struct{})(nil)),
		reg("map[string]struct{}", (map[string]struct{})(nil)),
		reg("map[[2]int64]struct{}", (map[[2]int64]struct{})(nil)),
		reg("map[struct{x int; y struct{}}]int8", (map[struct{x int; y struct{}}]int8)(nil)),
		reg("map[any]chan int", (map[any]chan int)(nil)),
		reg("map[any]float64", (map[any]float64)(nil)),
		reg("map[error]int", (map[error]int)(nil)),
		reg("map[interface{ M() }]int", (map[interface{ M() }]int)(nil)),
		reg("map[float64]complex128", (map[float64]complex128)(nil)),
		reg("map[float64]string", (map[float64]string)(nil)),
		reg("map[float32]int", (map[float32]int)(nil)),
		reg("map[complex64]string", (map[complex64]string)(nil)),
		reg("map[string]map[int]bool", (map[string]map[int]bool)(nil)),
		reg("map[*int]unsafe.Pointer", (map[*int]unsafe.Pointer)(nil)),
		reg("map[uintptr]uintptr", (map[uintptr]uintptr)(nil)),
		reg("map[rune]byte", (map[rune]byte)(nil)),
		reg("map[bool]bool", (map[bool]bool)(nil)),
		reg("map[uint8]uint8", (map[uint8]uint8)(nil)),
		fromAtomic64("map[int]atomic.Int64"),
		fromAtomic64("map[int8]atomic.Int64"),
		reg("map[int]atomic.Int32", (map[int]atomic.Int32)(nil)),
		fromAtomic64("map[int]struct{ a atomic.Uint64; b int32 }"),
		reg("map[string]func()", (map[string]func())(nil)),
		reg("map[int][]int", (map[int][]int)(nil)),
		reg("map[int]string", (map[int]string)(nil)),
		reg("map[int64]string", (map[int64]string)(nil)),
		reg("map[int32]int32", (map[int32]int32)(nil)),
		reg("map[int32]struct{ a int8; b int16 }", (map[int32]struct{ a int8; b int16 })(nil)),
		reg("map[string]string", (map[string]string)(nil)),
		reg("map[string]any", (map[string]any)(nil)),
		reg("map[[2]string]int", (map[[2]string]int)(nil)),
		reg("map[struct{s string; f float64}]int", (map[struct{s string; f float64}]int)(nil)),
		reg("map[struct{a, b int32}]int", (map[struct{a, b int32}]int)(nil)),
		reg("map[[4]byte]int", (map[[4]byte]int)(nil)),
		reg("map[[8]byte]int", (map[[8]byte]int)(nil)),
		reg("map[[2]float64]int", (map[[2]float64]int)(nil)),
		reg("map[int16][3]int16", (map[int16][3]int16)(nil)),
		reg("map[string][16]uint64", (map[string][16]uint64)(nil)),
		reg("map[uint64]*main.T", (map[uint64]*T)(nil)),
		reg("map[*main.T]int", (map[*T]int)(nil)),
	}
}
