//go:build !go1.27

package main

import (
	"unsafe"
	_ "unsafe" // go:linkname
)

// Before Go 1.27 the process's hash key material lives in package runtime
// (runtime/alg.go).

//go:linkname hashkey runtime.hashkey
var hashkey [4]uintptr

//go:linkname aeskeysched runtime.aeskeysched
var aeskeysched [unsafe.Sizeof(uintptr(0)) / 4 * 64]byte

//go:linkname useAeshash runtime.useAeshash
var useAeshash bool
