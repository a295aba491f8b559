/**
 * Simulated memory for a target architecture: the bytes the engines write
 * buckets, groups and headers into, the checker reads, and snapshots decode.
 *
 * Memory is a set of allocations (objects) in one arena: a byte array whose
 * index is the address minus the arena's base, so the engines read and write
 * a field with one subtraction instead of looking its object up.
 * Reads and writes go through the target's byte order and pointer size, so a
 * big-endian s390x map and a 32-bit arm map are laid out byte for byte as the
 * real runtime would lay them out. Addresses are synthetic but stable: they
 * start at the Go heap's usual arena hint (0xc000000000 on 64-bit,
 * 0x08000000 on 32-bit) and follow from the operations alone, so runs are
 * reproducible; objects an engine frees leave holes later ones reuse.
 *
 * The same interface (MemoryReader) is implemented over core dumps and live
 * processes, so the checker does not care where bytes come from.
 */
import type { Arch } from './arch.js';
import { LimitError } from '../base/errors.js';

/** Anything bytes can be read from by address: simulated memory, a core file, /proc/N/mem. */
export interface MemoryReader {
  readonly arch: Arch;
  /** Copies `len` bytes at `addr`; throws a MemoryError if any byte is unmapped. */
  read(addr: bigint | number, len: number): Uint8Array;
}

export class MemoryError extends Error {
  constructor(
    readonly addr: bigint,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryError';
  }
}

export interface Allocation {
  readonly addr: number;
  readonly size: number;
  readonly bytes: Uint8Array;
  /** What the runtime allocated it for ("buckets", "overflow bucket", "string data"…). */
  readonly tag: string;
}

/** Allocations are indexed by the 4 KiB page of the arena their first byte is in. */
const PAGE_SHIFT = 12;
/** Bytes kept free after every object, so an overrun of one object never reads the next one silently. */
const GAP = 16;

/**
 * Live bytes one simulated memory may hold at once (allocated and not yet
 * freed): 2 GiB. A scenario or snapshot can ask for any size (a hint of
 * 2^40, a type of 2^40 bytes); past this it gets a LimitError (exit 2)
 * instead of an out-of-memory crash. The value is the largest map the
 * issue's questions ask about with room to spare: a classic
 * map[string]int64 of 2·10^7 entries in mid-grow holds 2^22 + 2^21 buckets of
 * 208 bytes (1.3 GB); a Swiss one of 10^7 entries about 0.3 GB. The arena
 * that holds the live bytes also holds the holes freed objects left (a
 * doubling array never fits in the holes of the smaller ones before it), so
 * it can pass the live bytes by up to about the largest array; it is one
 * Uint8Array, and V8's largest is MAX_ARENA_BYTES.
 */
export const MAX_SIM_BYTES = 2 ** 31;

/** V8's largest typed array (2^32 bytes on 64-bit Node 20–22): the arena's hard ceiling. */
export const MAX_ARENA_BYTES = 2 ** 32;

/** One allocation: a window on the arena (its bytes move when the arena grows, its address never does). */
class ArenaAllocation implements Allocation {
  constructor(
    private readonly mem: SimMemory,
    readonly addr: number,
    readonly size: number,
    readonly tag: string,
  ) {}

  /** A view of the allocation's bytes in the arena as it is now (re-read after anything allocates). */
  get bytes(): Uint8Array {
    const o = this.addr - this.mem.base;
    return this.mem.arena.subarray(o, o + this.size);
  }
}

/**
 * The arena's free ranges (offsets [start, end), never adjacent: a freed
 * range merges with its neighbours), found by size class (floor(log2 of the
 * length)) so an allocation takes a hole in the smallest class that fits.
 * Everything is kept in insertion order, so the same operations give the
 * same addresses run after run.
 */
class FreeRanges {
  private readonly byStart = new Map<number, number>();
  private readonly byEnd = new Map<number, number>();
  private readonly classes: Set<number>[] = [];
  bytes = 0;

  private static classOf(len: number): number {
    return Math.floor(Math.log2(len));
  }

  private insert(s: number, e: number): void {
    this.byStart.set(s, e);
    this.byEnd.set(e, s);
    const c = FreeRanges.classOf(e - s);
    (this.classes[c] ??= new Set()).add(s);
    this.bytes += e - s;
  }

  /** `keepEnd`: the caller inserts a range ending at the same e next, which overwrites byEnd's entry for it. */
  private remove(s: number, keepEnd = false): number {
    const e = this.byStart.get(s)!;
    this.byStart.delete(s);
    if (!keepEnd) this.byEnd.delete(e);
    this.classes[FreeRanges.classOf(e - s)].delete(s);
    this.bytes -= e - s;
    return e;
  }

  /** Frees [s, e), merged with the free ranges it touches; returns the merged range. */
  add(s: number, e: number): [number, number] {
    const before = this.byEnd.get(s);
    if (before !== undefined) {
      this.remove(before);
      s = before;
    }
    if (this.byStart.has(e)) e = this.remove(e);
    this.insert(s, e);
    return [s, e];
  }

  /** Takes the free range that starts at s (the caller lowers the arena's top over it). */
  take(s: number): void {
    this.remove(s);
  }

  /**
   * Reserves `len` bytes whose first byte's address is a multiple of `align`
   * (offsets are addresses minus a base aligned far beyond any `align`):
   * returns the offset, or -1 when no hole fits.
   */
  fit(len: number, align: number): number {
    for (let c = FreeRanges.classOf(len); c < this.classes.length; c++) {
      const set = this.classes[c];
      if (!set || set.size === 0) continue;
      // A range of a class past len's by the alignment always fits; in the classes near len's look at a few.
      let tries = 0;
      for (const s of set) {
        const e = this.byStart.get(s)!;
        const at = Math.ceil(s / align) * align;
        if (at + len <= e) {
          // When a rest keeps the range's end, byEnd's entry for e is overwritten, not deleted and set
          // again. A Map keeps a deleted key's entry until it rehashes, so carving thousands of
          // objects from one hole would chain as many dead entries under e, and every lookup walks
          // them (this was a quarter of a 10^6-entry classic footprint's CPU).
          const rest = at + len < e;
          this.remove(s, rest);
          if (at > s) this.insert(s, at);
          if (rest) this.insert(at + len, e);
          return at;
        }
        if (++tries >= 16) break;
      }
    }
    return -1;
  }
}

/**
 * Copies from[0, len) into `to` (all zeros), skipping the 64 KiB chunks that
 * are all zeros: a new typed array is zeroed pages the kernel has not handed
 * out yet, and a copy that writes zeros over them would make a mostly empty
 * arena (a big hint, big out-of-line values) cost its whole size in memory.
 */
function copyNonZero(from: Uint8Array, to: Uint8Array, len: number): void {
  const CHUNK = 1 << 16;
  // Offsets reach 2^32: divisions, not shifts (which are 32-bit signed).
  const words = new Int32Array(from.buffer, from.byteOffset, Math.floor(from.length / 4));
  for (let o = 0; o < len; o += CHUNK) {
    const end = Math.min(o + CHUNK, len);
    let zero = true;
    const last = Math.floor(end / 4);
    for (let w = o / 4; w < last; w++) {
      if (words[w] !== 0) {
        zero = false;
        break;
      }
    }
    for (let b = last * 4; zero && b < end; b++) if (from[b] !== 0) zero = false;
    if (!zero) to.set(from.subarray(o, end), o);
  }
}

/** a[i] = v, filling any gap with undefined first (an array written far past its end turns into a slow dictionary). */
function setAt<T>(a: (T | undefined)[], i: number, v: T | undefined): void {
  while (a.length < i) a.push(undefined);
  a[i] = v;
}

/**
 * All allocations live in one arena, a Uint8Array that doubles (by copying)
 * when full: address = base + offset, so the engines' accessors index it
 * directly instead of looking the allocation up. The accessors (u8, num,
 * setNum, loc, view, copy, zero, write…) check only that the bytes are
 * inside the used part of the arena; `read` and `find`, what the checker
 * and snapshot readers use as a MemoryReader, still refuse any byte outside
 * a live allocation (the 16-byte gaps between objects, and freed objects,
 * included).
 *
 * `free` is the garbage collector's half: an engine frees what the runtime
 * would no longer reach (a bucket array once evacuated, a table a split
 * replaced), so live bytes track the runtime's heap, and the hole is reused
 * by a later allocation (zeroed, as mallocgc returns it). Addresses are
 * therefore not bump order once something was freed; nothing the engines
 * print depends on them (snapshots record none). A memory that never frees
 * allocates exactly as a bump allocator, so rebuilt snapshots keep their
 * addresses.
 */
export class SimMemory implements MemoryReader {
  /** Address of arena[0]: the Go heap's usual arena hint. */
  readonly base: number;
  /** The arena; replaced by a larger copy when an allocation does not fit (hold offsets, not this array). */
  arena: Uint8Array;
  /** Offset of the first byte past the last allocation's gap: every byte from here on is zero. */
  private top = 0;
  private liveBytes = 0;
  private liveCount = 0;
  /** Objects starting in each page of the arena, by address. */
  private readonly starts: (ArenaAllocation[] | undefined)[] = [];
  /** The object covering each page's first byte when it began in an earlier page. */
  private readonly covers: (ArenaAllocation | undefined)[] = [];
  private readonly holes = new FreeRanges();
  private last: ArenaAllocation | undefined;
  /**
   * When set, `free` keeps the object (a short run where no collection
   * happens: the race explorer, whose goroutines may still hold a pointer
   * into an array another one just released).
   */
  keepFreed = false;
  /** Called with every new allocation (footprint watches what growth allocates). */
  onAlloc: ((a: Allocation) => void) | undefined;

  constructor(readonly arch: Arch) {
    this.base = arch.ptrSize === 8 ? 0xc000000000 : 0x08000000;
    this.arena = new Uint8Array(1 << 16);
  }

  /** Bytes of live allocations (what the runtime's heap would hold after a collection). */
  get live(): number {
    return this.liveBytes;
  }

  /** Bytes of the arena in use: live bytes, their gaps and alignment, and holes not yet reused. */
  get extent(): number {
    return this.top;
  }

  /** A zeroed allocation of `size` bytes aligned to `align` (at least 8, like mallocgc). */
  alloc(size: number, tag: string, align = 8): number {
    if (!Number.isSafeInteger(size) || size < 0 || this.liveBytes + size > MAX_SIM_BYTES) {
      throw new LimitError(`simulated memory: ${size} bytes for ${tag} would pass mapscope's limit of ${MAX_SIM_BYTES} live bytes (${this.liveBytes} live)`);
    }
    const a = Math.max(align, 8);
    const reserve = Math.max(size, 1) + GAP;
    let o = this.holes.bytes >= reserve ? this.holes.fit(reserve, a) : -1;
    if (o >= 0) {
      this.arena.fill(0, o, o + reserve);
    } else {
      o = Math.ceil((this.base + this.top) / a) * a - this.base;
      const end = o + reserve;
      if (end > this.arena.length) this.growArena(end, tag);
      if (o > this.top) this.holes.add(this.top, o);
      this.top = end;
    }
    this.liveBytes += size;
    this.liveCount++;
    const addr = this.base + o;
    const obj = new ArenaAllocation(this, addr, size, tag);
    const first = o >>> PAGE_SHIFT;
    const list = this.starts[first];
    if (!list) setAt(this.starts, first, [obj]);
    else {
      let i = list.length;
      while (i > 0 && list[i - 1].addr > addr) i--;
      list.splice(i, 0, obj);
    }
    const lastPage = (o + Math.max(size, 1) - 1) >>> PAGE_SHIFT;
    for (let p = first + 1; p <= lastPage; p++) setAt(this.covers, p, obj);
    this.onAlloc?.(obj);
    return addr;
  }

  private growArena(end: number, tag: string): void {
    if (end > MAX_ARENA_BYTES) {
      throw new LimitError(`simulated memory: the arena for ${tag} would pass ${MAX_ARENA_BYTES} bytes (${this.liveBytes} live, ${this.holes.bytes} in holes)`);
    }
    let n = this.arena.length * 2;
    while (n < end) n *= 2;
    const grown = new Uint8Array(Math.min(n, MAX_ARENA_BYTES));
    copyNonZero(this.arena, grown, this.top);
    this.arena = grown;
  }

  /**
   * Releases the allocation at `addr` (its first byte), as the garbage
   * collector would once nothing reaches it; a later allocation may reuse
   * its bytes. Freeing anything else is an engine bug.
   */
  free(addr: number): void {
    if (this.keepFreed) return;
    const o = addr - this.base;
    const page = o >>> PAGE_SHIFT;
    const list = o >= 0 && o < this.top ? this.starts[page] : undefined;
    const i = list ? list.findIndex((x) => x.addr === addr) : -1;
    if (!list || i < 0) throw new Error(`free of 0x${addr.toString(16)}: no allocation starts there`);
    const obj = list[i];
    list.splice(i, 1);
    if (list.length === 0) this.starts[page] = undefined;
    const end = o + Math.max(obj.size, 1);
    const lastPage = (end - 1) >>> PAGE_SHIFT;
    for (let p = page + 1; p <= lastPage; p++) this.covers[p] = undefined;
    if (this.last === obj) this.last = undefined;
    this.liveBytes -= obj.size;
    this.liveCount--;
    const [s, e] = this.holes.add(o, end + GAP);
    if (e >= this.top) {
      // The hole reaches the top: lower the top over it, and keep every byte above it zero.
      this.holes.take(s);
      this.arena.fill(0, s, this.top);
      this.top = s;
    }
  }

  /** The allocation containing [addr, addr+len), or undefined. */
  find(addr: number, len = 1): Allocation | undefined {
    // Reads cluster (a bucket array, a header): try the last hit first.
    const last = this.last;
    if (last && addr >= last.addr && addr + len <= last.addr + last.size && (len > 0 || addr < last.addr + Math.max(last.size, 1))) return last;
    const off = addr - this.base;
    if (!(off >= 0 && off < this.top)) return undefined;
    const page = off >>> PAGE_SHIFT;
    // The object holding addr is the last one starting at or before addr in its page, or the one covering the page.
    let o: ArenaAllocation | undefined;
    const list = this.starts[page];
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].addr <= addr) {
          o = list[i];
          break;
        }
      }
    }
    o ??= this.covers[page];
    if (!o || addr >= o.addr + Math.max(o.size, 1)) return undefined;
    const ok = addr + len <= o.addr + o.size || (len === 0 && addr <= o.addr + o.size);
    if (ok) this.last = o;
    return ok ? o : undefined;
  }

  /** The live allocations in address order. */
  allocations(): readonly Allocation[] {
    const out: Allocation[] = [];
    for (const list of this.starts) if (list) out.push(...list);
    return out;
  }

  /** How many allocations are live. */
  get count(): number {
    return this.liveCount;
  }

  /** The arena, with `off` set to addr's offset in it; throws unless [addr, addr+len) is allocated arena. */
  private at(addr: number, len: number): Uint8Array {
    const o = addr - this.base;
    if (!(o >= 0 && o + len <= this.top)) throw new MemoryError(BigInt(addr), `address 0x${addr.toString(16)} (+${len}) is not in any allocation`);
    this.off = o;
    return this.arena;
  }

  private off = 0;

  /** Copies `len` bytes at `addr`; throws a MemoryError unless they are all inside one allocation. */
  read(addr: bigint | number, len: number): Uint8Array {
    const a = Number(addr);
    const o = this.find(a, len);
    if (!o) throw new MemoryError(BigInt(a), `address 0x${a.toString(16)} (+${len}) is not in any allocation`);
    const off = a - this.base;
    return this.arena.slice(off, off + len);
  }

  /**
   * The arena itself, without copying; `locOff` is addr's offset in it
   * (valid until the next call, and the array until the next alloc).
   */
  loc(addr: number, len: number): Uint8Array {
    return this.at(addr, len);
  }

  get locOff(): number {
    return this.off;
  }

  /** Like read, without copying: valid until the bytes are next written or anything is allocated. */
  view(addr: number, len: number): Uint8Array {
    const b = this.at(addr, len);
    return b.subarray(this.off, this.off + len);
  }

  write(addr: number, data: Uint8Array): void {
    const b = this.at(addr, data.length);
    b.set(data, this.off);
  }

  zero(addr: number, len: number): void {
    const b = this.at(addr, len);
    b.fill(0, this.off, this.off + len);
  }

  copy(dst: number, src: number, len: number): void {
    if (len === 0) return;
    const b = this.at(src, len);
    const so = this.off;
    this.at(dst, len);
    const d = this.off;
    if (len <= 16 && (d + len <= so || so + len <= d)) for (let i = 0; i < len; i++) b[d + i] = b[so + i];
    else b.copyWithin(d, so, so + len);
  }

  u8(addr: number): number {
    const b = this.at(addr, 1);
    return b[this.off];
  }

  setU8(addr: number, v: number): void {
    const b = this.at(addr, 1);
    b[this.off] = v;
  }

  /** Unsigned integer of `size` bytes (1, 2, 4 or 8) in the target's byte order. */
  uint(addr: number, size: number): bigint {
    return decodeUint(this.view(addr, size), this.arch.bigEndian);
  }

  /** Unsigned integer of `size` bytes as a number; exact up to 2^53 (8-byte values beyond lose precision). */
  num(addr: number, size: number): number {
    const b = this.at(addr, size);
    const o = this.off;
    if (!this.arch.bigEndian && (size === 8 || size === 4)) {
      const lo = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
      return size === 4 ? lo : lo + ((b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0) * 4294967296;
    }
    let v = 0;
    if (this.arch.bigEndian) for (let i = 0; i < size; i++) v = v * 256 + b[o + i];
    else for (let i = size - 1; i >= 0; i--) v = v * 256 + b[o + i];
    return v;
  }

  /** Stores a non-negative integer below 2^53 in `size` bytes. */
  setNum(addr: number, size: number, v: number): void {
    const b = this.at(addr, size);
    const o = this.off;
    if (!this.arch.bigEndian && size === 8) {
      const hi = Math.floor(v / 4294967296);
      const lo = v - hi * 4294967296;
      b[o] = lo; b[o + 1] = lo >>> 8; b[o + 2] = lo >>> 16; b[o + 3] = lo >>> 24;
      b[o + 4] = hi; b[o + 5] = hi >>> 8; b[o + 6] = hi >>> 16; b[o + 7] = hi >>> 24;
      return;
    }
    for (let i = 0; i < size; i++) {
      b[this.arch.bigEndian ? o + size - 1 - i : o + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }

  setUint(addr: number, size: number, v: bigint | number): void {
    if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) {
      this.setNum(addr, size, v);
      return;
    }
    this.write(addr, encodeUint(BigInt(v), size, this.arch.bigEndian));
  }

  ptr(addr: number): number {
    return this.num(addr, this.arch.ptrSize);
  }

  setPtr(addr: number, p: number): void {
    this.setNum(addr, this.arch.ptrSize, p);
  }
}

export function decodeUint(b: Uint8Array, bigEndian: boolean): bigint {
  return readUint(b, 0, b.length, bigEndian);
}

const BYTE_WEIGHT = [1, 2 ** 8, 2 ** 16, 2 ** 24];

/**
 * The unsigned integer in b[off, off+size) in the given byte order. Up to
 * 8 bytes it is gathered as two exact 32-bit halves in doubles and made one
 * BigInt (two when it passes 2^53), without views or a BigInt per byte: the
 * checkers read a pointer word or two per bucket of maps with millions.
 */
export function readUint(b: Uint8Array, off: number, size: number, bigEndian: boolean): bigint {
  if (size > 8) {
    let v = 0n;
    if (bigEndian) for (let i = off; i < off + size; i++) v = (v << 8n) | BigInt(b[i]);
    else for (let i = off + size - 1; i >= off; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < size; i++) {
    // Byte i counts from the least significant.
    const x = b[bigEndian ? off + size - 1 - i : off + i];
    if (i < 4) lo += x * BYTE_WEIGHT[i];
    else hi += x * BYTE_WEIGHT[i - 4];
  }
  return hi < 2 ** 21 ? BigInt(hi * 2 ** 32 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

export function encodeUint(v: bigint, size: number, bigEndian: boolean): Uint8Array {
  const b = new Uint8Array(size);
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    b[bigEndian ? size - 1 - i : i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}
