//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package snapshot

// experiment is the map experiment this program was built with: Go 1.24
// and 1.25 build Swiss maps unless GOEXPERIMENT=noswissmap turns the
// swissmap experiment off (build tag goexperiment.swissmap unset), which
// gives the classic map.
const experiment = "noswissmap"
