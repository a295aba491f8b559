/**
 * GoHasher: the runtime's map hash functions for one target and one process.
 *
 * It dispatches memhash/memhash32/memhash64 to the portable fallback or the
 * AES code the runtime would use (runtime/asm_*.s stubs test useAeshash and
 * jump to one or the other), and implements the functions written in Go on
 * top of them (runtime/alg.go): strhash, f32hash/f64hash (±0 hash alike; NaN
 * mixes in a random draw), c64hash/c128hash, interhash/nilinterhash (which
 * hash the dynamic value with runtime.typehash), and runs the recipes of
 * src/hash/recipe.ts over a key's bytes.
 *
 * A key's bytes are as they sit in memory on the target; what its pointers
 * reach (string data, the dynamic type and value of an interface) comes from
 * a `KeyMemory` the caller supplies.
 */
import type { HashTarget, KeyMaterial, HashFlavor } from './target.js';
import { goMinor, hashBits, hashFlavor } from './target.js';
import type { HashType, Recipe } from './recipe.js';
import { HashTypeError, algType, typehashRecipe } from './recipe.js';
import { type FallbackKeys, fallbackKeys, memhash64Bit, memhashWord64Bit, memhash32Bit, memhashWord32Bit } from './fallback.js';
import {
  aesMemhashAmd64, aesMemhashWordAmd64, aesMemhash386, aesMemhashWord386, aesMemhashArm64, aesMemhashWordArm64,
} from './aeshash.js';
import { out, le32, be32, join, joinFast, split, hiOf, loOf } from './word.js';
import { InputError } from '../base/errors.js';

/** The dynamic type behind an interface's first word. */
export interface DynamicType {
  readonly type: HashType;
  /** Whether the value is stored in the data word itself (pointer-shaped types). */
  readonly direct: boolean;
}

/** Memory reachable from a key: string bytes, interface contents. */
export interface KeyMemory {
  /** `len` bytes at address `addr` of the target process. */
  read(addr: bigint, len: number): Uint8Array;
  /** The dynamic type of an interface whose first word is `word` (an *itab when `itab`, else a *_type). */
  dynamicType(word: bigint, itab: boolean): DynamicType;
  /**
   * Optional, for engines over simulated memory: the array holding the `len`
   * bytes at `addr` (an address below 2^53), without copying; their offset
   * in it is left in `locOff`. Throws like `read` when they are unmapped.
   */
  loc?(addr: number, len: number): Uint8Array;
  readonly locOff?: number;
}

/**
 * A NaN's hash mixes in a fresh random number, `uintptr(fastrand())` up to
 * Go 1.21 and `uintptr(rand())` from 1.22, which cannot be known from
 * outside. The caller supplies the draw (for example from a recorded run).
 */
export type NanDraw = () => bigint;

const EMPTY = new Uint8Array(0);

// runtime/alg.go c0, c1 for 32-bit and 64-bit hashes.
const C32 = { c0: 2860486313n, c1: 3267000013n };
const C64 = { c0: 33054211828000289n, c1: 23344194077549503n };

export class GoHasher {
  readonly flavor: HashFlavor;
  readonly bits: 32 | 64;
  readonly ptrSize: 4 | 8;
  private readonly minor: number;
  private readonly bigEndian: boolean;
  private readonly fk: FallbackKeys;
  /** The fallback hash of a little-endian 64-bit target: the engines' fast paths' common case, dispatched first. */
  private readonly fallbackLE64: boolean;
  private readonly ks: Uint8Array;
  private readonly c0: bigint;
  private readonly c1: bigint;
  private readonly ptrMask: bigint;
  private readonly hashMask: bigint;
  private readonly dynCache = new WeakMap<KeyMemory, Map<string, { recipe: Recipe; type: HashType; direct: boolean }>>();

  constructor(readonly target: HashTarget, keys: KeyMaterial) {
    this.flavor = hashFlavor(target);
    this.bits = hashBits(target);
    this.ptrSize = target.arch.ptrSize;
    this.minor = goMinor(target.go);
    if (this.minor < 19) {
      // Before 1.19 the fallback and arm64 AES code differ in ways not read
      // and not checked against a real runtime here.
      throw new InputError('go version', undefined, `hash functions before Go 1.19 are not modelled (got ${target.go})`);
    }
    this.bigEndian = target.arch.bigEndian;
    this.fk = fallbackKeys(keys.hashkey, this.minor < 23, this.bigEndian);
    this.fallbackLE64 = this.flavor === 'fallback64' && !this.bigEndian;
    this.ks = keys.aeskeysched;
    const want = this.ptrSize * 16;
    if (this.flavor.startsWith('aes') && this.ks.length < want) {
      throw new HashTypeError(`aeskeysched has ${this.ks.length} bytes, ${target.arch.name} needs ${want}`);
    }
    ({ c0: this.c0, c1: this.c1 } = this.bits === 32 ? C32 : C64);
    this.ptrMask = (1n << BigInt(this.ptrSize * 8)) - 1n;
    this.hashMask = (1n << BigInt(this.bits)) - 1n;
  }

  // ------------------------------------------------ raw (results in `out`) --

  /** memhash(p, h, s) over b[p:p+s], seed as uint32 halves. */
  memRaw(b: Uint8Array, p: number, s: number, sh: number, sl: number): void {
    switch (this.flavor) {
      case 'fallback64': memhash64Bit(this.fk, b, p, s, sh, sl); return;
      case 'fallback32': memhash32Bit(this.fk, b, p, s, sl); return;
      case 'aes-amd64': aesMemhashAmd64(this.ks, b, p, s, sh, sl); return;
      case 'aes-386': aesMemhash386(this.ks, b, p, s, sl); return;
      case 'aes-arm64': aesMemhashArm64(this.ks, b, p, s, sh, sl, this.minor >= 21); return;
    }
  }

  private ld32(b: Uint8Array, p: number): number {
    return this.bigEndian ? be32(b, p) : le32(b, p);
  }

  /** memhash32(p, h). */
  mem32Raw(b: Uint8Array, p: number, sh: number, sl: number): void {
    const k = this.ld32(b, p);
    switch (this.flavor) {
      case 'fallback64': memhashWord64Bit(this.fk, 0, k, 4, sh, sl); return;
      case 'fallback32': memhashWord32Bit(this.fk, k, undefined, sl); return;
      case 'aes-amd64': aesMemhashWordAmd64(this.ks, k, 0, 4, sh, sl); return;
      case 'aes-386': aesMemhashWord386(this.ks, k, 0, 4, sl); return;
      case 'aes-arm64': aesMemhashWordArm64(this.ks, k, 0, 4, sh, sl, this.minor >= 27); return;
    }
  }

  /** memhash64(p, h). */
  mem64Raw(b: Uint8Array, p: number, sh: number, sl: number): void {
    // w0/w1: the words at p and p+4, each native-endian.
    const w0 = this.ld32(b, p), w1 = this.ld32(b, p + 4);
    switch (this.flavor) {
      case 'fallback64':
        if (this.bigEndian) memhashWord64Bit(this.fk, w0, w1, 8, sh, sl);
        else memhashWord64Bit(this.fk, w1, w0, 8, sh, sl);
        return;
      case 'fallback32':
        // Go 1.27 passes the key as a uint64 value and xors uint32(k) into a
        // and k>>32 into b (maps/runtime_hash32.go memHash64Fallback); before,
        // a got the word at p and b the word at p+4. On big-endian targets
        // those are swapped.
        if (this.bigEndian && this.minor >= 27) memhashWord32Bit(this.fk, w1, w0, sl);
        else memhashWord32Bit(this.fk, w0, w1, sl);
        return;
      case 'aes-amd64': aesMemhashWordAmd64(this.ks, w0, w1, 8, sh, sl); return;
      case 'aes-386': aesMemhashWord386(this.ks, w0, w1, 8, sl); return;
      case 'aes-arm64': aesMemhashWordArm64(this.ks, w0, w1, 8, sh, sl, false); return;
    }
  }

  // ------------------------------------------------------- bigint API --

  private lastSeed = -1n;
  private seedHi = 0;
  private seedLo = 0;

  /** The seed as uintptr halves; an engine reuses one seed for many calls. */
  private seedHalves(seed: bigint): void {
    if (seed === this.lastSeed) return;
    split(seed);
    this.seedHi = this.ptrSize === 4 ? 0 : out.hi;
    this.seedLo = out.lo;
    this.lastSeed = seed;
  }

  /** The last result as a bigint. */
  private result(): bigint {
    return joinFast(out.hi, out.lo);
  }

  /** runtime.memhash(p, seed, s) over data[p:p+s]. */
  memhash(data: Uint8Array, seed: bigint, p = 0, s = data.length - p): bigint {
    checkRange(data, p, s);
    this.seedHalves(seed);
    this.memRaw(data, p, s, this.seedHi, this.seedLo);
    return this.result();
  }

  /** runtime.strhash of a string with these bytes (same as memhash over them). */
  strhash(content: Uint8Array, seed: bigint): bigint {
    return this.memhash(content, seed, 0, content.length);
  }

  /** runtime.memhash32: the 4 bytes at data[p]. */
  memhash32(data: Uint8Array, seed: bigint, p = 0): bigint {
    checkRange(data, p, 4);
    this.seedHalves(seed);
    this.mem32Raw(data, p, this.seedHi, this.seedLo);
    return this.result();
  }

  /** runtime.memhash64: the 8 bytes at data[p]. */
  memhash64(data: Uint8Array, seed: bigint, p = 0): bigint {
    checkRange(data, p, 8);
    this.seedHalves(seed);
    this.mem64Raw(data, p, this.seedHi, this.seedLo);
    return this.result();
  }

  /**
   * Runs a hasher recipe over a key: `key` holds the key's bytes from
   * `offset`; `mem` resolves what strings and interfaces in it point to.
   */
  hashKey(recipe: Recipe, key: Uint8Array, seed: bigint, mem?: KeyMemory, nanDraw?: NanDraw, offset = 0): bigint {
    this.seedHalves(seed);
    this.run(recipe, key, offset, this.seedHi, this.seedLo, mem, nanDraw);
    return this.result();
  }

  /**
   * hashKey without BigInt: the hash is left in `this.hi`/`this.lo` (uint32
   * halves; hi is 0 for 32-bit hashes). For engines that only need the low
   * bits (bucket index) and the top byte (tophash / H2).
   */
  hashKeyWords(recipe: Recipe, key: Uint8Array, seedHi: number, seedLo: number, mem?: KeyMemory, nanDraw?: NanDraw, offset = 0): void {
    this.run(recipe, key, offset, this.ptrSize === 4 ? 0 : seedHi >>> 0, seedLo >>> 0, mem, nanDraw);
    this.hi = out.hi;
    this.lo = out.lo;
  }

  /** Result of hashKeyWords, memhash64Words and memhashWords. */
  hi = 0;
  lo = 0;

  /**
   * memhash64 of the 8 bytes at b[p], left in `hi`/`lo`: the hash of a key
   * whose recipe is `memhash64`, for the engines' fast64 paths (no recipe to
   * walk, no BigInt, no allocation).
   */
  memhash64Words(b: Uint8Array, p: number, seedHi: number, seedLo: number): void {
    if (this.fallbackLE64) memhashWord64Bit(this.fk, le32(b, p + 4), le32(b, p), 8, seedHi >>> 0, seedLo >>> 0);
    else this.mem64Raw(b, p, this.ptrSize === 4 ? 0 : seedHi >>> 0, seedLo >>> 0);
    this.hi = out.hi;
    this.lo = out.lo;
  }

  /**
   * memhash of the s bytes at b[p], left in `hi`/`lo`: strhash of a string
   * with that data, for the engines' faststr paths.
   */
  memhashWords(b: Uint8Array, p: number, s: number, seedHi: number, seedLo: number): void {
    if (this.fallbackLE64) memhash64Bit(this.fk, b, p, s, seedHi >>> 0, seedLo >>> 0);
    else this.memRaw(s === 0 ? EMPTY : b, s === 0 ? 0 : p, s, this.ptrSize === 4 ? 0 : seedHi >>> 0, seedLo >>> 0);
    this.hi = out.hi;
    this.lo = out.lo;
  }

  // ---------------------------------------------------- recipe evaluator --

  private run(r: Recipe, b: Uint8Array, p: number, hh: number, hl: number, mem: KeyMemory | undefined, nan: NanDraw | undefined): void {
    switch (r.op) {
      case 'seed':
        out.hi = hh; out.lo = hl;
        return;
      case 'mem':
        checkRange(b, p, r.size);
        this.memRaw(b, p, r.size, hh, hl);
        return;
      case 'memhash32':
        checkRange(b, p, 4);
        this.mem32Raw(b, p, hh, hl);
        return;
      case 'memhash64':
        checkRange(b, p, 8);
        this.mem64Raw(b, p, hh, hl);
        return;
      case 'strhash': {
        const len = this.strLen(b, p);
        if (len === 0) {
          this.memRaw(EMPTY, 0, 0, hh, hl);
          return;
        }
        const km = need(mem, 'string data');
        if (km.loc) {
          // No copy and no BigInt: the data pointer as a number (addresses stay below 2^53).
          const w0 = this.ld32(b, p);
          const ptr = this.ptrSize === 4 ? w0 : this.bigEndian ? w0 * 4294967296 + this.ld32(b, p + 4) : this.ld32(b, p + 4) * 4294967296 + w0;
          const buf = km.loc(ptr, len);
          this.memRaw(buf, km.locOff ?? 0, len, hh, hl);
          return;
        }
        const bytes = km.read(this.word(b, p), len);
        checkRange(bytes, 0, len);
        this.memRaw(bytes, 0, len, hh, hl);
        return;
      }
      case 'f32hash': this.floatHash(b, p, 4, hh, hl, nan); return;
      case 'f64hash': this.floatHash(b, p, 8, hh, hl, nan); return;
      case 'c64hash':
        this.floatHash(b, p, 4, hh, hl, nan);
        this.floatHash(b, p + 4, 4, out.hi, out.lo, nan);
        return;
      case 'c128hash':
        this.floatHash(b, p, 8, hh, hl, nan);
        this.floatHash(b, p + 8, 8, out.hi, out.lo, nan);
        return;
      case 'interhash': this.ifaceHash(b, p, true, hh, hl, mem, nan); return;
      case 'nilinterhash': this.ifaceHash(b, p, false, hh, hl, mem, nan); return;
      case 'seq':
        for (const st of r.steps) {
          this.run(st.recipe, b, p + st.offset, hh, hl, mem, nan);
          hh = out.hi; hl = out.lo;
        }
        out.hi = hh; out.lo = hl;
        return;
      case 'loop':
        for (let i = 0; i < r.count; i++) {
          this.run(r.body, b, p + i * r.stride, hh, hl, mem, nan);
          hh = out.hi; hl = out.lo;
        }
        out.hi = hh; out.lo = hl;
        return;
    }
  }

  /** A pointer-sized word at b[p], native-endian. */
  private word(b: Uint8Array, p: number): bigint {
    checkRange(b, p, this.ptrSize);
    if (this.ptrSize === 4) return BigInt(this.ld32(b, p));
    const w0 = this.ld32(b, p), w1 = this.ld32(b, p + 4);
    return this.bigEndian ? join(w0, w1) : join(w1, w0);
  }

  /** A string header's length (checked against the range of a Go int). */
  private strLen(b: Uint8Array, p: number): number {
    const q = p + this.ptrSize;
    checkRange(b, q, this.ptrSize);
    // The length as a number without going through BigInt.
    let len: number;
    if (this.ptrSize === 4) len = this.ld32(b, q);
    else {
      const w0 = this.ld32(b, q), w1 = this.ld32(b, q + 4);
      const hi = this.bigEndian ? w0 : w1, lo = this.bigEndian ? w1 : w0;
      if (hi !== 0 || lo > 0x7fffffff) throw new HashTypeError(`string length 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} out of range`);
      len = lo;
    }
    return len;
  }

  /** f32hash/f64hash (runtime/alg.go). */
  private floatHash(b: Uint8Array, p: number, size: 4 | 8, hh: number, hl: number, nan: NanDraw | undefined): void {
    checkRange(b, p, size);
    const dv = new DataView(b.buffer, b.byteOffset + p, size);
    const f = size === 4 ? dv.getFloat32(0, !this.bigEndian) : dv.getFloat64(0, !this.bigEndian);
    if (f === 0) {
      // +0 and -0: c1 * (c0 ^ h), in uintptr arithmetic.
      this.setBig(this.mulC1(this.c0 ^ join(hh, hl)));
    } else if (Number.isNaN(f)) {
      if (!nan) throw new HashTypeError('the hash of a NaN key mixes in a random draw of the runtime; supply it (nanDraw)');
      this.setBig(this.mulC1(this.c0 ^ join(hh, hl) ^ (nan() & this.ptrMask)));
    } else {
      this.memRaw(b, p, size, hh, hl);
    }
  }

  /** c1 * x as uintptr, trimmed to the hash width (trimHash on wasm). */
  private mulC1(x: bigint): bigint {
    return ((this.c1 * x) & this.ptrMask) & this.hashMask;
  }

  private setBig(x: bigint): void {
    out.hi = hiOf(x); out.lo = loOf(x);
  }

  /** interhash / nilinterhash (runtime/alg.go). */
  private ifaceHash(b: Uint8Array, p: number, itab: boolean, hh: number, hl: number, mem: KeyMemory | undefined, nan: NanDraw | undefined): void {
    const tw = this.word(b, p);
    if (tw === 0n) {
      out.hi = hh; out.lo = hl;
      return;
    }
    const dyn = this.dynamic(tw, itab, need(mem, 'interface contents'));
    let data: Uint8Array, dp: number;
    if (dyn.direct) {
      data = b; dp = p + this.ptrSize; // typehash(t, &a.data, ...)
    } else {
      data = dyn.type.size === 0 ? EMPTY : need(mem, 'interface data').read(this.word(b, p + this.ptrSize), dyn.type.size);
      dp = 0;
      checkRange(data, 0, dyn.type.size);
    }
    const h = join(hh, hl) ^ this.c0;
    this.run(dyn.recipe, data, dp, hiOf(h), loOf(h), mem, nan);
    this.setBig(this.mulC1(join(out.hi, out.lo)));
  }

  private dynamic(word: bigint, itab: boolean, mem: KeyMemory): { recipe: Recipe; type: HashType; direct: boolean } {
    // Type words identify types within one process, i.e. one KeyMemory.
    let cache = this.dynCache.get(mem);
    if (!cache) this.dynCache.set(mem, cache = new Map());
    const k = `${itab ? 'i' : 'e'}${word}`;
    let d = cache.get(k);
    if (!d) {
      const dt = mem.dynamicType(word, itab);
      // The runtime panics here: "hash of unhashable type T".
      if (algType(dt.type) === 'NOEQ') throw new HashTypeError(`hash of unhashable type ${dt.type.kind}`);
      d = { recipe: typehashRecipe(dt.type), type: dt.type, direct: dt.direct };
      cache.set(k, d);
    }
    return d;
  }
}

function checkRange(b: Uint8Array, p: number, n: number): void {
  if (p < 0 || n < 0 || p + n > b.length) throw new HashTypeError(`read of ${n} bytes at ${p} past the end of ${b.length} bytes`);
}

function need(mem: KeyMemory | undefined, what: string): KeyMemory {
  if (!mem) throw new HashTypeError(`hashing this key needs ${what}: supply a KeyMemory`);
  return mem;
}
