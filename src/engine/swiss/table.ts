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
import { Group } from './group.js';
import { CTRL_DELETED, CTRL_EMPTY, SLOTS, first } from './ctrl.js';
import { ProbeSeq, h1, h2 } from './probe.js';
import { pruneTombstones } from './prune.js';
import { rehash } from './rehash.js';
import { hex } from './ctx.js';

import { MAX_TABLE_CAPACITY, MAX_AVG_GROUP_LOAD, maxGrowthLeft } from './capacity.js';

export { MAX_TABLE_CAPACITY, maxGrowthLeft };

/** Reads and writes a table header through the layout's offsets. */
export class Table {
  // The header's own bytes (allocations never move): the uint16 fields are read on every insert,
  // so they skip the address lookup.
  private readonly hb: Uint8Array;
  private readonly hUsed: number;
  private readonly hCap: number;
  private readonly hGrowth: number;
  private readonly be: boolean;

  constructor(private readonly m: SwissMap, readonly addr: number) {
    const o = m.cx.mem.find(addr, m.cx.layout.headers.table.size);
    if (!o) throw new Error(`table at 0x${addr.toString(16)} is not in simulated memory`);
    this.hb = o.bytes;
    const base = addr - o.addr;
    this.hUsed = base + m.cx.T.used;
    this.hCap = base + m.cx.T.capacity;
    this.hGrowth = base + m.cx.T.growthLeft;
    this.be = m.cx.arch.bigEndian;
  }

  private get T() {
    return this.m.cx.T;
  }

  private rd16(o: number): number {
    const b = this.hb;
    return this.be ? (b[o] << 8) | b[o + 1] : b[o] | (b[o + 1] << 8);
  }

  private wr16(o: number, v: number): void {
    const b = this.hb;
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

  private groupBytes: Uint8Array | undefined;

  group(i: number): Group {
    const cx = this.m.cx;
    if (!this.groupBytes) {
      const o = cx.mem.find(this.data, cx.groupSize * (this.lengthMask + 1));
      if (!o || o.addr !== this.data) throw new Error(`table at 0x${this.addr.toString(16)}: its groups are not in simulated memory`);
      this.groupBytes = o.bytes;
    }
    return new Group(cx, this.data + i * cx.groupSize, this.groupBytes, i * cx.groupSize);
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
    this.groupBytes = undefined;
    this.capacity = capacity;
    this.growthLeft = maxGrowthLeft(capacity);
    for (let i = 0; i < n; i++) this.group(i).ctrl.setEmpty();
  }

  /** capacity*7/8 - used - growthLeft. */
  tombstones(): number {
    return ((this.capacity * MAX_AVG_GROUP_LOAD) / SLOTS) - this.used - this.growthLeft;
  }

  /** The table's position in the snapshot and trace: its first directory index. */
  toString(): string {
    return `table@dir${this.index}`;
  }

  /** Finds key; returns [group, slot] or undefined. */
  find(hash: bigint, key: number): [Group, number] | undefined {
    const seq = new ProbeSeq(h1(hash), this.lengthMask);
    const hh = h2(hash);
    for (;;) {
      const g = this.group(seq.offset);
      for (let match = g.ctrl.matchH2(hh); match; match &= match - 1) {
        const i = first(match);
        if (this.m.cx.keyEqual(key, g.key(i))) return [g, i];
      }
      if (g.ctrl.matchEmpty()) return undefined;
      seq.next();
    }
  }

  /**
   * The insert loop of runtime_mapassign*: returns the elem address, or
   * undefined when the table rehashed and the caller must retry.
   */
  putSlot(hash: bigint, key: number): number | undefined {
    const cx = this.m.cx;
    const seq = new ProbeSeq(h1(hash), this.lengthMask);
    const hh = h2(hash);
    let firstDeleted: [Group, number] | undefined;
    // The probed groups, for the trace only.
    const probed: number[] | undefined = cx.trace ? [] : undefined;
    for (;;) {
      const g = this.group(seq.offset);
      probed?.push(seq.offset);
      for (let match = g.ctrl.matchH2(hh); match; match &= match - 1) {
        const i = first(match);
        if (cx.keyEqual(key, g.key(i))) {
          if (cx.needKeyUpdate) cx.mem.copy(g.key(i), key, cx.keySize);
          cx.trace?.(`  ${this}: probe groups [${probed?.join(' ')}], key found in group ${seq.offset} slot ${i}: update`);
          return g.elem(i);
        }
      }
      const match = g.ctrl.matchEmptyOrDeleted();
      if (match === 0) {
        seq.next();
        continue;
      }
      let i = first(match);
      if (g.ctrl.get(i) === CTRL_DELETED) {
        firstDeleted ??= [g, i];
        seq.next();
        continue;
      }
      let target = g;
      let tombstone = false;
      if (firstDeleted) {
        [target, i] = firstDeleted;
        tombstone = true;
        this.growthLeft = this.growthLeft + 1; // decremented below: reusing a tombstone costs no growth
      }
      if (this.growthLeft === 0 && cx.rules.prune) pruneTombstones(this.m, this);
      if (this.growthLeft > 0) {
        const e = target.storeNew(i, key);
        target.ctrl.set(i, hh);
        this.growthLeft = this.growthLeft - 1;
        this.used = this.used + 1;
        this.m.used = this.m.used + 1;
        cx.trace?.(
          `  ${this}: probe groups [${probed?.join(' ')}] → group ${(target.addr - this.data) / cx.groupSize} slot ${i}` +
            ` (${tombstone ? 'tombstone reused' : 'empty'}), ctrl ${hex(hh)}, growthLeft ${this.growthLeft}`,
        );
        return e;
      }
      cx.trace?.(`  ${this}: probe groups [${probed?.join(' ')}]: growthLeft 0, no tombstone to reuse → rehash`);
      rehash(this.m, this);
      return undefined;
    }
  }

  /** uncheckedPutSlot: the first empty-or-deleted slot on the probe path (rehash, growToTable). */
  uncheckedPut(hash: bigint, key: number, elem: number): void {
    const g = this.uncheckedSlot(hash);
    g[0].moveIn(g[1], key, elem);
  }

  /** 1.27 uncheckedPutSlotForAssign: like uncheckedPut, for a new key; returns the elem address. */
  uncheckedPutForAssign(hash: bigint, key: number): number {
    const [g, i] = this.uncheckedSlot(hash);
    return g.storeNew(i, key);
  }

  private uncheckedSlot(hash: bigint): [Group, number] {
    if (this.growthLeft === 0) throw new Error('invariant failed: growthLeft is unexpectedly 0');
    const seq = new ProbeSeq(h1(hash), this.lengthMask);
    for (;;) {
      const g = this.group(seq.offset);
      const match = g.ctrl.matchEmptyOrDeleted();
      if (match) {
        const i = first(match);
        this.growthLeft = this.growthLeft - 1;
        this.used = this.used + 1;
        g.ctrl.set(i, h2(hash));
        return [g, i];
      }
      seq.next();
    }
  }

  /** Delete: returns whether a tombstone was left, or undefined when the key is absent. */
  delete(hash: bigint, key: number): boolean | undefined {
    const f = this.find(hash, key);
    if (!f) return undefined;
    const [g, i] = f;
    this.used = this.used - 1;
    this.m.used = this.m.used - 1;
    g.clearForDelete(i);
    const gi = (g.addr - this.data) / this.m.cx.groupSize;
    if (g.ctrl.matchEmpty()) {
      g.ctrl.set(i, CTRL_EMPTY);
      this.growthLeft = this.growthLeft + 1;
      this.m.cx.trace?.(`  ${this}: group ${gi} slot ${i} → empty (the group has an empty slot), growthLeft ${this.growthLeft}`);
      return false;
    }
    g.ctrl.set(i, CTRL_DELETED);
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
