/**
 * One run of a race scenario's program: the engine's map made and set up
 * (the scenario's `setup`, serially, by the engine itself), then one thread
 * per goroutine whose `step()` runs that goroutine's next shared-memory
 * step (classic.ts, swiss.ts). `end()` reads the end state as `mapscope
 * check` would: the engine's snapshot, rebuilt and checked by src/check.
 *
 * `serialRun` runs the same operations one whole op at a time, by the
 * engines' own unstepped code (what sim runs and the tests prove against
 * real Go): those end states are what "benign" means.
 */
import { LimitError } from '../base/errors.js';
import { openMap, applyOp } from '../engine/classic/index.js';
import { openSwiss, applySwissOp } from '../engine/swiss/index.js';
import { encoder } from '../engine/encode.js';
import { HASH_WRITING } from '../model/runtime/index.js';
import type { MapSnapshot } from '../engine/index.js';
import type { Scenario } from '../engine/scenario.js';
import { checkMap, entriesOf, snapshotSource, type MapSource } from '../check/index.js';
import type { LayoutTarget } from '../layout/index.js';
import { sizeOf, structLayout, underlying, type GoType } from '../model/types.js';
import { decodeValue } from '../model/values.js';
import { decodeUint, type MemoryReader, type SimMemory } from '../model/memory.js';
import * as classic from './classic.js';
import * as swiss from './swiss.js';
import type { RaceOp, RaceScenario } from './scenario.js';
import type { JsonValue } from '../model/values.js';
import { withSource, type ElemStore, type OpResult, type SteppedOp, type StepInfo } from './steps.js';
import { elemStorePieces, storePieces } from './keystore.js';

/** A goroutine: its ops, run step by step. */
export interface Thread {
  /** Runs the next step; null when the goroutine has finished all its ops. Throws Fatal. */
  step(): { info: StepInfo; op: number } | null;
  /** Index of the op the goroutine is in (or about to start). */
  readonly op: number;
  readonly results: OpResult[];
}

export interface Run {
  readonly threads: Thread[];
  end(): EndState;
}

/** The end state as judged: contents (as bytes) plus lookup results, and the checker's findings. */
export interface EndState {
  /** Sorted `key=elem` hex pairs, then each goroutine's lookup results: equal fingerprints, equal states. */
  readonly fingerprint: string;
  /** The entries as people read them (`1→10`), in slot order; a key stored twice is listed twice. */
  readonly entries: readonly string[];
  /** Keys as bytes (valueBytes), one per live slot: for lost and duplicated keys. */
  readonly keys: readonly string[];
  /**
   * Findings of severity error or warning, and the write flag (classic
   * hashWriting, Swiss writing) left set after every goroutine finished: no
   * serial order leaves it, and the next access to the map dies with a
   * spurious `concurrent map …` fatal error.
   */
  readonly findings: readonly string[];
}

interface MapHandle {
  readonly mem: SimMemory;
  /** The write flag's value now (classic: flags & hashWriting; Swiss: writing). */
  writing(): number;
  /** The op's steps, its key at `kbuf` and its elem (an insert's) encoded at `ebuf` (the goroutine's own memory). */
  stepped(op: RaceOp, kbuf: number, ebuf: number): SteppedOp;
  snapshot(): MapSnapshot;
}

function openHandle(base: Scenario): MapHandle {
  const encElem = (mem: SimMemory) => encoder(mem, base.type.elem, 'value');
  // The caller's elem store through the returned pointer, a step per store instruction (keystore.ts).
  const elemStore = (mem: SimMemory, enc: (a: number, v: JsonValue) => void, op: Extract<RaceOp, { op: 'insert' }>, ebuf: number): ElemStore => {
    const size = sizeOf(base.type.elem, base.arch).size;
    const pieces = elemStorePieces(base.arch, base.type.elem);
    return function* (addr: number) {
      enc(ebuf, op.value);
      yield* withSource(storePieces(mem, addr, ebuf, pieces, size, 'elem', '(the compiled code, through the returned pointer)'), () => 'the caller');
    };
  };
  if (base.impl === 'classic') {
    const sim = openMap(base);
    base.ops.forEach((op, i) => applyOp(sim, op, i));
    const m = sim.map;
    const enc = encElem(m.mem);
    return {
      mem: m.mem,
      writing: () => m.flags & HASH_WRITING,
      stepped: (op, k, e) => op.op === 'insert' ? classic.assignSteps(m, k, elemStore(m.mem, enc, op, e))
        : op.op === 'delete' ? classic.deleteSteps(m, k) : classic.lookupSteps(m, k),
      snapshot: () => sim.snapshot(),
    };
  }
  const s = openSwiss(base);
  base.ops.forEach((op, i) => applySwissOp(s, op, i, () => {}));
  const m = s.map;
  // The engine's step generators pause after each step from here on (the setup ran them straight through).
  m.stepped = true;
  const enc = encElem(m.cx.mem);
  return {
    mem: m.cx.mem,
    writing: () => m.cx.mem.u8(m.addr + m.cx.M.writing),
    stepped: (op, k, e) => op.op === 'insert' ? swiss.assignSteps(m, k, elemStore(m.cx.mem, enc, op, e))
      : op.op === 'delete' ? swiss.deleteSteps(m, k) : swiss.lookupSteps(m, k),
    snapshot: () => s.snapshot(),
  };
}

/**
 * End states already judged, by their memory's bytes (the same bytes are the
 * same map: the snapshot, the check and the contents follow from them; the
 * one thing the classic engine keeps beside memory, the overflow list of
 * pointer-free buckets, only grows in newoverflow, which then also writes
 * the bucket's overflow pointer: an end state, judged when every goroutine
 * has returned, has no newoverflow half done).
 */
export type JudgeCache = Map<string, EndState>;

function memoryKey(mem: SimMemory): string {
  const parts: string[] = [];
  for (const a of mem.allocations()) parts.push(a.addr.toString(36), Buffer.from(a.bytes).toString('base64'));
  return parts.join(':');
}

/** A fresh run: the map made and set up, each goroutine at its first step. */
export function startRun(sc: RaceScenario, cache?: JudgeCache): Run {
  const h = openHandle(sc.base);
  // No collection while goroutines interleave: one may still hold a pointer into an array another just released.
  h.mem.keepFreed = true;
  const keySize = Math.max(1, sizeOf(sc.base.type.key, sc.base.arch).size);
  const elemSize = Math.max(1, sizeOf(sc.base.type.elem, sc.base.arch).size);
  const encKey = encoder(h.mem, sc.base.type.key, 'key');
  const threads = sc.goroutines.map((ops, g): Thread => {
    // Each goroutine's key argument lives in its own memory (its stack), never shared.
    const kbuf = h.mem.alloc(keySize, `goroutine ${g} key`);
    const ebuf = h.mem.alloc(elemSize, `goroutine ${g} elem`);
    let i = 0;
    let gen: SteppedOp | undefined;
    const results: OpResult[] = [];
    return {
      results,
      get op() {
        return i;
      },
      step() {
        for (;;) {
          if (i >= ops.length) return null;
          if (!gen) {
            encKey(kbuf, ops[i].key);
            gen = h.stepped(ops[i], kbuf, ebuf);
          }
          const r = gen.next();
          if (!r.done) return { info: r.value, op: i };
          if (ops[i].op === 'lookup') results.push(r.value);
          gen = undefined;
          i++;
        }
      },
    };
  });
  const end = (): EndState => judge(sc, h.snapshot, threads.map((t) => t.results), h.writing());
  return {
    threads,
    end() {
      if (!cache) return end();
      const key = `${memoryKey(h.mem)}|${threads.map((t) => t.results.map((r) => (r?.found ? 1 : 0)).join('')).join(',')}`;
      let e = cache.get(key);
      if (!e) cache.set(key, (e = end()));
      return e;
    },
  };
}

/** The same ops run serially in `order` (goroutine indices, one per op) by the engine's unstepped code. */
export function serialRun(sc: RaceScenario, order: readonly number[]): EndState {
  return serialSim(sc, order).end();
}

/**
 * A serial run kept alive: the engine's map after `order`, advanced one
 * whole op at a time (explore.ts's serial walk extends a state by one op
 * instead of replaying its order from the start).
 */
export interface SerialSim {
  /** Runs goroutine g's next op. */
  apply(g: number): void;
  /**
   * The contents (entries as bytes, lookup results so far): two prefixes
   * with equal contents leave maps that every further op treats alike (an
   * op's effect on the entries and its result depend on the entries alone),
   * so the serial end states are found by exploring each (progress,
   * contents) pair once (explore.ts). Read from the engine's own memory, as
   * `mapscope check` reads a core: the same bytes the snapshot holds.
   */
  contents(): string;
  /** The end state as judged (serialRun's). */
  end(): EndState;
  /** The engine's snapshot of the map now (docs/json.md "sim"). */
  snapshot(): MapSnapshot;
}

/** The serial run of `order` (then extend it with apply). */
export function serialSim(sc: RaceScenario, order: readonly number[] = []): SerialSim {
  const base = sc.base;
  const next = sc.goroutines.map(() => 0);
  const results: OpResult[][] = sc.goroutines.map(() => []);
  const target: LayoutTarget = { go: base.go, arch: base.arch, experiment: base.experiment };
  let run: (op: RaceOp, g: number) => void;
  let snapshot: () => MapSnapshot;
  let writing: () => number;
  let mem: MemoryReader;
  let addr: number;
  if (base.impl === 'classic') {
    const sim = openMap(base);
    base.ops.forEach((op, i) => applyOp(sim, op, i));
    run = (op, g) => {
      if (op.op === 'insert') sim.insert(op.key, op.value);
      else if (op.op === 'delete') sim.delete(op.key);
      else results[g].push({ found: sim.lookup(op.key) !== undefined });
    };
    snapshot = () => sim.snapshot();
    writing = () => sim.map.flags & HASH_WRITING;
    mem = sim.map.mem;
    addr = sim.map.ptr;
  } else {
    const s = openSwiss(base);
    base.ops.forEach((op, i) => applySwissOp(s, op, i, () => {}));
    run = (op, g) => {
      if (op.op === 'insert') s.insert(op.key, op.value);
      else if (op.op === 'delete') s.delete(op.key);
      else results[g].push({ found: s.lookup(op.key) });
    };
    snapshot = () => s.snapshot();
    writing = () => s.map.cx.mem.u8(s.map.addr + s.map.cx.M.writing);
    mem = s.map.cx.mem;
    addr = s.map.addr;
  }
  const apply = (g: number): void => run(sc.goroutines[g][next[g]++], g);
  for (const g of order) apply(g);
  const src: MapSource = { name: 'serial state', reader: mem, addr: BigInt(addr), type: base.type, target, syntheticAddresses: true };
  return {
    apply, snapshot,
    end: () => judge(sc, snapshot, results, writing()),
    contents: () => `${pairsOf(sc, src).join(' ')}|${lookupsText(sc, results, writing())}`,
  };
}

function lookupsText(sc: RaceScenario, results: OpResult[][], writing: number): string {
  const flag = sc.base.impl === 'classic' ? 'hashWriting' : 'writing';
  return results.map((r, g) => `g${g}:${r.map((x) => (x?.found ? 'found' : 'absent')).join(',')}`).join(' ')
    + (writing ? ` ${flag}=${writing}` : '');
}

function pairsOf(sc: RaceScenario, src: MapSource): string[] {
  return entriesOf(src, MAX_ENTRIES).map((e) => `${valueBytes(src.reader, sc.base.type.key, Number(e.key))}=${valueBytes(src.reader, sc.base.type.elem, Number(e.elem))}`).sort();
}

/**
 * A value as the bytes Go compares: its own bytes in hex, except that a
 * string is its length and data bytes, not its header (the data's address
 * depends on the order the strings were allocated, which serial orders and
 * interleavings do differently; Go's == compares the data). A torn string
 * header (one goroutine's pointer, another's length) reads other bytes.
 */
function valueBytes(mem: MemoryReader, t: GoType, addr: number): string {
  const arch = mem.arch;
  const u = underlying(t);
  const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  switch (u.kind) {
    case 'string': {
      const p = decodeUint(mem.read(addr, arch.ptrSize), arch.bigEndian);
      const len = decodeUint(mem.read(addr + arch.ptrSize, arch.ptrSize), arch.bigEndian);
      if (len === 0n) return '""';
      if (len > BigInt(MAX_STRING)) return `"len ${len} at ${p.toString(16)}"`;
      try {
        return `"${hexOf(mem.read(p, Number(len)))}"`;
      } catch {
        return `"len ${len} at unmapped ${p.toString(16)}"`;
      }
    }
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      return `[${Array.from({ length: u.len }, (_, i) => valueBytes(mem, u.elem, addr + i * es)).join(',')}]`;
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      return `{${l.fields.map((f) => valueBytes(mem, f.type, addr + f.offset)).join(',')}}`;
    }
    default:
      return hexOf(mem.read(addr, sizeOf(t, arch).size));
  }
}

/** Longest string data compared (a torn header can claim any length). */
const MAX_STRING = 1 << 16;

const MAX_ENTRIES = 1 << 16;

function judge(sc: RaceScenario, snapshot: () => MapSnapshot, results: OpResult[][], writing: number): EndState {
  const flag = sc.base.impl === 'classic' ? 'hashWriting' : 'writing';
  const lookups = lookupsText(sc, results, writing);
  const left = writing ? [`${flag} left set (${writing}) after every goroutine returned: the next access to the map dies with a spurious concurrent map fatal error`] : [];
  let snap: MapSnapshot;
  try {
    snap = snapshot();
  } catch (e) {
    if (e instanceof LimitError) throw e;
    const msg = `the end state cannot be read as a map: ${(e as Error).message}`;
    return { fingerprint: `unreadable|${lookups}`, entries: [], keys: [], findings: [msg, ...left] };
  }
  const src = snapshotSource(JSON.parse(JSON.stringify(snap)) as unknown, 'end state');
  let checked: string[];
  try {
    checked = checkMap(src).findings.filter((f) => f.severity !== 'info').map((f) => `${f.code} at ${f.location.text}: ${f.message}`);
  } catch (e) {
    // A torn key can be unhashable (a string length no allocation holds): the map cannot be checked.
    if (e instanceof LimitError) throw e;
    checked = [`the end state cannot be checked: ${(e as Error).message}`];
  }
  const findings = [...checked, ...left];
  const raw = entriesOf(src, MAX_ENTRIES);
  const pairs = pairsOf(sc, src);
  const show = (t: typeof sc.base.type.key, a: bigint): string => {
    try {
      return JSON.stringify(decodeValue(src.reader, t, Number(a)));
    } catch {
      return '(unreadable)';
    }
  };
  const entries = raw.map((e) => `${show(sc.base.type.key, e.key)}→${show(sc.base.type.elem, e.elem)}`);
  const keys = raw.map((e) => valueBytes(src.reader, sc.base.type.key, Number(e.key)));
  return { fingerprint: `${pairs.join(' ')}|${lookups}`, entries, keys, findings };
}
