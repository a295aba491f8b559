package snapshot

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unsafe"
)

// Scenario is a mapscope scenario (docs/scenario.md) as the programs replay it.
type Scenario struct {
	Go, Arch, Experiment, Type string
	Hint                       *int
	Ops                        []Op
	// Stop "samesize": end the run after the operation that starts a
	// same-size grow; "noverflow=N": after the one that makes noverflow reach
	// N (classic only).
	Stop string
}

// Op is one operation; Key and Value are the scenario's JSON values
// (numbers as json.Number), built into Go values by Set.
type Op struct {
	Kind       string
	Key, Value any
}

// ReadScenario reads a scenario file. Its `go` and `arch` are read, not
// checked (swisssnap replays one scenario file on every target; mapsnap
// calls CheckTarget).
func ReadScenario(path string) *Scenario {
	data, err := os.ReadFile(path)
	if err != nil {
		Fail("%v", err)
	}
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	var raw struct {
		Go         string  `json:"go"`
		Arch       string  `json:"arch"`
		Experiment string  `json:"experiment"`
		Type       string  `json:"type"`
		Hint       *int    `json:"hint"`
		Ops        [][]any `json:"ops"`
		Stop       string  `json:"stop"`
	}
	if err := d.Decode(&raw); err != nil {
		Fail("%s: %v", path, err)
	}
	sc := &Scenario{Go: raw.Go, Arch: raw.Arch, Experiment: raw.Experiment, Type: raw.Type, Hint: raw.Hint, Stop: raw.Stop}
	for i, o := range raw.Ops {
		if len(o) == 0 {
			Fail("ops[%d]: empty", i)
		}
		k, ok := o[0].(string)
		if !ok {
			Fail("ops[%d]: the operation is not a string", i)
		}
		op := Op{Kind: k}
		if len(o) > 1 {
			op.Key = o[1]
		}
		if len(o) > 2 {
			op.Value = o[2]
		}
		sc.Ops = append(sc.Ops, op)
	}
	return sc
}

// As builds a T from a scenario's JSON value.
func As[T any](v any) T {
	var x T
	Set(unsafe.Pointer(&x), reflect.TypeOf(&x).Elem(), v)
	return x
}

// Set stores the scenario's JSON value v at p as a value of type t (the
// inverse of Value; unexported struct fields are set through p).
func Set(p unsafe.Pointer, t reflect.Type, v any) {
	switch t.Kind() {
	case reflect.Bool:
		x, ok := v.(bool)
		if !ok {
			Fail("expected a bool, got %v", v)
		}
		*(*bool)(p) = x
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		n, err := strconv.ParseInt(numText(v), 10, 64)
		if err != nil {
			Fail("bad integer %v", v)
		}
		e := reflect.NewAt(t, p).Elem()
		if e.OverflowInt(n) {
			Fail("%d does not fit %s", n, t)
		}
		e.SetInt(n)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Uintptr:
		n, err := strconv.ParseUint(numText(v), 10, 64)
		if err != nil {
			Fail("bad unsigned integer %v", v)
		}
		e := reflect.NewAt(t, p).Elem()
		if e.OverflowUint(n) {
			Fail("%d does not fit %s", n, t)
		}
		e.SetUint(n)
	case reflect.Float32, reflect.Float64:
		reflect.NewAt(t, p).Elem().SetFloat(floatOf(v))
	case reflect.Complex64, reflect.Complex128:
		a := list(v, 2)
		reflect.NewAt(t, p).Elem().SetComplex(complex(floatOf(a[0]), floatOf(a[1])))
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			Fail("expected a string, got %v", v)
		}
		*(*string)(p) = s
	case reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		if numText(v) != "0" {
			Fail("only nil (0) pointers can be made from JSON")
		}
	case reflect.Array:
		a := list(v, t.Len())
		for i := 0; i < t.Len(); i++ {
			Set(unsafe.Add(p, uintptr(i)*t.Elem().Size()), t.Elem(), a[i])
		}
	case reflect.Struct:
		o, ok := v.(map[string]any)
		if !ok {
			Fail("expected an object for %s, got %v", t, v)
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Name == "_" {
				continue
			}
			Set(unsafe.Add(p, f.Offset), f.Type, o[f.Name])
		}
	default:
		Fail("cannot build a value of type %s", t)
	}
}

func list(v any, n int) []any {
	a, ok := v.([]any)
	if !ok || len(a) != n {
		Fail("expected an array of %d, got %v", n, v)
	}
	return a
}

func numText(v any) string {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case string:
		return strings.TrimSpace(x)
	}
	Fail("expected an integer, got %v", v)
	return ""
}

func floatOf(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil {
			Fail("bad number %v", v)
		}
		return f
	case string:
		switch x {
		case "NaN":
			return math.NaN()
		case "+Inf", "Inf":
			return math.Inf(1)
		case "-Inf":
			return math.Inf(-1)
		case "-0":
			return math.Copysign(0, -1)
		}
	}
	Fail("expected a float, got %v", v)
	return 0
}
