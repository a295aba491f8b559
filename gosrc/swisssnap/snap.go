package main

import (
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"mapscope/snapshot"
)

// Mirrors of the runtime's structures. Their offsets come from the real
// compiler laying out the same field types in the same order (the layout
// rules are the ones the runtime's own structs get), on every GOARCH:
// go1.26.10 src/internal/runtime/maps/map.go `Map`, table.go `table`,
// group.go `groupsReference`, src/internal/abi/type.go `Type`.
type mapHeader struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool // 1.25+; padding in 1.24
	clearSeq          uint64
}

type tableHeader struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	data       unsafe.Pointer
	lengthMask uint64
}

type abiType struct {
	size, ptrBytes          uintptr
	hash                    uint32
	tflag                   uint8
	align, fieldAlign, kind uint8
	equal                   unsafe.Pointer
	gcdata                  *byte
	str, ptrToThis          int32
}

// geometry: where slot i's key and elem sit in a group, from the map's own
// type descriptor.
type geometry struct {
	groupSize, keysOff, keyStride, elemsOff, elemStride uintptr
	flags                                               uint32
}

const (
	flagIndirectKey  = 4
	flagIndirectElem = 8
)

func (r *recorder) snapshot(b *strings.Builder) {
	h := r.header()
	snapshot.Head(b, r.typ, r.seeds)
	fmt.Fprintf(b, `,"impl":"swiss","header":{"used":%d,"seed":%s,"dirLen":%d,"globalDepth":%d,"globalShift":%d},"small":`,
		h.used, snapshot.Uint(uint64(h.seed)), h.dirLen, h.globalDepth, h.globalShift)
	if h.dirLen == 0 && h.dirPtr != nil {
		r.group(b, h.dirPtr)
	} else {
		b.WriteString("null")
	}
	b.WriteString(`,"directory":[`)
	var tables []*tableHeader
	for i := 0; i < h.dirLen; i++ {
		t := *(**tableHeader)(unsafe.Add(h.dirPtr, uintptr(i)*unsafe.Sizeof(uintptr(0))))
		idx := -1
		for j, u := range tables {
			if u == t {
				idx = j
			}
		}
		if idx < 0 {
			tables = append(tables, t)
			idx = len(tables) - 1
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%d", idx)
	}
	b.WriteString(`],"tables":[`)
	for i, t := range tables {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"used":%d,"capacity":%d,"growthLeft":%d,"localDepth":%d,"index":%d,"groups":[`,
			t.used, t.capacity, t.growthLeft, t.localDepth, t.index)
		for g := uint64(0); g <= t.lengthMask; g++ {
			if g > 0 {
				b.WriteByte(',')
			}
			r.group(b, unsafe.Add(t.data, uintptr(g)*r.geo.groupSize))
		}
		b.WriteString("]}")
	}
	b.WriteString("]}")
}

func (r *recorder) group(b *strings.Builder, g unsafe.Pointer) {
	ctrl := *(*uint64)(g)
	b.WriteString(`{"ctrl":[`)
	for i := 0; i < 8; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%d", (ctrl>>(8*i))&0xff) // slot i is byte i of the word's value
	}
	b.WriteString(`],"keys":[`)
	for i := uintptr(0); i < 8; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		r.slot(b, unsafe.Add(g, r.geo.keysOff+i*r.geo.keyStride), r.kt, r.geo.flags&flagIndirectKey != 0)
	}
	b.WriteString(`],"elems":[`)
	for i := uintptr(0); i < 8; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		r.slot(b, unsafe.Add(g, r.geo.elemsOff+i*r.geo.elemStride), r.et, r.geo.flags&flagIndirectElem != 0)
	}
	b.WriteString("]}")
}

func (r *recorder) slot(b *strings.Builder, p unsafe.Pointer, t reflect.Type, indirect bool) {
	if indirect {
		p = *(*unsafe.Pointer)(p)
		if p == nil {
			b.WriteString("null")
			return
		}
	}
	snapshot.Value(b, p, t)
}
