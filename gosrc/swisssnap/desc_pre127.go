//go:build !go1.27

package main

import "unsafe"

// abi.SwissMapType (1.24, 1.25) / abi.MapType (1.26) after the abi.Type
// header: go1.26.10 src/internal/abi/map.go.
type mapTypeTail struct {
	key, elem, group unsafe.Pointer
	hasher           unsafe.Pointer
	groupSize        uintptr
	slotSize         uintptr
	elemOff          uintptr
	flags            uint32
}

func geometryOf(t *mapTypeTail) geometry {
	// group = { ctrl uint64; slots [8]struct{ key; elem } }: slot i at 8 + i*SlotSize.
	return geometry{
		groupSize: t.groupSize, keysOff: 8, keyStride: t.slotSize,
		elemsOff: 8 + t.elemOff, elemStride: t.slotSize, flags: t.flags,
	}
}
