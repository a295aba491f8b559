package main

// Struct layouts as the linker wrote them into the probe's own DWARF.
//
// Why DWARF: it is the compiler's own record of every field offset, so the
// runtime headers (hmap, maps.Map, ...) and the compiler-made bucket/group
// structs come out of real Go without us re-deriving a single offset. The
// probe is built without -s/-w, so the debug sections are there; under
// qemu-user os.Executable() names the guest binary.

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"os"
	"strings"
)

// Field is one member of a struct: name, byte offset and byte size.
type Field struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
}

// Struct is a struct layout: total size and members in declaration order.
type Struct struct {
	Size   int64   `json:"size"`
	Fields []Field `json:"fields"`
}

// runtimeStructs are the header structs reported whenever the DWARF has them.
var runtimeStructs = []string{
	"runtime.hmap", "runtime.mapextra", "runtime.bmap", "runtime.hiter",
	"internal/runtime/maps.Map", "internal/runtime/maps.table",
	"internal/runtime/maps.Iter", "internal/runtime/maps.groupsReference",
	"runtime.maptype", "internal/abi.MapType", "internal/abi.OldMapType",
	"internal/abi.SwissMapType",
	"internal/cpu.CacheLinePad",
}

// isMapInternal says whether a DWARF struct name is a compiler-made bucket or group.
func isMapInternal(name string) bool {
	return strings.HasPrefix(name, "noalg.map.bucket[") || strings.HasPrefix(name, "noalg.map.group[")
}

// readDWARFStructs returns every wanted struct (runtimeStructs and every
// bucket/group type) found in the executable's DWARF, by name.
func readDWARFStructs() (map[string]*Struct, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	f, err := elf.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		return nil, fmt.Errorf("%s: %v (build without -ldflags=-w)", exe, err)
	}
	wanted := map[string]bool{}
	for _, n := range runtimeStructs {
		wanted[n] = true
	}
	out := map[string]*Struct{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagStructType {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if !wanted[name] && !isMapInternal(name) {
			continue
		}
		t, err := d.Type(e.Offset)
		if err != nil {
			return nil, fmt.Errorf("DWARF type %s at %#x: %v", name, e.Offset, err)
		}
		st, ok := t.(*dwarf.StructType)
		if !ok {
			return nil, fmt.Errorf("DWARF type %s at %#x is %T, not a struct", name, e.Offset, t)
		}
		s := &Struct{Size: st.ByteSize, Fields: []Field{}}
		for _, m := range st.Field {
			s.Fields = append(s.Fields, Field{Name: m.Name, Offset: m.ByteOffset, Size: m.Type.Size()})
		}
		if prev, dup := out[name]; dup && !sameStruct(prev, s) {
			return nil, fmt.Errorf("DWARF has two different structs named %s", name)
		}
		out[name] = s
	}
	return out, nil
}

func sameStruct(a, b *Struct) bool {
	if a.Size != b.Size || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i] != b.Fields[i] {
			return false
		}
	}
	return true
}

// member finds a struct member by name, or fails.
func (s *Struct) member(structName, name string) Field {
	for _, f := range s.Fields {
		if f.Name == name {
			return f
		}
	}
	fatalf("DWARF struct %s has no member %s", structName, name)
	return Field{}
}
