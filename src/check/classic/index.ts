/**
 * The classic map checker (Go ≤ 1.23, and 1.24–1.25 with
 * GOEXPERIMENT=noswissmap):
 * - invariants.ts: the catalogue (codes, titles, severities);
 * - check.ts: checkClassic, the walk over an hmap's memory;
 * - keys.ts: keys read from memory — equality and the runtime's hash;
 * - snapshot.ts: a `mapscope sim` classic snapshot rebuilt in simulated memory;
 * - entries.ts: live keys and elems for the global-map walker.
 */
export { CLASSIC_INVARIANTS } from './invariants.js';
export { checkClassic } from './check.js';
export { classicSnapshotSource } from '../../source/snapshot/classic.js';
export { classicEntries } from './entries.js';
