package snapshot

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Fail prints a one-line error naming the program and exits 2.
func Fail(format string, args ...any) {
	name := "snapshot"
	if len(os.Args) > 0 {
		name = os.Args[0][strings.LastIndexByte(os.Args[0], '/')+1:]
	}
	fmt.Fprintf(os.Stderr, name+": "+format+"\n", args...)
	os.Exit(2)
}

// CheckTarget fails unless the `go` and `arch` the scenario names (if any)
// are this program's.
func (sc *Scenario) CheckTarget() {
	if sc.Arch != "" && sc.Arch != runtime.GOARCH {
		Fail("scenario is for %s, this is %s", sc.Arch, runtime.GOARCH)
	}
	if sc.Go != "" && sc.Go != Release() {
		Fail("scenario is for go %s, this is %s", sc.Go, runtime.Version())
	}
}
