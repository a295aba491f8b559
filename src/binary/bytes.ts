/**
 * Bounds-checked little/big-endian reads over an untrusted byte array.
 *
 * Every reader in src/binary goes through a ByteView so that a truncated or
 * hostile file ends in an InputError naming the file and the offset, never in
 * a RangeError, an out-of-bounds `undefined`, or a silent wrong number.
 *
 * Integers are JavaScript numbers. 64-bit fields are accepted only when they
 * fit in 2^53 (every address, size and offset in a real Go executable does);
 * anything larger is reported as bad input rather than rounded.
 */
import { InputError } from '../base/errors.js';

export class ByteView {
  readonly dv: DataView;

  /**
   * @param bytes  the data
   * @param source file name, for errors
   * @param base   file offset of bytes[0], so errors name file offsets
   * @param little byte order
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly source: string,
    readonly base: number,
    public little: boolean,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(off: number, detail: string): never {
    throw new InputError(this.source, this.base + off, detail);
  }

  need(off: number, n: number, what: string): void {
    if (!Number.isSafeInteger(off) || off < 0 || n < 0 || off + n > this.bytes.length) {
      this.fail(Math.max(0, Math.min(off, this.bytes.length)), `${what}: ${n} bytes at 0x${Math.max(0, off).toString(16)} past end of data (size 0x${this.bytes.length.toString(16)})`);
    }
  }

  u8(off: number, what = 'byte'): number {
    this.need(off, 1, what);
    return this.bytes[off];
  }
  u16(off: number, what = 'u16'): number {
    this.need(off, 2, what);
    return this.dv.getUint16(off, this.little);
  }
  u32(off: number, what = 'u32'): number {
    this.need(off, 4, what);
    return this.dv.getUint32(off, this.little);
  }
  i32(off: number, what = 'i32'): number {
    this.need(off, 4, what);
    return this.dv.getInt32(off, this.little);
  }
  u64(off: number, what = 'u64'): number {
    this.need(off, 8, what);
    const v = this.dv.getBigUint64(off, this.little);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(off, `${what}: value 0x${v.toString(16)} too large`);
    return Number(v);
  }
  /** A pointer-sized unsigned word. */
  word(off: number, ptrSize: number, what = 'word'): number {
    return ptrSize === 8 ? this.u64(off, what) : this.u32(off, what);
  }
  slice(off: number, n: number, what = 'bytes'): Uint8Array {
    this.need(off, n, what);
    return this.bytes.subarray(off, off + n);
  }
  /** A NUL-terminated string starting at off, at most max bytes. */
  cstring(off: number, max = 4096, what = 'string'): string {
    this.need(off, 1, what);
    const end = Math.min(this.bytes.length, off + max);
    let i = off;
    while (i < end && this.bytes[i] !== 0) i++;
    if (i === end && (i === this.bytes.length || this.bytes[i] !== 0)) this.fail(off, `${what}: no terminating NUL within ${max} bytes`);
    return latin1(this.bytes.subarray(off, i));
  }
  /** A sub-view sharing the same bytes. */
  sub(off: number, n: number, what = 'region'): ByteView {
    this.need(off, n, what);
    return new ByteView(this.bytes.subarray(off, off + n), this.source, this.base + off, this.little);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes bytes as UTF-8 (Go strings are UTF-8 by convention; bad bytes become U+FFFD). */
export function text(b: Uint8Array): string {
  return utf8.decode(b);
}

function latin1(b: Uint8Array): string {
  // Section and symbol names are ASCII in practice; decode as UTF-8 anyway.
  return utf8.decode(b);
}

/** Finds `needle` in `hay` from `from`, stepping `step` bytes (an alignment). -1 if absent. */
export function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0, step = 1): number {
  if (needle.length === 0) return from;
  const first = needle[0];
  if (step === 1) {
    let i = hay.indexOf(first, from);
    while (i !== -1 && i + needle.length <= hay.length) {
      let ok = true;
      for (let j = 1; j < needle.length; j++) {
        if (hay[i + j] !== needle[j]) {
          ok = false;
          break;
        }
      }
      if (ok) return i;
      i = hay.indexOf(first, i + 1);
    }
    return -1;
  }
  let i = from % step === 0 ? from : from + (step - (from % step));
  for (; i + needle.length <= hay.length; i += step) {
    if (hay[i] !== first) continue;
    let ok = true;
    for (let j = 1; j < needle.length; j++) {
      if (hay[i + j] !== needle[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

/** Reads a uvarint (Go encoding/binary) at off; returns [value, bytes used]. */
export function uvarint(v: ByteView, off: number, what = 'uvarint'): [number, number] {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    const b = v.u8(off + i, what);
    x += (b & 0x7f) * mul;
    if (b < 0x80) return [x, i + 1];
    mul *= 128;
  }
  return v.fail(off, `${what}: varint too long`);
}
