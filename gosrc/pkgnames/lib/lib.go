// Package lib lives at import path example.com/lib/v2: its name is not the path's last element.
package lib

type Vendor struct{ Name string }

type Values map[string]Vendor

var Registry = map[string]Vendor{"a": {"x"}}
