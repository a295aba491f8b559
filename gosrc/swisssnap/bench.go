package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// bench times insert, lookup and delete of n int64 keys and n string keys on
// real maps (the same keys the Swiss engine benchmark gives the engine) and prints
// ns/op as JSON.
func bench(n int) {
	ik := make([]int64, n)
	sk := make([]string, n)
	for i := range ik {
		ik[i] = int64(i) * 2654435761
		sk[i] = "key-" + strconv.Itoa(i)
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n) }
	mi := make(map[int64]int64)
	sink = mi
	t := time.Now()
	for i, k := range ik {
		mi[k] = int64(i)
	}
	iIns := per(time.Since(t))
	t = time.Now()
	hits := 0
	for _, k := range ik {
		if _, ok := mi[k]; ok {
			hits++
		}
	}
	iLook := per(time.Since(t))
	t = time.Now()
	for _, k := range ik {
		delete(mi, k)
	}
	iDel := per(time.Since(t))
	ms := make(map[string]int64)
	sink = ms
	t = time.Now()
	for i, k := range sk {
		ms[k] = int64(i)
	}
	sIns := per(time.Since(t))
	t = time.Now()
	for _, k := range sk {
		if _, ok := ms[k]; ok {
			hits++
		}
	}
	sLook := per(time.Since(t))
	t = time.Now()
	for _, k := range sk {
		delete(ms, k)
	}
	sDel := per(time.Since(t))
	if hits != 2*n {
		fail("bench: %d hits of %d", hits, 2*n)
	}
	fmt.Fprintf(os.Stdout, `{"int64":{"insert":%g,"lookup":%g,"delete":%g},"string":{"insert":%g,"lookup":%g,"delete":%g}}`+"\n",
		iIns, iLook, iDel, sIns, sLook, sDel)
}
