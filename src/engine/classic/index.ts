/**
 * The classic map engine: Go's pre-Swiss map (runtime/map.go and
 * map_fast32.go, map_fast64.go and map_faststr.go, Go 1.13–1.23, and 1.24–1.25 with
 * GOEXPERIMENT=noswissmap), replayed byte for byte in simulated memory.
 *
 * Design, in the runtime's own terms:
 *
 *   hmap ──buckets──▶ [2^B buckets | preallocated overflow buckets]
 *        ──oldbuckets▶ [2^(B-1) or 2^B buckets] while a grow is in progress
 *        ──extra─────▶ mapextra{overflow, oldoverflow, nextOverflow}
 *
 *   bucket = { tophash [8]uint8; keys [8]K; elems [8]V; overflow *bucket }
 *
 * A key's hash picks bucket hash & (2^B-1); its top byte (bumped past the
 * five marker values) is the slot's tophash. Full buckets chain overflow
 * buckets. Past 6.5 entries per bucket on average (6 in 1.21) the map
 * doubles; with as many overflow buckets as buckets (up to 2^15) it grows to
 * the same size to repack. Growing is incremental: each later write moves at
 * most two old buckets.
 *
 * One concept per file, as in the runtime, each named after the runtime's
 * function: the hmap and its accessors, make (bucket arrays sized by the
 * malloc size classes of src/model/malloc.ts), overflow buckets, assign
 * (with the fast32/fast64/faststr differences), access, delete (emptyRest
 * propagation, re-seeding on empty), grow and evacuate, clear per version,
 * iteration (the order of a range given its random start), the snapshot
 * format shared with the real-runtime probe, and the drawing and tour section.
 * The fast paths stand apart, as in the runtime (fast.ts: access, assign,
 * delete, growWork and evacuate for fast64/faststr keys, over arena offsets);
 * they leave the same bytes as the generic functions, which a traced map
 * always takes.
 * Key equality is Go's == from src/model/equal.ts.
 *
 * Layout facts (offsets, sizes, indirect keys, load factor) all come from
 * layoutOf (src/layout); hashes from src/hash. Randomness the runtime draws
 * (hash0 at make, when the map empties, at clear) comes from the scenario's
 * recorded seeds, or a seeded PRNG that reports what it drew.
 */
import { InputError } from '../../base/errors.js';
import { hexBytes } from '../../base/hex.js';
import { drawKeyMaterial, maxAlloc } from '../../model/runtime/index.js';
import { layoutOf, type ClassicLayout } from '../../layout/index.js';
import { mapfast } from '../../layout/mapfast.js';
import { MAX_SIM_BYTES, SimMemory } from '../../model/memory.js';
import { sizeOf, typeString, underlying, type GoType } from '../../model/types.js';
import { decodeValue, type JsonValue } from '../../model/values.js';
import { scenarioKeys, type Op, type Scenario } from '../scenario.js';
import { prng } from '../prng.js';
import { decoder, encoder } from '../encode.js';
import { ClassicMap, overLoadFactor, type MapEnv, type Variant } from './map.js';
import { makemap } from './make.js';
import { mapassign } from './assign.js';
import { mapaccess } from './access.js';
import { mapdelete } from './delete.js';
import { mapclear } from './clear.js';
import { takeSnapshot, type ClassicSnapshot } from './snapshot.js';
import { iterationOrder, mapiterinit } from './iterate.js';
import { mapHasher, type ProcessKeys } from './hashing.js';
import { ClassicFast, FALLBACK } from './fast.js';

export type { ClassicSnapshot } from './snapshot.js';
export { ClassicMap } from './map.js';

export interface SimOptions {
  readonly trace?: boolean;
}

export interface SimResult {
  readonly snapshot: ClassicSnapshot;
  /** One entry per operation (index -1: make), what the runtime did. */
  readonly trace: { op: number; text: string }[];
}

/**
 * cmd/compile walk.mapfast: which runtime entry points the compiler calls for
 * this map type. The classic _fast32ptr/_fast64ptr functions behave as
 * _fast32/_fast64 in everything the engine models.
 */
export function variantFor(s: Omit<Scenario, 'ops'>): Variant {
  const p = mapfast(s.type.key, s.type.elem, s.arch, s.go);
  return p === 'fast32ptr' ? 'fast32' : p === 'fast64ptr' ? 'fast64' : p;
}

/** A live simulated map: the operations of a scenario, one call at a time. */
export interface SimMap {
  readonly map: ClassicMap;
  insert(key: JsonValue, value: JsonValue, at?: string): void;
  /** Inserts the key and leaves its elem as it is (zero in a new slot): for callers that only care where keys go. */
  insertKey(key: JsonValue, at?: string): void;
  delete(key: JsonValue, at?: string): boolean;
  /** The elem as JSON, or undefined when absent. */
  lookup(key: JsonValue, at?: string): JsonValue | undefined;
  clear(at?: string): void;
  /** A full range over the map with the iterator's random draw r: the [key, elem] pairs in order. */
  iterate(r: bigint): [JsonValue, JsonValue][];
  /** The order iterate(r) would return, without starting an iterator. */
  peekIteration(r: bigint): [JsonValue, JsonValue][];
  snapshot(): ClassicSnapshot;
  /** The snapshot's `hash` (mode, seeds drawn so far, process keys) without the rest of it. */
  hashInfo(): ClassicSnapshot['hash'];
  readonly trace: { op: number; text: string }[];
  /** Whether insert, lookup and delete run the fast paths of fast.ts (a fast64 or faststr key on a little-endian 64-bit target, untraced). */
  readonly fastPaths: boolean;
  /** Operation index trace lines are filed under. */
  opIndex: number;
}

export type OpenOptions = SimOptions;

/** Makes the scenario's map (make with its hint) and returns it for operations. */
export function openMap(s: Omit<Scenario, 'ops'>, opts: OpenOptions = {}): SimMap {
  const L = layoutOf(s.type, { go: s.go, arch: s.arch, experiment: s.experiment });
  if (L.impl !== 'classic') throw new InputError(s.source, 'go', 'not a classic-map toolchain');
  const mode = s.hash.mode;
  if (mode === 'aes' && !s.arch.aesHash) {
    throw new InputError(s.source, 'hash.mode', `the runtime has no AES hash on ${s.arch.name}; use "fallback"`);
  }
  const rand = prng(s.hash.prngSeed ?? 1);
  const keys: ProcessKeys = drawKeyMaterial(s.go.minor, s.arch, rand, scenarioKeys(s.hash));
  const { hashkey } = keys;

  const { seeds, drawSeed } = seedDrawer(s, rand);

  // incrnoverflow's coin at B >= 16 (the runtime's per-M rand, which no process
  // exposes): a generator seeded by hash.rand, drawn from the PRNG when the
  // scenario gives none, and only when the map gets that far.
  let randSeed = s.hash.rand;
  let coin: (() => bigint) | undefined;
  const overflowCoin = (): number => {
    if (!coin) {
      randSeed ??= rand();
      coin = prng(randSeed);
    }
    return Number(coin() & 0xffffffffn);
  };

  const trace: { op: number; text: string }[] = [];
  const mem = new SimMemory(s.arch);
  // eslint-disable-next-line prefer-const
  let sim: SimMap;
  const env: MapEnv = {
    mem, layout: L, go: s.go, arch: s.arch, keyType: s.type.key, elemType: s.type.elem,
    variant: variantFor(s),
    drawSeed,
    overflowCoin,
    hasherFor: (m) => mapHasher(s.type.key, s.go, s.arch, mode === 'aes', keys, m),
    trace: opts.trace ? (text) => trace.push({ op: sim ? sim.opIndex : -1, text }) : undefined,
  };
  refuseHugeHint(s, L);
  const m = makemap(env, s.hint);
  const keySize = sizeOf(s.type.key, s.arch).size;
  const scratch = mem.alloc(Math.max(keySize, 1), 'key temporary');
  const encKey = encoder(mem, s.type.key, 'key');
  const encTempKey = encoder(mem, s.type.key, 'key', { temporary: true });
  const encElem = encoder(mem, s.type.elem, 'value');
  const decElem = decoder(mem, s.type.elem);
  const neverFound = (): bigint => 0n;
  const setKey = (k: JsonValue, at: string, op: string): void => {
    if (op !== 'lookup' && typeof k !== 'number' && hasNaN(k)) {
      throw new InputError(s.source, at, `${op} of a NaN key: its hash mixes in the runtime's per-M random state, which cannot be replayed (lookups of NaN are fine)`);
    }
    try {
      if (op === 'insert') encKey(scratch, k);
      else encTempKey(scratch, k);
    } catch (e) {
      throw new InputError(s.source, at, (e as Error).message);
    }
  };
  // The fast paths (fast.ts) when the map's variant and target have them; an integer key or elem
  // given as a number in [0, 2^53) is written as the encoder would write it.
  const fast = ClassicFast.for(m, scratch);
  const base = mem.base;
  const int64Key = fast !== undefined && INT64_KINDS.has(underlying(s.type.key).kind);
  const int64Elem = fast !== undefined && INT64_KINDS.has(underlying(s.type.elem).kind) && sizeOf(s.type.elem, s.arch).size === 8;
  const fastKey = (k: JsonValue, at: string, op: string): void => {
    if (int64Key && typeof k === 'number' && Number.isSafeInteger(k) && k >= 0) fast?.setKeyNumber(k);
    else setKey(k, at, op);
  };
  const fastAssign = (key: JsonValue, at: string): number => {
    fastKey(key, at, 'insert');
    const e = fast?.assign() ?? FALLBACK;
    return e === FALLBACK ? mapassign(m, scratch) : base + e;
  };
  sim = {
    map: m,
    trace,
    fastPaths: fast !== undefined,
    opIndex: -1,
    insert(key, value, at = 'key') {
      if (fast) {
        const e = fastAssign(key, at);
        if (int64Elem && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) fast.setElemNumber(e - base, value);
        else encElem(e, value);
        return;
      }
      setKey(key, at, 'insert');
      const e = mapassign(m, scratch);
      encElem(e, value);
    },
    insertKey(key, at = 'key') {
      if (fast) {
        fastAssign(key, at);
        return;
      }
      setKey(key, at, 'insert');
      mapassign(m, scratch);
    },
    delete(key, at = 'key') {
      if (fast) {
        fastKey(key, at, 'delete');
        const r = fast.delete();
        if (r !== FALLBACK) return r === 1;
        return mapdelete(m, scratch);
      }
      setKey(key, at, 'delete');
      return mapdelete(m, scratch);
    },
    lookup(key, at = 'key') {
      if (fast) {
        fastKey(key, at, 'lookup');
        const e = fast.access();
        if (e !== FALLBACK) return e < 0 ? undefined : ((int64Elem ? fast.elemNumber(e) : undefined) ?? decElem(base + e));
      } else {
        setKey(key, at, 'lookup');
      }
      // A NaN is never found, whatever bucket its random hash picks.
      m.nanDraw = neverFound;
      const e = mapaccess(m, scratch);
      m.nanDraw = undefined;
      const v = e === 0 ? undefined : decElem(e);
      if (opts.trace) trace.push({ op: sim.opIndex, text: v === undefined ? 'lookup: not found' : `lookup: found ${JSON.stringify(v)}` });
      return v;
    },
    clear(at = 'ops') {
      if (s.go.minor < 21 && !L.keyProps.reflexive) {
        throw new InputError(s.source, at, `clear needs Go 1.21 for a key type with floats or interfaces (before, only the range-delete idiom over reflexive keys compiles to mapclear)`);
      }
      mapclear(m);
    },
    peekIteration(r) {
      return iterationOrder(m, r).map((e): [JsonValue, JsonValue] => [decodeValue(mem, s.type.key, e.key), decodeValue(mem, s.type.elem, e.elem)]);
    },
    iterate(r) {
      const order = iterationOrder(m, r);
      if (mapiterinit(m)) {
        m.trace(`iterate: start bucket ${Number(r & ((1n << BigInt(m.B)) - 1n))}, slot offset ${Number((r >> BigInt(m.B)) & 7n)}; flags now iterator|oldIterator`);
      }
      const pairs = order.map((e): [JsonValue, JsonValue] => [decodeValue(mem, s.type.key, e.key), decodeValue(mem, s.type.elem, e.elem)]);
      if (opts.trace) trace.push({ op: sim.opIndex, text: `iterate: ${pairs.map(([k, v]) => `${JSON.stringify(k)}→${JSON.stringify(v)}`).join(' ')}` });
      return pairs;
    },
    hashInfo() {
      const h: ClassicSnapshot['hash'] = mode === 'aes'
        ? { mode, seeds: [...seeds], aeskeysched: hexBytes(keys.aeskeysched) }
        : { mode, seeds: [...seeds], hashkey: hashkey.map((k) => k.toString()) };
      if (coin && randSeed !== undefined) h.rand = randSeed.toString();
      return h;
    },
    snapshot() {
      return takeSnapshot(m, { go: s.goText, arch: s.arch.name, experiment: s.experiment, type: typeString(s.type), hash: sim.hashInfo() });
    },
  };
  return sim;
}

/** Runs operation `i` of a scenario on the map (trace lines and errors name `ops[i]`). */
export function applyOp(sim: SimMap, op: Op, i: number): void {
  sim.opIndex = i;
  const at = `ops[${i}][1]`;
  switch (op.op) {
    case 'insert':
      sim.insert(op.key, op.value, at);
      break;
    case 'delete':
      sim.delete(op.key, at);
      break;
    case 'lookup':
      sim.lookup(op.key, at);
      break;
    case 'clear':
      sim.clear(`ops[${i}]`);
      break;
    case 'iterate':
      sim.iterate(op.r);
      break;
  }
}

/**
 * The map seeds the runtime draws (hash0 at make, on emptying, at clear):
 * the scenario's recorded ones in order, or the PRNG's; `seeds` lists those
 * drawn so far (the snapshot's hash.seeds).
 */
function seedDrawer(s: Omit<Scenario, 'ops'>, rand: () => bigint): { seeds: number[]; drawSeed: () => number } {
  const seeds: number[] = [];
  const recorded = s.hash.seeds;
  const drawSeed = (): number => {
    let v: number;
    if (recorded) {
      if (seeds.length >= recorded.length) {
        throw new InputError(s.source, 'hash.seeds', `the runtime draws seed #${seeds.length + 1} here but the scenario records ${recorded.length}`);
      }
      v = Number(recorded[seeds.length] & 0xffffffffn);
    } else {
      v = Number(rand() & 0xffffffffn);
    }
    seeds.push(v);
    return v;
  };
  return { seeds, drawSeed };
}

/** The engine keeps every byte in memory: refuse hints whose bucket array alone passes the simulated memory's live-byte limit. */
function refuseHugeHint(s: Omit<Scenario, 'ops'>, L: ClassicLayout): void {
  if (s.hint === null) return;
  let B = 0;
  while (B < 64 && overLoadFactor(s.hint, B, L.loadFactor)) B++;
  const bytes = 2 ** B * L.bucket.size;
  // A hint past maxAlloc is treated as 0 by makemap, so it needs no memory.
  if (s.hint * L.bucket.size <= maxAlloc(s.arch) && bytes > MAX_SIM_BYTES) {
    throw new InputError(s.source, 'hint', `make(…, ${s.hint}) needs ${bytes} bytes of buckets (B=${B}); the engine simulates at most ${MAX_SIM_BYTES} live bytes`);
  }
}

export function simulate(s: Scenario, opts: SimOptions = {}): SimResult {
  const sim = openMap(s, opts);
  s.ops.forEach((op, i) => applyOp(sim, op, i));
  return { snapshot: sim.snapshot(), trace: sim.trace };
}

/** Integer kinds of 8 bytes on a 64-bit target (the fast paths' only targets): a non-negative number is its two words. */
const INT64_KINDS = new Set(['int64', 'uint64', 'int', 'uint', 'uintptr']);

function hasNaN(v: JsonValue): boolean {
  if (v === 'NaN') return true;
  if (Array.isArray(v)) return v.some(hasNaN);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNaN);
  return false;
}

export type { GoType };
