/**
 * Keys as both checkers see them, read through a MemoryReader (simulated
 * memory, a core, a live process): an identity that two keys share exactly
 * when Go's == says they are equal (the duplicate checks), and the key's hash
 * under the map's seed (src/hash's GoHasher: the runtime's own functions,
 * with the process's key material).
 *
 * Neither trusts memory: a string's length is capped before its bytes are
 * read, and every read that fails raises a KeyReadError that the checker
 * turns into an "unreadable" finding. A key holding a NaN never equals
 * itself and is hashed with a fresh random number by the runtime, so it has
 * no identity and no hash here (null), as the runtime's own checkInvariants
 * skips keys that are not equal to themselves.
 */
import { GoHasher, hasherFor, hashTypeOf, type KeyMemory, type Recipe } from '../hash/index.js';
import { MemoryError, decodeUint, type MemoryReader } from '../model/memory.js';
import { sizeOf, structLayout, underlying, type GoType } from '../model/types.js';
import { goVersionString } from '../model/goversion.js';
import type { LayoutTarget } from '../layout/index.js';
import type { HashState } from './types.js';

/** Longest string key read (bytes): a longer (corrupt) length is reported, not read. */
export const MAX_KEY_STRING = 64 << 20;

/** A key whose data cannot be read: its address and why. */
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

/** String data and other key memory, bounded, with failures as KeyReadError. */
function keyMemory(r: MemoryReader): KeyMemory {
  return {
    read(addr: bigint, len: number): Uint8Array {
      if (len < 0 || len > MAX_KEY_STRING) throw new KeyReadError(addr, `string length ${len} is implausible (over ${MAX_KEY_STRING})`);
      try {
        return r.read(addr, len);
      } catch (e) {
        if (e instanceof MemoryError) throw new KeyReadError(addr, e.message);
        throw e;
      }
    },
    dynamicType(): never {
      throw new KeyReadError(0n, 'interface keys need their dynamic type');
    },
  };
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * A text equal for two keys exactly when Go's == holds: plain memory byte for
 * byte, floats by value (+0 == −0), strings by content, structs by non-blank
 * field, arrays by element; null when the key holds a NaN. `b` holds the
 * key's bytes at offset `off`. Throws KeyReadError for unreadable string data.
 */
export function keyIdentity(r: MemoryReader, t: GoType, b: Uint8Array, off = 0): string | null {
  const arch = r.arch;
  const s = sizeOf(t, arch);
  if (s.alg === 'MEM') return hexOf(b.subarray(off, off + s.size));
  const u = underlying(t);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = !arch.bigEndian;
  const num = (o: number, n: 4 | 8): string | null => {
    const x = n === 4 ? dv.getFloat32(o, le) : dv.getFloat64(o, le);
    return Number.isNaN(x) ? null : x === 0 ? '0' : String(x);
  };
  const all = (parts: (string | null)[], open: string, close: string): string | null =>
    parts.includes(null) ? null : `${open}${parts.join(';')}${close}`;
  switch (u.kind) {
    case 'float32':
      return num(off, 4);
    case 'float64':
      return num(off, 8);
    case 'complex64':
      return all([num(off, 4), num(off + 4, 4)], '', '');
    case 'complex128':
      return all([num(off, 8), num(off + 8, 8)], '', '');
    case 'string': {
      const p = arch.ptrSize;
      const ptr = decodeUint(b.subarray(off, off + p), arch.bigEndian);
      const len = decodeUint(b.subarray(off + p, off + 2 * p), arch.bigEndian);
      if (len === 0n) return '""';
      if (len > BigInt(MAX_KEY_STRING)) throw new KeyReadError(ptr, `string length ${len} is implausible (over ${MAX_KEY_STRING})`);
      return `"${hexOf(keyMemory(r).read(ptr, Number(len)))}`;
    }
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      return all(Array.from({ length: u.len }, (_, i) => keyIdentity(r, u.elem, b, off + i * es)), '[', ']');
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      return all(l.fields.filter((f) => f.name !== '_').map((f) => keyIdentity(r, f.type, b, off + f.offset)), '{', '}');
    }
    default:
      // bool, integers, pointers are MEM (above); anything else compares as its bytes.
      return hexOf(b.subarray(off, off + s.size));
  }
}

/** Thrown through GoHasher when a key needs a random NaN hash: the key has no reproducible hash. */
class NaNHash extends Error {}

/** The map's hash function over keys read from memory. */
export class KeyHasher {
  private readonly h: GoHasher;
  private readonly recipe: Recipe;
  private readonly km: KeyMemory;
  /** Bits of the hash: 64, or 32 on 32-bit hashing targets. */
  readonly bits: number;

  /** Throws when the release or key type has no modelled hash (the checker then leaves the hash codes unchecked). */
  constructor(reader: MemoryReader, key: GoType, t: LayoutTarget, state: HashState) {
    const target = { arch: t.arch, go: goVersionString(t.go), aes: state.aes };
    this.recipe = hasherFor(hashTypeOf(key, t.arch), target);
    this.h = new GoHasher(target, state.keys);
    this.bits = this.h.bits;
    this.km = keyMemory(reader);
  }

  /** t.hasher(key, seed) for the key whose bytes are b[off:]; null for a key holding a NaN. Throws KeyReadError. */
  hash(b: Uint8Array, off: number, seed: bigint): bigint | null {
    try {
      return this.h.hashKey(this.recipe, b, seed, this.km, () => {
        throw new NaNHash();
      }, off);
    } catch (e) {
      if (e instanceof NaNHash) return null;
      if (e instanceof KeyReadError) throw e;
      throw new KeyReadError(0n, `cannot hash the key: ${(e as Error).message}`);
    }
  }
}
