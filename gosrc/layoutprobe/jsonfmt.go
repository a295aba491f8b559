package main

// A small JSON printer for the fixtures: one line per object member or array
// element, except that an object or array holding only scalars is printed on
// one line ({"name": "B", "offset": 9, "size": 1}). That keeps the fixtures
// readable and their diffs small. Key order is kept as encoding/json wrote it
// (struct field order; sorted keys for Go maps), so the output is the same on
// every run.

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

type jnode struct {
	scalar string   // encoded scalar, when not a container
	open   byte     // '{' or '[' for containers
	keys   []string // encoded keys, for objects
	elems  []*jnode
}

func parseJSON(dec *json.Decoder) (*jnode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &jnode{open: byte(t.String()[0])}
		for dec.More() {
			if n.open == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				kb, _ := marshalNoEscape(k)
				n.keys = append(n.keys, kb)
			}
			c, err := parseJSON(dec)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, c)
		}
		if _, err := dec.Token(); err != nil { // closing delimiter
			return nil, err
		}
		return n, nil
	default:
		s, err := marshalNoEscape(t)
		return &jnode{scalar: s}, err
	}
}

func marshalNoEscape(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func (n *jnode) flat() bool {
	for _, c := range n.elems {
		if c.open != 0 {
			return false
		}
	}
	return true
}

func (n *jnode) write(b *strings.Builder, indent string) {
	if n.open == 0 {
		b.WriteString(n.scalar)
		return
	}
	closeCh := map[byte]string{'{': "}", '[': "]"}[n.open]
	b.WriteByte(n.open)
	if len(n.elems) == 0 {
		b.WriteString(closeCh)
		return
	}
	inline := n.flat()
	inner := indent + " "
	for i, c := range n.elems {
		if i > 0 {
			b.WriteString(",")
			if inline {
				b.WriteString(" ")
			}
		}
		if !inline {
			b.WriteString("\n" + inner)
		}
		if n.open == '{' {
			b.WriteString(n.keys[i] + ": ")
		}
		c.write(b, inner)
	}
	if !inline {
		b.WriteString("\n" + indent)
	}
	b.WriteString(closeCh)
}

// writeJSON encodes v with encoding/json and prints it in the fixture style.
func writeJSON(w io.Writer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	root, err := parseJSON(dec)
	if err != nil {
		return err
	}
	var b strings.Builder
	root.write(&b, "")
	b.WriteString("\n")
	_, err = io.WriteString(w, b.String())
	return err
}
