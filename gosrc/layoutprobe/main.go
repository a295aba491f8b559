// Command layoutprobe prints, as JSON, the map layouts the Go toolchain that
// built it really produced: map type descriptors, bucket/group structs,
// hashers, runtime header structs (from DWARF) and growth measured on live
// maps. scripts/layout-fixtures.sh runs it for every toolchain and GOARCH and
// stores the output in test/fixtures/layout/; mapscope's layout model is
// tested against those files.
//
// Nothing here computes a layout: every figure is read from the compiler's
// output (descriptors, reflect's view of the compiler's types, DWARF) or
// measured on the runtime.
//
// Usage: layoutprobe [-compile-errors FILE]
// FILE is a JSON object {"<type expression>": "<compiler message>"} for the
// atomic64 entries that were left out of the build because the compiler
// refused them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
)

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "layoutprobe: "+format+"\n", args...)
	os.Exit(1)
}

// Output is the fixture's top-level object.
type Output struct {
	Go           string             `json:"go"`
	Goarch       string             `json:"goarch"`
	Experiment   string             `json:"experiment"`
	Impl         string             `json:"impl"`
	CacheLinePad int64              `json:"cacheLinePad"`
	Structs      map[string]*Struct `json:"structs"`
	Maps         []*MapInfo         `json:"maps"`
	Growth       *Growth            `json:"growth"`
}

type TypeInfo struct {
	RType string `json:"rtype"`
	Size  uintptr `json:"size"`
	Align int     `json:"align"`
}

type Slot struct {
	Size   uintptr `json:"size"`
	Align  int     `json:"align"`
	Fields []Field `json:"fields"`
}

type Group struct {
	RType  string  `json:"rtype"`
	Size   uintptr `json:"size"`
	Align  int     `json:"align"`
	Fields []Field `json:"fields"`
	Slot   *Slot   `json:"slot,omitempty"`
	// DWARF is the name of the matching DWARF struct (also under "structs"),
	// omitted when the DWARF has none.
	DWARF string `json:"dwarf,omitempty"`
}

type MapInfo struct {
	Type         string      `json:"type"`
	CompileError string      `json:"compileError,omitempty"`
	RType        string      `json:"rtype,omitempty"`
	Key          *TypeInfo   `json:"key,omitempty"`
	Elem         *TypeInfo   `json:"elem,omitempty"`
	Descriptor   *Descriptor `json:"descriptor,omitempty"`
	Hasher       string      `json:"hasher,omitempty"`
	Bucket       *Group      `json:"bucket,omitempty"`
	Group        *Group      `json:"group,omitempty"`
}

func typeInfo(t reflect.Type) *TypeInfo {
	return &TypeInfo{RType: t.String(), Size: t.Size(), Align: t.Align()}
}

func structFields(t reflect.Type) []Field {
	if t.Kind() != reflect.Struct {
		fatalf("%s is %s, not a struct", t, t.Kind())
	}
	fs := []Field{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fs = append(fs, Field{Name: f.Name, Offset: int64(f.Offset), Size: int64(f.Type.Size())})
	}
	return fs
}

// versionAndExperiment splits runtime.Version() ("go1.24.4 X:noswissmap") and
// prefers the build setting GOEXPERIMENT when the binary records it.
func versionAndExperiment() (string, string) {
	v, exp := runtime.Version(), ""
	if i := strings.Index(v, " X:"); i >= 0 {
		v, exp = v[:i], v[i+3:]
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOEXPERIMENT" {
				exp = s.Value
			}
		}
	}
	return v, exp
}

func main() {
	errFile := flag.String("compile-errors", "", "JSON file of compiler messages for atomic64 entries left out of the build")
	flag.Parse()
	compileErrors := map[string]string{}
	if *errFile != "" {
		b, err := os.ReadFile(*errFile)
		if err != nil {
			fatalf("%v", err)
		}
		if err := json.Unmarshal(b, &compileErrors); err != nil {
			fatalf("%s: %v", *errFile, err)
		}
	}

	structs, err := readDWARFStructs()
	if err != nil {
		fatalf("DWARF: %v", err)
	}
	out := &Output{Goarch: runtime.GOARCH, Structs: map[string]*Struct{}}
	out.Go, out.Experiment = versionAndExperiment()
	for _, n := range runtimeStructs {
		if s := structs[n]; s != nil {
			out.Structs[n] = s
		}
	}
	pad := structs["internal/cpu.CacheLinePad"]
	if pad == nil {
		fatalf("DWARF lacks internal/cpu.CacheLinePad")
	}
	out.CacheLinePad = pad.Size

	var layout *descLayout
	used := map[string]bool{}
	for _, p := range probeList() {
		mi := &MapInfo{Type: p.expr}
		out.Maps = append(out.Maps, mi)
		if p.value == nil {
			msg, ok := compileErrors[p.expr]
			if !ok {
				fatalf("%s was left out of the build but -compile-errors has no message for it", p.expr)
			}
			mi.CompileError = msg
			used[p.expr] = true
			continue
		}
		mt := reflect.TypeOf(p.value)
		desc := typeWord(p.value)
		raw := readPrefix(desc)
		mi.RType = mt.String()
		kt, et, gt := asType(raw.key), asType(raw.elem), asType(raw.group)
		if kt != mt.Key() || et != mt.Elem() {
			fatalf("%s: descriptor key/elem %s/%s, reflect says %s/%s", p.expr, kt, et, mt.Key(), mt.Elem())
		}
		mi.Key, mi.Elem = typeInfo(kt), typeInfo(et)
		if layout == nil {
			layout = chooseLayout(gt.String(), structs)
			out.Impl = layout.impl
		}
		if l := chooseImpl(gt.String()); l != layout.impl {
			fatalf("%s: group type %s does not match the %s layout of the other maps", p.expr, gt, layout.impl)
		}
		mi.Descriptor = layout.read(desc)
		fn := runtime.FuncForPC(raw.hasherPC)
		if fn == nil {
			fatalf("%s: hasher PC %#x has no function", p.expr, raw.hasherPC)
		}
		mi.Hasher = fn.Name()

		g := &Group{RType: gt.String(), Size: gt.Size(), Align: gt.Align(), Fields: structFields(gt)}
		if layout.impl == "classic" {
			if uint64(g.Size) != *mi.Descriptor.BucketSize {
				fatalf("%s: descriptor BucketSize %d but bucket type size %d", p.expr, *mi.Descriptor.BucketSize, g.Size)
			}
			mi.Bucket = g
		} else {
			if uint64(g.Size) != *mi.Descriptor.GroupSize {
				fatalf("%s: descriptor GroupSize %d but group type size %d", p.expr, *mi.Descriptor.GroupSize, g.Size)
			}
			f, ok := gt.FieldByName("slots")
			if !ok || f.Type.Kind() != reflect.Array {
				fatalf("%s: group %s has no slots array", p.expr, gt)
			}
			st := f.Type.Elem()
			g.Slot = &Slot{Size: st.Size(), Align: st.Align(), Fields: structFields(st)}
			mi.Group = g
		}
		if name := "noalg." + g.RType; structs[name] != nil {
			ds := structs[name]
			if ds.Size != int64(g.Size) || !sameFields(ds.Fields, g.Fields) {
				fatalf("%s: DWARF %s %+v disagrees with reflect %+v", p.expr, name, ds, g)
			}
			g.DWARF = name
			out.Structs[name] = ds
		}
	}
	for k := range compileErrors {
		if !used[k] {
			fatalf("-compile-errors names %s, which was built", k)
		}
	}

	exerciseMaps()
	if out.Impl == "classic" {
		out.Growth = &Growth{Classic: classicGrowth(structs)}
	} else {
		out.Growth = &Growth{Swiss: swissGrowth(structs)}
	}

	if err := writeJSON(os.Stdout, out); err != nil {
		fatalf("%v", err)
	}
}

func chooseImpl(groupName string) string {
	if strings.HasPrefix(groupName, "map.bucket[") {
		return "classic"
	}
	return "swiss"
}

func sameFields(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// exerciseMaps ranges over and deletes from a map so that the linker keeps the
// iterator code, and with it the iterator structs' DWARF (hiter, maps.Iter).
func exerciseMaps() {
	m := map[int64]int64{1: 1, 2: 2}
	sink = append(sink, m)
	n := 0
	for k := range m {
		n += int(k)
	}
	delete(m, 1)
	if n != 3 || len(m) != 1 {
		fatalf("map sanity check failed")
	}
	sink = nil
}
