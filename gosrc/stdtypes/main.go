// Command stdtypes prints, as JSON, the layout the running binary's compiler
// gave to a list of standard-library named types: for each type reachable
// inline from them (through struct fields, array elements and underlying
// types) its size, alignment, and structure with every field's offset.
//
// It reads reflect's view of the type descriptors the compiler wrote, so the
// figures are the compiler's own for this Go version and GOARCH. The list of
// types (roots) is generated per toolchain by scripts/std-types.mjs into a
// Go file of this package from $GOROOT/api/go1*.txt.
package main

import (
	"encoding/json"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
)

// A ref is how one type mentions another: a string for basic types and
// "error", {"named": key} for a named type, or an object for a type literal.
type ref = any

type field struct {
	Name     string `json:"name"`
	Type     ref    `json:"type"`
	Offset   uintptr `json:"offset"`
	Embedded bool   `json:"embedded,omitempty"`
}

type def struct {
	String     string  `json:"string"`
	Size       uintptr `json:"size"`
	Align      uintptr `json:"align"`
	Underlying ref     `json:"underlying"`
}

type output struct {
	Go     string            `json:"go"`
	GOARCH string            `json:"goarch"`
	Roots  map[string]string `json:"roots"`
	Defs   map[string]*def   `json:"defs"`
}

var defs = map[string]*def{}

func key(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

func isNamed(t reflect.Type) bool { return t.Name() != "" && t.PkgPath() != "" }

// refOf names t; inline means t's bytes sit in the containing value, so its
// definition is needed to lay that value out.
func refOf(t reflect.Type, inline bool) ref {
	if t.Name() == "error" && t.PkgPath() == "" {
		return "error"
	}
	if isNamed(t) {
		if inline {
			define(t)
		}
		return map[string]string{"named": key(t)}
	}
	return literal(t, inline)
}

func define(t reflect.Type) {
	k := key(t)
	if _, ok := defs[k]; ok {
		return
	}
	d := &def{String: t.String(), Size: t.Size(), Align: uintptr(t.Align())}
	defs[k] = d // before recursing: a named type cannot contain itself inline
	d.Underlying = literal(t, true)
}

// literal describes t's structure (for a named t: its underlying type's).
func literal(t reflect.Type, inline bool) ref {
	switch t.Kind() {
	case reflect.Ptr:
		return map[string]any{"k": "ptr", "e": refOf(t.Elem(), false)}
	case reflect.Slice:
		return map[string]any{"k": "slice", "e": refOf(t.Elem(), false)}
	case reflect.Array:
		return map[string]any{"k": "array", "n": t.Len(), "e": refOf(t.Elem(), inline)}
	case reflect.Map:
		return map[string]any{"k": "map", "key": refOf(t.Key(), false), "e": refOf(t.Elem(), false)}
	case reflect.Chan:
		dir := map[reflect.ChanDir]string{reflect.BothDir: "both", reflect.SendDir: "send", reflect.RecvDir: "recv"}[t.ChanDir()]
		return map[string]any{"k": "chan", "dir": dir, "e": refOf(t.Elem(), false)}
	case reflect.Func:
		var in, out []ref
		for i := 0; i < t.NumIn(); i++ {
			in = append(in, refOf(t.In(i), false))
		}
		for i := 0; i < t.NumOut(); i++ {
			out = append(out, refOf(t.Out(i), false))
		}
		return map[string]any{"k": "func", "p": in, "r": out, "v": t.IsVariadic()}
	case reflect.Interface:
		methods := []string{}
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			methods = append(methods, m.Name+strings.TrimPrefix(m.Type.String(), "func"))
		}
		sort.Strings(methods)
		return map[string]any{"k": "iface", "m": methods}
	case reflect.Struct:
		fields := []field{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fields = append(fields, field{Name: f.Name, Type: refOf(f.Type, true), Offset: f.Offset, Embedded: f.Anonymous})
		}
		return map[string]any{"k": "struct", "f": fields}
	case reflect.UnsafePointer:
		return "unsafe.Pointer"
	default:
		return t.Kind().String()
	}
}

func main() {
	out := output{Go: runtime.Version(), GOARCH: runtime.GOARCH, Roots: map[string]string{}, Defs: defs}
	for _, r := range roots {
		t := r.typ
		if isNamed(t) {
			define(t)
			out.Roots[r.name] = key(t)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		os.Stderr.WriteString("stdtypes: " + err.Error() + "\n")
		os.Exit(1)
	}
}

type root struct {
	name string // as the API names it: "net/netip.Addr"
	typ  reflect.Type
}
