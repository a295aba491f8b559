package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unsafe"
)

// memory prints the final map's memory as it sits in this process:
// {"map":"0x…","regions":[["0xADDR","HEX"],…]}, one region per object the
// map reaches — the Map header, the small group or the directory, each
// table header and its groups, the indirect key and elem objects and the
// data of string keys of full slots. mapscope's checker reads these bytes
// at these addresses through its own layout model (test/check-swiss-live),
// as it reads a core dump.
func (r *recorder) memory() string {
	type region struct {
		addr uintptr
		data []byte
	}
	var regions []region
	seen := map[uintptr]bool{}
	add := func(p unsafe.Pointer, n uintptr) {
		if p == nil || n == 0 || seen[uintptr(p)] {
			return
		}
		seen[uintptr(p)] = true
		regions = append(regions, region{uintptr(p), append([]byte(nil), unsafe.Slice((*byte)(p), n)...)})
	}
	var strs func(p unsafe.Pointer, t reflect.Type)
	strs = func(p unsafe.Pointer, t reflect.Type) {
		switch t.Kind() {
		case reflect.String:
			s := *(*string)(p)
			if len(s) > 0 {
				add(unsafe.Pointer(unsafe.StringData(s)), uintptr(len(s)))
			}
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				strs(unsafe.Add(p, t.Field(i).Offset), t.Field(i).Type)
			}
		case reflect.Array:
			for i := 0; i < t.Len(); i++ {
				strs(unsafe.Add(p, uintptr(i)*t.Elem().Size()), t.Elem())
			}
		}
	}
	// The slots of full slots' keys and elems (the group itself is added by the caller).
	group := func(g unsafe.Pointer) {
		ctrl := *(*uint64)(g)
		for i := uintptr(0); i < 8; i++ {
			if (ctrl>>(8*i))&0x80 != 0 {
				continue // empty or deleted
			}
			k := unsafe.Add(g, r.geo.keysOff+i*r.geo.keyStride)
			if r.geo.flags&flagIndirectKey != 0 {
				k = *(*unsafe.Pointer)(k)
				add(k, r.kt.Size())
			}
			if k != nil {
				strs(k, r.kt)
			}
			if r.geo.flags&flagIndirectElem != 0 {
				add(*(*unsafe.Pointer)(unsafe.Add(g, r.geo.elemsOff+i*r.geo.elemStride)), r.et.Size())
			}
		}
	}
	h := r.header()
	add(r.m, unsafe.Sizeof(mapHeader{}))
	if h.dirLen == 0 {
		if h.dirPtr != nil {
			add(h.dirPtr, r.geo.groupSize)
			group(h.dirPtr)
		}
	} else {
		add(h.dirPtr, uintptr(h.dirLen)*unsafe.Sizeof(uintptr(0)))
		for i := 0; i < h.dirLen; i++ {
			t := *(**tableHeader)(unsafe.Add(h.dirPtr, uintptr(i)*unsafe.Sizeof(uintptr(0))))
			if seen[uintptr(unsafe.Pointer(t))] {
				continue
			}
			add(unsafe.Pointer(t), unsafe.Sizeof(tableHeader{}))
			add(t.data, uintptr(t.lengthMask+1)*r.geo.groupSize) // one allocation, as in a core
			for g := uint64(0); g <= t.lengthMask; g++ {
				group(unsafe.Add(t.data, uintptr(g)*r.geo.groupSize))
			}
		}
	}
	sort.Slice(regions, func(i, j int) bool { return regions[i].addr < regions[j].addr })
	var b strings.Builder
	fmt.Fprintf(&b, `{"map":"0x%x","regions":[`, uintptr(r.m))
	for i, g := range regions {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["0x%x","%x"]`, g.addr, g.data)
	}
	b.WriteString("]}")
	return b.String()
}
