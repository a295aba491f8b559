//go:build !noatomic64_1

package main

// See types.go: on 386/arm the classic map compiler may refuse this type.

import "sync/atomic"

func init() { regAtomic64("map[int]atomic.Int64", (map[int]atomic.Int64)(nil)) }
