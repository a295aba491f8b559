// Command falsesharecore holds maps of pointers whose pointees do or do not
// share cache lines, prints where every pointee is, then crashes so the
// kernel writes a core ("crash") or waits for stdin to close ("wait").
// test/falseshare-core.test.ts checks `mapscope falseshare --core` against
// the addresses printed here.
//
// placed: pointees placed by hand in a 64-byte-aligned backing array of
// 8-byte slots (8 slots a 64-byte line), so which keys share is known
// without reading any address:
//
//	line 0: a→slot 0, b→slot 1, c→slot 7      three keys share
//	line 1: d→slot 8                          alone
//	line 2: e→slot 16, f→slot 16, g→slot 23   three share (e and f alias one pointee)
//	line 3: h→slot 31                         alone
//	i→nil
//
// packed: one new(Counter) per key in key order; Counter is 8 pointer-free
// bytes, so the tiny allocator packs two per 16-byte block, and consecutive
// blocks: eight pointees a line.
//
// spread: one new(Padded) per key; Padded is 64 bytes, one size-class slot
// each, so no two share a 64-byte line.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"unsafe"
)

type Slot struct{ N int64 }

type Counter struct{ N int64 }

type Padded struct {
	N int64
	_ [56]byte
}

var (
	backing []Slot
	placed  map[string]*Slot
	packed  map[int]*Counter
	spread  map[int]*Padded
	plain   map[int]int
)

func addr[T any](p *T) string { return fmt.Sprintf("%q", fmt.Sprintf("0x%x", uintptr(unsafe.Pointer(p)))) }

func main() {
	// Pointees first, so the tiny allocator's blocks follow each other.
	packed = make(map[int]*Counter, 16)
	for i := 0; i < 16; i++ {
		packed[i] = new(Counter)
	}
	spread = make(map[int]*Padded, 8)
	for i := 0; i < 8; i++ {
		spread[i] = new(Padded)
	}
	buf := make([]Slot, 32+8)
	skip := (64 - int(uintptr(unsafe.Pointer(&buf[0]))%64)) % 64 / 8
	backing = buf[skip : skip+32]
	placed = map[string]*Slot{
		"a": &backing[0], "b": &backing[1], "c": &backing[7],
		"d": &backing[8],
		"e": &backing[16], "f": &backing[16], "g": &backing[23],
		"h": &backing[31],
		"i": nil,
	}
	plain = map[int]int{1: 1, 2: 2}

	var parts []string
	keys := make([]string, 0, len(placed))
	for k := range placed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ps []string
	for _, k := range keys {
		if placed[k] == nil {
			ps = append(ps, fmt.Sprintf("%q:null", k))
		} else {
			ps = append(ps, fmt.Sprintf("%q:%s", k, addr(placed[k])))
		}
	}
	parts = append(parts, fmt.Sprintf("\"placed\":{%s}", strings.Join(ps, ",")))
	var qs []string
	for i := 0; i < 16; i++ {
		qs = append(qs, fmt.Sprintf("\"%d\":%s", i, addr(packed[i])))
	}
	parts = append(parts, fmt.Sprintf("\"packed\":{%s}", strings.Join(qs, ",")))
	var ss []string
	for i := 0; i < 8; i++ {
		ss = append(ss, fmt.Sprintf("\"%d\":%s", i, addr(spread[i])))
	}
	parts = append(parts, fmt.Sprintf("\"spread\":{%s}", strings.Join(ss, ",")))
	fmt.Printf("{%s}\n", strings.Join(parts, ","))

	mode := "crash"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "crash":
		debug.SetTraceback("crash")
		panic("falsesharecore: crashing for a core dump")
	case "wait":
		fmt.Println("READY")
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
}
