/**
 * ClassicMap: one simulated map — its `hmap` header, `mapextra` and buckets
 * in simulated memory — and the small helpers every operation shares
 * (runtime/map.go: bucketShift, tophash, evacuated, overLoadFactor,
 * tooManyOverflowBuckets, incrnoverflow, and bmap's accessors).
 *
 * Header fields live in memory at the offsets layoutOf gives for `hmap`, so
 * the bytes of a simulated map are those of a real one. Two things are kept
 * beside memory: the overflow lists of pointer-free buckets (mapextra's
 * `*[]*bmap` slices; only their length is observable) and the source of the
 * runtime's randomness (`draw`).
 */
import { fieldOffsets, type ClassicLayout } from '../../layout/index.js';
import { BUCKET_CNT, EMPTY_ONE, MIN_TOP_HASH, SAME_SIZE_GROW } from '../../model/runtime/index.js';
import type { SimMemory } from '../../model/memory.js';
import { sizeOf, type GoType } from '../../model/types.js';
import type { Arch } from '../../model/arch.js';
import type { GoVersion } from '../../model/goversion.js';
import type { MapHasher } from './hashing.js';
import { keyEqualFor } from '../../model/equal.js';

// Slots per bucket, tophash marks and hmap.flags bits: the runtime's facts (src/model/runtime).
export {
  BUCKET_CNT, EMPTY_REST, EMPTY_ONE, EVACUATED_X, EVACUATED_Y, EVACUATED_EMPTY, MIN_TOP_HASH,
  ITERATOR, OLD_ITERATOR, HASH_WRITING, SAME_SIZE_GROW,
} from '../../model/runtime/index.js';

export const isEmpty = (top: number): boolean => top <= EMPTY_ONE;

/** Which runtime entry points the compiler picks for the map type (walk.mapfast). */
export type Variant = 'generic' | 'fast32' | 'fast64' | 'faststr';

/** Something the map did, for --trace. */
export interface TraceEvent {
  readonly op: number;
  readonly what: string;
}


export interface MapEnv {
  readonly mem: SimMemory;
  readonly layout: ClassicLayout;
  readonly go: GoVersion;
  readonly arch: Arch;
  readonly keyType: GoType;
  readonly elemType: GoType;
  readonly variant: Variant;
  /** Draws the runtime's next random 32-bit value for a map seed (fastrand/rand). */
  readonly drawSeed: () => number;
  readonly hasherFor: (mem: SimMemory) => MapHasher;
  /** A 32-bit draw standing for the runtime's per-M rand in incrnoverflow at B >= 16 (hash.rand's generator). */
  readonly overflowCoin: () => number;
  readonly trace?: (what: string) => void;
}

export class ClassicMap {
  readonly mem: SimMemory;
  readonly L: ClassicLayout;
  readonly env: MapEnv;
  readonly ptr: number;
  readonly bucketSize: number;
  readonly keySize: number;
  readonly elemSize: number;
  readonly topOff: number;
  readonly keysOff: number;
  readonly elemsOff: number;
  readonly ovfOff: number;
  /** Whether the bucket type holds pointers (t.bucket.ptrdata != 0). */
  readonly bucketHasPointers: boolean;
  readonly keyIndirect: boolean;
  /** The key type holds pointers (delete clears such a key). */
  readonly keyHasPointers: boolean;
  readonly elemIndirect: boolean;
  readonly hasher: MapHasher;
  /** mapextra.overflow / oldoverflow of pointer-free buckets; null when the slice was never made. */
  overflowList: number[] | null = null;
  oldOverflowList: number[] | null = null;
  /** Address past the old bucket array (its preallocated overflow buckets included) while a grow is in progress. */
  oldArrayEnd = 0;
  private readonly h: Record<string, number>;
  private readonly x: Record<string, number>;
  private readonly ptrSize: number;
  private readonly hashBits: number;

  constructor(env: MapEnv) {
    this.env = env;
    this.mem = env.mem;
    this.L = env.layout;
    this.ptrSize = env.arch.ptrSize;
    this.hashBits = env.arch.ptrSize * 8;
    this.h = fieldOffsets(this.L.headers.hmap);
    this.x = fieldOffsets(this.L.headers.mapextra);
    const b = fieldOffsets(this.L.bucket);
    this.topOff = b.topbits;
    this.keysOff = b.keys;
    this.elemsOff = b.elems;
    this.ovfOff = b.overflow;
    this.bucketSize = this.L.bucket.size;
    this.keySize = this.L.key.storedSize;
    this.elemSize = this.L.elem.storedSize;
    this.bucketHasPointers = this.L.bucket.overflowIsPointer;
    this.keyIndirect = this.L.key.indirect;
    this.keyHasPointers = sizeOf(env.keyType, env.arch).ptrBytes > 0;
    this.elemIndirect = this.L.elem.indirect;
    this.ptr = this.mem.alloc(this.L.headers.hmap.size, 'hmap');
    this.ho = this.ptr - this.mem.base;
    this.be = env.arch.bigEndian;
    const h = this.h;
    this.oCount = this.ho + h.count;
    this.oFlags = this.ho + h.flags;
    this.oB = this.ho + h.B;
    this.oNoverflow = this.ho + h.noverflow;
    this.oHash0 = this.ho + h.hash0;
    this.oBuckets = this.ho + h.buckets;
    this.oOldbuckets = this.ho + h.oldbuckets;
    this.oNevacuate = this.ho + h.nevacuate;
    this.oExtra = this.ho + h.extra;
    this.hasher = env.hasherFor(this.mem);
    this.keyEqual = keyEqualFor(this.mem, env.keyType);
  }

  // --------------------------------------------------------------- hmap --
  // The header's offset in the arena (allocations never move): read without checking the address.
  private readonly ho: number;
  private readonly be: boolean;
  // Arena offsets of the header fields read on every operation (a keyed lookup by name per access is
  // slow); fast.ts reads and writes them directly.
  readonly oCount: number;
  readonly oFlags: number;
  readonly oB: number;
  readonly oNoverflow: number;
  readonly oHash0: number;
  readonly oBuckets: number;
  readonly oOldbuckets: number;
  private readonly oNevacuate: number;
  private readonly oExtra: number;
  /** The unsigned `size`-byte field at arena offset o. */
  private get1(o: number, size: number): number {
    const b = this.mem.arena;
    if (!this.be) {
      const lo = (b[o] | (b[o + 1] << 8) | (size > 2 ? (b[o + 2] << 16) | (b[o + 3] << 24) : 0)) >>> 0;
      return size <= 4 ? lo : lo + ((b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0) * 4294967296;
    }
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + b[o + i];
    return v;
  }
  private set1(o: number, size: number, v: number): void {
    const b = this.mem.arena;
    const be = this.be;
    if (!be && size >= 4) {
      const hi = size === 8 ? Math.floor(v / 4294967296) : 0;
      const lo = v - hi * 4294967296;
      b[o] = lo; b[o + 1] = lo >>> 8; b[o + 2] = lo >>> 16; b[o + 3] = lo >>> 24;
      if (size === 8) {
        b[o + 4] = hi; b[o + 5] = hi >>> 8; b[o + 6] = hi >>> 16; b[o + 7] = hi >>> 24;
      }
      return;
    }
    for (let i = 0; i < size; i++) {
      b[be ? o + size - 1 - i : o + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  get count(): number { return this.get1(this.oCount, this.ptrSize); }
  set count(v: number) { this.set1(this.oCount, this.ptrSize, v); }
  get flags(): number { return this.mem.arena[this.oFlags]; }
  set flags(v: number) { this.mem.arena[this.oFlags] = v & 0xff; }
  get B(): number { return this.mem.arena[this.oB]; }
  set B(v: number) { this.mem.arena[this.oB] = v; }
  get noverflow(): number { return this.get1(this.oNoverflow, 2); }
  set noverflow(v: number) { this.set1(this.oNoverflow, 2, v & 0xffff); }
  get hash0(): number { return this.get1(this.oHash0, 4); }
  set hash0(v: number) { this.set1(this.oHash0, 4, v >>> 0); }
  get buckets(): number { return this.get1(this.oBuckets, this.ptrSize); }
  set buckets(v: number) { this.set1(this.oBuckets, this.ptrSize, v); }
  get oldbuckets(): number { return this.get1(this.oOldbuckets, this.ptrSize); }
  set oldbuckets(v: number) { this.set1(this.oOldbuckets, this.ptrSize, v); }
  get nevacuate(): number { return this.get1(this.oNevacuate, this.ptrSize); }
  set nevacuate(v: number) { this.set1(this.oNevacuate, this.ptrSize, v); }
  get hasClearSeq(): boolean { return 'clearSeq' in this.h; }
  get clearSeq(): bigint { return this.mem.uint(this.ptr + this.h.clearSeq, 8); }
  set clearSeq(v: bigint) { this.mem.setUint(this.ptr + this.h.clearSeq, 8, v); }
  get extra(): number { return this.get1(this.oExtra, this.ptrSize); }
  set extra(v: number) { this.set1(this.oExtra, this.ptrSize, v); }

  get nextOverflow(): number {
    const e = this.extra;
    return e === 0 ? 0 : this.mem.ptr(e + this.x.nextOverflow);
  }
  set nextOverflow(v: number) {
    this.mem.setPtr(this.ensureExtra() + this.x.nextOverflow, v);
  }
  ensureExtra(): number {
    if (this.extra === 0) this.extra = this.mem.alloc(this.L.headers.mapextra.size, 'mapextra');
    return this.extra;
  }

  growing(): boolean { return this.oldbuckets !== 0; }
  sameSizeGrow(): boolean { return (this.flags & SAME_SIZE_GROW) !== 0; }
  /** Number of buckets before the current grow began. */
  noldbuckets(): number {
    let oldB = this.B;
    if (!this.sameSizeGrow()) oldB--;
    return bucketShift(oldB);
  }
  oldbucketmask(): number { return this.noldbuckets() - 1; }

  /**
   * hmap.incrnoverflow: exact below B=16. From B=16 the runtime counts one in
   * 2^(B-15) overflow buckets by a per-M random coin no process exposes; the
   * engine flips hash.rand's generator instead, so noverflow (and a same-size
   * grow it may start) is a model there, marked in the snapshot.
   */
  incrnoverflow(): void {
    if (this.B < 16) {
      this.noverflow = this.noverflow + 1;
      return;
    }
    this.randCounted = true;
    const mask = 2 ** (this.B - 15) - 1;
    if ((this.env.overflowCoin() & mask) === 0) this.noverflow = this.noverflow + 1;
  }
  /** Whether noverflow has counted by the coin since the last grow (it then depends on hash.rand). */
  randCounted = false;
  /** Whether a same-size grow started while noverflow depended on hash.rand: the buckets' contents since do too. */
  randGrow = false;

  // ---------------------------------------------------------------- bmap --
  bucketAt(base: number, i: number): number { return base + i * this.bucketSize; }
  tophash(b: number, i: number): number { return this.mem.u8(b + this.topOff + i); }
  setTophash(b: number, i: number, v: number): void { this.mem.setU8(b + this.topOff + i, v); }
  keyAddr(b: number, i: number): number { return b + this.keysOff + i * this.keySize; }
  elemAddr(b: number, i: number): number { return b + this.elemsOff + i * this.elemSize; }
  /**
   * mapassign's claim of slot i of bucket b before the key is stored: a key or elem
   * over 128 bytes lives out of line, so the slot gets a pointer to a fresh object.
   * Returns where the key's and elem's bytes go.
   */
  claimSlot(b: number, i: number): { kslot: number; eslot: number } {
    let kslot = this.keyAddr(b, i);
    const eslot = this.elemAddr(b, i);
    if (this.L.key.indirect) {
      const kmem = this.mem.alloc(this.L.key.size, 'indirect key');
      this.mem.setPtr(kslot, kmem);
      kslot = kmem;
    }
    if (this.L.elem.indirect) this.mem.setPtr(eslot, this.mem.alloc(this.L.elem.size, 'indirect elem'));
    return { kslot, eslot };
  }
  overflow(b: number): number { return this.mem.ptr(b + this.ovfOff); }
  setOverflow(b: number, ovf: number): void { this.mem.setPtr(b + this.ovfOff, ovf); }
  evacuated(b: number): boolean {
    const h = this.tophash(b, 0);
    return h > EMPTY_ONE && h < MIN_TOP_HASH;
  }
  /** The key's address (through the pointer when keys are indirect). */
  derefKey(slot: number): number { return this.keyIndirect ? this.mem.ptr(slot) : slot; }
  derefElem(slot: number): number { return this.elemIndirect ? this.mem.ptr(slot) : slot; }
  /** Arena offset of bucket b's tophash array (valid until the next allocation moves the arena). */
  topsAt(b: number): number { return b - this.mem.base + this.topOff; }

  // ------------------------------------------------------------- hashing --
  /**
   * What a NaN's hash mixes in (the runtime's per-M random draw, which cannot
   * be replayed). Set only for lookups, whose outcome does not depend on it.
   */
  nanDraw: (() => bigint) | undefined = undefined;
  /**
   * Hashes the key at `keyAddr` with hash0 and returns the hash's low 32 bits
   * (all the bucket index ever needs: B < 32); `top` is set to its tophash.
   */
  hash(keyAddr: number): number {
    const h = this.hasher;
    h.words(keyAddr, this.hash0, this.nanDraw);
    // tophash: the hash's top byte (bits 56-63 on 64-bit targets, 24-31 on 32-bit), bumped past the markers.
    const t = (this.hashBits === 64 ? h.hi : h.lo) >>> 24;
    this.top = t < MIN_TOP_HASH ? t + MIN_TOP_HASH : t;
    return h.lo >>> 0;
  }
  /** tophash of the last hash(). */
  top = 0;
  readonly keyEqual: (a: number, b: number) => boolean;

  trace(what: string): void { this.env.trace?.(what); }
  /** Whether trace lines are kept (hot paths build their text only then). */
  get tracing(): boolean { return this.env.trace !== undefined; }
}

export function bucketShift(b: number): number { return b < 31 ? 1 << b : 2 ** b; }
export function bucketMask(b: number): bigint { return (1n << BigInt(b)) - 1n; }
/** hash & bucketMask(B) from the hash's low 32 bits. */
export function bucketOf(lo: number, B: number): number {
  if (B < 31) return lo & ((1 << B) - 1);
  if (B > 32) throw new Error(`B=${B}: more than 2^32 buckets`);
  return lo % 2 ** B;
}

export function overLoadFactor(count: number, B: number, lf: { num: number; den: number }): boolean {
  return count > BUCKET_CNT && count > lf.num * Math.floor(bucketShift(B) / lf.den);
}

export function tooManyOverflowBuckets(noverflow: number, B: number): boolean {
  return noverflow >= 1 << Math.min(B, 15);
}
