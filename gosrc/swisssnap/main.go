// Command swisssnap replays a mapscope scenario on the real Go runtime's
// Swiss table map and prints the map's memory as mapscope's snapshot JSON
// (docs/json.md "sim (Swiss snapshot)"), byte for byte as `mapscope sim
// --json` prints it, so the two can be compared as text.
//
// The map operations run in compiled code with concrete types (one function
// per map type in the generated runners_gen.go), so the compiler picks its
// real code paths: mapassign_fast32/fast64/faststr or the generic one.
//
// Output: line 1 is what the run drew and used — the Go version, whether the
// runtime hashes with AES, the map's seed after make and after every
// re-seed, the process's hash keys; line 2 is the snapshot.
//
// Usage: swisssnap [-indent] [-iter] [-clone] <scenario.json> | swisssnap -bench N
// (-indent prints the snapshot with two-space indentation, the text
// `mapscope sim --json` prints; -iter adds a third line: the iteration
// order of one range over the final map, with the iterator's random start;
// -clone a line: the snapshot of maps.Clone of the final map; -mem a last
// line: the final map's memory as it is, for the checker (mem.go).)
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

type op struct {
	kind       string
	key, value any
}

type scenario struct {
	typ  string
	hint *int
	ops  []op
}

// runners maps a map type's reflect string to its compiled replay.
var runners = map[string]func(*scenario){}

// sink keeps maps on the heap, so the runtime (not the compiler's stack
// allocation) makes them, as for any map that escapes.
var sink any

var indent, iter, cloneFlag, memFlag bool

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "swisssnap: "+format+"\n", args...)
	os.Exit(2)
}

func readScenario(path string) *scenario {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var raw struct {
		Type string  `json:"type"`
		Hint *int    `json:"hint"`
		Ops  [][]any `json:"ops"`
	}
	if err := d.Decode(&raw); err != nil {
		fail("%s: %v", path, err)
	}
	sc := &scenario{typ: raw.Type, hint: raw.Hint}
	for i, o := range raw.Ops {
		if len(o) == 0 {
			fail("ops[%d]: empty", i)
		}
		k, _ := o[0].(string)
		p := op{kind: k}
		if len(o) > 1 {
			p.key = o[1]
		}
		if len(o) > 2 {
			p.value = o[2]
		}
		sc.ops = append(sc.ops, p)
	}
	return sc
}

func main() {
	args := os.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-indent":
			indent = true
		case "-iter":
			iter = true
		case "-clone":
			cloneFlag = true
		case "-mem":
			memFlag = true
		case "-bench":
			if len(args) < 2 {
				fail("-bench needs a key count")
			}
			n, err := strconv.Atoi(args[1])
			if err != nil || n <= 0 {
				fail("-bench: bad key count %q", args[1])
			}
			bench(n)
			return
		default:
			fail("unknown flag %s", args[0])
		}
		args = args[1:]
	}
	if len(args) != 1 {
		fail("usage: swisssnap [-indent] [-iter] scenario.json")
	}
	sc := readScenario(args[0])
	run, ok := runners[canonType(sc.typ)]
	if !ok {
		fail("no compiled runner for %s (regenerate runners_gen.go)", sc.typ)
	}
	run(sc)
}

// canonType normalises spacing so "map[int64]int64" and the reflect string match.
func canonType(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// recorder follows one map through the scenario and prints the result.
type recorder struct {
	m     unsafe.Pointer // *maps.Map
	typ   string
	geo   geometry
	kt    reflect.Type
	et    reflect.Type
	seeds []uintptr
}

func newRecorder(m any) *recorder {
	e := (*[2]unsafe.Pointer)(unsafe.Pointer(&m))
	mt := (*mapTypeTail)(unsafe.Add(e[0], unsafe.Sizeof(abiType{})))
	t := reflect.TypeOf(m)
	r := &recorder{m: e[1], typ: t.String(), geo: geometryOf(mt), kt: t.Key(), et: t.Elem()}
	r.seeds = append(r.seeds, r.header().seed)
	return r
}

func (r *recorder) header() *mapHeader {
	return (*mapHeader)(r.m)
}

// observe records a re-seed (the map emptied by delete, or cleared).
func (r *recorder) observe() {
	if s := r.header().seed; s != r.seeds[len(r.seeds)-1] {
		r.seeds = append(r.seeds, s)
	}
}

func (r *recorder) finish(m any, clone func() any) {
	var b strings.Builder
	b.WriteString(`{"go":`)
	writeString(&b, runtime.Version())
	b.WriteString(`,"arch":`)
	writeString(&b, runtime.GOARCH)
	fmt.Fprintf(&b, `,"useAeshash":%v,"seeds":[`, useAeshash)
	for i, s := range r.seeds {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%d"`, s)
	}
	b.WriteString(`],"hashkey":[`)
	for i, k := range hashkey {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%d"`, k)
	}
	fmt.Fprintf(&b, `],"aeskeysched":"%x"}`, aeskeysched[:])
	b.WriteByte('\n')
	var snap strings.Builder
	r.snapshot(&snap)
	if indent {
		var ind bytes.Buffer
		if err := json.Indent(&ind, []byte(snap.String()), "", "  "); err != nil {
			fail("%v", err)
		}
		b.Write(ind.Bytes())
	} else {
		b.WriteString(snap.String())
	}
	b.WriteByte('\n')
	if iter {
		b.WriteString(iterate(m))
		b.WriteByte('\n')
	}
	if cloneFlag {
		c := clone()
		sink = c
		var cs strings.Builder
		newRecorder(c).snapshot(&cs)
		b.WriteString(cs.String())
		b.WriteByte('\n')
	}
	if memFlag {
		b.WriteString(r.memory())
		b.WriteByte('\n')
	}
	os.Stdout.WriteString(b.String())
}
