package main

import (
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"mapscope/snapshot"
)

// Mirrors of reflect.MapIter { m Value; hiter maps.Iter } and maps.Iter
// (go1.26.10 src/reflect/map.go, src/internal/runtime/maps/table.go). The
// iterator reflect uses is the runtime's own Iter, the one range loops use.
type iterMirror struct {
	key, elem, typ, m      unsafe.Pointer
	entryOffset, dirOffset uint64
	clearSeq               uint64
	globalDepth            uint8
	dirIdx                 int
	tab, group             unsafe.Pointer
	entryIdx               uint64
}

type mapIterMirror struct {
	v     [3]uintptr // reflect.Value: typ_, ptr, flag
	hiter iterMirror
}

// iterate ranges over m once and returns a JSON line with the iterator's
// random start (entryOffset, dirOffset as the iterator holds them after
// its first step) and the keys in the order the runtime produced them.
func iterate(m any) string {
	it := reflect.ValueOf(m).MapRange()
	var b strings.Builder
	var keys strings.Builder
	n := 0
	for it.Next() {
		if n > 0 {
			keys.WriteByte(',')
		}
		k := it.Key()
		p := reflect.New(k.Type())
		p.Elem().Set(k)
		snapshot.Value(&keys, p.UnsafePointer(), k.Type())
		n++
	}
	mi := (*mapIterMirror)(unsafe.Pointer(it))
	b.WriteString(`{"entryOffset":"` + strconv.FormatUint(mi.hiter.entryOffset, 10) + `","dirOffset":"` + strconv.FormatUint(mi.hiter.dirOffset, 10) + `","keys":[`)
	b.WriteString(keys.String())
	b.WriteString("]}")
	return b.String()
}
