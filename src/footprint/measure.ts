/**
 * Runs the engine of a target over entries 1..max (key i for entry i,
 * keys.ts), stopping at each requested size to count the heap the map holds
 * (live.ts), and watching for growth on the way. One run per seed: the bytes
 * that depend on where keys hash (classic overflow buckets, which Swiss
 * tables have split) differ from seed to seed, and the report gives their
 * spread. A run can also replay one real process exactly (its seeds and hash
 * keys in `hash`), which is how test/footprint-live.test.ts compares the
 * engine with gosrc/footprint.
 */
import { parseScenario, type HashSpec, type Scenario } from '../engine/scenario.js';
import { openMap } from '../engine/classic/index.js';
import { openSwiss } from '../engine/swiss/index.js';
import { heapBytes } from '../model/malloc.js';
import type { Allocation } from '../model/memory.js';
import { typeString } from '../model/types.js';
import { UsageError } from '../base/errors.js';
import { keyMaker } from './keys.js';
import { liveClassic, liveSwiss, type LiveShape } from './live.js';

export interface FootprintTarget {
  readonly go: string;
  readonly arch: string;
  readonly experiment?: string;
}

/** A growth the run went through: the insert that made it, and what it allocated. */
export interface GrowthEvent {
  /** Entries in the map after the insert that grew it. */
  readonly entries: number;
  /**
   * classic: "first bucket", "double" (B+1) or "same-size"; Swiss: "small"
   * (the first group), "table" (the small map becomes a table), "grow" (a
   * table doubles its groups), "split" (a full table becomes two),
   * "directory" (a split that doubles the directory).
   */
  readonly kind: string;
  /** Heap bytes the growth allocated (the new array, tables, directory). */
  readonly allocated: number;
  /** Classic: B after the growth; Swiss: globalDepth after. */
  readonly depth: number;
  /** Classic: entries when the old bucket array was released (evacuation done); absent while it is still held. */
  freedAt?: number;
}

export interface SeedRun {
  /** What the run's hash was (prngSeed, or the replayed process's keys). */
  readonly hash: HashSpec;
  readonly points: readonly LiveShape[];
  readonly growth: readonly GrowthEvent[];
}

export interface FootprintRun {
  readonly target: FootprintTarget;
  readonly label: string;
  readonly impl: 'classic' | 'swiss';
  readonly type: string;
  readonly sizes: readonly number[];
  readonly runs: readonly SeedRun[];
}

export interface MeasureOptions {
  readonly sizes: readonly number[];
  /** One run per hash: prngSeed 1..n by default. */
  readonly hashes: readonly HashSpec[];
  /** Called now and then with entries inserted so far in the current run. */
  readonly progress?: (done: number, total: number) => void;
}

export function targetLabel(t: FootprintTarget): string {
  return `go${t.go}/${t.arch}${t.experiment ? '/' + t.experiment : ''}`;
}

function scenarioFor(type: string, t: FootprintTarget, hash: HashSpec): Omit<Scenario, 'ops'> {
  const json: Record<string, unknown> = { go: t.go, arch: t.arch, type, ops: [] };
  if (t.experiment) json.experiment = t.experiment;
  const h: Record<string, unknown> = { mode: hash.mode };
  if (hash.seeds) h.seeds = hash.seeds.map(String);
  if (hash.hashkey) h.hashkey = hash.hashkey.map(String);
  if (hash.aeskeysched) h.aeskeysched = hash.aeskeysched;
  if (hash.prngSeed !== undefined) h.prngSeed = hash.prngSeed;
  json.hash = h;
  return parseScenario(json, `footprint ${targetLabel(t)}`);
}

export function measure(type: string, t: FootprintTarget, opts: MeasureOptions): FootprintRun {
  const sizes = [...new Set(opts.sizes)].sort((a, b) => a - b);
  if (sizes.length === 0 || sizes[0] < 0 || !sizes.every(Number.isSafeInteger)) throw new UsageError('--entries: sizes are whole numbers ≥ 0');
  const first = scenarioFor(type, t, opts.hashes[0]);
  const keys = keyMaker(first.type.key, first.arch);
  const max = sizes[sizes.length - 1];
  if (max > keys.distinct) throw new UsageError(`${typeString(first.type.key)} has only ${keys.distinct} distinct keys; --entries asks for ${max}`);
  const runs = opts.hashes.map((hash) => (first.impl === 'classic' ? runClassic(scenarioFor(type, t, hash), hash, sizes, keys.key, opts) : runSwiss(scenarioFor(type, t, hash), hash, sizes, keys.key, opts)));
  return { target: t, label: targetLabel(t), impl: first.impl === 'classic' ? 'classic' : 'swiss', type: typeString(first.type), sizes, runs };
}

type KeyOf = ReturnType<typeof keyMaker>['key'];

function runClassic(s: Omit<Scenario, 'ops'>, hash: HashSpec, sizes: number[], key: KeyOf, opts: MeasureOptions): SeedRun {
  // Past B = 15 incrnoverflow flips a per-thread coin: hash.rand's generator stands for it (docs/scenario.md).
  const sim = openMap(s);
  const m = sim.map;
  const points: LiveShape[] = [];
  const growth: GrowthEvent[] = [];
  const max = sizes[sizes.length - 1];
  let next = 0;
  const at = (n: number) => {
    while (next < sizes.length && sizes[next] === n) {
      points.push(liveClassic(m, s.type.key, s.type.elem));
      next++;
    }
  };
  at(0);
  let growing = m.oldbuckets !== 0;
  let hadBuckets = m.buckets !== 0;
  const arrayBytes = () => {
    const o = m.mem.find(m.buckets);
    return o ? heapBytes(o.size, !m.bucketHasPointers, s.go, s.arch) : 0;
  };
  for (let i = 0; i < max; i++) {
    sim.insertKey(key(i));
    const nowGrowing = m.oldbuckets !== 0;
    if (nowGrowing && !growing) {
      growth.push({ entries: i + 1, kind: m.sameSizeGrow() ? 'same-size' : 'double', allocated: arrayBytes(), depth: m.B });
    } else if (!hadBuckets && m.buckets !== 0) {
      growth.push({ entries: i + 1, kind: 'first bucket', allocated: arrayBytes(), depth: m.B });
    }
    if (growing && !nowGrowing && growth.length > 0) growth[growth.length - 1].freedAt = i + 1;
    growing = nowGrowing;
    hadBuckets = m.buckets !== 0;
    if ((i & 0xffff) === 0) opts.progress?.(i, max);
    at(i + 1);
  }
  return { hash: describe(hash, sim.hashInfo() as unknown as Record<string, unknown>), points, growth };
}

const STRUCTURE_TAG = /^(small group|table|groups \(|directory \()/;

function runSwiss(s: Omit<Scenario, 'ops'>, hash: HashSpec, sizes: number[], key: KeyOf, opts: MeasureOptions): SeedRun {
  const sess = openSwiss(s);
  const m = sess.map;
  const mem = m.cx.mem;
  const points: LiveShape[] = [];
  const growth: GrowthEvent[] = [];
  const max = sizes[sizes.length - 1];
  const groupNoscan = !m.cx.layout.key.hasPointers && !m.cx.layout.elem.hasPointers;
  let next = 0;
  const at = (n: number) => {
    while (next < sizes.length && sizes[next] === n) {
      points.push(liveSwiss(m, s.type.key, s.type.elem, s.go, s.arch));
      next++;
    }
  };
  at(0);
  // The structure each insert allocates (tables, groups, directory), as the memory hands it out.
  let fresh: Allocation[] = [];
  mem.onAlloc = (a) => {
    if (STRUCTURE_TAG.test(a.tag)) fresh.push(a);
  };
  let dirLen = m.dirLen;
  for (let i = 0; i < max; i++) {
    sess.insertKey(key(i));
    const wasDirLen = dirLen;
    dirLen = m.dirLen;
    if (fresh.length > 0) {
      let allocated = 0;
      const tags: string[] = [];
      for (const a of fresh) {
        tags.push(a.tag);
        allocated += heapBytes(a.size, a.tag.startsWith('groups') || a.tag === 'small group' ? groupNoscan : false, s.go, s.arch);
      }
      fresh = [];
      const kind = tags.includes('small group') ? 'small'
        : wasDirLen === 0 ? 'table'
          : dirLen !== wasDirLen ? 'directory'
            : tags.filter((g) => g === 'table').length >= 2 ? 'split' : 'grow';
      growth.push({ entries: i + 1, kind, allocated, depth: m.globalDepth });
    }
    if ((i & 0xffff) === 0) opts.progress?.(i, max);
    at(i + 1);
  }
  mem.onAlloc = undefined;
  return { hash: describe(hash, sess.hashInfo() as unknown as Record<string, unknown>), points, growth };
}

/** The run's hash as it was drawn (prngSeed runs print the seeds and keys they drew, like sim). */
function describe(asked: HashSpec, drawn: Record<string, unknown>): HashSpec {
  const seeds = (drawn.seeds as (string | number)[]).map((x) => BigInt(x));
  return {
    mode: asked.mode,
    prngSeed: asked.prngSeed,
    seeds,
    ...(drawn.hashkey ? { hashkey: (drawn.hashkey as string[]).map((x) => BigInt(x)) } : {}),
    ...(drawn.aeskeysched ? { aeskeysched: drawn.aeskeysched as string } : {}),
  };
}
