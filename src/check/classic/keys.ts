/**
 * Keys as the checker sees them, read through a MemoryReader (simulated
 * memory, a core, a live process): a canonical text that is equal for two
 * keys exactly when Go's == says they are (the duplicate check), and the
 * key's hash under the map's seed (src/hash's GoHasher, the runtime's own
 * functions).
 *
 * Neither trusts memory: a string's length is capped before its bytes are
 * read, and every read that fails raises a KeyReadError the checker turns
 * into a finding.
 */
import { GoHasher, hasherFor, hashTypeOf, type KeyMemory } from '../../hash/index.js';
import type { Recipe } from '../../hash/recipe.js';
import { MemoryError, decodeUint, type MemoryReader } from '../../model/memory.js';
import { sizeOf, structLayout, underlying, type GoType } from '../../model/types.js';
import type { LayoutTarget } from '../../layout/index.js';
import { goVersionString } from '../../model/goversion.js';
import type { HashState } from '../types.js';
// runtime/map.go minTopHash, from the engine's constants (one copy of the fact).
import { MIN_TOP_HASH } from '../../engine/classic/map.js';

/** Longest string key read (bytes): a corrupt length beyond this is reported, not read. */
export const MAX_STRING = 1 << 24;

/** A key that cannot be read: its address and why. */
export class KeyReadError extends Error {
  constructor(
    readonly addr: bigint,
    message: string,
  ) {
    super(message);
    this.name = 'KeyReadError';
  }
}

/** Whether hashing or comparing a key of type t needs a dynamic type (an interface anywhere in it). */
export function needsDynamicType(t: GoType): boolean {
  const u = underlying(t);
  switch (u.kind) {
    case 'interface':
      return true;
    case 'array':
      return u.len > 0 && needsDynamicType(u.elem);
    case 'struct':
      return u.fields.some((f) => needsDynamicType(f.type));
    default:
      return false;
  }
}

function read(r: MemoryReader, addr: bigint, len: number): Uint8Array {
  try {
    return r.read(addr, len);
  } catch (e) {
    if (e instanceof MemoryError) throw new KeyReadError(addr, e.message);
    throw e;
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/**
 * A text equal for two keys exactly when Go's == holds (floats compare as
 * numbers, strings by content, padding and blank fields ignored), or null
 * when the key is not equal to itself (it holds a NaN). `b` holds the key's
 * bytes at offset `off`.
 */
export function canonicalKey(r: MemoryReader, t: GoType, b: Uint8Array, off: number): string | null {
  const arch = r.arch;
  const s = sizeOf(t, arch);
  if (s.alg === 'MEM') return latin1(b.subarray(off, off + s.size));
  const u = underlying(t);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = !arch.bigEndian;
  const num = (x: number): string | null => (Number.isNaN(x) ? null : x === 0 ? '0' : String(x));
  switch (u.kind) {
    case 'float32':
      return num(dv.getFloat32(off, le));
    case 'float64':
      return num(dv.getFloat64(off, le));
    case 'complex64':
    case 'complex128': {
      const h = u.kind === 'complex64' ? 4 : 8;
      const re = num(h === 4 ? dv.getFloat32(off, le) : dv.getFloat64(off, le));
      const im = num(h === 4 ? dv.getFloat32(off + h, le) : dv.getFloat64(off + h, le));
      return re === null || im === null ? null : `${re},${im}`;
    }
    case 'string': {
      const p = arch.ptrSize;
      const ptr = decodeUint(b.subarray(off, off + p), arch.bigEndian);
      const len = decodeUint(b.subarray(off + p, off + 2 * p), arch.bigEndian);
      if (len === 0n) return '""';
      if (len > BigInt(MAX_STRING)) throw new KeyReadError(ptr, `string length ${len} is implausible (over ${MAX_STRING})`);
      return JSON.stringify(latin1(read(r, ptr, Number(len))));
    }
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      const parts: string[] = [];
      for (let i = 0; i < u.len; i++) {
        const c = canonicalKey(r, u.elem, b, off + i * es);
        if (c === null) return null;
        parts.push(c);
      }
      return `[${parts.join(',')}]`;
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      const parts: string[] = [];
      for (const f of l.fields) {
        if (f.name === '_') continue;
        const c = canonicalKey(r, f.type, b, off + f.offset);
        if (c === null) return null;
        parts.push(c);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      // bool, integers, pointers: plain memory (alg MEM handled above); anything else is bytes.
      return latin1(b.subarray(off, off + s.size));
  }
}

/** The map's hash function over keys read from memory. */
export class KeyHasher {
  private readonly h: GoHasher;
  private readonly recipe: Recipe;
  private readonly km: KeyMemory;
  /** Bits of the hash (64 or 32): tophash is its top byte. */
  readonly bits: number;

  constructor(key: GoType, t: LayoutTarget, state: HashState, reader: MemoryReader) {
    const target = { arch: t.arch, go: goVersionString(t.go), aes: state.aes };
    this.recipe = hasherFor(hashTypeOf(key, t.arch), target);
    this.h = new GoHasher(target, state.keys);
    this.bits = this.h.bits;
    this.km = {
      read: (addr, len) => {
        if (len > MAX_STRING) throw new KeyReadError(addr, `string length ${len} is implausible (over ${MAX_STRING})`);
        return read(reader, addr, len);
      },
      dynamicType: () => {
        throw new KeyReadError(0n, 'interface keys need their dynamic type');
      },
    };
  }

  /**
   * The hash of the key whose bytes are b[off:] under seed hash0: its low 32
   * bits (the bucket index: B < 32 here) and its tophash (runtime/map.go
   * tophash: the top byte, bumped past the marker values).
   */
  hash(b: Uint8Array, off: number, hash0: number): { lo: number; top: number } {
    try {
      this.h.hashKeyWords(this.recipe, b, 0, hash0, this.km, undefined, off);
    } catch (e) {
      if (e instanceof KeyReadError) throw e;
      throw new KeyReadError(0n, `cannot hash the key: ${(e as Error).message}`);
    }
    const top = (this.bits === 64 ? this.h.hi : this.h.lo) >>> 24;
    return { lo: this.h.lo >>> 0, top: top < MIN_TOP_HASH ? top + MIN_TOP_HASH : top };
  }
}
