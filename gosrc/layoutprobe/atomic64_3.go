//go:build !noatomic64_3

package main

// See types.go: on 386/arm the classic map compiler may refuse this type.

import "sync/atomic"

func init() {
	regAtomic64("map[int]struct{ a atomic.Uint64; b int32 }", (map[int]struct{ a atomic.Uint64; b int32 })(nil))
}
