/**
 * Simulated memory for a target architecture: the bytes the engines write
 * buckets, groups and headers into, the checker reads, and snapshots decode.
 *
 * Memory is a set of allocations (objects) in one arena: a byte array whose
 * index is the address minus the arena's base, so the engines read and write
 * a field with one subtraction instead of looking its object up.
 * Reads and writes go through the target's byte order and pointer size, so a
 * big-endian s390x map and a 32-bit arm map are laid out byte for byte as the
 * real runtime would lay them out. Addresses are synthetic but stable: a bump
 * allocator starting at the Go heap's usual arena hint (0xc000000000 on
 * 64-bit, 0x08000000 on 32-bit), so traces are reproducible run to run.
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

const PAGE = 4096;

/**
 * Bytes one simulated memory may allocate in all. A scenario or snapshot can
 * ask for any size (a hint of 2^40, a type of 2^40 bytes); past this it gets a
 * LimitError (exit 2) instead of an out-of-memory crash.
 */
export const MAX_SIM_BYTES = 1 << 29;

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
 * All allocations live in one arena, a Uint8Array that doubles (by copying)
 * when full: address = base + offset, so the engines' accessors index it
 * directly instead of looking the allocation up. The accessors (u8, num,
 * setNum, loc, view, copy, zero, write…) check only that the bytes are
 * inside the allocated part of the arena; `read` and `find`, what the
 * checker and snapshot readers use as a MemoryReader, still refuse any byte
 * outside an allocation (the 16-byte gaps between objects included).
 */
export class SimMemory implements MemoryReader {
  private readonly objects: ArenaAllocation[] = []; // sorted by address (bump allocation keeps order)
  /** Address of arena[0]: the Go heap's usual arena hint. */
  readonly base: number;
  /** The arena; replaced by a larger copy when an allocation does not fit (hold offsets, not this array). */
  arena: Uint8Array;
  /** Offset of the first byte past the last allocation's gap. */
  private top = 0;
  private allocated = 0;

  constructor(readonly arch: Arch) {
    this.base = arch.ptrSize === 8 ? 0xc000000000 : 0x08000000;
    this.arena = new Uint8Array(1 << 16);
  }

  /** A zeroed allocation of `size` bytes aligned to `align` (at least 8, like mallocgc). */
  alloc(size: number, tag: string, align = 8): number {
    if (!Number.isSafeInteger(size) || size < 0 || this.allocated + size > MAX_SIM_BYTES) {
      throw new LimitError(`simulated memory: ${size} bytes for ${tag} would pass mapscope's limit of ${MAX_SIM_BYTES} bytes in all (${this.allocated} allocated)`);
    }
    this.allocated += size;
    const a = Math.max(align, 8);
    const addr = Math.ceil((this.base + this.top) / a) * a;
    // Keep a gap so an overrun of one object never reads the next one silently.
    const end = addr - this.base + Math.max(size, 1) + 16;
    if (end > this.arena.length) {
      let n = this.arena.length * 2;
      while (n < end) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.arena.subarray(0, this.top));
      this.arena = grown;
    }
    this.top = end;
    const obj = new ArenaAllocation(this, addr, size, tag);
    const index = this.objects.length;
    this.objects.push(obj);
    // Page index: the first allocation touching each 4 KiB page, so a lookup searches one page's objects.
    const last = Math.floor((addr + Math.max(size, 1) - 1) / PAGE);
    for (let p = Math.floor(addr / PAGE); p <= last; p++) if (!this.pages.has(p)) this.pages.set(p, index);
    return addr;
  }

  private readonly pages = new Map<number, number>();
  private last: ArenaAllocation | undefined;

  /** The allocation containing [addr, addr+len), or undefined. */
  find(addr: number, len = 1): Allocation | undefined {
    // Reads cluster (a bucket array, a header): try the last hit first.
    const last = this.last;
    if (last && addr >= last.addr && addr + len <= last.addr + last.size && (len > 0 || addr < last.addr + Math.max(last.size, 1))) return last;
    // Objects are at least 8-aligned and 16 bytes apart, so one page holds fewer than PAGE/24 of them;
    // the object holding addr starts in addr's page or is the last one begun before it.
    const first = this.pages.get(Math.floor(addr / PAGE));
    if (first === undefined) return undefined;
    let lo = first;
    let hi = Math.min(this.objects.length - 1, first + Math.ceil(PAGE / 24) + 1);
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = this.objects[mid];
      if (addr < o.addr) hi = mid - 1;
      else if (addr >= o.addr + Math.max(o.size, 1)) lo = mid + 1;
      else {
        const ok = addr + len <= o.addr + o.size || (len === 0 && addr <= o.addr + o.size);
        if (ok) this.last = o;
        return ok ? o : undefined;
      }
    }
    return undefined;
  }

  allocations(): readonly Allocation[] {
    return this.objects;
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
  let v = 0n;
  if (bigEndian) for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
  else for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
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
