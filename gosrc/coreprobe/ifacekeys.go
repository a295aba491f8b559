package main

import (
	"errors"
	"fmt"
	"unsafe"
)

// Maps whose keys hold interfaces: the runtime hashes and compares each key
// under its dynamic type (nilinterhash / interhash), so checking where a key
// sits needs the dynamic type behind every interface word.

// codeErr is an error whose values are not pointer-shaped: an interface
// holding one points to a boxed copy.
type codeErr int

func (c codeErr) Error() string { return fmt.Sprint("code ", int(c)) }

// pathErr is a two-field struct error value (boxed, with a string inside).
type pathErr struct {
	Op   string
	Code int32
}

func (p pathErr) Error() string { return p.Op }

// Pair is a struct key holding an interface beside plain memory.
type Pair struct {
	A any
	B int
}

// one is a one-pointer struct: pointer-shaped, so stored in the data word itself.
type one struct{ P *int }

var (
	ifaceKeys    map[any]int
	errKeys      map[error]int
	pairKeys     map[Pair]int
	ifaceBig     map[any]int
	ifaceGrowing map[any]int

	// A variable of type one: Go 1.22's linker writes DWARF only for types that
	// variables or functions use, and a type seen only inside an interface
	// would have no DIE (its keys could not be checked).
	oneVal one

	sentinel = errors.New("sentinel")
	target   = 42
)

func fillIface() {
	oneVal = one{P: &target}
	ifaceKeys = map[any]int{
		nil:                          0,
		int(5):                       1,
		int64(5):                     2, // == int(5) only if the type words are equal: they are not
		int32(7):                     3,
		"five":                       4,
		"":                           5,
		1.5:                          6,
		0.0:                          7,
		true:                         8,
		Point{X: 1, Y: 2, Name: "p"}: 9,
		&target:                      10,
		one{P: &target}:              11,
		[2]int8{1, 2}:                12,
		uint16(9):                    13,
	}
	errKeys = map[error]int{
		sentinel:            1,
		errors.New("other"): 2,
		codeErr(3):          3,
		codeErr(4):          4,
		pathErr{"open", 2}:  5,
		nil:                 6,
	}
	pairKeys = map[Pair]int{}
	for i := 0; i < 12; i++ {
		var a any = i
		if i%3 == 1 {
			a = fmt.Sprint("s", i)
		} else if i%3 == 2 {
			a = float64(i) / 4
		}
		pairKeys[Pair{A: a, B: i}] = i
	}
	// Several buckets (classic) or tables (Swiss), keys of mixed dynamic types.
	ifaceBig = map[any]int{}
	for i := 0; i < 3000; i++ {
		switch i % 3 {
		case 0:
			ifaceBig[i] = i
		case 1:
			ifaceBig[fmt.Sprint("k", i)] = i
		default:
			ifaceBig[Point{X: int32(i), Name: "b"}] = i
		}
	}
	// 53 inserts into 8 buckets: the last starts a grow to 16 (classic), as main.growing.
	ifaceGrowing = map[any]int{}
	for i := int64(0); i < 53; i++ {
		if i%2 == 0 {
			ifaceGrowing[i] = int(i)
		} else {
			ifaceGrowing[fmt.Sprint(i)] = int(i)
		}
	}
}

func addIface(add func(string, unsafe.Pointer, int)) {
	add("main.ifaceKeys", unsafe.Pointer(&ifaceKeys), len(ifaceKeys))
	add("main.errKeys", unsafe.Pointer(&errKeys), len(errKeys))
	add("main.pairKeys", unsafe.Pointer(&pairKeys), len(pairKeys))
	add("main.ifaceBig", unsafe.Pointer(&ifaceBig), len(ifaceBig))
	add("main.ifaceGrowing", unsafe.Pointer(&ifaceGrowing), len(ifaceGrowing))
}

// typeWord is the first word of an empty interface holding v: its runtime type descriptor.
func typeWord(v any) string { return fmt.Sprintf("0x%x", *(*uintptr)(unsafe.Pointer(&v))) }

// ifaceTypes are type descriptor addresses the tests corrupt keys with.
func ifaceTypes() map[string]string {
	return map[string]string{
		"int":   typeWord(int(0)),
		"int64": typeWord(int64(0)),
		"int32": typeWord(int32(0)),
		"[]int": typeWord([]int(nil)),
	}
}
