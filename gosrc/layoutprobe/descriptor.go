package main

// Reading the map type descriptor the compiler emitted, with unsafe.
//
// A map value in an interface gives the descriptor pointer as the interface's
// type word. Every descriptor starts with the abi.Type header (4 words + 16
// bytes: 48 on 64-bit, 32 on 32-bit) followed by Key, Elem, Bucket|Group and
// Hasher pointers; what follows depends on the implementation:
//
//	classic (1.14-1.23, 1.24 noswissmap; runtime.maptype, abi.MapType, abi.OldMapType):
//	        KeySize u8, ValueSize u8, BucketSize u16, Flags u32
//	swiss 1.24-1.26 (abi.SwissMapType, abi.MapType in 1.26):
//	        GroupSize, SlotSize, ElemOff uintptr, Flags u32
//	swiss 1.27 (abi.MapType): GroupSize, KeysOff, KeyStride, ElemsOff,
//	        ElemStride, ElemOff uintptr, Flags u32
//
// (docs/binary-format.md §5, and each toolchain's
// src/internal/abi and runtime/type.go.) The offsets below are those; they are
// then checked member by member against the descriptor struct in DWARF, so a
// toolchain whose struct differs stops the probe instead of giving wrong data.

import (
	"fmt"
	"reflect"
	"strings"
	"unsafe"
)

const ptrSize = unsafe.Sizeof(uintptr(0))

// descField is one descriptor field: its JSON name, the names the toolchains
// give it, and its byte size (0 = pointer-sized).
type descField struct {
	json  string
	names []string
	size  uintptr
}

var (
	descPrefix = []descField{
		{"", []string{"Key", "key"}, 0},
		{"", []string{"Elem", "elem"}, 0},
		{"", []string{"Bucket", "bucket", "Group"}, 0},
		{"", []string{"Hasher", "hasher"}, 0},
	}
	descClassic = []descField{
		{"keySize", []string{"KeySize", "keysize"}, 1},
		{"elemSize", []string{"ValueSize", "elemsize"}, 1},
		{"bucketSize", []string{"BucketSize", "bucketsize"}, 2},
		{"flags", []string{"Flags", "flags"}, 4},
	}
	descSwiss = []descField{
		{"groupSize", []string{"GroupSize"}, 0},
		{"slotSize", []string{"SlotSize"}, 0},
		{"elemOff", []string{"ElemOff"}, 0},
		{"flags", []string{"Flags"}, 4},
	}
	descSwiss127 = []descField{
		{"groupSize", []string{"GroupSize"}, 0},
		{"keysOff", []string{"KeysOff"}, 0},
		{"keyStride", []string{"KeyStride"}, 0},
		{"elemsOff", []string{"ElemsOff"}, 0},
		{"elemStride", []string{"ElemStride"}, 0},
		{"elemOff", []string{"ElemOff"}, 0},
		{"flags", []string{"Flags"}, 4},
	}
)

// Descriptor holds the fields after Hasher; which ones are set depends on the layout.
type Descriptor struct {
	KeySize    *uint64 `json:"keySize,omitempty"`
	ElemSize   *uint64 `json:"elemSize,omitempty"`
	BucketSize *uint64 `json:"bucketSize,omitempty"`
	GroupSize  *uint64 `json:"groupSize,omitempty"`
	SlotSize   *uint64 `json:"slotSize,omitempty"`
	KeysOff    *uint64 `json:"keysOff,omitempty"`
	KeyStride  *uint64 `json:"keyStride,omitempty"`
	ElemsOff   *uint64 `json:"elemsOff,omitempty"`
	ElemStride *uint64 `json:"elemStride,omitempty"`
	ElemOff    *uint64 `json:"elemOff,omitempty"`
	Flags      uint64  `json:"flags"`
}

func (d *Descriptor) set(name string, v uint64) {
	p := &v
	switch name {
	case "keySize":
		d.KeySize = p
	case "elemSize":
		d.ElemSize = p
	case "bucketSize":
		d.BucketSize = p
	case "groupSize":
		d.GroupSize = p
	case "slotSize":
		d.SlotSize = p
	case "keysOff":
		d.KeysOff = p
	case "keyStride":
		d.KeyStride = p
	case "elemsOff":
		d.ElemsOff = p
	case "elemStride":
		d.ElemStride = p
	case "elemOff":
		d.ElemOff = p
	case "flags":
		d.Flags = v
	default:
		fatalf("unknown descriptor field %s", name)
	}
}

// descLayout is the chosen layout with the offset of every field.
type descLayout struct {
	impl   string // "classic" or "swiss"
	name   string // DWARF name of the descriptor struct
	fields []descField
	offs   []uintptr // offsets of descPrefix then fields
}

// headerSize is the size of abi.Type (runtime._type in 1.19).
const headerSize = 4*ptrSize + 16

// chooseLayout picks the descriptor layout from the name of a map's third
// pointer (map.bucket[ or map.group[) and the descriptor struct in DWARF, and
// checks the offsets against that struct.
func chooseLayout(groupName string, structs map[string]*Struct) *descLayout {
	l := &descLayout{}
	var candidates []string
	switch {
	case strings.HasPrefix(groupName, "map.bucket["):
		l.impl = "classic"
		l.fields = descClassic
		candidates = []string{"internal/abi.OldMapType", "internal/abi.MapType", "runtime.maptype"}
	case strings.HasPrefix(groupName, "map.group["):
		l.impl = "swiss"
		l.fields = descSwiss
		candidates = []string{"internal/abi.SwissMapType", "internal/abi.MapType"}
	default:
		fatalf("descriptor's third pointer is %q, neither map.bucket[ nor map.group[", groupName)
	}
	var ds *Struct
	for _, c := range candidates {
		if s := structs[c]; s != nil && hasMember(s, l.fields[0].names) {
			l.name, ds = c, s
			break
		}
	}
	if ds == nil {
		fatalf("no %s map descriptor struct in DWARF (looked for %v)", l.impl, candidates)
	}
	if l.impl == "swiss" && hasMember(ds, []string{"KeysOff"}) {
		l.fields = descSwiss127
	}
	all := append(append([]descField{}, descPrefix...), l.fields...)
	off := headerSize
	for _, f := range all {
		size := f.size
		if size == 0 {
			size = ptrSize
		}
		off = (off + size - 1) &^ (size - 1)
		l.offs = append(l.offs, off)
		// Check against DWARF: the member must exist with this offset and size.
		m, ok := findMember(ds, f.names)
		if !ok {
			fatalf("%s in DWARF lacks %v", l.name, f.names)
		}
		if uintptr(m.Offset) != off || uintptr(m.Size) != size {
			fatalf("%s.%s: DWARF says offset %d size %d, expected %d/%d", l.name, m.Name, m.Offset, m.Size, off, size)
		}
		off += size
	}
	if int64((off+ptrSize-1)&^(ptrSize-1)) != ds.Size {
		fatalf("%s: DWARF size %d, expected %d", l.name, ds.Size, off)
	}
	if len(ds.Fields) != len(all)+1 {
		fatalf("%s: DWARF has %d members, expected %d", l.name, len(ds.Fields), len(all)+1)
	}
	return l
}

func findMember(s *Struct, names []string) (Field, bool) {
	for _, f := range s.Fields {
		for _, n := range names {
			if f.Name == n {
				return f, true
			}
		}
	}
	return Field{}, false
}

func hasMember(s *Struct, names []string) bool { _, ok := findMember(s, names); return ok }

// rawDesc is what the probe read from one descriptor.
type rawDesc struct {
	key, elem, group unsafe.Pointer // *abi.Type
	hasherPC         uintptr
}

// typeWord returns the type word of an interface holding v: the descriptor.
func typeWord(v any) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[0]
}

// asType turns an *abi.Type into a reflect.Type by building an interface whose
// type word is that pointer (the data word is never used by reflect.TypeOf).
func asType(t unsafe.Pointer) reflect.Type {
	var e any
	(*[2]unsafe.Pointer)(unsafe.Pointer(&e))[0] = t
	return reflect.TypeOf(e)
}

func readPrefix(desc unsafe.Pointer) rawDesc {
	w := func(i uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Add(desc, headerSize+i*ptrSize)) }
	r := rawDesc{key: w(0), elem: w(1), group: w(2)}
	fn := w(3) // func value: pointer to a funcval whose first word is the code PC
	if fn == nil {
		fatalf("descriptor at %p has no hasher", desc)
	}
	r.hasherPC = *(*uintptr)(fn)
	return r
}

func readUint(p unsafe.Pointer, off, size uintptr) uint64 {
	q := unsafe.Add(p, off)
	switch size {
	case 1:
		return uint64(*(*uint8)(q))
	case 2:
		return uint64(*(*uint16)(q))
	case 4:
		return uint64(*(*uint32)(q))
	case 8:
		return *(*uint64)(q)
	}
	panic(fmt.Sprintf("readUint size %d", size))
}

func (l *descLayout) read(desc unsafe.Pointer) *Descriptor {
	d := &Descriptor{}
	for i, f := range l.fields {
		size := f.size
		if size == 0 {
			size = ptrSize
		}
		d.set(f.json, readUint(desc, l.offs[len(descPrefix)+i], size))
	}
	return d
}
