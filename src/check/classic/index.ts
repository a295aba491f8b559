/**
 * The classic map checker (Go ≤ 1.23, and 1.24–1.25 with
 * GOEXPERIMENT=noswissmap): a catalogue of invariants (codes, titles,
 * severities; docs/check.md), a walk over an hmap's memory that tests them,
 * and the live keys and elems the global-map walker follows. Keys read from
 * memory are compared and hashed by src/check/keys.ts; a `mapscope sim`
 * snapshot becomes a map source in src/source/snapshot/classic.ts.
 */
export { CLASSIC_INVARIANTS } from './invariants.js';
export { checkClassic } from './check.js';
export { classicSnapshotSource } from '../../source/snapshot/classic.js';
export { classicEntries } from './entries.js';
