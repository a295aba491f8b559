// Package profiles gives the profiled probes (gosrc/mapcost, gosrc/mapattr,
// gosrc/mapcontend) their profiling flags, one way: -cpuprofile, -memprofile
// (every allocation sampled), -blockprofile (every blocking event) and
// -mutexprofile (every contention), each a file runtime/pprof writes.
package profiles

import (
	"flag"
	"os"
	"runtime"
	"runtime/pprof"
)

// Flags are the profiles a probe offers, and the files asked for.
type Flags struct {
	cpu, mem, block, mutex *string
	cpuFile                *os.File
	// GCBeforeHeap collects garbage before the heap profile is written, so
	// its in-use figures are those of a finished cycle (the runtime publishes
	// heap profile data at the end of a GC).
	GCBeforeHeap bool
}

// Register declares the flags of the given kinds: "cpu", "mem", "block", "mutex".
func Register(kinds ...string) *Flags {
	f := &Flags{}
	for _, k := range kinds {
		switch k {
		case "cpu":
			f.cpu = flag.String("cpuprofile", "", "write a CPU profile here")
		case "mem":
			f.mem = flag.String("memprofile", "", "write a heap profile here (every allocation sampled)")
		case "block":
			f.block = flag.String("blockprofile", "", "write a block profile here (every blocking event sampled)")
		case "mutex":
			f.mutex = flag.String("mutexprofile", "", "write a mutex profile here (every contention sampled)")
		default:
			panic("profiles: unknown kind " + k)
		}
	}
	return f
}

func wanted(s *string) bool { return s != nil && *s != "" }

// Start sets the sampling rates and starts the CPU profile; call it after flag.Parse.
func (f *Flags) Start() {
	if wanted(f.mem) {
		runtime.MemProfileRate = 1
	}
	if f.block != nil {
		runtime.SetBlockProfileRate(1)
	}
	if f.mutex != nil {
		runtime.SetMutexProfileFraction(1)
	}
	if wanted(f.cpu) {
		out, err := os.Create(*f.cpu)
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			panic(err)
		}
		f.cpuFile = out
	}
}

// Stop ends the CPU profile and writes the other profiles asked for.
func (f *Flags) Stop() {
	if f.cpuFile != nil {
		pprof.StopCPUProfile()
		if err := f.cpuFile.Close(); err != nil {
			panic(err)
		}
		f.cpuFile = nil
	}
	if wanted(f.mem) {
		if f.GCBeforeHeap {
			runtime.GC()
		}
		write("allocs", *f.mem)
	}
	if wanted(f.block) {
		write("block", *f.block)
	}
	if wanted(f.mutex) {
		write("mutex", *f.mutex)
	}
}

func write(profile, file string) {
	out, err := os.Create(file)
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup(profile).WriteTo(out, 0); err != nil {
		panic(err)
	}
	if err := out.Close(); err != nil {
		panic(err)
	}
}
