package snapshot

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Go values as JSON with mapscope's conventions (src/model/values.ts, printed
// by JSON.stringify): integers as numbers, or decimal strings beyond 2^53;
// floats as numbers formatted as JavaScript's Number#toString, or "NaN",
// "+Inf", "-Inf", "-0"; strings as strings; arrays as arrays; structs as
// objects by field name, blank fields omitted; pointers, channels, maps and
// funcs as the integer address they hold; interfaces as {type, data} words
// and slices as {ptr, len, cap}: the bytes as they are.

const maxSafe = 1<<53 - 1

// Int is n as JSON: a number, or a decimal string beyond 2^53.
func Int(n int64) string {
	if n >= -maxSafe && n <= maxSafe {
		return strconv.FormatInt(n, 10)
	}
	return `"` + strconv.FormatInt(n, 10) + `"`
}

// Uint is n as JSON: a number, or a decimal string beyond 2^53.
func Uint(n uint64) string {
	if n <= maxSafe {
		return strconv.FormatUint(n, 10)
	}
	return `"` + strconv.FormatUint(n, 10) + `"`
}

// Float prints x as JavaScript's Number.prototype.toString does: the
// shortest round-trip digits, positional from 1e-6 up to 1e21, else
// exponential with a signed, unpadded exponent.
func Float(x float64) string {
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

// String writes s as JSON.stringify would: escaping only ", \ and control
// characters (invalid UTF-8 becomes U+FFFD, as a JavaScript string holds it).
func String(b *strings.Builder, s string) {
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

// Quote is s as a JSON string (String into a new builder).
func Quote(s string) string {
	var b strings.Builder
	String(&b, s)
	return b.String()
}

func word(p unsafe.Pointer) uintptr { return *(*uintptr)(p) }

// Value writes the Go value of type t at p exactly as its bytes are.
func Value(b *strings.Builder, p unsafe.Pointer, t reflect.Type) {
	switch t.Kind() {
	case reflect.Bool:
		if *(*uint8)(p) != 0 {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case reflect.Int8:
		b.WriteString(Int(int64(*(*int8)(p))))
	case reflect.Int16:
		b.WriteString(Int(int64(*(*int16)(p))))
	case reflect.Int32:
		b.WriteString(Int(int64(*(*int32)(p))))
	case reflect.Int64:
		b.WriteString(Int(*(*int64)(p)))
	case reflect.Int:
		b.WriteString(Int(int64(*(*int)(p))))
	case reflect.Uint8:
		b.WriteString(Uint(uint64(*(*uint8)(p))))
	case reflect.Uint16:
		b.WriteString(Uint(uint64(*(*uint16)(p))))
	case reflect.Uint32:
		b.WriteString(Uint(uint64(*(*uint32)(p))))
	case reflect.Uint64:
		b.WriteString(Uint(*(*uint64)(p)))
	case reflect.Uint, reflect.Uintptr, reflect.Pointer, reflect.UnsafePointer, reflect.Chan, reflect.Map, reflect.Func:
		b.WriteString(Uint(uint64(word(p))))
	case reflect.Float32:
		b.WriteString(Float(float64(*(*float32)(p))))
	case reflect.Float64:
		b.WriteString(Float(*(*float64)(p)))
	case reflect.Complex64:
		c := *(*[2]float32)(p)
		b.WriteString("[" + Float(float64(c[0])) + "," + Float(float64(c[1])) + "]")
	case reflect.Complex128:
		c := *(*[2]float64)(p)
		b.WriteString("[" + Float(c[0]) + "," + Float(c[1]) + "]")
	case reflect.String:
		data := *(*unsafe.Pointer)(p)
		n := word(unsafe.Add(p, unsafe.Sizeof(uintptr(0))))
		switch {
		case n == 0:
			b.WriteString(`""`)
		case data == nil:
			// A classic faststr delete clears only the data pointer.
			fmt.Fprintf(b, `{"stringPtr":0,"len":%d}`, n)
		default:
			String(b, string(unsafe.Slice((*byte)(data), n)))
		}
	case reflect.Array:
		b.WriteByte('[')
		for i := 0; i < t.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			Value(b, unsafe.Add(p, uintptr(i)*t.Elem().Size()), t.Elem())
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
			String(b, f.Name)
			b.WriteByte(':')
			Value(b, unsafe.Add(p, f.Offset), f.Type)
		}
		b.WriteByte('}')
	case reflect.Interface:
		fmt.Fprintf(b, `{"type":%s,"data":%s}`, Uint(uint64(word(p))), Uint(uint64(word(unsafe.Add(p, unsafe.Sizeof(uintptr(0)))))))
	case reflect.Slice:
		s := (*[3]uintptr)(p)
		fmt.Fprintf(b, `{"ptr":%s,"len":%s,"cap":%s}`, Uint(uint64(s[0])), Uint(uint64(s[1])), Uint(uint64(s[2])))
	default:
		Fail("cannot print a value of type %s", t)
	}
}

// Text is Value as a string.
func Text(p unsafe.Pointer, t reflect.Type) string {
	var b strings.Builder
	Value(&b, p, t)
	return b.String()
}
