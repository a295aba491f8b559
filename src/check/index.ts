/**
 * `mapscope check`: every invariant the runtime relies on, checked over a
 * map's memory (src/check/types.ts has the vocabulary).
 *
 * - classic/: the catalogue and checks for hmap + buckets (Go ≤ 1.23, noswissmap).
 * - swiss/: the catalogue and checks for maps.Map + directory + tables (Go 1.24+).
 * - snapshot sources rebuild a `mapscope sim` snapshot in simulated memory so
 *   it is checked by the same code as a core dump or a live process.
 *
 * Which catalogue applies comes from the layout model (implOf), never from
 * the input's say-so.
 */
export * from './types.js';
