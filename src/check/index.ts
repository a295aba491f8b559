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
export * from './report.js';

import { briefJson, checkJsonDepth } from '../base/json.js';
import { InputError } from '../base/errors.js';
import { implOf } from '../layout/index.js';
import type { CheckOptions, Invariant, MapReport, MapSource } from './types.js';
import { CLASSIC_INVARIANTS, checkClassic, classicEntries, classicSnapshotSource } from './classic/index.js';
import { SWISS_INVARIANTS, checkSwiss, swissEntries, swissSnapshotSource } from './swiss/index.js';

/** What each implementation's checker offers; the functions below choose by the map's implementation. */
interface Checker {
  readonly catalogue: readonly Invariant[];
  check(src: MapSource, opts?: CheckOptions): MapReport;
  entries(src: MapSource, limit: number): { key: bigint; elem: bigint }[];
  snapshotSource(json: unknown, file: string): MapSource;
}

const CHECKERS: Record<'classic' | 'swiss', Checker> = {
  classic: { catalogue: CLASSIC_INVARIANTS, check: checkClassic, entries: classicEntries, snapshotSource: classicSnapshotSource },
  swiss: { catalogue: SWISS_INVARIANTS, check: checkSwiss, entries: swissEntries, snapshotSource: swissSnapshotSource },
};

export function catalogueFor(impl: 'classic' | 'swiss'): readonly Invariant[] {
  return CHECKERS[impl].catalogue;
}

/** Checks one map with the catalogue its Go version and experiment select. */
export function checkMap(src: MapSource, opts: CheckOptions = {}): MapReport {
  return CHECKERS[implOf(src.target)].check(src, opts);
}

/** Addresses of a map's live keys and elems (for following map elements to more maps); never throws on bad memory. */
export function entriesOf(src: MapSource, limit: number): { key: bigint; elem: bigint }[] {
  return CHECKERS[implOf(src.target)].entries(src, limit);
}

/** A snapshot (docs/json.md "sim") rebuilt in simulated memory, ready to check. */
export function snapshotSource(json: unknown, file: string): MapSource {
  checkJsonDepth(json, file);
  const impl = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).impl : undefined;
  if (impl === 'classic' || impl === 'swiss') return CHECKERS[impl].snapshotSource(json, file);
  throw new InputError(
    file,
    'impl',
    `expected a map snapshot with "impl": "classic" or "swiss" (docs/json.md "sim"), got ${briefJson(impl ?? null)}`,
  );
}
