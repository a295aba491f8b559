// Empty on purpose: an assembly file lets the Go files declare variables
// bound to the runtime's by go:linkname.
