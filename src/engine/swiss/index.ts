/**
 * The Swiss table engine: Go's map since 1.24 (internal/runtime/maps), byte
 * for byte, over simulated memory.
 *
 * Given a scenario (make, then inserts, deletes, lookups, clears) and the
 * random numbers the runtime drew (the map seeds, the process's hash keys),
 * the engine lays out the same control bytes, keys and elems in the same
 * slots of the same groups of the same tables, the same directory, and the
 * same used/capacity/growthLeft/localDepth/globalDepth/globalShift as the
 * real runtime. test/sim-swiss.test.ts proves it against snapshots taken
 * from real Go 1.24, 1.26 and 1.27 programs (gosrc/swisssnap).
 *
 * The whole, as in the runtime:
 *
 *   Map header ── dirLen 0 ──▶ one group (a small map, ≤ 8 entries)
 *       │
 *       └──── dirLen 2^globalDepth ──▶ directory [*table …] (extendible hashing)
 *                                        table: 8..1024 slots in groups of 8
 *
 * hash = Hasher(key, seed). The directory index is the hash's top
 * globalDepth bits; inside a table, H1 = hash >> 7 picks the first group of
 * a triangular probe sequence and H2 = hash & 0x7f is stored in the slot's
 * control byte. A table grows (doubles) at 7/8 load, and beyond 1024 slots
 * splits in two on the next hash bit, doubling the directory when needed.
 *
 * One concept per file, like maps/:
 *   ctrl.ts       control bytes and match operations
 *   group.ts      slot addresses, storing and clearing keys/elems
 *   probe.ts      H1/H2 and the probe sequence
 *   small.ts      the small map and its conversion to a table
 *   table.ts      table insert, lookup, delete (empty vs tombstone)
 *   rehash.ts     grow and split
 *   directory.ts  directory index, replaceTable, installTableSplit
 *   prune.ts      pruneTombstones (1.25+, some code paths)
 *   clear.ts      clear(m) per release
 *   clone.ts      maps.Clone per release
 *   iterate.ts    iteration order from the iterator's random start
 *   map.ts        the header, make, assign, delete, lookup, re-seeding
 *   rules.ts      which release and which compiler code path does what
 *   keys.ts       hashing and equality of keys
 *   fast.ts       the fast paths (memhash64 and strhash keys): lookup, assign,
 *                 delete and rehash over arena offsets, the same bytes as the
 *                 generic code, which a traced map always takes
 *   snapshot.ts   the JSON snapshot; draw.ts the drawing; tour.ts the tour
 */
import { scenarioKeys, type Op, type Scenario } from '../scenario.js';
import { prng } from '../prng.js';
import { SimMemory } from '../../model/memory.js';
import { sizeOf, typeString, underlying } from '../../model/types.js';
import type { JsonValue } from '../../model/values.js';
import { layoutOf, type SwissLayout } from '../../layout/index.js';
import { mapKeyHash } from '../../hash/index.js';
import { drawKeyMaterial } from '../../model/runtime/index.js';
import { InputError } from '../../base/errors.js';
import { hexBytes } from '../../base/hex.js';
import { makeCtx, hex } from './ctx.js';
import { swissRules } from './rules.js';
import { SwissMap } from './map.js';
import { clearMap } from './clear.js';
import { cloneMap, type IterStart } from './clone.js';
import { encoder } from '../encode.js';
import { SwissFast, FALLBACK } from './fast.js';
import { snapshotOf, uintJson, type SwissSnapshot, type SwissSnapshotHash } from './snapshot.js';
import { iterationOrder } from './iterate.js';

export type { SwissSnapshot, SwissTableSnapshot, SwissGroupSnapshot, SwissSnapshotHash } from './snapshot.js';
export { drawSwiss } from './draw.js';
export { swissTourSection } from './tour.js';
export { iterationOrder } from './iterate.js';
export { cloneMap, type IterStart } from './clone.js';
export { SwissMap } from './map.js';
export { swissEngine } from './engine.js';

export interface SwissOptions {
  /** Every trace line as text, with a `[n] insert …` line before each operation's. */
  readonly trace?: (line: string) => void;
  /** Every trace line with the index of its operation (-1 for make), as the Engine interface reports them. */
  readonly onTrace?: (op: number, text: string) => void;
}

/** A map built by replaying a scenario, with its memory, for callers that want more than the snapshot. */
export interface SwissRun {
  readonly map: SwissMap;
  readonly snapshot: SwissSnapshot;
}

/** A Swiss map opened on a scenario's target, driven one operation at a time (bench, checker, tests). */
export interface SwissSession {
  readonly map: SwissMap;
  /** Whether insert, lookup and delete run the fast paths of fast.ts (a memhash64 or strhash key on a little-endian 64-bit target, untraced, once the map has a directory). */
  readonly fastPaths: boolean;
  insert(key: JsonValue, value: JsonValue): void;
  /** Inserts the key with a zero elem: for callers that only care where keys go. */
  insertKey(key: JsonValue): void;
  delete(key: JsonValue): void;
  lookup(key: JsonValue): boolean;
  clear(): void;
  snapshot(): SwissSnapshot;
  /** The snapshot's `hash` (mode, seeds drawn so far, process keys) without the rest of it. */
  hashInfo(): SwissSnapshotHash;
  /** maps.Clone of the map now; 1.24 rebuilds in iteration order from `start` (see clone.ts). */
  clone(start?: IterStart): SwissSnapshot;
}

export function openSwiss(scenario: Omit<Scenario, 'ops'>, opts: SwissOptions & { opIndex?: () => number } = {}): SwissSession {
  if (scenario.impl !== 'swiss') {
    throw new InputError(scenario.source, 'go', `Go ${scenario.goText}${scenario.experiment ? ' ' + scenario.experiment : ''} builds classic maps, not Swiss tables`);
  }
  const arch = scenario.arch;
  const minor = scenario.go.minor;
  const layout = layoutOf(scenario.type, { go: scenario.go, arch, experiment: scenario.experiment }) as SwissLayout;
  const mem = new SimMemory(arch);
  const rand = prng(scenario.hash.prngSeed ?? 1);
  const ptrMask = (1n << BigInt(arch.ptrSize * 8)) - 1n;
  const { hashkey, aeskeysched: ks } = drawKeyMaterial(minor, arch, rand, scenarioKeys(scenario.hash));
  const { target, hasher, recipe } = mapKeyHash(scenario.type.key, arch, `1.${minor}`, scenario.hash.mode === 'aes', { hashkey, aeskeysched: ks });
  const keySize = sizeOf(scenario.type.key, arch).size;
  const keyMem = {
    read: (a: bigint, len: number) => mem.read(Number(a), len),
    loc: (a: number, len: number) => mem.loc(a, len),
    get locOff() { return mem.locOff; },
    dynamicType: () => {
      throw new InputError(scenario.source, 'type', 'interface keys are not supported by the Swiss engine yet');
    },
  };
  // A NaN key's hash mixes in a fresh rand() (runtime/alg.go f64hash), so
  // where an inserted NaN lands cannot be replayed: refuse, as the classic
  // engine does. A lookup or delete of NaN never finds anything, whatever
  // the draw, so those take one from the PRNG.
  let inserting = false;
  const nanDraw = () => {
    if (inserting) throw new InputError(scenario.source, 'ops', 'inserting a NaN key cannot be replayed: its hash mixes in a random number the runtime draws per insert');
    return rand();
  };
  const hash = (addr: number, seed: bigint) => hasher.hashKey(recipe, mem.view(addr, keySize), seed, keyMem, nanDraw);
  const hw = { hi: 0, lo: 0 };
  const hashWords = (addr: number, seedHi: number, seedLo: number) => {
    const b = mem.loc(addr, keySize);
    hasher.hashKeyWords(recipe, b, seedHi, seedLo, keyMem, nanDraw, mem.locOff);
    hw.hi = hasher.hi;
    hw.lo = hasher.lo;
  };
  const rules = swissRules(scenario.type.key, scenario.type.elem, arch, minor);
  const opIndex = opts.opIndex ?? (() => -1);
  const trace = opts.trace || opts.onTrace
    ? (line: string) => {
      opts.trace?.(line);
      opts.onTrace?.(opIndex(), line.trim());
    }
    : undefined;
  const cx = makeCtx(mem, layout, rules, scenario.type.key, scenario.type.elem, hash, hashWords, hw, trace);
  const seeds = [...(scenario.hash.seeds ?? [])];
  // Every seed the map had, for the snapshot's hash.seeds (as the classic snapshot records hash0s).
  const drawn: bigint[] = [];
  const m = new SwissMap(cx, () => {
    const s = (seeds.shift() ?? rand()) & ptrMask;
    drawn.push(s);
    return s;
  });
  const meta = (): { go: string; arch: string; experiment: string; type: string; hash: SwissSnapshotHash } => ({
    go: scenario.goText,
    arch: arch.name,
    experiment: scenario.experiment,
    type: typeString(scenario.type),
    hash: target.aes
      ? { mode: 'aes', seeds: drawn.map(uintJson), aeskeysched: hexBytes(ks) }
      : { mode: 'fallback', seeds: drawn.map(uintJson), hashkey: hashkey.map((k) => (k & ptrMask).toString()) },
  });
  trace?.(`go 1.${minor} ${arch.name}: ${typeString(scenario.type)}, ${rules.path} assignment path, pruning ${rules.prune ? 'on' : 'off'}`);
  opts.trace?.(`make(${typeString(scenario.type)}${scenario.hint === null ? '' : ', ' + scenario.hint})`);
  m.make(scenario.hint);
  const kbuf = mem.alloc(keySize, 'op key');
  const elemSize = sizeOf(scenario.type.elem, arch).size;
  const vbuf = mem.alloc(elemSize, 'op value');
  const encKey = encoder(mem, scenario.type.key, 'key');
  const encTempKey = encoder(mem, scenario.type.key, 'key', { temporary: true });
  const encElem = encoder(mem, scenario.type.elem, 'value');
  // The fast paths (fast.ts) when the key and target have them; an 8-byte integer key or value given
  // as a number in [0, 2^53) is written as the encoder would write it.
  const fast = SwissFast.for(m, hasher, recipe, kbuf, vbuf);
  const int64Key = fast !== undefined && INT64_KINDS.has(underlying(scenario.type.key).kind) && keySize === 8;
  const int64Elem = fast !== undefined && INT64_KINDS.has(underlying(scenario.type.elem).kind) && elemSize === 8;
  const fastKey = (key: JsonValue, temporary: boolean): void => {
    if (int64Key && typeof key === 'number' && Number.isSafeInteger(key) && key >= 0) fast?.setKeyNumber(key);
    else if (temporary) encTempKey(kbuf, key);
    else encKey(kbuf, key);
  };
  return {
    map: m,
    fastPaths: fast !== undefined,
    insert(key, value) {
      if (fast) {
        fastKey(key, false);
        if (int64Elem && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) fast.setValueNumber(value);
        else encElem(vbuf, value);
        if (fast.assign() !== FALLBACK) return;
      } else {
        encKey(kbuf, key);
        encElem(vbuf, value);
      }
      inserting = true;
      try {
        m.assign(kbuf, vbuf);
      } finally {
        inserting = false;
      }
    },
    insertKey(key) {
      encKey(kbuf, key);
      if (elemSize > 0) mem.zero(vbuf, elemSize);
      inserting = true;
      try {
        m.assign(kbuf, vbuf);
      } finally {
        inserting = false;
      }
    },
    delete(key) {
      if (fast) {
        fastKey(key, true);
        if (fast.delete() !== FALLBACK) return;
      } else {
        encTempKey(kbuf, key);
      }
      m.delete(kbuf);
    },
    lookup(key) {
      if (fast) {
        fastKey(key, true);
        const r = fast.lookup();
        if (r !== FALLBACK) return r === 1;
      } else {
        encTempKey(kbuf, key);
      }
      const found = m.lookup(kbuf);
      trace?.(`  ${found ? 'found' : 'absent'}`);
      return found;
    },
    clear: () => clearMap(m),
    snapshot: () => snapshotOf(m, meta()),
    hashInfo: () => meta().hash,
    clone: (start) => {
      // The clone's draws (its seed on 1.24, an iterator start) are not seeds of this map.
      const n = drawn.length;
      const c = cloneMap(m, start);
      drawn.length = n;
      const mt = meta();
      return snapshotOf(c, { ...mt, hash: { ...mt.hash, seeds: [uintJson(c.seed)] } });
    },
  };
}

/** Integer kinds of 8 bytes on a 64-bit target (the fast paths' only targets): a non-negative number is its two words. */
const INT64_KINDS = new Set(['int64', 'uint64', 'int', 'uint', 'uintptr']);

/**
 * Runs operation `n` of a scenario on an open map. `header` receives the
 * `[n] insert …` line that opens the operation's trace, `trace` the lines
 * that are not the session's own (the order of an iteration).
 */
export function applySwissOp(s: SwissSession, op: Op, n: number, header: (line: string) => void, trace?: (line: string) => void): void {
  switch (op.op) {
    case 'insert':
      header(`[${n}] insert ${JSON.stringify(op.key)}: ${JSON.stringify(op.value)}`);
      s.insert(op.key, op.value);
      break;
    case 'delete':
      header(`[${n}] delete ${JSON.stringify(op.key)}`);
      s.delete(op.key);
      break;
    case 'lookup':
      header(`[${n}] lookup ${JSON.stringify(op.key)}`);
      s.lookup(op.key);
      break;
    case 'clear':
      header(`[${n}] clear`);
      s.clear();
      break;
    case 'iterate': {
      // A Swiss iterator draws two numbers (Iter.Init: entryOffset, then
      // dirOffset); only their low bits matter (entryOffset & (capacity-1),
      // dirOffset & (dirLen-1)), so r carries entryOffset in its low 32
      // bits and dirOffset in its high 32 bits. A range writes nothing.
      header(`[${n}] iterate ${op.r}`);
      const order = iterationOrder(s.map, op.r & 0xffffffffn, op.r >> 32n);
      trace?.(`  iterate (entryOffset ${op.r & 0xffffffffn}, dirOffset ${op.r >> 32n}): ${order.map((k) => JSON.stringify(k)).join(' ')}`);
      break;
    }
  }
}

export function runSwiss(scenario: Scenario, opts: SwissOptions = {}): SwissRun {
  let current = -1;
  const s = openSwiss(scenario, { ...opts, opIndex: () => current });
  const header = (line: string) => opts.trace?.(line);
  const trace = opts.trace || opts.onTrace
    ? (line: string) => {
      opts.trace?.(line);
      opts.onTrace?.(current, line.trim());
    }
    : undefined;
  scenario.ops.forEach((op, n) => {
    current = n;
    applySwissOp(s, op, n, header, trace);
  });
  const m = s.map;
  header(`end: used ${m.used}, seed ${hex(m.seed)}, ${m.dirLen === 0 ? 'small map' : `${m.tables().length} table(s), dirLen ${m.dirLen}`}`);
  return { map: m, snapshot: s.snapshot() };
}

/** Replays a scenario on the Swiss engine and returns the map's snapshot. */
export function simulateSwiss(scenario: Scenario, opts: SwissOptions = {}): SwissSnapshot {
  return runSwiss(scenario, opts).snapshot;
}
