/**
 * Encoding keys and elems at the engines' API boundary (JSON or native JS
 * values → target bytes), once per operation: the engines then hash, compare
 * and copy those bytes in place.
 */
import type { SimMemory } from '../model/memory.js';
import { sizeOf, underlying, type GoType } from '../model/types.js';
import { decodeValue, encodeValue, type JsonValue } from '../model/values.js';

const INT_KINDS = new Set(['int8', 'int16', 'int32', 'int64', 'int', 'uint8', 'uint16', 'uint32', 'uint64', 'uint', 'uintptr']);

const utf8 = new TextEncoder();

/** Bytes of insert keys' string data per shared allocation. */
const STRING_CHUNK = 1 << 16;

export interface EncoderOptions {
  /**
   * A string's data goes into one reusable scratch allocation instead of an
   * allocation of its own: for the key of a lookup or a delete, which the
   * map never keeps (an insert's key data must stay, as the stored header
   * points at it).
   */
  readonly temporary?: boolean;
}

/**
 * encodeValue, with shortcuts for the common cases: a non-negative integer
 * given as a JSON number, and a string (everything else, and every
 * out-of-range value, goes through encodeValue and its checks).
 */
export function encoder(mem: SimMemory, t: GoType, what: string, opts: EncoderOptions = {}): (addr: number, v: JsonValue) => void {
  const u = underlying(t);
  if (u.kind === 'string') return stringEncoder(mem, t, what, opts.temporary === true);
  if (!INT_KINDS.has(u.kind)) return (addr, v) => encodeValue(mem, t, addr, v, what);
  const size = sizeOf(t, mem.arch).size;
  const signed = u.kind.startsWith('int');
  const limit = Math.min(Number.MAX_SAFE_INTEGER, 2 ** (size * 8 - (signed ? 1 : 0)) - 1);
  return (addr, v) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= limit) mem.setNum(addr, size, v);
    else encodeValue(mem, t, addr, v, what);
  };
}

/** A string header {data, len} and its UTF-8 data, written without an intermediate array for ASCII. */
function stringEncoder(mem: SimMemory, t: GoType, what: string, temporary: boolean): (addr: number, v: JsonValue) => void {
  const p = mem.arch.ptrSize;
  let scratch = 0;
  let cap = 0;
  // Insert keys' data, packed into shared 'string data' allocations (one object per key would cost
  // an allocation record each; nothing reads their addresses but the key headers that point to them).
  let chunk = 0;
  let chunkLeft = 0;
  return (addr, v) => {
    if (typeof v !== 'string') {
      encodeValue(mem, t, addr, v, what); // throws its error
      return;
    }
    let n = v.length;
    if (temporary && n > 0 && n <= cap) {
      // The scratch holds n bytes: copy as ASCII while checking, as the scan below would find it.
      const a = mem.loc(scratch, n);
      const o = mem.locOff;
      let i = 0;
      while (i < n) {
        const c = v.charCodeAt(i);
        if (c > 0x7f) break;
        a[o + i++] = c;
      }
      if (i === n) {
        mem.setPtr(addr, scratch);
        mem.setNum(addr + p, p, n);
        return;
      }
    }
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (v.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    const bytes = ascii ? undefined : utf8.encode(v);
    if (bytes) n = bytes.length;
    let data = 0;
    if (n > 0) {
      if (temporary) {
        if (n > cap) {
          cap = Math.max(64, n, 2 * cap);
          scratch = mem.alloc(cap, 'key data (temporary)', 1);
        }
        data = scratch;
      } else {
        if (n > chunkLeft) {
          chunkLeft = Math.max(n, STRING_CHUNK);
          chunk = mem.alloc(chunkLeft, 'string data', 1);
        }
        data = chunk;
        chunk += n;
        chunkLeft -= n;
      }
      // After the allocation: it may have moved the arena.
      const a = mem.loc(data, n);
      const o = mem.locOff;
      if (bytes) a.set(bytes, o);
      else for (let i = 0; i < n; i++) a[o + i] = v.charCodeAt(i);
    }
    mem.setPtr(addr, data);
    mem.setNum(addr + p, p, n);
  };
}

/**
 * decodeValue, with a shortcut for an integer that reads as a non-negative
 * number below 2^53 (what decodeValue returns for it as well).
 */
export function decoder(mem: SimMemory, t: GoType): (addr: number) => JsonValue {
  const u = underlying(t);
  if (!INT_KINDS.has(u.kind)) return (addr) => decodeValue(mem, t, addr);
  const size = sizeOf(t, mem.arch).size;
  // A signed value with its top bit set is negative: decodeValue's path.
  const limit = Math.min(Number.MAX_SAFE_INTEGER, 2 ** (size * 8 - (u.kind.startsWith('int') ? 1 : 0)) - 1);
  return (addr) => {
    const v = mem.num(addr, size);
    return v <= limit ? v : decodeValue(mem, t, addr);
  };
}
