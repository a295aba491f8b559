// Command swisssnap replays a mapscope scenario on the real Go runtime's
// Swiss table map and prints the map's memory as mapscope's snapshot JSON
// (docs/json.md "sim (Swiss snapshot)"), byte for byte as `mapscope sim
// --json` prints it, so the two can be compared as text.
//
// The map operations run in compiled code with concrete types (one function
// per map type in the generated runners_gen.go), so the compiler picks its
// real code paths: mapassign_fast32/fast64/faststr or the generic one.
//
// Output: the format it shares with gosrc/mapsnap (gosrc/snapshot,
// docs/json.md "Real-Go snapshot fixtures"): line 1 the run, line 2 the
// snapshot, whose go, arch, experiment and hash fields say what the run drew
// (the map's seed after make and after every re-seed, the process's keys).
//
// Usage: swisssnap [-indent] [-iter] [-clone] [-mem] <scenario.json> | swisssnap -bench N
// (-indent prints the snapshot with two-space indentation, the text
// `mapscope sim --json` prints; -iter adds a line: the iteration order of
// one range over the final map, with the iterator's random start; -clone a
// line: the snapshot of maps.Clone of the final map; -mem a last line: the
// final map's memory as it is, for the checker (mem.go).)
package main

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"mapscope/snapshot"
)

// runners maps a map type's reflect string to its compiled replay.
var runners = map[string]func(*snapshot.Scenario){}

// sink keeps maps on the heap, so the runtime (not the compiler's stack
// allocation) makes them, as for any map that escapes.
var sink any

var indent, iter, cloneFlag, memFlag bool

var fail = snapshot.Fail

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
		fail("usage: swisssnap [-indent] [-iter] [-clone] [-mem] scenario.json")
	}
	sc := snapshot.ReadScenario(args[0])
	run, ok := runners[canonType(sc.Type)]
	if !ok {
		fail("no compiled runner for %s (regenerate runners_gen.go)", sc.Type)
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
	seeds []uint64
}

func newRecorder(m any) *recorder {
	e := (*[2]unsafe.Pointer)(unsafe.Pointer(&m))
	mt := (*mapTypeTail)(unsafe.Add(e[0], unsafe.Sizeof(abiType{})))
	t := reflect.TypeOf(m)
	r := &recorder{m: e[1], typ: t.String(), geo: geometryOf(mt), kt: t.Key(), et: t.Elem()}
	r.seeds = append(r.seeds, uint64(r.header().seed))
	return r
}

func (r *recorder) header() *mapHeader {
	return (*mapHeader)(r.m)
}

// observe records a re-seed (the map emptied by delete, or cleared).
func (r *recorder) observe() {
	if s := uint64(r.header().seed); s != r.seeds[len(r.seeds)-1] {
		r.seeds = append(r.seeds, s)
	}
}

// finish prints the run (every operation ran), the snapshot and the lines
// the flags asked for.
func (r *recorder) finish(sc *snapshot.Scenario, m any, clone func() any) {
	var snap strings.Builder
	r.snapshot(&snap)
	var extra []string
	if iter {
		extra = append(extra, iterate(m))
	}
	if cloneFlag {
		c := clone()
		sink = c
		var cs strings.Builder
		newRecorder(c).snapshot(&cs)
		extra = append(extra, cs.String())
	}
	if memFlag {
		extra = append(extra, r.memory())
	}
	snapshot.Print(snapshot.Run{Ops: len(sc.Ops)}, snap.String(), indent, extra...)
}
