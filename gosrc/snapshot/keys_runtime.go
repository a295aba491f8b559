//go:build !go1.27

package snapshot

import (
	"unsafe"
	_ "unsafe" // go:linkname
)

// Before Go 1.27 the process's hash key material lives in package runtime
// (runtime/alg.go): hashkey for the fallback hash, aeskeysched for AES
// (hashRandomBytes long: 128 bytes on 64-bit targets, 64 on 32-bit). Go 1.23+
// needs -ldflags=-checklinkname=0 to pull them.

//go:linkname hashkey runtime.hashkey
var hashkey [4]uintptr

//go:linkname aeskeysched runtime.aeskeysched
var aeskeysched [unsafe.Sizeof(uintptr(0)) / 4 * 64]byte

//go:linkname useAeshash runtime.useAeshash
var useAeshash bool
