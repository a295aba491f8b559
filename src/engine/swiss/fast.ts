/**
 * The fast paths: runtime_mapaccess1_fast64/_faststr, runtime_mapassign_fast64/
 * _faststr and the delete that follows the same probe (maps/runtime_fast64.go,
 * runtime_faststr.go, table.go), as one probe loop each, for a key whose hash
 * is memhash64 (8 bytes of plain memory) or strhash, on a little-endian 64-bit
 * target, when nothing is traced and the map has a directory (past 8 entries).
 *
 * They do what map.ts and table.ts do (tableFor, Table.find, putSlot,
 * Table.delete), in the same order, to the same bytes; only the way they
 * reach the bytes differs: groups, control bytes and key words are arena
 * offsets (small integers, which V8 never boxes) read straight from the
 * arena, the hash runs on the key's bytes without a recipe, and keys compare
 * as two words (8-byte keys) or length then bytes (strings); rehash (grow
 * or split, rehash.ts) is restated the same way, as it moves every key of a
 * table. The rare steps — pruneTombstones, newTable, installing the new
 * tables in the directory, re-seeding on emptying — are the generic
 * functions themselves. A small map (no directory yet) returns
 * FALLBACK before touching anything, and the caller runs the generic path.
 *
 * test/sim-swiss*.test.ts check the bytes left against real Go;
 * test/sim-fast.test.ts checks them against the generic (traced) paths.
 */
import type { SwissMap } from './map.js';
import type { Table } from './table.js';
import { CTRL_DELETED, CTRL_EMPTY, SLOTS } from './ctrl.js';
import { pruneTombstones } from './prune.js';
import { MAX_TABLE_CAPACITY, newTable } from './table.js';
import { freeTable, installTableSplit, replaceTable } from './directory.js';
import type { GoHasher, Recipe } from '../../hash/index.js';
import { FastArena, TWO32, eqBytes, firstByte } from '../fastarena.js';

/** CTRL_EMPTY in each byte of a word. */
const EMPTY4 = CTRL_EMPTY * 0x01010101;

/** A fast path declined: run the generic one (nothing was written). */
export const FALLBACK = -2;

export class SwissFast extends FastArena {
  private readonly gs: number;
  private readonly keysOff: number;
  private readonly keyStride: number;
  private readonly elemsOff: number;
  private readonly elemStride: number;
  private readonly keySize: number;
  private readonly elemSize: number;
  /** Arena offset of the scratch value (the operation's, encoded there by the caller; the key's is ko). */
  private readonly vo: number;
  /** Arena offsets of the Map header's fields. */
  private readonly oUsed: number;
  private readonly oDirPtr: number;
  private readonly oDirLen: number;
  private readonly oShift: number;
  /** The last hash's halves. */
  private hi = 0;
  private lo = 0;

  private constructor(private readonly m: SwissMap, private readonly hasher: GoHasher, kbuf: number, vbuf: number) {
    super(m.cx.mem, m.cx.keySize === 16, kbuf);
    const cx = m.cx;
    this.gs = cx.groupSize;
    this.keysOff = cx.keysOff;
    this.keyStride = cx.keyStride;
    this.elemsOff = cx.elemsOff;
    this.elemStride = cx.elemStride;
    this.keySize = cx.keySize;
    this.elemSize = cx.elemSize;
    this.vo = vbuf - this.base;
    const h = m.addr - this.base;
    this.oUsed = h + cx.M.used;
    this.oDirPtr = h + cx.M.dirPtr;
    this.oDirLen = h + cx.M.dirLen;
    this.oShift = h + cx.M.globalShift;
  }

  /** The fast paths for this map, or undefined when its key, target or tracing needs the generic ones. */
  static for(m: SwissMap, hasher: GoHasher, recipe: Recipe, kbuf: number, vbuf: number): SwissFast | undefined {
    const cx = m.cx;
    const aligned = [kbuf - cx.mem.base, cx.groupSize, cx.keysOff, cx.keyStride, m.addr - cx.mem.base, cx.M.used, cx.M.dirPtr, cx.M.dirLen].every((x) => x % 8 === 0);
    const ok = cx.trace === undefined && !cx.arch.bigEndian && cx.arch.ptrSize === 8 && !cx.keyIndirect && !cx.elemIndirect && aligned &&
      ((recipe.op === 'memhash64' && cx.keySize === 8) || (recipe.op === 'strhash' && cx.keySize === 16));
    return ok ? new SwissFast(m, hasher, kbuf, vbuf) : undefined;
  }

  setValueNumber(v: number): void {
    this.setNumber(this.vo, v);
  }

  /** Map.used (a uint64; its high word is 0 for any count the engine reaches). */
  private used(): number {
    return this.w[this.oUsed >> 2];
  }

  private setUsed(n: number): void {
    this.w[this.oUsed >> 2] = n;
    this.w[(this.oUsed >> 2) + 1] = 0;
  }

  /** Hashes the scratch key with the map's seed into hi/lo; false when the generic path must (it reports a bad length). */
  private hash(): boolean {
    return this.hashAt(this.ko);
  }

  /** Hashes the key at arena offset k with the map's seed into hi/lo. */
  private hashAt(k: number): boolean {
    const h = this.hasher;
    const w = this.w;
    const m = this.m;
    if (this.str) {
      const len = w[(k >> 2) + 2];
      if (w[(k >> 2) + 3] !== 0 || len > 0x7fffffff) return false;
      h.memhashWords(this.a, len === 0 ? 0 : this.ptrOff(k), len, m.seedHi, m.seedLo);
    } else {
      h.memhash64Words(this.a, k, m.seedHi, m.seedLo);
    }
    this.hi = h.hi;
    this.lo = h.lo;
    return true;
  }

  private table(): Table {
    const m = this.m;
    const dirLen = this.w[this.oDirLen >> 2];
    let idx = 0;
    if (dirLen !== 1) {
      const s = this.a[this.oShift] & 63;
      idx = s >= 32 ? this.hi >>> (s - 32) : this.hi * 2 ** (32 - s) + (this.lo >>> s);
    }
    const e = this.ptrOff(this.oDirPtr) + idx * 8;
    const addr = this.w[e >> 2] + this.w[(e >> 2) + 1] * TWO32;
    const c = m.dirViews[idx];
    if (c !== undefined && c.addr === addr) return c;
    const t = m.tableAt(addr);
    m.dirViews[idx] = t;
    return t;
  }

  /** Whether the map has a directory (the fast paths' precondition); reads the arena afresh. */
  private hasDirectory(): boolean {
    this.sync();
    return this.w[this.oDirLen >> 2] !== 0 && this.ptrOff(this.oDirPtr) >= 0;
  }

  /**
   * Table.find over offsets: group * SLOTS + slot, or -1. A group's control word is read as two
   * 32-bit words and matched against H2 and empty a word at a time (matchH2, matchEmpty).
   */
  private find(t: Table): number {
    const w = this.w;
    const mask = t.lengthMask;
    const d = t.data - this.base;
    const h4 = (this.lo & 0x7f) * 0x01010101;
    let off = (this.lo >>> 7) & mask;
    for (let step = 1; ; step++) {
      const c = d + off * this.gs;
      const x0 = w[c >> 2];
      const x1 = w[(c >> 2) + 1];
      for (let m = eqBytes(x0, h4); m !== 0; m &= m - 1) {
        const i = firstByte(m);
        if (this.eq(c + this.keysOff + i * this.keyStride)) return off * SLOTS + i;
      }
      for (let m = eqBytes(x1, h4); m !== 0; m &= m - 1) {
        const i = firstByte(m) + 4;
        if (this.eq(c + this.keysOff + i * this.keyStride)) return off * SLOTS + i;
      }
      if ((eqBytes(x0, EMPTY4) | eqBytes(x1, EMPTY4)) !== 0) return -1;
      off = (off + step) & mask;
    }
  }

  /** The first slot of the group at arena offset c whose control byte has its high bit set (empty or deleted), or SLOTS. */
  private firstFree(c: number): number {
    const w = this.w;
    const m0 = w[c >> 2] & 0x80808080;
    if (m0 !== 0) return firstByte(m0);
    const m1 = w[(c >> 2) + 1] & 0x80808080;
    return m1 !== 0 ? firstByte(m1) + 4 : SLOTS;
  }

  /** lookup: 1 present, 0 absent. */
  lookup(): number {
    if (!this.hasDirectory()) return FALLBACK;
    if (this.used() === 0) return 0;
    if (!this.hash()) return FALLBACK;
    return this.find(this.table()) >= 0 ? 1 : 0;
  }

  /** delete (map.ts delete, Table.delete). */
  delete(): number {
    if (!this.hasDirectory()) return FALLBACK;
    const m = this.m;
    if (this.used() === 0) return 0;
    if (!this.hash()) return FALLBACK;
    const t = this.table();
    const f = this.find(t);
    if (f < 0) return 0;
    const a = this.a;
    const c = t.data - this.base + (f >> 3) * this.gs;
    const i = f & 7;
    t.used = t.used - 1;
    this.setUsed(this.used() - 1);
    // clearForDelete: the key only if it holds pointers (direct keys here), the elem always.
    if (m.cx.keyHasPointers) this.zeroBytes(c + this.keysOff + i * this.keyStride, this.keySize);
    this.zeroBytes(c + this.elemsOff + i * this.elemStride, this.elemSize);
    if ((eqBytes(this.w[c >> 2], EMPTY4) | eqBytes(this.w[(c >> 2) + 1], EMPTY4)) !== 0) {
      a[c + i] = CTRL_EMPTY;
      t.growthLeft = t.growthLeft + 1;
    } else {
      a[c + i] = CTRL_DELETED;
      m.tombstonePossible = true;
    }
    if (this.used() === 0) m.reseed('the map is empty');
    return 1;
  }

  /** assign: stores the scratch key and copies the scratch value into its slot; 1 when done. */
  assign(): number {
    if (!this.hasDirectory()) return FALLBACK;
    if (!this.hash()) return FALLBACK;
    let e = -1;
    while (e < 0) {
      e = this.putSlot(this.table());
      this.sync();
    }
    this.copyBytes(e, this.vo, this.elemSize);
    return 1;
  }

  /** Table.putSlot over offsets: the elem's arena offset, or -1 when the table rehashed (retry). */
  private putSlot(t: Table): number {
    const cx = this.m.cx;
    const a = this.a;
    const mask = t.lengthMask;
    const d = t.data - this.base;
    const hh = this.lo & 0x7f;
    let off = (this.lo >>> 7) & mask;
    let delGroup = -1;
    let delSlot = -1;
    const h4 = hh * 0x01010101;
    const w = this.w;
    for (let step = 1; ; step++) {
      const c = d + off * this.gs;
      for (let j = 0; j < 2; j++) {
        for (let mm = eqBytes(w[(c >> 2) + j], h4); mm !== 0; mm &= mm - 1) {
          const i = firstByte(mm) + 4 * j;
          const k = c + this.keysOff + i * this.keyStride;
          if (this.eq(k)) {
            if (cx.needKeyUpdate) this.copyKey(k);
            return c + this.elemsOff + i * this.elemStride;
          }
        }
      }
      let i = this.firstFree(c);
      if (i === SLOTS) {
        off = (off + step) & mask;
        continue;
      }
      if (a[c + i] === CTRL_DELETED) {
        if (delGroup < 0) {
          delGroup = off;
          delSlot = i;
        }
        off = (off + step) & mask;
        continue;
      }
      let target = off;
      if (delGroup >= 0) {
        target = delGroup;
        i = delSlot;
        t.growthLeft = t.growthLeft + 1; // decremented below: reusing a tombstone costs no growth
      }
      if (t.growthLeft === 0 && cx.rules.prune) pruneTombstones(this.m, t);
      if (t.growthLeft > 0) {
        const tg = d + target * this.gs;
        this.copyKey(tg + this.keysOff + i * this.keyStride);
        a[tg + i] = hh;
        t.growthLeft = t.growthLeft - 1;
        t.used = t.used + 1;
        this.setUsed(this.used() + 1);
        return tg + this.elemsOff + i * this.elemStride;
      }
      this.rehash(t);
      return -1;
    }
  }

  /** rehash.ts rehash: a full table doubles up to 1024 slots, else splits in two. Keeps the scratch key's hash. */
  private rehash(t: Table): void {
    const m = this.m;
    const hi = this.hi;
    const lo = this.lo;
    const newCap = 2 * t.capacity;
    if (newCap <= MAX_TABLE_CAPACITY) {
      const nt = newTable(m, newCap, t.index, t.localDepth);
      this.sync();
      this.moveAll(t, nt, nt, 0);
      replaceTable(m, nt);
    } else {
      const ld = t.localDepth + 1;
      const left = newTable(m, MAX_TABLE_CAPACITY, -1, ld);
      const right = newTable(m, MAX_TABLE_CAPACITY, -1, ld);
      this.sync();
      // hash & (1 << (hashBits - localDepth)) picks the side.
      this.moveAll(t, left, right, m.cx.rules.hashBits - ld);
      installTableSplit(m, t, left, right);
    }
    t.index = -1;
    // The replaced table is garbage (rehash.ts).
    freeTable(m, t);
    this.hi = hi;
    this.lo = lo;
  }

  /**
   * Every full slot of t, in group and slot order, into `left`, or into `right` when bit `pos` of its
   * hash is set (a grow passes the new table as both).
   */
  private moveAll(t: Table, left: Table, right: Table, pos: number): void {
    const d = t.data - this.base;
    const split = left !== right;
    for (let g = 0; g <= t.lengthMask; g++) {
      const c = d + g * this.gs;
      for (let j = 0; j < SLOTS; j++) {
        if (this.a[c + j] & 0x80) continue;
        const k = c + this.keysOff + j * this.keyStride;
        this.hashAt(k);
        const bit = split && (pos >= 32 ? (this.hi >>> (pos - 32)) & 1 : (this.lo >>> pos) & 1) !== 0;
        this.uncheckedPut(bit ? right : left, k, c + this.elemsOff + j * this.elemStride);
      }
    }
  }

  /** Table.uncheckedPut for the key at offset k (hash in hi/lo) and its elem at e: the first empty-or-deleted slot of its probe path. */
  private uncheckedPut(t: Table, k: number, e: number): void {
    if (t.growthLeft === 0) throw new Error('invariant failed: growthLeft is unexpectedly 0');
    const a = this.a;
    const mask = t.lengthMask;
    const d = t.data - this.base;
    let off = (this.lo >>> 7) & mask;
    for (let step = 1; ; step++) {
      const c = d + off * this.gs;
      const i = this.firstFree(c);
      if (i < SLOTS) {
        t.growthLeft = t.growthLeft - 1;
        t.used = t.used + 1;
        a[c + i] = this.lo & 0x7f;
        this.copyBytes(c + this.keysOff + i * this.keyStride, k, this.keySize);
        this.copyBytes(c + this.elemsOff + i * this.elemStride, e, this.elemSize);
        return;
      }
      off = (off + step) & mask;
    }
  }
}
