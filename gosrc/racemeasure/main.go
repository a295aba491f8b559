// Command racemeasure runs a `mapscope race` scenario on a real Go map, in
// real goroutines, trial after trial, and says how each trial ended. It is
// the measured side of `mapscope race --measure` (src/race/measure.ts drives
// it; docs/race.md, "Measured on real Go", describes the design).
//
// One trial: a fresh map (make with the scenario's hint), the "setup"
// operations on one goroutine, then one goroutine per entry of "goroutines"
// (the first is the main goroutine itself). They meet at a spin barrier (an
// atomic counter each one bumps, then spins on until all have arrived) so
// their operations start within a cache-line transfer of each other, and run
// their operations on the one map. GOMAXPROCS is at least 2 and at least the
// number of goroutines.
//
// `fatal error: concurrent map writes` is not a panic: it kills the process.
// So a process runs trials -from..-to in a row and prints one line per trial
// that ended cleanly; when the runtime kills it, the driver knows the trial
// that died (the one after the last line), reads the message from stderr, and
// starts a new process at the next trial. Most trials end cleanly, so most
// trials cost no process start.
//
// A trial that ends cleanly is judged by this program on the real map:
// range's count agrees with len, no key comes twice, every key range yields
// is found by lookup with the same value, and the contents are those of some
// serial order (each operation whole, each goroutine's operations in order —
// every such order is replayed here on a plain map, single-threaded, once at
// start). A trial failing any of these is "corrupt", and the process stops
// after it (a corrupt map must not be mistaken for a later trial's).
//
// With -core K (and with -core-corrupt, for a trial judged corrupt), the process keeps the trial's map in the global main.raceI64 or
// main.raceStr after judging it and aborts with the "crash" traceback level,
// so the kernel (or qemu-user) writes a core that `mapscope check --core`
// checks structurally.
//
// Output, one line each, to stdout written unbuffered:
//
//	H {"go":"go1.22.12","goarch":"amd64","gomaxprocs":2,"goroutines":2,"serialStates":1}
//	R <trial> benign <overlap 0|1> <start skew ns>
//	R <trial> corrupt <overlap 0|1> <start skew ns> "<reason>"
//	C <trial>          (the core of this trial follows)
//	E <trials run>
//
// Usage: racemeasure -from N -to M [-core K] [-core-corrupt] <scenario.json>
// Exit 2 with one line on stderr for a scenario it cannot run.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type rawOp = []json.RawMessage

type scenario struct {
	Type       string    `json:"type"`
	Hint       *int      `json:"hint"`
	Setup      []rawOp   `json:"setup"`
	Goroutines [][]rawOp `json:"goroutines"`
}

// An operation on a map[K]int64.
type op[K comparable] struct {
	kind byte // 'i' insert, 'd' delete, 'l' lookup, 'c' clear, 'r' range
	k    K
	v    int64
}

// The maps a core is taken of: globals, so `mapscope check --core` finds them by name.
var (
	raceI64 map[int64]int64
	raceStr map[string]int64
)

// sink keeps lookups and ranges from being optimised away.
var sink int64

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "racemeasure: "+format+"\n", args...)
	os.Exit(2)
}

func say(line string) {
	// Unbuffered on purpose: a line not written before the runtime kills the
	// process would move the blame to the wrong trial.
	if _, err := os.Stdout.WriteString(line + "\n"); err != nil {
		os.Exit(3)
	}
}

// ------------------------------------------------- the concrete map code
//
// Each map type has its own non-generic make and apply, so the compiler calls
// the runtime's real entry points for it (mapassign_fast64, mapassign_faststr,
// their Swiss counterparts) exactly as an ordinary program would.

func makeI64(hint int) map[int64]int64 {
	if hint < 0 {
		return make(map[int64]int64)
	}
	return make(map[int64]int64, hint)
}

func applyI64(m map[int64]int64, ops []op[int64]) {
	for _, o := range ops {
		switch o.kind {
		case 'i':
			m[o.k] = o.v
		case 'd':
			delete(m, o.k)
		case 'l':
			sink += m[o.k]
		case 'c':
			clear(m)
		case 'r':
			for k, v := range m {
				sink += k + v
			}
		}
	}
}

func makeStr(hint int) map[string]int64 {
	if hint < 0 {
		return make(map[string]int64)
	}
	return make(map[string]int64, hint)
}

func applyStr(m map[string]int64, ops []op[string]) {
	for _, o := range ops {
		switch o.kind {
		case 'i':
			m[o.k] = o.v
		case 'd':
			delete(m, o.k)
		case 'l':
			sink += m[o.k]
		case 'c':
			clear(m)
		case 'r':
			for k, v := range m {
				sink += int64(len(k)) + v
			}
		}
	}
}

// ------------------------------------------------------------ parsing

func parseI64(raw json.RawMessage) (int64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strconv.ParseInt(s, 10, 64)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, err
	}
	return strconv.ParseInt(n.String(), 10, 64)
}

func parseStr(raw json.RawMessage) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func parseOps[K comparable](raws []rawOp, key func(json.RawMessage) (K, error), where string) []op[K] {
	out := make([]op[K], 0, len(raws))
	for i, r := range raws {
		at := fmt.Sprintf("%s[%d]", where, i)
		if len(r) == 0 {
			fail("%s: empty operation", at)
		}
		var name string
		if json.Unmarshal(r[0], &name) != nil {
			fail("%s[0]: expected an operation name", at)
		}
		arity := map[string]int{"insert": 3, "delete": 2, "lookup": 2, "clear": 1, "iterate": 2}[name]
		if arity == 0 {
			fail("%s[0]: unknown operation %q", at, name)
		}
		if len(r) != arity {
			fail("%s: %s takes %d argument(s)", at, name, arity-1)
		}
		o := op[K]{kind: map[string]byte{"insert": 'i', "delete": 'd', "lookup": 'l', "clear": 'c', "iterate": 'r'}[name]}
		if arity >= 2 && name != "iterate" {
			k, err := key(r[1])
			if err != nil {
				fail("%s[1]: bad key: %v", at, err)
			}
			o.k = k
		}
		if arity == 3 {
			v, err := parseI64(r[2])
			if err != nil {
				fail("%s[2]: bad value: %v", at, err)
			}
			o.v = v
		}
		out = append(out, o)
	}
	return out
}

// ------------------------------------------------------------ judging

// state is a map's contents as one canonical string, keys sorted.
func state[K comparable](m map[K]int64, less func(a, b K) bool, show func(K) string) string {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(show(k))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(m[k], 10))
		b.WriteByte(' ')
	}
	return b.String()
}

type machine[K comparable] struct {
	hint  int
	setup []op[K]
	gs    [][]op[K]
	mk    func(int) map[K]int64
	apply func(map[K]int64, []op[K])
	less  func(a, b K) bool
	show  func(K) string
	keep  func(map[K]int64)

	serial map[string]bool // end states of every serial order
	always map[K]bool      // keys every serial end state holds
	ever   map[K]bool      // keys some serial end state holds
	nodes  int
}

// Most distinct (progress, contents) nodes explored for the serial end states.
const maxSerialNodes = 200000

// serialStates finds the end state of every serial order of the goroutines'
// operations (each operation whole, each goroutine's in program order) by
// replaying them on plain maps, single-threaded. Orders that reach the same
// contents at the same progress of every goroutine are explored once, so
// goroutines on disjoint keys cost the product of their lengths, not the
// number of orders.
func (mc *machine[K]) serialStates() {
	type node struct {
		pos []int
		m   map[K]int64
	}
	copyOf := func(m map[K]int64) map[K]int64 {
		c := mc.mk(len(m))
		for k, v := range m {
			c[k] = v
		}
		return c
	}
	mc.serial = map[string]bool{}
	mc.ever = map[K]bool{}
	first := true
	m0 := mc.mk(mc.hint)
	mc.apply(m0, mc.setup)
	seen := map[string]bool{}
	work := []node{{pos: make([]int, len(mc.gs)), m: m0}}
	for len(work) > 0 {
		n := work[len(work)-1]
		work = work[:len(work)-1]
		done := true
		for g := range mc.gs {
			if n.pos[g] == len(mc.gs[g]) {
				continue
			}
			done = false
			m := copyOf(n.m)
			mc.apply(m, mc.gs[g][n.pos[g]:n.pos[g]+1])
			pos := append([]int(nil), n.pos...)
			pos[g]++
			id := fmt.Sprint(pos) + state(m, mc.less, mc.show)
			if seen[id] {
				continue
			}
			seen[id] = true
			mc.nodes++
			if mc.nodes > maxSerialNodes {
				fail("more than %d distinct serial states to explore: too many to judge end states against", maxSerialNodes)
			}
			work = append(work, node{pos, m})
		}
		if !done {
			continue
		}
		mc.serial[state(n.m, mc.less, mc.show)] = true
		for k := range n.m {
			mc.ever[k] = true
		}
		if first {
			mc.always = map[K]bool{}
			for k := range n.m {
				mc.always[k] = true
			}
			first = false
		} else {
			for k := range mc.always {
				if _, ok := n.m[k]; !ok {
					delete(mc.always, k)
				}
			}
		}
	}
}

// judge returns "" for a map some serial order also leaves, else why not.
func (mc *machine[K]) judge(m map[K]int64) string {
	seen := map[K]int64{}
	n := 0
	for k, v := range m {
		n++
		if _, dup := seen[k]; dup {
			return "range yields key " + mc.show(k) + " twice"
		}
		seen[k] = v
	}
	if n != len(m) {
		return fmt.Sprintf("len(m) is %d but range yields %d entries", len(m), n)
	}
	for k, v := range seen {
		got, ok := m[k]
		if !ok {
			return "range yields key " + mc.show(k) + " but lookup does not find it"
		}
		if got != v {
			return fmt.Sprintf("key %s: range yields %d, lookup %d", mc.show(k), v, got)
		}
	}
	if mc.serial[state(m, mc.less, mc.show)] {
		return ""
	}
	for k := range mc.always {
		if _, ok := seen[k]; !ok {
			return "lost key " + mc.show(k) + " (every serial order keeps it)"
		}
	}
	for k := range seen {
		if !mc.ever[k] {
			return "key " + mc.show(k) + " is in no serial order's end state"
		}
	}
	return "end state {" + strings.TrimSpace(state(m, mc.less, mc.show)) + "} is no serial order's"
}

// start is the clock's origin: trials time their goroutines from it (monotonic).
var start = time.Now()

// trial runs the goroutines once on a fresh map and returns it, with how
// the goroutines' operations overlapped in time: whether every goroutine's
// operations began before any had ended, and the spread of their starts.
// (Reading the clock costs tens of nanoseconds natively, more under qemu.)
func (mc *machine[K]) trial() (m map[K]int64, overlap bool, skew time.Duration) {
	m = mc.mk(mc.hint)
	mc.apply(m, mc.setup)
	n := int32(len(mc.gs))
	began := make([]time.Duration, n)
	ended := make([]time.Duration, n)
	var arrived atomic.Int32
	var wg sync.WaitGroup
	for g := 1; g < len(mc.gs); g++ {
		wg.Add(1)
		go func(g int, ops []op[K]) {
			defer wg.Done()
			arrived.Add(1)
			for arrived.Load() < n {
			}
			began[g] = time.Since(start)
			mc.apply(m, ops)
			ended[g] = time.Since(start)
		}(g, mc.gs[g])
	}
	arrived.Add(1)
	for arrived.Load() < n {
	}
	began[0] = time.Since(start)
	mc.apply(m, mc.gs[0])
	ended[0] = time.Since(start)
	wg.Wait()
	lastBegan, firstBegan, firstEnded := began[0], began[0], ended[0]
	for g := range began {
		lastBegan = max(lastBegan, began[g])
		firstBegan = min(firstBegan, began[g])
		firstEnded = min(firstEnded, ended[g])
	}
	return m, lastBegan < firstEnded, lastBegan - firstBegan
}

func (mc *machine[K]) run(from, to, coreAt int, coreCorrupt bool) {
	mc.serialStates()
	procs := runtime.GOMAXPROCS(0)
	say(fmt.Sprintf(`H {"go":%q,"goarch":%q,"gomaxprocs":%d,"goroutines":%d,"serialStates":%d}`,
		runtime.Version(), runtime.GOARCH, procs, len(mc.gs), len(mc.serial)))
	for i := from; i < to; i++ {
		m, overlap, skew := mc.trial()
		why := mc.judge(m)
		timing := fmt.Sprintf("%d %d", b2i(overlap), skew.Nanoseconds())
		if why == "" {
			say(fmt.Sprintf("R %d benign %s", i, timing))
		} else {
			if len(why) > 300 {
				why = why[:300] + "..."
			}
			say(fmt.Sprintf("R %d corrupt %s %s", i, timing, strconv.Quote(why)))
		}
		if i == coreAt || (why != "" && coreCorrupt) {
			mc.keep(m)
			say(fmt.Sprintf("C %d", i))
			dumpCore()
		}
		if why != "" {
			say(fmt.Sprintf("E %d", i+1-from))
			return
		}
	}
	say(fmt.Sprintf("E %d", to-from))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dumpCore aborts so that a core is written: the "crash" traceback level
// makes the runtime raise SIGABRT, and the core size limit is lifted here.
func dumpCore() {
	lim := syscall.Rlimit{Cur: ^uint64(0), Max: ^uint64(0)}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &lim); err != nil {
		var cur syscall.Rlimit
		if syscall.Getrlimit(syscall.RLIMIT_CORE, &cur) == nil {
			cur.Cur = cur.Max
			_ = syscall.Setrlimit(syscall.RLIMIT_CORE, &cur)
		}
	}
	debug.SetTraceback("crash")
	panic("racemeasure: core of the kept map")
}

func main() {
	from := flag.Int("from", 0, "first trial number")
	to := flag.Int("to", 1, "trial number to stop before")
	coreAt := flag.Int("core", -1, "trial whose map to dump in a core (aborting)")
	coreCorrupt := flag.Bool("core-corrupt", false, "dump a core of every map judged corrupt")
	flag.Parse()
	if flag.NArg() != 1 || *from < 0 || *to < *from {
		fail("usage: racemeasure -from N -to M [-core K] <scenario.json>")
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail("%v", err)
	}
	var sc scenario
	if err := json.Unmarshal(data, &sc); err != nil {
		fail("%s: %v", flag.Arg(0), err)
	}
	if len(sc.Goroutines) < 2 {
		fail("%s: goroutines: a race needs at least two goroutines", flag.Arg(0))
	}
	if runtime.GOMAXPROCS(0) < len(sc.Goroutines) {
		runtime.GOMAXPROCS(len(sc.Goroutines))
	}
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	hint := -1
	if sc.Hint != nil {
		hint = *sc.Hint
	}
	switch strings.ReplaceAll(sc.Type, " ", "") {
	case "map[int64]int64":
		mc := &machine[int64]{hint: hint, mk: makeI64, apply: applyI64,
			less: func(a, b int64) bool { return a < b },
			show: func(k int64) string { return strconv.FormatInt(k, 10) },
			keep: func(m map[int64]int64) { raceI64 = m }}
		mc.setup = parseOps(sc.Setup, parseI64, "setup")
		for g, ops := range sc.Goroutines {
			mc.gs = append(mc.gs, parseOps(ops, parseI64, fmt.Sprintf("goroutines[%d]", g)))
		}
		mc.run(*from, *to, *coreAt, *coreCorrupt)
	case "map[string]int64":
		mc := &machine[string]{hint: hint, mk: makeStr, apply: applyStr,
			less: func(a, b string) bool { return a < b },
			show: strconv.Quote,
			keep: func(m map[string]int64) { raceStr = m }}
		mc.setup = parseOps(sc.Setup, parseStr, "setup")
		for g, ops := range sc.Goroutines {
			mc.gs = append(mc.gs, parseOps(ops, parseStr, fmt.Sprintf("goroutines[%d]", g)))
		}
		mc.run(*from, *to, *coreAt, *coreCorrupt)
	default:
		fail("%s: type: racemeasure runs map[int64]int64 and map[string]int64, not %q", flag.Arg(0), sc.Type)
	}
}
