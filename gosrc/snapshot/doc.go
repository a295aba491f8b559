// Package snapshot is what gosrc/mapsnap (classic maps) and gosrc/swisssnap
// (Swiss tables) share: reading a scenario (docs/scenario.md), building Go
// values from its JSON, printing Go values as mapscope's JSON, the fields
// every snapshot starts with (go, arch, experiment, type, hash), and the one
// output format both programs print (docs/json.md, "Real-Go snapshot
// fixtures"):
//
//	line 1  the run: {"runtime":"go1.26.10","ops":N} (+ "iterations" when the
//	        scenario ranged over the map: each range's [key, elem] pairs in the
//	        order the runtime gave them)
//	line 2  the snapshot, exactly the document `mapscope sim --json` prints
//	        (compact, or two-space indented with -indent)
//	line 3… what a flag asked for, one JSON value a line
//
// The programs themselves read the map's memory, which differs between the
// two implementations; everything that does not is here, once.
package snapshot
