package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Release is this runtime's Go release as scenarios and snapshots name it:
// "1.26" for go1.26.10.
func Release() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
}

// Head writes the fields every snapshot starts with, from this process: its
// Go release, GOARCH and map experiment, the map type as reflect spells it,
// and the hash inputs — the hash mode, every seed the map had (seeds, in
// order) and the process's key material for that mode. The caller goes on
// with `,"impl":…` and closes the object.
func Head(b *strings.Builder, typ string, seeds []uint64) {
	b.WriteString(`{"go":`)
	String(b, Release())
	b.WriteString(`,"arch":`)
	String(b, runtime.GOARCH)
	b.WriteString(`,"experiment":`)
	String(b, experiment)
	b.WriteString(`,"type":`)
	String(b, typ)
	mode := "fallback"
	if useAeshash {
		mode = "aes"
	}
	fmt.Fprintf(b, `,"hash":{"mode":"%s","seeds":[`, mode)
	for i, s := range seeds {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(Uint(s))
	}
	b.WriteByte(']')
	if useAeshash {
		fmt.Fprintf(b, `,"aeskeysched":"%x"}`, aeskeysched[:])
	} else {
		b.WriteString(`,"hashkey":[`)
		for i, k := range hashkey {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `"%d"`, uint64(k))
		}
		b.WriteString("]}")
	}
}

// Run is what line 1 of the output says about the run.
type Run struct {
	// Ops is how many of the scenario's operations ran (fewer when a stop
	// condition ended the run).
	Ops int
	// Iterations holds each range's [key, elem] pairs, already JSON, in the
	// order the runtime produced them.
	Iterations [][]string
}

// Print writes the output: the run, the snapshot (two-space indented when
// indent is set, as `mapscope sim --json` prints it), then the extra lines.
func Print(run Run, snap string, indent bool, extra ...string) {
	var b strings.Builder
	b.WriteString(`{"runtime":`)
	String(&b, runtime.Version())
	fmt.Fprintf(&b, `,"ops":%d`, run.Ops)
	if len(run.Iterations) > 0 {
		b.WriteString(`,"iterations":[`)
		for i, it := range run.Iterations {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("[" + strings.Join(it, ",") + "]")
		}
		b.WriteByte(']')
	}
	b.WriteString("}\n")
	if indent {
		var out bytes.Buffer
		if err := json.Indent(&out, []byte(snap), "", "  "); err != nil {
			Fail("internal: bad JSON %v\n%s", err, snap)
		}
		b.Write(out.Bytes())
	} else {
		if !json.Valid([]byte(snap)) {
			Fail("internal: bad JSON\n%s", snap)
		}
		b.WriteString(snap)
	}
	b.WriteByte('\n')
	for _, e := range extra {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	os.Stdout.WriteString(b.String())
}
