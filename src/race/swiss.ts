/**
 * The Swiss map's operations (internal/runtime/maps, Go 1.24+: runtime.go or
 * runtime_swiss.go for the generic path, runtime_fast32/64/str[_swiss].go,
 * map.go for Delete and the small map) cut into shared-memory steps, over
 * the Swiss engine's map (src/engine/swiss).
 *
 * The small map (dirLen == 0, at most 8 entries in one group) is stepped
 * load by load and store by store:
 *   - `m.writing != 0` → fatal: one load;
 *   - `hash := typ.Hasher(key, m.seed)`: one load of seed;
 *   - `m.writing ^= 1`: a load and a store (a plain read-modify-write);
 *   - dirPtr/dirLen/used loads; growToSmall (when dirPtr is nil) a step per
 *     store: dirPtr, then the control word (the engine's growToSmallSteps);
 *   - putSlotSmall: the group's control word and keys read in one step
 *     (matchH2, key compares, matchEmptyOrDeleted), then the key's stores
 *     (one per store instruction: keystore.ts), the control byte store, and `m.used++` as a load and a store;
 *   - `if m.writing == 0 { fatal }; m.writing ^= 1`: a load for the check,
 *     then a load and a store for the toggle (checkAndToggle below);
 *   - the caller's elem store, one step per store instruction (keystore.ts).
 * A table (dirLen > 0) is stepped by the engine's own generators
 * (src/engine/swiss): the directory's loads (dirLen, globalShift, dirPtr,
 * the entry, the table's lengthMask) one step, then Table.putSlotSteps /
 * deleteSteps (a step per probed group, per store, and per load of the
 * growthLeft checks and of each counter's read-modify-write), growToTableSteps
 * and rehashSteps (a step per old slot read, per directory store). A lookup's
 * probe of a table is one step after the directory's. docs/race.md lists them.
 */
import type { SwissMap } from '../engine/swiss/map.js';
import { Group, claimNewAt } from '../engine/swiss/group.js';
import { CTRL_EMPTY, first } from '../engine/swiss/ctrl.js';
import { h2 } from '../engine/swiss/probe.js';
import { growToSmallSteps, growToTableSteps } from '../engine/swiss/small.js';
import type { Table } from '../engine/swiss/table.js';
import { directoryIndex } from '../engine/swiss/directory.js';
import type { Steps } from '../engine/steps.js';
import { fastKeyPieces, memmovePieces, storeKeySteps, storePieces, stringHeaderPieces, type Piece } from './keystore.js';
import { Fatal, withSource, type ElemStore, type SteppedOp, type StepInfo } from './steps.js';

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
/** abi.MapGroupSlots: slots of a small map's one group. */
const GROUP_SLOTS = 8;

function files(m: SwissMap): { fast: string; generic: string; map: string; table: string } {
  const path = m.cx.rules.path.replace(/ptr$/, '');
  const suffix = minorOf(m) <= 25 ? '_swiss' : '';
  const dir = 'internal/runtime/maps';
  const generic = `${dir}/runtime${minorOf(m) <= 25 ? '_swiss' : ''}.go`;
  const fast = path === 'generic' ? generic : `${dir}/runtime_${path}${suffix}.go`;
  return { fast, generic, map: `${dir}/map.go`, table: `${dir}/table.go` };
}

function minorOf(m: SwissMap): number {
  return m.cx.rules.minor;
}

function writingOf(m: SwissMap): number {
  return m.cx.mem.u8(m.addr + m.cx.M.writing);
}
function setWriting(m: SwissMap, v: number): void {
  m.cx.mem.setU8(m.addr + m.cx.M.writing, v);
}

/** The engine's steps (strings) as StepInfos: the runtime function each comes from, by its text's prefix. */
function engineSteps<T>(m: SwissMap, g: Steps<T>, src: string): Generator<StepInfo, T, void> {
  const dir = 'internal/runtime/maps';
  return withSource(g, (text) => {
    const fn = /^(growToSmall|growToTable|grow|split|replaceTable|installTableSplit):/.exec(text)?.[1];
    return fn === undefined ? src
      : fn === 'grow' || fn === 'split' ? `${dir}/table.go (*table).${fn}` : `${dir}/map.go ${fn}`;
  });
}

/** The hash's uint32 halves, as the engine's tables take them. */
const halves = (hash: bigint): [number, number] => [Number((hash >> 32n) & 0xffffffffn), Number(hash & 0xffffffffn)];

/**
 * directoryIndex and directoryAt (map.go), and the table's lengthMask: the
 * loads of dirLen, globalShift, dirPtr, the entry and the table header, one step.
 */
function* selectTable(m: SwissMap, hash: bigint, src: string): Generator<StepInfo, Table, void> {
  const [hi, lo] = halves(hash);
  const idx = directoryIndex(m, hi, lo);
  const t = m.tableFor(hi, lo);
  yield { text: `load dirLen ${m.dirLen}, globalShift ${m.globalShift}, dirPtr, directory[${idx}]: ${t} (capacity ${t.capacity}), its lengthMask`, source: src };
  return t;
}

/** m[k] = v (runtime_mapassign and its fast variants). */
export function* assignSteps(m: SwissMap, key: number, storeElem: ElemStore): SteppedOp {
  const path = m.cx.rules.path;
  const fn = path === 'generic' ? 'runtime_mapassign' : `runtime_mapassign_${path}`;
  const src = `${files(m).fast} ${fn}`;
  const step = (text: string, source = src): StepInfo => ({ text, source });
  const cx = m.cx;
  let w = writingOf(m);
  if (w !== 0) throw new Fatal('concurrent map writes', src);
  yield step(`load writing ${w}: 0`);
  const hash = cx.hash(key, m.seed);
  yield step(`hash with seed ${hex(m.seed)}: ${hex(hash)}, H2 ${hex(h2(hash))}`);
  w = writingOf(m);
  yield step(`load writing ${w} (for writing ^= 1)`);
  setWriting(m, w ^ 1);
  yield step(`store writing ${w ^ 1}`);
  if (m.dirPtr === 0) yield* engineSteps(m, growToSmallSteps(m), src);
  let elem: number | undefined;
  const dirLen = m.dirLen;
  if (dirLen === 0) {
    const used = m.used;
    yield step(`load dirLen 0, used ${used}`);
    if (used < GROUP_SLOTS || !cx.rules.smallFullConvertsOnUpdate) {
      elem = yield* putSlotSmallSteps(m, hash, key, src);
      if (elem !== undefined) return yield* finish(m, src, elem, storeElem);
    }
    yield* engineSteps(m, growToTableSteps(m), src);
  } else {
    yield step(`load dirLen ${dirLen}`);
  }
  const storeKey = (dst: number, from: number, what: string): Steps => storePieces(cx.mem, dst, from, keyPieces(m), cx.keySize, 'key', what);
  while (elem === undefined) {
    const t = yield* selectTable(m, hash, src);
    elem = yield* engineSteps(m, t.putSlotSteps(halves(hash)[1], key, storeKey), src);
  }
  return yield* finish(m, src, elem, storeElem);
}

/** The key's stores (keystore.ts): a string header's two words, a fast key's one (or two on 32-bit), memmove's pieces. */
function keyPieces(m: SwissMap): Piece[] {
  const path = m.cx.rules.path.replace(/ptr$/, '');
  const arch = m.cx.mem.arch;
  if (path === 'faststr') return stringHeaderPieces(arch);
  if (path === 'generic') return memmovePieces(arch, m.cx.keySize);
  return fastKeyPieces(arch, m.cx.keySize);
}

/** putSlotSmall[Fast*]: the elem address, or undefined when no slot is free (only reached on 1.27+). */
function* putSlotSmallSteps(m: SwissMap, hash: bigint, key: number, src: string): Generator<StepInfo, number | undefined, void> {
  const cx = m.cx;
  const step = (text: string): StepInfo => ({ text, source: src.replace(/runtime_mapassign/, 'putSlotSmall').replace(/putSlotSmall_(\w+)/, (_s, v: string) => `putSlotSmall${v[0].toUpperCase()}${v.slice(1)}`) });
  const g = new Group(cx, m.dirPtr);
  const hh = h2(hash);
  const ctrlText = Array.from({ length: GROUP_SLOTS }, (_, i) => hex(g.ctrl.get(i))).join(' ');
  for (let match = g.ctrl.matchH2(hh); match; match &= match - 1) {
    const i = first(match);
    if (cx.keyEqual(key, g.key(i))) {
      yield step(`load ctrl ${ctrlText}: key found in slot ${i}`);
      if (cx.needKeyUpdate) {
        yield* storeKeySteps(cx.mem, g.key(i), key, keyPieces(m), cx.keySize, `in slot ${i} (update: needKeyUpdate)`, step('').source);
      }
      return g.elem(i);
    }
  }
  const match = g.ctrl.matchEmptyOrDeleted();
  if (match === 0) {
    if (!cx.rules.smallFullConvertsOnUpdate) {
      yield step(`load ctrl ${ctrlText}: no empty slot`);
      return undefined;
    }
    throw new Fatal('small map with no empty slot (concurrent map writes?)', src);
  }
  const i = first(match);
  yield step(`load ctrl ${ctrlText}: lowest empty slot ${i}`);
  const { k, e } = claimNewAt(cx, m.dirPtr, i);
  yield* storeKeySteps(cx.mem, k, key, keyPieces(m), cx.keySize, `in slot ${i}`, step('').source);
  g.ctrl.set(i, hh);
  yield step(`store ctrl ${hex(hh)} in slot ${i}`);
  const used = m.used;
  yield step(`load used ${used} (for m.used++)`);
  m.used = used + 1;
  yield step(`store used ${used + 1}`);
  return e;
}

/** The end of runtime_mapassign*: writing's check and toggle, then the caller's elem store. */
function* finish(m: SwissMap, src: string, elem: number, storeElem: ElemStore): SteppedOp {
  yield* checkAndToggle(m, src);
  yield* storeElem(elem);
  return undefined;
}

/**
 * `if m.writing == 0 { fatal }; m.writing ^= 1`: the compiled code compares
 * writing in memory for the check and loads it again for the toggle (go1.26
 * runtime_mapassign_fast64 on amd64: CMPB 0x22(DX) at runtime_fast64.go:224,
 * MOVZX 0x22(DX) / XORL $1 / MOVB at :227). If another goroutine cleared
 * writing in between, the toggle stores 1: the map is left "being written".
 */
function* checkAndToggle(m: SwissMap, src: string): Generator<StepInfo, void, void> {
  const w = writingOf(m);
  if (w === 0) throw new Fatal('concurrent map writes', src);
  yield { text: `load writing ${w}: set`, source: src };
  const again = writingOf(m);
  yield { text: `load writing ${again} (for writing ^= 1)`, source: src };
  setWriting(m, again ^ 1);
  yield { text: `store writing ${again ^ 1}`, source: src };
}

/** delete(m, k): Map.Delete and deleteSmall (map.go). */
export function* deleteSteps(m: SwissMap, key: number): SteppedOp {
  const src = `${files(m).map} Delete`;
  const step = (text: string, source = src): StepInfo => ({ text, source });
  const cx = m.cx;
  const used0 = m.used;
  if (used0 === 0) {
    yield step('load used 0: nothing to delete');
    return undefined;
  }
  yield step(`load used ${used0}`);
  let w = writingOf(m);
  if (w !== 0) throw new Fatal('concurrent map writes', src);
  yield step(`load writing ${w}: 0`);
  const hash = cx.hash(key, m.seed);
  yield step(`hash with seed ${hex(m.seed)}: ${hex(hash)}`);
  w = writingOf(m);
  yield step(`load writing ${w} (for writing ^= 1)`);
  setWriting(m, w ^ 1);
  yield step(`store writing ${w ^ 1}`);
  if (m.dirLen === 0) {
    const small = `${files(m).map} deleteSmall`;
    const g = new Group(cx, m.dirPtr);
    let slot = -1;
    for (let match = g.ctrl.matchH2(h2(hash)); match; match &= match - 1) {
      const i = first(match);
      if (cx.keyEqual(key, g.key(i))) { slot = i; break; }
    }
    yield step(slot < 0 ? 'load dirLen 0, ctrl: key absent' : `load dirLen 0, ctrl: key in slot ${slot}`, small);
    if (slot >= 0) {
      const used = m.used;
      yield step(`load used ${used} (for m.used--)`, small);
      m.used = used - 1;
      yield step(`store used ${used - 1}`, small);
      g.clearForDelete(slot);
      yield step(`clear slot ${slot}'s elem (and key if it holds pointers)`, small);
      g.ctrl.set(slot, CTRL_EMPTY);
      yield step(`store ctrl empty in slot ${slot}`, small);
    }
  } else {
    const t = yield* selectTable(m, hash, src);
    const r = yield* engineSteps(m, t.deleteSteps(halves(hash)[1], key), `${files(m).table} (*table).Delete`);
    if (r === true && cx.rules.tombstoneTracking) {
      m.tombstonePossible = true;
      yield step('store tombstonePossible true');
    }
  }
  const used = m.used;
  if (used === 0) {
    m.reseed('the map is empty');
    yield step(`load used 0: store a new seed ${hex(m.seed)}`);
  } else {
    yield step(`load used ${used}`);
  }
  yield* checkAndToggle(m, src);
  return undefined;
}

/** _, ok := m[k] (runtime_mapaccess2 and its fast variants). */
export function* lookupSteps(m: SwissMap, key: number): SteppedOp {
  const path = m.cx.rules.path;
  const fn = path === 'generic' ? 'runtime_mapaccess2' : `runtime_mapaccess2_${path}`;
  const src = `${files(m).fast} ${fn}`;
  const step = (text: string): StepInfo => ({ text, source: src });
  const used = m.used;
  if (used === 0) {
    yield step('load used 0: not found');
    return { found: false };
  }
  yield step(`load used ${used}`);
  const w = writingOf(m);
  if (w !== 0) throw new Fatal('concurrent map read and map write', src);
  yield step(`load writing ${w}: 0`);
  if (m.dirLen === 0) {
    const found = m.lookup(key);
    yield step(`probe (dirLen 0): ${found ? 'found' : 'not found'}`);
    return { found };
  }
  const hash = m.cx.hash(key, m.seed);
  const t = yield* selectTable(m, hash, src);
  const found = t.find(halves(hash)[1], key) >= 0;
  yield step(`${t}: probe its groups (one step): ${found ? 'found' : 'not found'}`);
  return { found };
}
