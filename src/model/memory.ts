/**
 * Simulated memory for a target architecture: the bytes the engines write
 * buckets, groups and headers into, the checker reads, and snapshots decode.
 *
 * Memory is a set of allocations (objects), each a byte array at an address.
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

export class SimMemory implements MemoryReader {
  private readonly objects: Allocation[] = []; // sorted by address (bump allocation keeps order)
  private next: number;
  private allocated = 0;

  constructor(readonly arch: Arch) {
    this.next = arch.ptrSize === 8 ? 0xc000000000 : 0x08000000;
  }

  /** A zeroed allocation of `size` bytes aligned to `align` (at least 8, like mallocgc). */
  alloc(size: number, tag: string, align = 8): number {
    if (!Number.isSafeInteger(size) || size < 0 || this.allocated + size > MAX_SIM_BYTES) {
      throw new LimitError(`simulated memory: ${size} bytes for ${tag} would pass mapscope's limit of ${MAX_SIM_BYTES} bytes in all (${this.allocated} allocated)`);
    }
    this.allocated += size;
    const a = Math.max(align, 8);
    const addr = Math.ceil(this.next / a) * a;
    // Keep a gap so an overrun of one object never reads the next one silently.
    this.next = addr + Math.max(size, 1) + 16;
    const obj: Allocation = { addr, size, bytes: new Uint8Array(size), tag };
    const index = this.objects.length;
    this.objects.push(obj);
    // Page index: the first allocation touching each 4 KiB page, so a lookup searches one page's objects.
    const last = Math.floor((addr + Math.max(size, 1) - 1) / PAGE);
    for (let p = Math.floor(addr / PAGE); p <= last; p++) if (!this.pages.has(p)) this.pages.set(p, index);
    return addr;
  }

  private readonly pages = new Map<number, number>();

  /** The allocation containing [addr, addr+len), or undefined. */
  find(addr: number, len = 1): Allocation | undefined {
    // Accesses cluster (a bucket array, a header): try the last hit first.
    const last = this.last;
    if (last && addr >= last.addr && addr + len <= last.addr + last.size && (len > 0 || addr < last.addr + Math.max(last.size, 1))) return last;
    const prev = this.prev;
    if (prev && addr >= prev.addr && addr + len <= prev.addr + prev.size && (len > 0 || addr < prev.addr + Math.max(prev.size, 1))) {
      this.prev = last;
      this.last = prev;
      return prev;
    }
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
        if (ok) {
          this.prev = this.last;
          this.last = o;
        }
        return ok ? o : undefined;
      }
    }
    return undefined;
  }

  // The two most recently used allocations (a map's buckets and the key being looked up, say).
  private last: Allocation | undefined;
  private prev: Allocation | undefined;

  allocations(): readonly Allocation[] {
    return this.objects;
  }

  /** The bytes of the allocation holding [addr, addr+len); sets `off` to addr's offset in them. */
  private at(addr: number, len: number): Uint8Array {
    const o = this.find(addr, len);
    if (!o) throw new MemoryError(BigInt(addr), `address 0x${addr.toString(16)} (+${len}) is not in any allocation`);
    this.off = addr - o.addr;
    return o.bytes;
  }

  private off = 0;

  read(addr: bigint | number, len: number): Uint8Array {
    const b = this.at(Number(addr), len);
    return b.slice(this.off, this.off + len);
  }

  /**
   * The backing bytes of the allocation holding [addr, addr+len), without
   * copying; `locOff` is addr's offset in them (valid until the next call).
   */
  loc(addr: number, len: number): Uint8Array {
    return this.at(addr, len);
  }

  get locOff(): number {
    return this.off;
  }

  /** Like read, without copying: valid until the bytes are next written. */
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
    const sb = this.at(src, len);
    const so = this.off;
    const db = this.at(dst, len);
    const d = this.off;
    if (sb === db) db.copyWithin(d, so, so + len);
    else for (let i = 0; i < len; i++) db[d + i] = sb[so + i];
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
    let v = 0;
    if (this.arch.bigEndian) for (let i = 0; i < size; i++) v = v * 256 + b[o + i];
    else for (let i = size - 1; i >= 0; i--) v = v * 256 + b[o + i];
    return v;
  }

  /** Stores a non-negative integer below 2^53 in `size` bytes. */
  setNum(addr: number, size: number, v: number): void {
    const b = this.at(addr, size);
    const o = this.off;
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
