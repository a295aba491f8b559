/**
 * The map header (maps.Map) and the operations the compiler's code calls:
 * make (NewMap / NewEmptyMap), assignment (runtime_mapassign*), delete and
 * lookup, each dispatching to the small map or to the directory's table.
 */
import type { Ctx } from './ctx.js';
import { hex } from './ctx.js';
import { newTable, type Table } from './table.js';
import { directoryAt, directoryIndex, newDirectory, tableView } from './directory.js';
import { deleteSmall, findSmall, growToSmall, growToTable, putSlotSmall } from './small.js';

import { MAX_TABLE_CAPACITY, depthToShift } from './capacity.js';
import { maxAlloc } from '../../model/runtime/index.js';
import { join } from '../../hash/word.js';

export class SwissMap {
  readonly addr: number;

  constructor(
    readonly cx: Ctx,
    /** Draws the next uintptr(rand()) for Map.seed. */
    readonly drawSeed: () => bigint,
  ) {
    this.addr = cx.mem.alloc(cx.layout.headers.Map.size, 'maps.Map');
    this.ho = this.addr - cx.mem.base;
  }

  // The header's own bytes (allocations never move): used, dirPtr and dirLen are read on every
  // operation, so they skip the address lookup.
  private readonly ho: number;
  private rd(off: number, size: number): number {
    const b = this.cx.mem.arena;
    off += this.ho;
    if (!this.cx.arch.bigEndian && size >= 4) {
      const lo = (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
      return size === 4 ? lo : lo + ((b[off + 4] | (b[off + 5] << 8) | (b[off + 6] << 16) | (b[off + 7] << 24)) >>> 0) * 4294967296;
    }
    let v = 0;
    if (this.cx.arch.bigEndian) for (let i = 0; i < size; i++) v = v * 256 + b[off + i];
    else for (let i = size - 1; i >= 0; i--) v = v * 256 + b[off + i];
    return v;
  }
  private wr(off: number, size: number, v: number): void {
    const b = this.cx.mem.arena;
    off += this.ho;
    if (!this.cx.arch.bigEndian && size >= 4) {
      const hi = size === 8 ? Math.floor(v / 4294967296) : 0;
      const lo = v - hi * 4294967296;
      b[off] = lo; b[off + 1] = lo >>> 8; b[off + 2] = lo >>> 16; b[off + 3] = lo >>> 24;
      if (size === 8) {
        b[off + 4] = hi; b[off + 5] = hi >>> 8; b[off + 6] = hi >>> 16; b[off + 7] = hi >>> 24;
      }
      return;
    }
    const be = this.cx.arch.bigEndian;
    for (let i = 0; i < size; i++) {
      b[be ? off + size - 1 - i : off + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }

  private u(f: string, size: number): bigint {
    return this.cx.mem.uint(this.addr + this.cx.M[f], size);
  }

  private setU(f: string, size: number, v: bigint | number): void {
    this.cx.mem.setUint(this.addr + this.cx.M[f], size, v);
  }

  /** Map.used (a uint64; entries never reach 2^53 here). */
  get used(): number { return this.rd(this.cx.M.used, 8); }
  set used(v: number) { this.wr(this.cx.M.used, 8, v); }
  // The seed is read on every operation; keep its value beside its bytes (only the engine writes them).
  private seedValue = 0n;
  /** The seed's uint32 halves, for hashing without BigInt. */
  seedHi = 0;
  seedLo = 0;
  get seed(): bigint { return this.seedValue; }
  set seed(v: bigint) {
    this.seedValue = v;
    this.seedHi = Number((v >> 32n) & 0xffffffffn);
    this.seedLo = Number(v & 0xffffffffn);
    this.setU('seed', this.cx.arch.ptrSize, v);
  }
  get dirPtr(): number { return this.rd(this.cx.M.dirPtr, this.cx.arch.ptrSize); }
  set dirPtr(v: number) { this.wr(this.cx.M.dirPtr, this.cx.arch.ptrSize, v); }
  get dirLen(): number { return this.rd(this.cx.M.dirLen, this.cx.arch.ptrSize); }
  set dirLen(v: number) { this.wr(this.cx.M.dirLen, this.cx.arch.ptrSize, v); }
  get globalDepth(): number { return this.cx.mem.u8(this.addr + this.cx.M.globalDepth); }
  set globalDepth(v: number) { this.cx.mem.setU8(this.addr + this.cx.M.globalDepth, v); }
  get globalShift(): number { return this.cx.mem.u8(this.addr + this.cx.M.globalShift); }
  set globalShift(v: number) { this.cx.mem.setU8(this.addr + this.cx.M.globalShift, v); }
  get tombstonePossible(): boolean { return this.cx.M.tombstonePossible !== undefined && this.u('tombstonePossible', 1) !== 0n; }
  set tombstonePossible(v: boolean) { if (this.cx.M.tombstonePossible !== undefined) this.setU('tombstonePossible', 1, v ? 1 : 0); }
  get clearSeq(): bigint { return this.u('clearSeq', 8); }
  set clearSeq(v: bigint) { this.setU('clearSeq', 8, v); }

  /**
   * Whether the step generators (Table.putSlotSteps, deleteSteps) pause
   * after each step: src/race sets it to interleave goroutines. The engine
   * runs the same generators to the end, and without it they run straight
   * through, formatting and pausing nothing (the generic path's speed).
   */
  stepped = false;

  // Keyed by the table's arena offset: small integers hash faster than addresses past 2^31.
  private readonly views = new Map<number, Table>();
  /** The view last returned for each directory index (directoryAt checks it against the entry in memory). */
  readonly dirViews: Table[] = [];

  /** The table header at addr, as a (cached) view. */
  tableAt(addr: number): Table {
    const k = addr - this.cx.mem.base;
    let t = this.views.get(k);
    if (!t) this.views.set(k, (t = tableView(this, addr)));
    return t;
  }

  /** Forgets the view of a table that was freed (its address may be reused). */
  dropView(addr: number): void {
    this.views.delete(addr - this.cx.mem.base);
  }

  reseed(why: string): void {
    this.seed = this.drawSeed() & ((1n << BigInt(this.cx.arch.ptrSize * 8)) - 1n);
    this.cx.trace?.(`  ${why}: new seed ${hex(this.seed)}`);
  }

  /** NewMap: a hint over 8 builds the directory and tables up front. */
  make(hint: number | null): void {
    this.reseed('make');
    if (hint === null || hint <= 8) return;
    const target = Math.floor((hint * 8) / 7);
    let dirSize = Math.ceil(target / MAX_TABLE_CAPACITY);
    dirSize = 2 ** Math.ceil(Math.log2(dirSize));
    if (dirSize * MAX_TABLE_CAPACITY * this.cx.groupSize > maxAlloc(this.cx.arch)) return; // hints too large make an empty map
    const depth = Math.log2(dirSize);
    this.globalDepth = depth;
    this.globalShift = depthToShift(this.cx.rules.hashBits, depth);
    const dir = newDirectory(this, dirSize);
    this.dirPtr = dir;
    this.dirLen = dirSize;
    for (let i = 0; i < dirSize; i++) {
      const t = newTable(this, Math.floor(target / dirSize), i, depth);
      this.cx.mem.setPtr(dir + i * this.cx.arch.ptrSize, t.addr);
    }
    this.cx.trace?.(`  make(hint ${hint}): ${dirSize} table(s) of ${directoryAt(this, 0).capacity} slots, globalDepth ${depth}`);
  }

  /** Hashes the key at `key` with the map's seed; returns the hash's low half (the high one is in cx.hw.hi). */
  private hashKey(key: number): number {
    const cx = this.cx;
    cx.hashWords(key, this.seedHi, this.seedLo);
    if (cx.trace) {
      const hash = join(cx.hw.hi, cx.hw.lo);
      cx.trace(`  hash ${hex(hash)}: H1 ${hex(hash >> 7n)}, H2 ${hex(hash & 0x7fn)}`);
    }
    return cx.hw.lo;
  }

  /** m[key] = elem: `key` and `elem` are addresses of the values to store. */
  assign(key: number, elem: number): void {
    const cx = this.cx;
    const lo = this.hashKey(key);
    const hi = cx.hw.hi;
    if (this.dirPtr === 0) growToSmall(this);
    let slotElem: number | undefined;
    if (this.dirLen === 0) {
      if (cx.rules.smallFullConvertsOnUpdate) {
        if (this.used < 8) slotElem = putSlotSmall(this, lo, key);
        else growToTable(this);
      } else {
        slotElem = putSlotSmall(this, lo, key);
        if (slotElem === undefined) {
          const t = growToTable(this);
          slotElem = t.uncheckedPutForAssign(lo, key);
          this.used = this.used + 1;
          cx.trace?.(`  new key into the new table (uncheckedPutSlotForAssign)`);
        }
      }
    }
    while (slotElem === undefined) {
      const t = this.tableFor(hi, lo);
      slotElem = t.putSlot(lo, key);
    }
    cx.mem.copy(slotElem, elem, cx.elemSize);
  }

  /** The table the hash's top bits select (hi, lo: its uint32 halves). */
  tableFor(hi: number, lo: number): Table {
    const idx = directoryIndex(this, hi, lo);
    const t = directoryAt(this, idx);
    this.cx.trace?.(`  directory[${idx}] → table at dir ${t.index} (capacity ${t.capacity}, localDepth ${t.localDepth})`);
    return t;
  }

  delete(key: number): void {
    if (this.used === 0) {
      this.cx.trace?.('  the map is empty: nothing to do');
      return;
    }
    const lo = this.hashKey(key);
    const hi = this.cx.hw.hi;
    if (this.dirLen === 0) {
      if (!deleteSmall(this, lo, key)) this.cx.trace?.('  small: key absent');
    } else {
      const r = this.tableFor(hi, lo).delete(lo, key);
      if (r === undefined) this.cx.trace?.('  key absent');
      if (r === true) this.tombstonePossible = true;
    }
    if (this.used === 0) this.reseed('the map is empty');
  }

  /** Whether key is present (a lookup changes nothing). */
  lookup(key: number): boolean {
    if (this.used === 0) return false;
    const cx = this.cx;
    cx.hashWords(key, this.seedHi, this.seedLo);
    const { hi, lo } = cx.hw;
    if (this.dirLen === 0) return findSmall(this, lo, key) !== undefined;
    return this.tableFor(hi, lo).find(lo, key) >= 0;
  }

  /** The distinct tables in directory order. */
  tables(): Table[] {
    const r: Table[] = [];
    let last = -1;
    for (let i = 0; i < this.dirLen; i++) {
      const t = directoryAt(this, i);
      if (t.addr !== last) r.push(t);
      last = t.addr;
    }
    return r;
  }
}
