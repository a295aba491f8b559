//go:build go1.27

package main

import "unsafe"

// abi.MapType after the abi.Type header: go1.27.3 src/internal/abi/map.go,
// which describes groups by offsets and strides.
type mapTypeTail struct {
	key, elem, group unsafe.Pointer
	hasher           unsafe.Pointer
	groupSize        uintptr
	keysOff          uintptr
	keyStride        uintptr
	elemsOff         uintptr
	elemStride       uintptr
	elemOff          uintptr
	flags            uint32
}

func geometryOf(t *mapTypeTail) geometry {
	return geometry{
		groupSize: t.groupSize, keysOff: t.keysOff, keyStride: t.keyStride,
		elemsOff: t.elemsOff, elemStride: t.elemStride, flags: t.flags,
	}
}
