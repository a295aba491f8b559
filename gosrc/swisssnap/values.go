package main

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Go values as JSON with mapscope's conventions (src/model/values.ts):
// integers as numbers, or decimal strings beyond 2^53; floats as numbers
// (formatted as JavaScript's JSON.stringify does) or "NaN", "+Inf", "-Inf",
// "-0"; strings as strings; arrays as arrays; structs as objects by field
// name, blank fields omitted; pointers as integer addresses.

const maxSafe = 1<<53 - 1

func intJSON(n int64) string {
	if n >= -maxSafe && n <= maxSafe {
		return strconv.FormatInt(n, 10)
	}
	return `"` + strconv.FormatInt(n, 10) + `"`
}

func uintJSON(n uint64) string {
	if n <= maxSafe {
		return strconv.FormatUint(n, 10)
	}
	return `"` + strconv.FormatUint(n, 10) + `"`
}

// floatJSON prints x as JavaScript's Number.prototype.toString does: the
// shortest round-trip digits, positional from 1e-6 up to 1e21, else
// exponential with a signed, unpadded exponent.
func floatJSON(x float64) string {
	switch {
	case math.IsNaN(x):
		return `"NaN"`
	case math.IsInf(x, 1):
		return `"+Inf"`
	case math.IsInf(x, -1):
		return `"-Inf"`
	case x == 0 && math.Signbit(x):
		return `"-0"`
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	s := strconv.FormatFloat(x, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "e" + string(sign) + exp
}

// writeString writes s as JSON.stringify would (escaping only ", \ and control characters).
func writeString(b *strings.Builder, s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

func writeValue(b *strings.Builder, p unsafe.Pointer, t reflect.Type) {
	switch t.Kind() {
	case reflect.Bool:
		fmt.Fprintf(b, "%v", *(*bool)(p))
	case reflect.Int8:
		b.WriteString(intJSON(int64(*(*int8)(p))))
	case reflect.Int16:
		b.WriteString(intJSON(int64(*(*int16)(p))))
	case reflect.Int32:
		b.WriteString(intJSON(int64(*(*int32)(p))))
	case reflect.Int64:
		b.WriteString(intJSON(*(*int64)(p)))
	case reflect.Int:
		b.WriteString(intJSON(int64(*(*int)(p))))
	case reflect.Uint8:
		b.WriteString(uintJSON(uint64(*(*uint8)(p))))
	case reflect.Uint16:
		b.WriteString(uintJSON(uint64(*(*uint16)(p))))
	case reflect.Uint32:
		b.WriteString(uintJSON(uint64(*(*uint32)(p))))
	case reflect.Uint64:
		b.WriteString(uintJSON(*(*uint64)(p)))
	case reflect.Uint, reflect.Uintptr, reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		b.WriteString(uintJSON(uint64(*(*uintptr)(p))))
	case reflect.Float32:
		b.WriteString(floatJSON(float64(*(*float32)(p))))
	case reflect.Float64:
		b.WriteString(floatJSON(*(*float64)(p)))
	case reflect.Complex64:
		c := *(*complex64)(p)
		b.WriteString("[" + floatJSON(float64(real(c))) + "," + floatJSON(float64(imag(c))) + "]")
	case reflect.Complex128:
		c := *(*complex128)(p)
		b.WriteString("[" + floatJSON(real(c)) + "," + floatJSON(imag(c)) + "]")
	case reflect.String:
		writeString(b, *(*string)(p))
	case reflect.Array:
		b.WriteByte('[')
		for i := 0; i < t.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, unsafe.Add(p, uintptr(i)*t.Elem().Size()), t.Elem())
		}
		b.WriteByte(']')
	case reflect.Struct:
		b.WriteByte('{')
		n := 0
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Name == "_" {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			writeString(b, f.Name)
			b.WriteByte(':')
			writeValue(b, unsafe.Add(p, f.Offset), f.Type)
		}
		b.WriteByte('}')
	default:
		fail("cannot print a value of type %s", t)
	}
}

// setValue stores the scenario's JSON value v at p as a value of type t
// (the inverse of writeValue; unexported struct fields are set through p).
func setValue(p unsafe.Pointer, t reflect.Type, v any) {
	switch t.Kind() {
	case reflect.Bool:
		*(*bool)(p) = v.(bool)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		n, err := strconv.ParseInt(numText(v), 10, 64)
		if err != nil {
			fail("bad integer %v", v)
		}
		e := reflect.NewAt(t, p).Elem()
		if e.OverflowInt(n) {
			fail("%d does not fit %s", n, t)
		}
		e.SetInt(n)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Uintptr:
		n, err := strconv.ParseUint(numText(v), 10, 64)
		if err != nil {
			fail("bad unsigned integer %v", v)
		}
		e := reflect.NewAt(t, p).Elem()
		if e.OverflowUint(n) {
			fail("%d does not fit %s", n, t)
		}
		e.SetUint(n)
	case reflect.Float32, reflect.Float64:
		reflect.NewAt(t, p).Elem().SetFloat(floatOf(v))
	case reflect.Complex64, reflect.Complex128:
		a := v.([]any)
		reflect.NewAt(t, p).Elem().SetComplex(complex(floatOf(a[0]), floatOf(a[1])))
	case reflect.String:
		*(*string)(p) = v.(string)
	case reflect.Array:
		a := v.([]any)
		for i := 0; i < t.Len(); i++ {
			setValue(unsafe.Add(p, uintptr(i)*t.Elem().Size()), t.Elem(), a[i])
		}
	case reflect.Struct:
		o := v.(map[string]any)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Name == "_" {
				continue
			}
			setValue(unsafe.Add(p, f.Offset), f.Type, o[f.Name])
		}
	default:
		fail("cannot build a value of type %s", t)
	}
}

func numText(v any) string {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case string:
		return strings.TrimSpace(x)
	}
	fail("expected an integer, got %v", v)
	return ""
}

func floatOf(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil {
			fail("bad number %v", v)
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
	fail("expected a float, got %v", v)
	return 0
}
