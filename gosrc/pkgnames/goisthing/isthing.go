// Package isthing lives at import path example.com/go-isthing (a go- repository name).
package isthing

type Op int

var Ops = map[string]Op{"eq": 1}
