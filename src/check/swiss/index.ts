/**
 * The Swiss map checker (Go 1.24+, internal/runtime/maps):
 *
 *   invariants.ts  SWISS_INVARIANTS, the catalogue (docs/check.md "## swiss")
 *   check.ts       checkSwiss: walk maps.Map → small group | directory → tables → groups
 *   read.ts        header and table decoding with the layout's offsets
 *   keys.ts        key hashes (src/hash) and identities under Go's ==, bounded
 *   snapshot.ts    swissSnapshotSource: a `sim` snapshot rebuilt in simulated memory
 *   entries.ts     swissEntries: live key/elem addresses for the global walker
 *
 * Facts shared with the engine come from src/engine/swiss (ctrl.ts,
 * probe.ts, capacity.ts, geometry.ts) and offsets from src/layout.
 */
export { SWISS_INVARIANTS } from './invariants.js';
export { checkSwiss } from './check.js';
export { swissSnapshotSource } from '../../source/snapshot/swiss.js';
export { swissEntries } from './entries.js';
