// Command mapcost builds the map shapes of the incidents mapscope's profile
// and gctrace commands explain, so tests can profile and trace it with real
// toolchains:
//
//   - JSON decoding into map[string]interface{} (decode),
//   - a cache map that grows without bound (cache),
//   - a map cleared and refilled in a hot loop (refill).
//
// Flags pick how much work to do and where to write a CPU profile and a heap
// profile. Forced cycles come from -forced calls of runtime.GC(). On exit it
// prints one line of JSON with the runtime's own account of its collections
// (runtime.MemStats, and from runtime/metrics how many stop-the-world pauses
// the collector made), which tests compare with the gctrace lines it caused.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"

	"mapscope/profiles"
)

var (
	rounds = flag.Int("rounds", 200, "rounds of work: each decodes, grows the cache and refills")
	forced = flag.Int("forced", 2, "runtime.GC() calls spread over the run")
	prof   = profiles.Register("cpu", "mem")
)

// doc is one JSON object with a few dozen keys, decoded again and again.
var doc []byte

// cache grows without bound: nothing is ever evicted.
var cache = map[string][]byte{}

// refill is cleared and filled again every round.
var refill = map[int64]int64{}

var sink int

func init() {
	m := map[string]interface{}{}
	for i := 0; i < 40; i++ {
		m["field"+strconv.Itoa(i)] = map[string]interface{}{"id": i, "name": "n" + strconv.Itoa(i), "ok": i%2 == 0}
	}
	doc, _ = json.Marshal(m)
}

func decode() {
	var v map[string]interface{}
	if err := json.Unmarshal(doc, &v); err != nil {
		panic(err)
	}
	sink += len(v)
}

func grow(round int) {
	for i := 0; i < 200; i++ {
		cache["k"+strconv.Itoa(round)+"/"+strconv.Itoa(i)] = make([]byte, 64)
	}
	if _, ok := cache["k0/0"]; ok {
		sink++
	}
}

func clearAndRefill() {
	for k := range refill {
		delete(refill, k) // compiled to a map clear
	}
	for i := int64(0); i < 4096; i++ {
		refill[i*7] = i
	}
	for k, v := range refill {
		sink += int(k ^ v)
	}
}

func main() {
	flag.Parse()
	prof.Start()
	every := *rounds + 1
	if *forced > 0 {
		every = *rounds / (*forced + 1)
	}
	gcs := 0
	for r := 0; r < *rounds; r++ {
		for i := 0; i < 20; i++ {
			decode()
		}
		grow(r)
		clearAndRefill()
		if r > 0 && r%every == 0 && gcs < *forced {
			runtime.GC()
			gcs++
		}
	}
	for gcs < *forced {
		runtime.GC()
		gcs++
	}
	prof.Stop()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	n := ms.NumGC
	if n > 256 {
		n = 256
	}
	pauses := make([]uint64, 0, n)
	for i := uint32(0); i < n; i++ {
		pauses = append(pauses, ms.PauseNs[(ms.NumGC-n+i)%256])
	}
	// Every stop-the-world pause of the collector, one sample each (recorded
	// where the world restarts): two per cycle, more when mark termination
	// restarted (runtime/mgc.go, gcMarkDone, issue 27993).
	stw := []metrics.Sample{{Name: "/gc/pauses:seconds"}}
	metrics.Read(stw)
	var gcPauses uint64
	for _, n := range stw[0].Value.Float64Histogram().Counts {
		gcPauses += n
	}
	out, _ := json.Marshal(map[string]interface{}{
		"numGC":       ms.NumGC,
		"numForcedGC": ms.NumForcedGC,
		"gomaxprocs":  runtime.GOMAXPROCS(0),
		"pauseNs":     pauses,
		"gcPauses":    gcPauses,
		"sink":        sink,
	})
	fmt.Println(string(out))
}
