// dwarftruth prints, from an unstripped Go executable's DWARF (read with Go's own
// debug/dwarf), every map type with its key/elem sizes and the size of the
// bucket (classic) or group, slot size and elem offset (Swiss) the linker
// described. mapscope's tests use it as the independent truth for its
// descriptor reader. Output: one JSON object per line.
package main

import (
	"debug/dwarf"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

const (
	attrGoKind = dwarf.Attr(0x2900)
	attrGoKey  = dwarf.Attr(0x2901)
	attrGoElem = dwarf.Attr(0x2902)
	// DW_AT_go_runtime_type: the descriptor's offset in the types region (0: none emitted).
	attrGoRuntimeType = dwarf.Attr(0x2904)
)

type mapInfo struct {
	Type        string `json:"type"`
	KeySize     int64  `json:"keySize"`
	ElemSize    int64  `json:"elemSize"`
	Impl        string `json:"impl"`
	BucketSize  int64  `json:"bucketSize,omitempty"`
	GroupSize   int64  `json:"groupSize,omitempty"`
	SlotSize    int64  `json:"slotSize,omitempty"`
	ElemOffset  int64  `json:"elemOffset"`
	RuntimeType int64  `json:"runtimeType,omitempty"`
}

func open(path string) (*dwarf.Data, error) {
	if f, err := elf.Open(path); err == nil {
		return f.DWARF()
	}
	if f, err := macho.Open(path); err == nil {
		return f.DWARF()
	}
	if f, err := pe.Open(path); err == nil {
		return f.DWARF()
	}
	return nil, fmt.Errorf("%s: not ELF, Mach-O or PE", path)
}

func main() {
	d, err := open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	entries := map[dwarf.Offset]*dwarf.Entry{}
	var maps []*dwarf.Entry
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if e == nil {
			break
		}
		entries[e.Offset] = e
		if k, ok := e.Val(attrGoKind).(int64); ok && k == 21 && e.Tag == dwarf.TagTypedef {
			maps = append(maps, e)
		}
	}
	size := func(off dwarf.Offset) int64 {
		t, err := d.Type(off)
		if err != nil {
			return -1
		}
		return t.Size()
	}
	// deref follows typedefs and pointers to the struct they name.
	var deref func(t dwarf.Type) *dwarf.StructType
	deref = func(t dwarf.Type) *dwarf.StructType {
		for i := 0; i < 8; i++ {
			switch x := t.(type) {
			case *dwarf.TypedefType:
				t = x.Type
			case *dwarf.PtrType:
				t = x.Type
			case *dwarf.StructType:
				return x
			default:
				return nil
			}
		}
		return nil
	}
	field := func(s *dwarf.StructType, name string) *dwarf.StructField {
		if s == nil {
			return nil
		}
		for _, f := range s.Field {
			if f.Name == name {
				return f
			}
		}
		return nil
	}
	enc := json.NewEncoder(os.Stdout)
	for _, e := range maps {
		name, _ := e.Val(dwarf.AttrName).(string)
		mi := mapInfo{Type: name}
		switch v := e.Val(attrGoRuntimeType).(type) {
		case int64:
			mi.RuntimeType = v
		case uint64:
			mi.RuntimeType = int64(v)
		}
		if k, ok := e.Val(attrGoKey).(dwarf.Offset); ok {
			mi.KeySize = size(k)
		}
		if v, ok := e.Val(attrGoElem).(dwarf.Offset); ok {
			mi.ElemSize = size(v)
		}
		t, err := d.Type(e.Offset)
		if err != nil {
			continue
		}
		hdr := deref(t)
		if hdr == nil {
			continue
		}
		if b := field(hdr, "buckets"); b != nil {
			// classic: hash<K,V>.buckets is *bucket<K,V>
			mi.Impl = "classic"
			if bs := deref(b.Type); bs != nil {
				mi.BucketSize = bs.Size()
			}
		} else if dp := field(hdr, "dirPtr"); dp != nil {
			// Swiss: map<K,V>.dirPtr **table<K,V>; table.groups groupReference<K,V>; .data *group
			mi.Impl = "swiss"
			tab := deref(dp.Type)
			g := field(tab, "groups")
			if g != nil {
				ref := deref(g.Type)
				if data := field(ref, "data"); data != nil {
					if grp := deref(data.Type); grp != nil {
						mi.GroupSize = grp.Size()
						if os.Getenv("DBG") != "" {
							for _, f := range grp.Field {
								fmt.Fprintf(os.Stderr, "%s %s %T %s\n", grp.StructName, f.Name, f.Type, f.Type)
							}
						}
						if slots := field(grp, "slots"); slots != nil {
							st := slots.Type
							if td, ok := st.(*dwarf.TypedefType); ok {
								st = td.Type
							}
							if arr, ok := st.(*dwarf.ArrayType); ok {
								if slot := deref(arr.Type); slot != nil {
									mi.SlotSize = slot.Size()
									if el := field(slot, "elem"); el != nil {
										mi.ElemOffset = el.ByteOffset
									} else if len(slot.Field) == 2 {
										mi.ElemOffset = el.ByteOffset
									}
								}
							}
						}
					}
				}
			}
		}
		if strings.HasPrefix(name, "map[") || mi.Impl != "" {
			enc.Encode(mi)
		}
	}
}
