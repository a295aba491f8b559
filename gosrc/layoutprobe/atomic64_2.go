//go:build !noatomic64_2

package main

// See types.go: on 386/arm the classic map compiler may refuse this type.

import "sync/atomic"

func init() { regAtomic64("map[int8]atomic.Int64", (map[int8]atomic.Int64)(nil)) }
