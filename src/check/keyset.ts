/**
 * The live keys a check has seen, for the duplicate-key invariant, kept in
 * one typed array so a map of millions of keys costs 8 bytes a slot of an
 * open-addressing table between 3/8 and 3/4 full: 11–21 bytes a key, 67 MB
 * for 5·10^6 keys (a Map from identity texts cost over 100 bytes a key and
 * made the garbage collector the check's largest cost).
 *
 * The set keeps a 32-bit hash of each key and a 32-bit code that says where
 * the key is in the map (the checker numbers the slots it visits: both
 * checkers visit at most LIMITS.maxGroups buckets or groups of 8 slots
 * (classic: plus the arrays' heads), so their codes stay under 2^26). When
 * two hashes match it compares the keys themselves, the earlier one read
 * again from memory at its code, so a hash collision is never taken for a
 * duplicate.
 *
 * Keys whose == is their memory (Go's AMEM: integers, pointers, channels,
 * plain structs and arrays of those) are hashed and compared as bytes; any
 * other key by its identity text (keyIdentity: floats by value, strings by
 * content, interfaces by dynamic type and value), equal exactly when Go's ==
 * holds. The bytes path builds no string per key: in a map of millions of
 * int64 keys those texts were a tenth of the check's time and much of its
 * garbage.
 */
import { MemoryError, type MemoryReader } from '../model/memory.js';
import { sizeOf, type GoType } from '../model/types.js';
import { keyIdentity, keyIdentityAt, type KeyBudget } from './keys.js';
import type { DynamicTypes } from './types.js';

/** murmur3's finalizer: every bit of the input moves the low bits the table indexes by. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over the text's UTF-16 code units, mixed. */
function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

/** FNV-1a over b[off, off+len), mixed. */
function hashBytes(b: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = off; i < off + len; i++) {
    h ^= b[i];
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

/** Keys the table is sized for at the start (a larger count grows it by doubling): a corrupt count costs no memory. */
const PRESIZE_MAX = 1 << 22;

class KeySet {
  /** Slot i is table[2i] (the text's hash) and table[2i+1] (code + 1; 0: empty). */
  private table: Uint32Array;
  private mask: number;
  private n = 0;

  /**
   * `expected`: how many keys the map says it holds, which sizes the table
   * once (up to PRESIZE_MAX keys; past that it doubles as keys come);
   * `same(code)`: whether the key at an earlier code equals the one being added.
   */
  constructor(expected: number, private readonly same: (code: number) => boolean) {
    const n = Math.max(16, Math.min(expected, PRESIZE_MAX));
    const slots = 2 ** Math.ceil(Math.log2((n * 4) / 3 + 1));
    this.table = new Uint32Array(2 * slots);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.n;
  }

  /**
   * Adds the key whose hash is `h`, at `code` (an integer below 2^32 - 1);
   * if an equal key is already there, adds nothing and returns that key's
   * code (else -1).
   */
  add(h: number, code: number): number {
    if (!(code >= 0 && code < 0xffffffff && Number.isInteger(code))) throw new RangeError(`key code ${code} is not a 32-bit slot number`);
    const t = this.table;
    let i = h & this.mask;
    for (let c = t[2 * i + 1]; c !== 0; i = (i + 1) & this.mask, c = t[2 * i + 1]) {
      if (t[2 * i] === h && this.same(c - 1)) return c - 1;
    }
    t[2 * i] = h;
    t[2 * i + 1] = code + 1;
    if (++this.n * 4 > (this.mask + 1) * 3) this.grow();
    return -1;
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const t = new Uint32Array(2 * slots);
    const mask = slots - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = old[j] & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[j];
      t[2 * i + 1] = old[j + 1];
    }
    this.table = t;
    this.mask = mask;
  }
}

/** The duplicate check's keys of one map: a KeySet over the key type's bytes or identity texts. */
export class SeenKeys {
  private readonly set: KeySet;
  /** The key's size when == is its memory (compared as bytes), else -1 (compared by identity text). */
  private readonly memSize: number;
  // The key being added, for `same`.
  private id = '';
  private b: Uint8Array = new Uint8Array(0);
  private off = 0;

  /**
   * `expected`: the count the map's header gives; `keyAt(code)`: the address
   * of the bytes of the key at an earlier code (through its pointer for an
   * indirect key), or null when it cannot be read; `budget`: the map's key
   * budget, which reading a key again counts against too.
   */
  constructor(
    private readonly r: MemoryReader,
    private readonly t: GoType,
    expected: number,
    private readonly keyAt: (code: number) => number | null,
    private readonly dyn?: DynamicTypes,
    private readonly budget?: KeyBudget,
  ) {
    const s = sizeOf(t, r.arch);
    this.memSize = s.alg === 'MEM' ? s.size : -1;
    this.set = new KeySet(expected, (code) => this.same(code));
  }

  get size(): number {
    return this.set.size;
  }

  /**
   * Adds the key whose bytes are b[off:], in the slot with this code:
   * -1 the first time, the earlier slot's code when an equal key was seen
   * there, null when the key holds a NaN (equal to nothing). Throws what
   * keyIdentity throws for keys that cannot be read or resolved.
   */
  add(b: Uint8Array, off: number, code: number): number | null {
    if (this.memSize >= 0) {
      this.b = b;
      this.off = off;
      return this.set.add(hashBytes(b, off, this.memSize), code);
    }
    const id = keyIdentity(this.r, this.t, b, off, this.dyn, 0, this.budget);
    if (id === null) return null;
    this.id = id;
    return this.set.add(hashText(id), code);
  }

  private same(code: number): boolean {
    const at = this.keyAt(code);
    if (at === null) return false;
    if (this.memSize < 0) return keyIdentityAt(this.r, this.t, at, this.dyn, this.budget) === this.id;
    let k: Uint8Array;
    try {
      k = this.r.read(at, this.memSize);
    } catch (e) {
      if (e instanceof MemoryError) return false;
      throw e;
    }
    for (let i = 0; i < this.memSize; i++) if (k[i] !== this.b[this.off + i]) return false;
    return true;
  }
}
