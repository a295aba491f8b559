/**
 * Keys read from untrusted memory: their hash (typ.Hasher(key, seed),
 * recomputed with src/hash for the process's key material) and their
 * identity under Go's == (for "no key live twice").
 *
 * Everything is bounded: a string longer than MAX_STRING_BYTES is reported
 * as unreadable rather than read. A key holding a NaN (which never equals
 * itself, so the runtime never finds it by lookup and hashes it with a fresh
 * random number) is skipped by the hash and duplicate checks, as the
 * runtime's own checkInvariants skips keys that are not equal to themselves.
 */
import { MemoryError, decodeUint, type MemoryReader } from '../../model/memory.js';
import { sizeOf, structLayout, underlying, type GoType } from '../../model/types.js';
import { GoHasher, hasherFor, hashTypeOf, type Recipe, type KeyMemory } from '../../hash/index.js';
import type { HashState } from '../types.js';
import type { Arch } from '../../model/arch.js';

/** Longest string key read (bytes); longer ones are reported as unreadable. */
export const MAX_STRING_BYTES = 64 << 20;

/** The key contains a NaN: no hash or identity. */
export class NaNKey extends Error {
  constructor() {
    super('key holds a NaN');
  }
}

/** Whether a type's hash or == needs the dynamic type of an interface value. */
export function needsDynamicType(t: GoType): boolean {
  const u = underlying(t);
  switch (u.kind) {
    case 'interface': return true;
    case 'array': return needsDynamicType(u.elem);
    case 'struct': return u.fields.some((f) => needsDynamicType(f.type));
    default: return false;
  }
}

function boundedMemory(reader: MemoryReader): KeyMemory {
  return {
    read(addr: bigint, len: number): Uint8Array {
      if (len < 0 || len > MAX_STRING_BYTES) throw new MemoryError(addr, `string of ${len} bytes at 0x${addr.toString(16)} is longer than the ${MAX_STRING_BYTES} bytes read`);
      return reader.read(addr, len);
    },
    dynamicType(): never {
      throw new Error('interface keys are not hashed by the checker');
    },
  };
}

/** Hashes keys of one map type for one process. */
export class KeyHasher {
  private readonly hasher: GoHasher;
  private readonly recipe: Recipe;
  private readonly mem: KeyMemory;

  constructor(reader: MemoryReader, keyType: GoType, arch: Arch, go: string, hash: HashState) {
    const target = { arch, go, aes: hash.aes };
    this.hasher = new GoHasher(target, hash.keys);
    this.recipe = hasherFor(hashTypeOf(keyType, arch), target);
    this.mem = boundedMemory(reader);
  }

  /** typ.Hasher(key, seed); throws NaNKey for a NaN, MemoryError for unreadable string data. */
  hash(key: Uint8Array, seed: bigint): bigint {
    return this.hasher.hashKey(this.recipe, key, seed, this.mem, () => {
      throw new NaNKey();
    });
  }
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * A string that two keys share exactly when Go's == says they are equal:
 * plain memory byte for byte, floats by value (+0 == -0), strings by
 * content, structs by non-blank field, arrays by element. Throws NaNKey for
 * a NaN, MemoryError for unreadable string data.
 */
export function keyIdentity(reader: MemoryReader, t: GoType, key: Uint8Array, off = 0): string {
  const arch = reader.arch;
  const s = sizeOf(t, arch);
  if (s.alg === 'MEM') return hexOf(key.subarray(off, off + s.size));
  const u = underlying(t);
  const dv = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const le = !arch.bigEndian;
  const float = (o: number, n: 4 | 8): string => {
    const x = n === 4 ? dv.getFloat32(o, le) : dv.getFloat64(o, le);
    if (Number.isNaN(x)) throw new NaNKey();
    return x === 0 ? '0' : String(x);
  };
  switch (u.kind) {
    case 'float32': return float(off, 4);
    case 'float64': return float(off, 8);
    case 'complex64': return `${float(off, 4)},${float(off + 4, 4)}`;
    case 'complex128': return `${float(off, 8)},${float(off + 8, 8)}`;
    case 'string': {
      const p = decodeUint(key.subarray(off, off + arch.ptrSize), arch.bigEndian);
      const len = Number(decodeUint(key.subarray(off + arch.ptrSize, off + 2 * arch.ptrSize), arch.bigEndian));
      if (len === 0) return '""';
      return `"${hexOf(boundedMemory(reader).read(p, len))}`;
    }
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      const parts: string[] = [];
      for (let i = 0; i < u.len; i++) parts.push(keyIdentity(reader, u.elem, key, off + i * es));
      return `[${parts.join(';')}]`;
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      const parts: string[] = [];
      for (const f of l.fields) if (f.name !== '_') parts.push(keyIdentity(reader, f.type, key, off + f.offset));
      return `{${parts.join(';')}}`;
    }
    default:
      return hexOf(key.subarray(off, off + s.size));
  }
}
