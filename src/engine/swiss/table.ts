/**
 * A table: up to 1024 slots (maxTableCapacity) in a power-of-two number of
 * groups, probed with H1 (maps/table.go).
 *
 * Insert walks the probe sequence: a full slot with an equal key is updated
 * in place; the first tombstone seen is remembered; the first group with an
 * empty slot ends the search. The key then goes into the remembered
 * tombstone (growthLeft unchanged) or the group's lowest empty slot
 * (growthLeft--). With growthLeft == 0 the table first prunes tombstones
 * where the release and code path do (rules.ts), and otherwise rehashes —
 * grows or splits — and the insert starts over from the directory.
 *
 * Delete leaves an empty slot when the group still has one (a probe for any
 * key would stop in this group anyway), else a tombstone.
 */
import type { SwissMap } from './map.js';
import type { SimMemory } from '../../model/memory.js';
import { Group, claimNewAt, clearForDeleteAt, moveInAt, storeNewAt } from './group.js';
import { CTRL_DELETED, CTRL_EMPTY, SLOTS } from './ctrl.js';
import { h2Lo, probeNext, probeStart } from './probe.js';
import { pruneTombstones } from './prune.js';
import { rehashSteps } from './rehash.js';
import { drain, type Steps, type StoreSteps } from '../steps.js';
import { hex } from './ctx.js';

import { MAX_TABLE_CAPACITY, MAX_AVG_GROUP_LOAD, maxGrowthLeft } from './capacity.js';

export { MAX_TABLE_CAPACITY, maxGrowthLeft };

/** Reads and writes a table header through the layout's offsets. */
export class Table {
  // The header's own bytes (allocations never move): the uint16 fields are read on every insert,
  // so they skip the address lookup.
  private readonly mem: SimMemory;
  private readonly hUsed: number;
  private readonly hCap: number;
  private readonly hGrowth: number;
  private readonly be: boolean;

  constructor(private readonly m: SwissMap, readonly addr: number) {
    const o = m.cx.mem.find(addr, m.cx.layout.headers.table.size);
    if (!o) throw new Error(`table at 0x${addr.toString(16)} is not in simulated memory`);
    this.mem = m.cx.mem;
    const base = addr - this.mem.base;
    this.hUsed = base + m.cx.T.used;
    this.hCap = base + m.cx.T.capacity;
    this.hGrowth = base + m.cx.T.growthLeft;
    this.be = m.cx.arch.bigEndian;
  }

  private get T() {
    return this.m.cx.T;
  }

  private rd16(o: number): number {
    const b = this.mem.arena;
    return this.be ? (b[o] << 8) | b[o + 1] : b[o] | (b[o + 1] << 8);
  }

  private wr16(o: number, v: number): void {
    const b = this.mem.arena;
    if (this.be) {
      b[o] = (v >>> 8) & 0xff;
      b[o + 1] = v & 0xff;
    } else {
      b[o] = v & 0xff;
      b[o + 1] = (v >>> 8) & 0xff;
    }
  }

  get used(): number { return this.rd16(this.hUsed); }
  set used(v: number) { this.wr16(this.hUsed, v); }
  get capacity(): number { return this.rd16(this.hCap); }
  set capacity(v: number) { this.wr16(this.hCap, v); }
  get growthLeft(): number { return this.rd16(this.hGrowth); }
  set growthLeft(v: number) { this.wr16(this.hGrowth, v); }
  get localDepth(): number { return this.m.cx.mem.u8(this.addr + this.T.localDepth); }
  set localDepth(v: number) { this.m.cx.mem.setU8(this.addr + this.T.localDepth, v); }
  get index(): number {
    const p = this.m.cx.arch.ptrSize;
    const v = this.m.cx.mem.num(this.addr + this.T.index, p);
    return v >= 2 ** (p * 8 - 1) ? v - 2 ** (p * 8) : v; // int: -1 once the table is replaced
  }
  set index(v: number) { this.m.cx.mem.setUint(this.addr + this.T.index, this.m.cx.arch.ptrSize, BigInt.asUintN(this.m.cx.arch.ptrSize * 8, BigInt(v))); }
  // A table's groups never change once reset (newTable): read them once per view.
  private dataCache = -1;
  private maskCache = -1;
  get data(): number {
    if (this.dataCache < 0) this.dataCache = this.m.cx.mem.ptr(this.addr + this.T.data);
    return this.dataCache;
  }
  get lengthMask(): number {
    if (this.maskCache < 0) this.maskCache = this.m.cx.mem.num(this.addr + this.T.lengthMask, 8);
    return this.maskCache;
  }

  private groupsChecked = false;

  group(i: number): Group {
    const cx = this.m.cx;
    if (!this.groupsChecked) {
      const o = cx.mem.find(this.data, cx.groupSize * (this.lengthMask + 1));
      if (!o || o.addr !== this.data) throw new Error(`table at 0x${this.addr.toString(16)}: its groups are not in simulated memory`);
      this.groupsChecked = true;
    }
    return new Group(cx, this.data + i * cx.groupSize);
  }

  /** table.reset: fresh groups, all empty, growthLeft at its maximum. */
  reset(capacity: number): void {
    const cx = this.m.cx;
    const n = capacity / SLOTS;
    const data = cx.mem.alloc(n * cx.groupSize, `groups (${n})`);
    cx.mem.setPtr(this.addr + this.T.data, data);
    cx.mem.setNum(this.addr + this.T.lengthMask, 8, n - 1);
    this.dataCache = data;
    this.maskCache = n - 1;
    this.groupsChecked = false;
    this.capacity = capacity;
    this.growthLeft = maxGrowthLeft(capacity);
    // Every control byte empty (the ctrl word is the group's first 8 bytes, whatever the byte order).
    const c = cx.mem.loc(data, n * cx.groupSize);
    const o = cx.mem.locOff;
    for (let i = 0; i < n; i++) c.fill(CTRL_EMPTY, o + i * cx.groupSize, o + i * cx.groupSize + SLOTS);
  }

  /** capacity*7/8 - used - growthLeft. */
  tombstones(): number {
    return ((this.capacity * MAX_AVG_GROUP_LOAD) / SLOTS) - this.used - this.growthLeft;
  }

  /** The table's position in the snapshot and trace: its first directory index. */
  toString(): string {
    return `table@dir${this.index}`;
  }

  /** Address of slot i's key value in the group at `g` (through the pointer when indirect). */
  private keyOf(g: number, i: number): number {
    const cx = this.m.cx;
    const slot = g + cx.keysOff + i * cx.keyStride;
    return cx.keyIndirect ? cx.mem.ptr(slot) : slot;
  }

  /**
   * Finds key (hash `lo`: the hash's low 32 bits, all H1 & mask and H2
   * need); returns group * SLOTS + slot, or -1. Reads control bytes in the
   * arena without building group views: this is every lookup's loop.
   */
  find(lo: number, key: number): number {
    const cx = this.m.cx;
    const mem = cx.mem;
    const mask = this.lengthMask;
    const data = this.data;
    const hh = h2Lo(lo);
    let off = probeStart(lo, mask);
    for (let step = 1; ; step++) {
      const g = data + off * cx.groupSize;
      const i = this.matchKey(g, hh, key);
      if (i >= 0) return off * SLOTS + i;
      if (this.hasEmpty(g - mem.base)) return -1;
      off = probeNext(off, step, mask);
    }
  }

  /** The slot of the group at `g` whose H2 is `hh` and whose key equals `key`, or -1 (matchH2, then the key compares). */
  private matchKey(g: number, hh: number, key: number): number {
    const cx = this.m.cx;
    const a = cx.mem.arena;
    const byteOf = cx.layout.group.ctrlByteOfSlot;
    const c = g - cx.mem.base;
    for (let i = 0; i < SLOTS; i++) {
      if (a[c + byteOf[i]] === hh && cx.keyEqual(key, this.keyOf(g, i))) return i;
    }
    return -1;
  }

  /** matchEmpty: whether the group at arena offset c has an empty slot (it ends a probe; the order of the bytes does not matter). */
  private hasEmpty(c: number): boolean {
    const a = this.m.cx.mem.arena;
    for (let i = 0; i < SLOTS; i++) if (a[c + i] === CTRL_EMPTY) return true;
    return false;
  }

  /** The lowest slot of the group at arena offset c whose control byte is empty or deleted, or -1. */
  private firstEmptyOrDeleted(c: number): number {
    const a = this.m.cx.mem.arena;
    const byteOf = this.m.cx.layout.group.ctrlByteOfSlot;
    for (let i = 0; i < SLOTS; i++) if (a[c + byteOf[i]] & 0x80) return i;
    return -1;
  }

  /**
   * The insert loop of runtime_mapassign*: returns the elem address, or
   * undefined when the table rehashed and the caller must retry.
   */
  putSlot(lo: number, key: number): number | undefined {
    return drain(this.putSlotSteps(lo, key));
  }

  /**
   * putSlot as steps (runtime_fast64.go runtime_mapassign_fast64 :237-321,
   * runtime.go runtime_mapassign's table loop; go1.26): a step per probed
   * group (its control word, and the keys whose H2 matches); on a tombstone
   * reused, `t.growthLeft++` as a load and a store; the growthLeft checks,
   * each a load (`== 0` for pruning where the path prunes, then `> 0`: go1.26
   * amd64 `CMPW 0x4(DX), $0` twice); then the stores in source order: the
   * key (`storeKey`: a step per store instruction in src/race), the control
   * byte, and `t.growthLeft--`, `t.used++`, `m.used++` each a load and a
   * store (go1.26 amd64: `MOVZX`/`DECL`/`MOVW`, `MOVZX`/`INCL`/`MOVW`, and
   * `INCQ 0(CX)`, an unlocked read-modify-write: another CPU's store can fall
   * between its load and its store, as x86-TSO has it).
   */
  *putSlotSteps(lo: number, key: number, storeKey?: StoreSteps): Steps<number | undefined> {
    const cx = this.m.cx;
    const st = this.m.stepped;
    const mem = cx.mem;
    const byteOf = cx.layout.group.ctrlByteOfSlot;
    const mask = this.lengthMask;
    const data = this.data;
    const hh = h2Lo(lo);
    let off = probeStart(lo, mask);
    let delGroup = -1;
    let delSlot = -1;
    // The probed groups, for the trace only.
    const probed: number[] | undefined = cx.trace ? [] : undefined;
    for (let step = 1; ; step++) {
      const g = data + off * cx.groupSize;
      const c = g - mem.base;
      probed?.push(off);
      const found = this.matchKey(g, hh, key);
      if (found >= 0) {
        const k = this.keyOf(g, found);
        if (st) yield `${this}: probe group ${off}: key found in slot ${found}`;
        if (cx.needKeyUpdate) {
          if (storeKey) yield* storeKey(k, key, `in group ${off} slot ${found} (update: needKeyUpdate)`);
          else mem.copy(k, key, cx.keySize);
        }
        cx.trace?.(`  ${this}: probe groups [${probed?.join(' ')}], key found in group ${off} slot ${found}: update`);
        const e = g + cx.elemsOff + found * cx.elemStride;
        return cx.elemIndirect ? mem.ptr(e) : e;
      }
      let i = this.firstEmptyOrDeleted(c);
      if (i < 0) {
        if (st) yield `${this}: probe group ${off}: full, no match`;
        off = probeNext(off, step, mask);
        continue;
      }
      if (mem.arena[c + byteOf[i]] === CTRL_DELETED) {
        if (delGroup < 0) {
          delGroup = off;
          delSlot = i;
        }
        if (st) yield `${this}: probe group ${off}: no match, a tombstone in slot ${i}`;
        off = probeNext(off, step, mask);
        continue;
      }
      if (st) yield `${this}: probe group ${off}: no match, slot ${i} empty`;
      let target = off;
      let tombstone = false;
      if (delGroup >= 0) {
        target = delGroup;
        i = delSlot;
        tombstone = true;
        const gl = this.growthLeft;
        if (st) yield `${this}: load growthLeft ${gl} (reusing the tombstone in group ${target} slot ${i}: growthLeft++)`;
        this.growthLeft = gl + 1; // decremented below: reusing a tombstone costs no growth
        if (st) yield `${this}: store growthLeft ${gl + 1}`;
      }
      if (cx.rules.prune) {
        const gl = this.growthLeft;
        if (st) yield `${this}: load growthLeft ${gl} (== 0: prune tombstones?)`;
        if (gl === 0) {
          pruneTombstones(this.m, this);
          if (st) yield `${this}: pruneTombstones (one step): growthLeft ${this.growthLeft}`;
        }
      }
      const gl = this.growthLeft;
      if (st) yield `${this}: load growthLeft ${gl} (> 0: room to insert?)`;
      if (gl > 0) {
        const tg = data + target * cx.groupSize;
        const { k, e } = claimNewAt(cx, tg, i);
        if (st && (cx.keyIndirect || cx.elemIndirect)) yield `${this}: store the new key and elem objects' pointers in group ${target} slot ${i}`;
        if (storeKey) yield* storeKey(k, key, `in group ${target} slot ${i}`);
        else {
          mem.copy(k, key, cx.keySize);
          if (st) yield `${this}: store key in group ${target} slot ${i}`;
        }
        mem.arena[tg - mem.base + byteOf[i]] = hh;
        if (st) yield `${this}: store ctrl ${hex(hh)} in group ${target} slot ${i}`;
        const left = this.growthLeft;
        if (st) yield `${this}: load growthLeft ${left} (growthLeft--)`;
        this.growthLeft = left - 1;
        if (st) yield `${this}: store growthLeft ${left - 1}`;
        const used = this.used;
        if (st) yield `${this}: load used ${used} (t.used++)`;
        this.used = used + 1;
        if (st) yield `${this}: store used ${used + 1}`;
        const mused = this.m.used;
        if (st) yield `load m.used ${mused} (m.used++)`;
        this.m.used = mused + 1;
        if (st) yield `store m.used ${mused + 1}`;
        cx.trace?.(
          `  ${this}: probe groups [${probed?.join(' ')}] → group ${target} slot ${i}` +
            ` (${tombstone ? 'tombstone reused' : 'empty'}), ctrl ${hex(hh)}, growthLeft ${this.growthLeft}`,
        );
        return e;
      }
      cx.trace?.(`  ${this}: probe groups [${probed?.join(' ')}]: growthLeft 0, no tombstone to reuse → rehash`);
      yield* rehashSteps(this.m, this);
      return undefined;
    }
  }

  /** uncheckedPutSlot: the first empty-or-deleted slot on the probe path (rehash, growToTable). */
  uncheckedPut(lo: number, key: number, elem: number): void {
    const g = this.uncheckedSlot(lo);
    moveInAt(this.m.cx, this.data + (g >> 3) * this.m.cx.groupSize, g & 7, key, elem);
  }

  /** 1.27 uncheckedPutSlotForAssign: like uncheckedPut, for a new key; returns the elem address. */
  uncheckedPutForAssign(lo: number, key: number): number {
    const g = this.uncheckedSlot(lo);
    return storeNewAt(this.m.cx, this.data + (g >> 3) * this.m.cx.groupSize, g & 7, key);
  }

  /** Takes the first empty-or-deleted slot on the probe path; returns group * SLOTS + slot. */
  private uncheckedSlot(lo: number): number {
    if (this.growthLeft === 0) throw new Error('invariant failed: growthLeft is unexpectedly 0');
    const cx = this.m.cx;
    const mask = this.lengthMask;
    let off = probeStart(lo, mask);
    for (let step = 1; ; step++) {
      const c = this.data + off * cx.groupSize - cx.mem.base;
      const i = this.firstEmptyOrDeleted(c);
      if (i >= 0) {
        this.growthLeft = this.growthLeft - 1;
        this.used = this.used + 1;
        cx.mem.arena[c + cx.layout.group.ctrlByteOfSlot[i]] = h2Lo(lo);
        return off * SLOTS + i;
      }
      off = probeNext(off, step, mask);
    }
  }

  /** Delete: returns whether a tombstone was left, or undefined when the key is absent. */
  delete(lo: number, key: number): boolean | undefined {
    return drain(this.deleteSteps(lo, key));
  }

  /**
   * table.Delete (table.go) as steps: a step per probed group; then, in
   * source order, `t.used--` and `m.used--` (each a load and a store), the
   * key's clearing (only if it holds pointers or is indirect) and the
   * elem's, a step each; the control byte (the group's `matchEmpty` load,
   * then the store of empty or a tombstone); `t.growthLeft++` (a load and a
   * store) when the slot became empty.
   */
  *deleteSteps(lo: number, key: number): Steps<boolean | undefined> {
    const cx = this.m.cx;
    const st = this.m.stepped;
    const mem = cx.mem;
    const mask = this.lengthMask;
    const hh = h2Lo(lo);
    let off = probeStart(lo, mask);
    let f = -1;
    for (let step = 1; ; step++) {
      const g = this.data + off * cx.groupSize;
      const found = this.matchKey(g, hh, key);
      if (found >= 0) {
        f = off * SLOTS + found;
        if (st) yield `${this}: probe group ${off}: key in slot ${found}`;
        break;
      }
      const empty = this.hasEmpty(g - mem.base);
      if (st) yield `${this}: probe group ${off}: key absent${empty ? ', an empty slot ends the probe' : ''}`;
      if (empty) return undefined;
      off = probeNext(off, step, mask);
    }
    const gi = f >> 3;
    const i = f & 7;
    const g = this.data + gi * cx.groupSize;
    const used = this.used;
    if (st) yield `${this}: load used ${used} (t.used--)`;
    this.used = used - 1;
    if (st) yield `${this}: store used ${used - 1}`;
    const mused = this.m.used;
    if (st) yield `load m.used ${mused} (m.used--)`;
    this.m.used = mused - 1;
    if (st) yield `store m.used ${mused - 1}`;
    clearForDeleteAt(cx, g, i);
    if (st && (cx.keyIndirect || cx.keyHasPointers)) yield `${this}: clear the key in group ${gi} slot ${i}`;
    if (st) yield `${this}: clear the elem in group ${gi} slot ${i}`;
    const c = g - cx.mem.base;
    const a = cx.mem.arena;
    const at = c + cx.layout.group.ctrlByteOfSlot[i];
    if (this.hasEmpty(c)) {
      a[at] = CTRL_EMPTY;
      if (st) yield `${this}: load group ${gi}'s ctrl word (an empty slot), store ctrl empty in slot ${i}`;
      const gl = this.growthLeft;
      if (st) yield `${this}: load growthLeft ${gl} (growthLeft++)`;
      this.growthLeft = gl + 1;
      if (st) yield `${this}: store growthLeft ${gl + 1}`;
      this.m.cx.trace?.(`  ${this}: group ${gi} slot ${i} → empty (the group has an empty slot), growthLeft ${this.growthLeft}`);
      return false;
    }
    a[at] = CTRL_DELETED;
    if (st) yield `${this}: load group ${gi}'s ctrl word (no empty slot), store ctrl deleted in slot ${i}`;
    this.m.cx.trace?.(`  ${this}: group ${gi} slot ${i} → tombstone (the group is otherwise full)`);
    return true;
  }
}

/** newTable: capacity rounded up to a power of two, at least 8. */
export function newTable(m: SwissMap, capacity: number, index: number, localDepth: number): Table {
  let cap = Math.max(capacity, SLOTS);
  if (cap > MAX_TABLE_CAPACITY) throw new Error('initial table capacity too large');
  cap = 2 ** Math.ceil(Math.log2(cap));
  const t = new Table(m, m.cx.mem.alloc(m.cx.layout.headers.table.size, 'table'));
  t.index = index;
  t.localDepth = localDepth;
  t.reset(cap);
  return t;
}
