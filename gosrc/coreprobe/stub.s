// Empty on purpose: an assembly file lets the Go files declare the
// runtime's hash functions without bodies (they are bound by go:linkname).
