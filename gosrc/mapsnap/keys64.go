//go:build amd64 || arm64 || s390x || ppc64 || ppc64le || riscv64 || mips64 || mips64le || loong64

package main

import _ "unsafe" // for go:linkname

// The runtime's per-process hash keys (runtime/alg.go). Go 1.23+ needs
// -ldflags=-checklinkname=0 to pull them.

//go:linkname hashkey runtime.hashkey
var hashkey [4]uintptr

//go:linkname aeskeysched runtime.aeskeysched
var aeskeysched [128]byte

//go:linkname useAeshash runtime.useAeshash
var useAeshash bool
