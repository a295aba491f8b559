/**
 * footprint: the heap a Go map holds at a given number of entries, per Go
 * version and GOARCH — what `mapscope footprint` prints.
 *
 * The answer comes from the engines themselves (src/engine): a map is grown
 * entry by entry, byte for byte as the runtime grows it, and at each asked
 * size every object reachable from its header is counted at the bytes the
 * allocator gives it (live.ts, with src/model/malloc.ts's size classes).
 * So the parts that depend on where keys hash — classic overflow buckets
 * beyond the preallocated ones, which Swiss tables have split, an old bucket
 * array still held mid-grow — are exact for a given seed, and the report
 * gives their spread over several seeds (measure.ts). gosrc/footprint
 * measures the same maps in real processes (MemStats.HeapAlloc after GC),
 * and test/footprint-live.test.ts replays those processes' seeds.
 *
 *   keys.ts     the keys inserted (entry i → key i in the key type's terms)
 *   live.ts     the live heap of a classic or Swiss map, by part
 *   source.ts   the same, read from any map source's memory (a snapshot, a core, a live process)
 *   measure.ts  one engine run per seed through the asked sizes, growth on the way
 *   summary.ts  median and spread per size; --entries parsing
 *   report.ts   text tables; svg.ts the plot
 */
export { measure, targetLabel, type FootprintRun, type FootprintTarget, type GrowthEvent, type MeasureOptions, type SeedRun } from './measure.js';
export { liveClassic, liveSwiss, liveShape, type LiveBytes, type LiveShape } from './live.js';
export { sourceBytes } from './source.js';
export { summarize, parseEntries, type FootprintPoint, type TargetFootprint } from './summary.js';
export { targetReport, comparisonReport, PARTS } from './report.js';
export { footprintSvg } from './svg.js';
export { keyMaker } from './keys.js';
