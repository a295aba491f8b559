//go:build 386 || arm || mips || mipsle

package main

import _ "unsafe" // for go:linkname

//go:linkname hashkey runtime.hashkey
var hashkey [4]uintptr

//go:linkname aeskeysched runtime.aeskeysched
var aeskeysched [64]byte

//go:linkname useAeshash runtime.useAeshash
var useAeshash bool
