/**
 * The Swiss map checker (Go 1.24+, internal/runtime/maps):
 *
 * SWISS_INVARIANTS is the catalogue (docs/check.md "## swiss"); checkSwiss
 * walks maps.Map → small group | directory → tables → groups, decoding
 * headers and tables with the layout's offsets; swissEntries gives the live
 * key/elem addresses the global walker follows. Keys are hashed and compared
 * by src/check/keys.ts; a `sim` snapshot becomes a map source in
 * src/source/snapshot/swiss.ts.
 *
 * Facts shared with the engine (control bytes, probe sequence, capacity and
 * group geometry) come from src/engine/swiss, offsets from src/layout.
 */
export { SWISS_INVARIANTS } from './invariants.js';
export { checkSwiss } from './check.js';
export { swissSnapshotSource } from '../../source/snapshot/swiss.js';
export { swissEntries } from './entries.js';
