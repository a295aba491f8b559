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
 *
 * Keys holding interfaces need the dynamic type behind each interface word
 * (MapSource.dynamicTypes). Like the runtime's nilinterequal/interequal,
 * two interface values are equal when their first words (the `_type`, or the
 * itab for non-empty interfaces) are the same and their values are equal
 * under that type; the hash is runtime.typehash of the value (src/hash).
 * A type word the program's type information does not describe raises
 * UnresolvedTypeError (the checker leaves that key's hash and == checks
 * undone and says so); a dynamic type that is not comparable raises
 * UncomparableKeyError: the runtime panics hashing such a key ("hash of
 * unhashable type"), so no insert can have put it in a map — the checkers
 * report it as a misplaced key.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../base/errors.js';
import { mapKeyHash, hashTypeOf, type GoHasher, type KeyMemory, type Recipe } from '../hash/index.js';
import { MemoryError, decodeUint, type MemoryReader } from '../model/memory.js';
import { sizeOf, structLayout, typeString, underlying, type GoType } from '../model/types.js';
import { goVersionString } from '../model/goversion.js';
import type { LayoutTarget } from '../layout/index.js';
import type { Arch } from '../model/arch.js';
import type { DynamicTypes, HashState } from './types.js';
import { hex } from '../base/hex.js';

/** Longest string key read (bytes): a longer (corrupt) length is reported, not read. */
export const MAX_KEY_STRING = 64 << 20;

/**
 * String and boxed key bytes read per map, all keys together (4 × MAX_KEY_STRING): a corrupt map whose
 * every slot claims a 60 MiB key costs at most this much reading, not slots × 60 MiB. Keys past it are
 * not read: their hash and duplicate checks are skipped and the report lists them as unchecked.
 */
export const KEY_BYTES_PER_MAP = 256 << 20;

/** Interfaces inside interfaces followed at most per key (a corrupt cycle of boxes ends). */
const MAX_IFACE_DEPTH = 8;

/** Reads and type lookups while hashing one key: boxes inside boxes in corrupt memory end here. */
const MAX_KEY_LOOKUPS = 1 << 14;

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

/** An interface word whose dynamic type the program's type information does not describe. */
export class UnresolvedTypeError extends Error {
  constructor(
    readonly word: bigint,
    message: string,
  ) {
    super(message);
    this.name = 'UnresolvedTypeError';
  }
}

/**
 * A key whose data would take the map past its byte budget (KeyBudget): not read, so its checks are
 * left undone. A kind of UnresolvedTypeError so the checkers skip it the same way (unchecked, never a
 * finding: the key may be perfectly healthy); `reason` says why in the report.
 */
export class KeyBudgetError extends UnresolvedTypeError {
  readonly reason: string;
  constructor(addr: bigint, limit: number) {
    super(addr, `key bytes read for this map reached ${limit} bytes (the per-map budget)`);
    this.name = 'KeyBudgetError';
    this.reason = `the map's string keys hold more than ${limit >> 20} MiB (the per-map budget of key bytes read): ` +
      'the hash and duplicate checks skipped the keys past it';
  }
}

/** The bytes of key data one map's check may still read (KEY_BYTES_PER_MAP). One per map check, shared by hashing and identity. */
export class KeyBudget {
  used = 0;
  constructor(readonly limit = KEY_BYTES_PER_MAP) {}
  /** Counts len bytes about to be read at addr; throws KeyBudgetError, reading nothing, when they do not fit. */
  take(addr: bigint, len: number): void {
    if (this.used + len > this.limit) throw new KeyBudgetError(addr, this.limit);
    this.used += len;
  }
}

/** The report's text for a key whose checks were skipped: the budget's own reason, or an unresolved dynamic type. */
export function uncheckedReason(e: UnresolvedTypeError): string {
  if (e instanceof KeyBudgetError) return e.reason;
  return `a key's dynamic type cannot be resolved (${e.message}): the hash and duplicate checks skipped such keys`;
}

/** An interface key whose dynamic type is not comparable: the runtime cannot have hashed it. */
export class UncomparableKeyError extends Error {
  constructor(
    readonly word: bigint,
    readonly typeName: string,
  ) {
    super(`the key's dynamic type ${typeName} is not comparable: the runtime panics hashing it ("hash of unhashable type"), so no insert ` +
      `put it here`);
    this.name = 'UncomparableKeyError';
  }
}


/**
 * The dynamic type behind an interface word through the provider: undefined
 * provider or undescribed word → UnresolvedTypeError; unreadable itab →
 * KeyReadError; not comparable → UncomparableKeyError.
 */
export function resolveDynamic(dyn: DynamicTypes | undefined, word: bigint, itab: boolean, arch: Arch): { type: GoType; direct: boolean } {
  if (!dyn) throw new UnresolvedTypeError(word, 'interface keys need their dynamic type, and this source has no type information');
  let d: { type: GoType; direct: boolean } | undefined;
  try {
    d = dyn.dynamicType(word, itab);
  } catch (e) {
    if (e instanceof MemoryError) throw new KeyReadError(word, `the itab at ${hex(word)} cannot be read: ${e.message}`);
    throw e;
  }
  if (!d) throw new UnresolvedTypeError(
    word,
    `no type in the program's DWARF has the runtime type descriptor behind ${itab ? 'itab' : 'type word'} ${hex(word)}`,
  );
  let alg: string;
  try {
    alg = sizeOf(d.type, arch).alg;
  } catch (e) {
    throw new UnresolvedTypeError(
      word,
      `the dynamic type ${typeString(d.type)} behind ${hex(word)} cannot be laid out: ${(e as Error).message}`,
    );
  }
  if (alg === 'NOEQ') throw new UncomparableKeyError(word, typeString(d.type));
  return d;
}


/** String data and other key memory, bounded, with failures as KeyReadError. */
function keyMemory(r: MemoryReader, dyn?: DynamicTypes, budget?: KeyBudget): KeyMemory & { resolved: number } {
  return {
    /** dynamicType calls since the counter was last reset (KeyHasher bounds it per key). */
    resolved: 0,
    read(addr: bigint, len: number): Uint8Array {
      if (++this.resolved > MAX_KEY_LOOKUPS) throw new KeyReadError(addr, 'too many reads for one key (a cycle in corrupt memory?)');
      if (len < 0 || len > MAX_KEY_STRING) throw new KeyReadError(addr, `string length ${len} is implausible (over ${MAX_KEY_STRING})`);
      budget?.take(addr, len);
      try {
        return r.read(addr, len);
      } catch (e) {
        if (e instanceof MemoryError) throw new KeyReadError(addr, e.message);
        throw e;
      }
    },
    dynamicType(word: bigint, itab: boolean) {
      if (++this.resolved > MAX_KEY_LOOKUPS) throw new UnresolvedTypeError(
        word,
        'too many interfaces inside one key (a cycle in corrupt memory?)',
      );
      const d = resolveDynamic(dyn, word, itab, r.arch);
      let type;
      try {
        type = hashTypeOf(d.type, r.arch);
      } catch (e) {
        throw new UnresolvedTypeError(word, `the dynamic type ${typeString(d.type)} cannot be hashed here: ${(e as Error).message}`);
      }
      return { type, direct: d.direct };
    },
  };
}

/** Keys longer than this are known by a digest: a 60 MiB string key costs a hash, not a 120 MB text. */
const DIGEST_OVER = 256;

/** Bytes as an identity text: hex, or for long runs their length and SHA-256 (a collision is out of reach). */
function hexOf(b: Uint8Array): string {
  if (b.length > DIGEST_OVER) return `#${b.length}:${createHash('sha256').update(b).digest('hex')}`;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * A text equal for two keys exactly when Go's == holds: plain memory byte for
 * byte, floats by value (+0 == −0), strings by content, structs by non-blank
 * field, arrays by element; null when the key holds a NaN. `b` holds the
 * key's bytes at offset `off`. Throws KeyReadError for unreadable string data.
 */
export function keyIdentity(
  r: MemoryReader, t: GoType, b: Uint8Array, off = 0, dyn?: DynamicTypes, depth = 0, budget?: KeyBudget,
): string | null {
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
      return `"${hexOf(keyMemory(r, undefined, budget).read(ptr, Number(len)))}`;
    }
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      return all(Array.from({ length: u.len }, (_, i) => keyIdentity(r, u.elem, b, off + i * es, dyn, depth, budget)), '[', ']');
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      const fields = l.fields.filter((f) => f.name !== '_');
      return all(fields.map((f) => keyIdentity(r, f.type, b, off + f.offset, dyn, depth, budget)), '{', '}');
    }
    case 'interface': {
      // nilinterequal / interequal: same first word (type or itab), then the values equal under that type.
      const p = arch.ptrSize;
      const word = decodeUint(b.subarray(off, off + p), arch.bigEndian);
      if (word === 0n) return 'nil';
      if (depth >= MAX_IFACE_DEPTH) throw new UnresolvedTypeError(word, `interfaces nested deeper than ${MAX_IFACE_DEPTH}`);
      const d = resolveDynamic(dyn, word, u.methods.length > 0, arch);
      const size = sizeOf(d.type, arch).size;
      let vb: Uint8Array, vo: number;
      if (d.direct) {
        vb = b;
        vo = off + p;
      } else {
        const data = decodeUint(b.subarray(off + p, off + 2 * p), arch.bigEndian);
        vb = size === 0 ? new Uint8Array(0) : keyMemory(r, undefined, budget).read(data, size);
        vo = 0;
      }
      const v = keyIdentity(r, d.type, vb, vo, dyn, depth + 1, budget);
      return v === null ? null : `<${word.toString(16)}:${v}>`;
    }
    default:
      // bool, integers, pointers are MEM (above); anything else compares as its bytes.
      return hexOf(b.subarray(off, off + s.size));
  }
}

/**
 * The identity of the key whose bytes are at addr, read again, for the duplicate check's set (src/check/keyset.ts
 * asks on a hash match); null when the bytes no longer read. The reading counts against the per-map key budget like
 * the first, so a corrupt map whose keys all point at one huge string is not read once more per key: KeyBudgetError
 * goes up to the checker, which marks the rest unchecked.
 */
export function keyIdentityAt(r: MemoryReader, t: GoType, addr: number, dyn?: DynamicTypes, budget?: KeyBudget): string | null {
  try {
    return keyIdentity(r, t, r.read(BigInt(addr), sizeOf(t, r.arch).size), 0, dyn, 0, budget);
  } catch (e) {
    if (e instanceof KeyBudgetError) throw e;
    return null;
  }
}

/** Thrown through GoHasher when a key needs a random NaN hash: the key has no reproducible hash. */
class NaNHash extends Error {}

/** GoHasher's source of a NaN's random hash: one function for every key, not a closure per key. */
const nanHash = (): never => {
  throw new NaNHash();
};

/** The map's hash function over keys read from memory. */
export class KeyHasher {
  private readonly h: GoHasher;
  private readonly recipe: Recipe;
  private readonly km: KeyMemory & { resolved: number };
  /** Bits of the hash: 64, or 32 on 32-bit hashing targets. */
  readonly bits: number;

  /** Throws when the release or key type has no modelled hash (the checker then leaves the hash codes unchecked). */
  constructor(reader: MemoryReader, key: GoType, t: LayoutTarget, state: HashState, dyn?: DynamicTypes, budget?: KeyBudget) {
    ({ recipe: this.recipe, hasher: this.h } = mapKeyHash(key, t.arch, goVersionString(t.go), state.aes, state.keys));
    this.bits = this.h.bits;
    this.km = keyMemory(reader, dyn, budget);
  }

  /** t.hasher(key, seed) for the key whose bytes are b[off:]; null for a key holding a NaN. Throws KeyReadError. */
  hash(b: Uint8Array, off: number, seed: bigint): bigint | null {
    this.km.resolved = 0;
    try {
      return this.h.hashKey(this.recipe, b, seed, this.km, nanHash, off);
    } catch (e) {
      if (e instanceof NaNHash) return null;
      if (e instanceof KeyReadError || e instanceof UnresolvedTypeError || e instanceof UncomparableKeyError) throw e;
      // A process that exited mid-read ends the check (exit 2), it is not a key that cannot be hashed.
      if (e instanceof InputError) throw e;
      throw new KeyReadError(0n, `cannot hash the key: ${(e as Error).message}`);
    }
  }
}
