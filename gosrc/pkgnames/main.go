// pkgnames: map types whose key or elem types come from packages whose name
// is not their import path's last element (a /v2 module, a go- repository, a
// gopkg.in .v3 path), plus an anonymous struct with unexported fields, which
// DWARF spells with package-qualified field names. Built by
// test/binary/pkgnames.test.ts with the real toolchains.
package main

import (
	"fmt"
	"os"

	isthing "example.com/go-isthing"
	lib "example.com/lib/v2"
	yamlish "gopkg.in/yamlish.v3"
)

var (
	byVendor = map[lib.Vendor]isthing.Op{}
	values   = lib.Values{}
	nodes    = map[string]*yamlish.Node{}
	local    = map[string]struct {
		label string
		line  int
	}{}
	counts = map[string]int{}
)

// hits is a named map type only code uses: its descriptor is not in typelinks
// (named types never are) and no other descriptor points at it.
type hits map[string]int

//go:noinline
func tally(words []string) int {
	h := hits{}
	for _, w := range words {
		h[w]++
	}
	return len(h)
}

func main() {
	byVendor[lib.Vendor{Name: os.Args[0]}] = isthing.Ops["eq"]
	values["k"] = lib.Registry["a"]
	nodes["n"] = &yamlish.Node{Kind: yamlish.Count(nil)}
	local["x"] = struct {
		label string
		line  int
	}{"l", 1}
	counts[os.Args[0]] += tally(os.Args)
	fmt.Println(len(byVendor), len(values), len(nodes), len(local), len(counts))
}
