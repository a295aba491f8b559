package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// benchNative times insert, lookup and delete of n int64 keys and n string
// keys on real maps (make without a hint, the keys the engine benchmarks use) and
// prints ns/op as JSON: mapsnap -bench <n>.
func benchNative(n int) {
	ik := make([]int64, n)
	sk := make([]string, n)
	for i := range ik {
		ik[i] = int64(i) * 2654435761
		sk[i] = "key-" + strconv.Itoa(i)
	}
	best := func(f func() time.Duration) float64 {
		b := time.Duration(1 << 62)
		for r := 0; r < 3; r++ {
			if d := f(); d < b {
				b = d
			}
		}
		return float64(b.Nanoseconds()) / float64(n)
	}
	var mi map[int64]int64
	var ms map[string]int64
	ins := best(func() time.Duration {
		mi = make(map[int64]int64)
		t := time.Now()
		for i, k := range ik {
			mi[k] = int64(i)
		}
		return time.Since(t)
	})
	var sum int64
	look := best(func() time.Duration {
		t := time.Now()
		for _, k := range ik {
			sum += mi[k]
		}
		return time.Since(t)
	})
	del := best(func() time.Duration {
		m := make(map[int64]int64, len(mi))
		for k, v := range mi {
			m[k] = v
		}
		t := time.Now()
		for _, k := range ik {
			delete(m, k)
		}
		return time.Since(t)
	})
	sins := best(func() time.Duration {
		ms = make(map[string]int64)
		t := time.Now()
		for i, k := range sk {
			ms[k] = int64(i)
		}
		return time.Since(t)
	})
	slook := best(func() time.Duration {
		t := time.Now()
		for _, k := range sk {
			sum += ms[k]
		}
		return time.Since(t)
	})
	sdel := best(func() time.Duration {
		m := make(map[string]int64, len(ms))
		for k, v := range ms {
			m[k] = v
		}
		t := time.Now()
		for _, k := range sk {
			delete(m, k)
		}
		return time.Since(t)
	})
	sink = sum
	fmt.Fprintf(os.Stdout, `{"int64":{"insert":%.1f,"lookup":%.1f,"delete":%.1f},"string":{"insert":%.1f,"lookup":%.1f,"delete":%.1f}}`+"\n",
		ins, look, del, sins, slook, sdel)
}
