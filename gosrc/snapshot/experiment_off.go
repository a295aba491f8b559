//go:build !go1.24 || go1.26 || goexperiment.swissmap

package snapshot

const experiment = ""
