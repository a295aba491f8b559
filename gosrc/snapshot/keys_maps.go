//go:build go1.27

package snapshot

import (
	"unsafe"
	_ "unsafe" // go:linkname
)

// Go 1.27 moved the hash key material into internal/runtime/maps
// (runtime_alg.go).

//go:linkname hashkey internal/runtime/maps.hashkey
var hashkey [4]uintptr

//go:linkname aeskeysched internal/runtime/maps.aeskeysched
var aeskeysched [unsafe.Sizeof(uintptr(0)) / 4 * 64]byte

//go:linkname useAeshash internal/runtime/maps.UseAeshash
var useAeshash bool
