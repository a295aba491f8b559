// inspectprobe is a test program for `mapscope inspect`: it makes the compiler emit
// map type descriptors whose key/elem types are known from this source, including
// the cases that change the layout (indirect keys/elems over 128 bytes, zero-size
// elems, float and interface keys that set descriptor flags, a named map type that
// typelinks never lists, a map reachable only through a struct field).
package main

import (
	"fmt"
	"os"
)

type Point struct {
	X, Y int32
}

type Big [200]byte

// Named is a named map type: reachable only through its descriptor's ptrToThis/uses.
type Named map[string][]string

type Holder struct {
	ByID   map[uint64]*Point // reachable only as a struct field
	Counts map[int8]uint16
}

var sink []any

func main() {
	m1 := map[string]int{"a": 1}
	m2 := map[int64]struct{}{1: {}}
	m3 := map[Big]Point{{1}: {1, 2}}
	m4 := map[Point][300]byte{{1, 2}: {}}
	m5 := Named{"k": {"v"}}
	m6 := map[float64]string{1.5: "x"}
	m7 := map[any]int{"x": 1}
	m8 := map[int32]int8{1: 2}
	h := &Holder{ByID: map[uint64]*Point{1: {}}, Counts: map[int8]uint16{1: 1}}
	sink = append(sink, m1, m2, m3, m4, m5, m6, m7, m8, h)
	if len(os.Args) > 1 {
		fmt.Println(len(m1), len(m2), len(m3), len(m4), len(m5), len(m6), len(m7), len(m8), len(h.ByID), len(h.Counts))
	}
}
