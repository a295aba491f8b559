/**
 * The Go runtime's own facts about maps, stated once: the constants and the
 * small pure rules that both the engines (src/engine, which replay the
 * runtime) and the checkers (src/check, which judge a map's memory against
 * it) and the map sources (src/source, which rebuild a snapshot as the
 * runtime lays it out) rely on. Anything here is read from Go's source
 * ($GOROOT/src/runtime, internal/runtime/maps, internal/abi); the tests in
 * test/runtime-facts.test.ts pin each value with the file and line it comes
 * from.
 *
 * - classic.ts: the classic map's slot count, tophash marks and hmap flags
 *   (runtime/map.go, Go ≤ 1.23 and 1.24–1.25 noswissmap).
 * - swiss.ts: the Swiss table's group size, control bytes, probe sequence and
 *   table sizing (internal/runtime/maps, Go 1.24+).
 * - alloc.ts: maxAlloc, the largest allocation the runtime makes, which caps
 *   the hints `make` honours.
 * - keys.ts: the process's hash key material (runtime.hashkey,
 *   runtime.aeskeysched) and how alginit draws it.
 */
export * from './classic.js';
export * from './swiss.js';
export * from './alloc.js';
export * from './keys.js';
