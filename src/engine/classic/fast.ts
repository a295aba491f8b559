/**
 * The fast paths: mapaccess1_fast64/_faststr, mapassign_fast64/_faststr and
 * mapdelete_fast64/_faststr (runtime/map_fast64.go, map_faststr.go) as one
 * probe loop each, for the maps most programs have — a key the compiler
 * gives a fast64 or faststr variant, on a little-endian 64-bit target — when
 * nothing is traced.
 *
 * They do what access.ts, assign.ts and delete.ts do, in the same order, to
 * the same bytes; only the way they reach the bytes differs. Those functions
 * take addresses (0xc000000000 and up: past 2^31, so V8 boxes them as heap
 * numbers whenever they cross a call), read the header through its
 * accessors, hash through the key type's recipe and compare keys through Go's
 * ==. Here every bucket is an arena offset (a small integer), header fields,
 * tophash bytes and key words are read straight from the arena (its 32-bit
 * words through a Uint32Array view), the hash runs on the key's bytes with
 * no recipe, and keys compare as two words (fast64) or length then bytes
 * (faststr); growWork and evacuate (grow.ts) are restated the same way, as
 * a write during a grow runs them. The rare steps — hashGrow, newoverflow,
 * the end of a grow, a re-seed on emptying — are the generic functions
 * themselves. A map that has no bucket
 * yet or 2^31 buckets returns FALLBACK before touching anything, and the
 * caller runs the generic function.
 *
 * test/sim-classic.test.ts checks the bytes left against real Go;
 * test/sim-fast.test.ts checks them against the generic (traced) paths.
 */
import type { ClassicMap } from './map.js';
import {
  BUCKET_CNT, EMPTY_ONE, EMPTY_REST, EVACUATED_EMPTY, EVACUATED_X, HASH_WRITING, MIN_TOP_HASH, OLD_ITERATOR, SAME_SIZE_GROW,
  overLoadFactor, tooManyOverflowBuckets,
} from './map.js';
import { hashGrow } from './grow.js';
import { releaseArray, releaseChain } from './release.js';
import { newoverflow } from './overflow.js';
import type { GoHasher } from '../../hash/index.js';
import { FastArena, TWO32, eqBytes, firstByte } from '../fastarena.js';

/** A fast path declined: run the generic function (nothing was written). */
export const FALLBACK = -2;

export class ClassicFast extends FastArena {
  private readonly hasher: GoHasher;
  private readonly bs: number;
  private readonly topOff: number;
  private readonly keysOff: number;
  private readonly elemsOff: number;
  private readonly ovfOff: number;
  private readonly keySize: number;
  private readonly elemSize: number;
  /** tophash and low half of the last hash. */
  private top = 0;
  private lo = 0;

  private constructor(private readonly m: ClassicMap, scratch: number) {
    super(m.mem, m.env.variant === 'faststr', scratch);
    this.hasher = m.hasher.goHasher;
    this.bs = m.bucketSize;
    this.topOff = m.topOff;
    this.keysOff = m.keysOff;
    this.elemsOff = m.elemsOff;
    this.ovfOff = m.ovfOff;
    this.keySize = m.keySize;
    this.elemSize = m.elemSize;
  }

  /** The fast paths for this map, or undefined when its key, target or tracing needs the generic ones. */
  static for(m: ClassicMap, scratch: number): ClassicFast | undefined {
    const v = m.env.variant;
    const op = m.hasher.recipe.op;
    const ok = !m.tracing && !m.env.arch.bigEndian && m.env.arch.ptrSize === 8 && !m.keyIndirect && !m.elemIndirect &&
      ((v === 'fast64' && op === 'memhash64' && m.keySize === 8) || (v === 'faststr' && op === 'strhash' && m.keySize === 16)) &&
      (scratch - m.mem.base) % 8 === 0 && m.bucketSize % 8 === 0 && m.keysOff % 8 === 0;
    // The tophash words are read as 32-bit words (topOff and the bucket size multiples of 4).
    return ok && m.topOff % 4 === 0 ? new ClassicFast(m, scratch) : undefined;
  }

  private next(b: number): number {
    return this.ptrOff(b + this.ovfOff);
  }

  /** hmap.count (an int: its high word is 0 for any count the engine reaches). */
  private count(): number {
    return this.w[this.m.oCount >> 2];
  }

  private setCount(n: number): void {
    this.w[this.m.oCount >> 2] = n;
    this.w[(this.m.oCount >> 2) + 1] = 0;
  }

  /** The scratch key's hash with hash0 into `lo` and `top`; false when the generic path must run (it reports a bad string length). */
  private hash(): boolean {
    return this.hashAt(this.ko);
  }

  /**
   * The hash of the key at arena offset k with hash0 (classic seeds are uint32): its low half into
   * `lo`, its tophash into `top`. A field, not a return value: a uint32 past 2^30 returned from a
   * call V8 does not inline is a heap number, allocated per operation.
   */
  private hashAt(k: number): boolean {
    const a = this.a;
    const w = this.w;
    const seed = w[this.m.oHash0 >> 2];
    const h = this.hasher;
    if (this.str) {
      const len = w[(k >> 2) + 2];
      if (w[(k >> 2) + 3] !== 0 || len > 0x7fffffff) return false;
      h.memhashWords(a, len === 0 ? 0 : this.ptrOff(k), len, 0, seed);
    } else {
      h.memhash64Words(a, k, 0, seed);
    }
    const t = h.hi >>> 24;
    this.top = t < MIN_TOP_HASH ? t + MIN_TOP_HASH : t;
    this.lo = h.lo;
    return true;
  }

  /** The head bucket the hash selects: arena offset of buckets[lo & (2^B - 1)]. */
  private head(lo: number, B: number): number {
    return this.ptrOff(this.m.oBuckets) + (lo & ((1 << B) - 1)) * this.bs;
  }

  /** mapaccess: the elem's arena offset, or -1 when absent. */
  access(): number {
    const m = this.m;
    const a = this.sync();
    if (this.count() === 0) return -1;
    const B = a[m.oB];
    if (B >= 31) return FALLBACK;
    if (!this.hash()) return FALLBACK;
    const lo = this.lo;
    const top = this.top;
    let b = this.head(lo, B);
    const old = this.ptrOff(m.oOldbuckets);
    if (old >= 0) {
      const oldB = (a[m.oFlags] & SAME_SIZE_GROW) !== 0 ? B : B - 1;
      const ob = old + (lo & ((1 << oldB) - 1)) * this.bs;
      const h = a[ob + this.topOff];
      if (!(h > EMPTY_ONE && h < MIN_TOP_HASH)) b = ob;
    }
    const ks = this.keySize;
    const w = this.w;
    if (!this.str) {
      // mapaccess1_fast64: each slot's key word against the key, then its tophash not empty (the
      // key loads do not wait on the tophash ones); the whole chain, with no stop at emptyRest.
      const y = this.ko >> 2;
      const k0 = w[y];
      const k1 = w[y + 1];
      for (; b >= 0; b = this.next(b)) {
        const kw = (b + this.keysOff) >> 2;
        const tb = b + this.topOff;
        for (let i = 0; i < BUCKET_CNT; i++) {
          if (w[kw + 2 * i] === k0 && w[kw + 2 * i + 1] === k1 && a[tb + i] > EMPTY_ONE) return b + this.elemsOff + i * this.elemSize;
        }
      }
      return -1;
    }
    // The bucket's eight tophash bytes as two words: slots whose tophash is top, in order, then a
    // stop if any is emptyRest (no match can follow one: every later slot and bucket is empty).
    const top4 = top * 0x01010101;
    while (b >= 0) {
      const tw = (b + this.topOff) >> 2;
      const x0 = w[tw];
      const x1 = w[tw + 1];
      for (let m = eqBytes(x0, top4); m !== 0; m &= m - 1) {
        const i = firstByte(m);
        if (this.eq(b + this.keysOff + i * ks)) return b + this.elemsOff + i * this.elemSize;
      }
      for (let m = eqBytes(x1, top4); m !== 0; m &= m - 1) {
        const i = firstByte(m) + 4;
        if (this.eq(b + this.keysOff + i * ks)) return b + this.elemsOff + i * this.elemSize;
      }
      if ((eqBytes(x0, 0) | eqBytes(x1, 0)) !== 0) return -1; // EMPTY_REST is 0
      b = this.next(b);
    }
    return -1;
  }

  /** mapassign: the elem's arena offset (the caller stores the value there). */
  assign(): number {
    const m = this.m;
    let a = this.sync();
    const B0 = a[m.oB];
    if (B0 >= 31 || this.ptrOff(m.oBuckets) < 0) return FALLBACK;
    if (!this.hash()) return FALLBACK;
    const lo = this.lo;
    const top = this.top;
    const ks = this.keySize;
    const str = this.str;
    for (;;) {
      const B = a[m.oB];
      const bucket = lo & ((1 << B) - 1);
      if (this.ptrOff(m.oOldbuckets) >= 0) a = this.growWork(bucket);
      let b = this.ptrOff(m.oBuckets) + bucket * this.bs;
      let insertb = -1;
      let inserti = 0;
      let found = -1;
      chain: for (;;) {
        const tb = b + this.topOff;
        for (let i = 0; i < BUCKET_CNT; i++) {
          const t = a[tb + i];
          if (!str) {
            // map_fast64.go: the key word itself is compared, the tophash only tells empty slots.
            if (t <= EMPTY_ONE) {
              if (insertb < 0) { insertb = b; inserti = i; }
              if (t === EMPTY_REST) break chain;
              continue;
            }
          } else if (t !== top) {
            if (t <= EMPTY_ONE && insertb < 0) { insertb = b; inserti = i; }
            if (t === EMPTY_REST) break chain;
            continue;
          }
          if (!this.eq(b + this.keysOff + i * ks)) continue;
          found = i;
          break chain;
        }
        const ovf = this.next(b);
        if (ovf < 0) break;
        b = ovf;
      }
      if (found >= 0) {
        // faststr stores the new key's header (same length, new data); fast64 leaves the equal word.
        if (str) this.copyKey(b + this.keysOff + found * ks);
        a[m.oFlags] &= ~HASH_WRITING;
        return b + this.elemsOff + found * this.elemSize;
      }
      if (this.ptrOff(m.oOldbuckets) < 0 && (overLoadFactor(this.count() + 1, B, m.L.loadFactor) || tooManyOverflowBuckets(m.noverflow, B))) {
        hashGrow(m);
        a = this.sync();
        continue;
      }
      if (insertb < 0) {
        insertb = newoverflow(m, b + this.base) - this.base;
        inserti = 0;
        a = this.sync();
      }
      this.copyKey(insertb + this.keysOff + inserti * ks);
      a[insertb + this.topOff + inserti] = top;
      this.setCount(this.count() + 1);
      a[m.oFlags] &= ~HASH_WRITING;
      return insertb + this.elemsOff + inserti * this.elemSize;
    }
  }

  /** mapdelete: 1 when the key was found and deleted, 0 when absent. */
  delete(): number {
    const m = this.m;
    let a = this.sync();
    if (this.count() === 0) return 0;
    const B0 = a[m.oB];
    if (B0 >= 31) return FALLBACK;
    if (!this.hash()) return FALLBACK;
    const lo = this.lo;
    const top = this.top;
    const bucket = lo & ((1 << B0) - 1);
    if (this.ptrOff(m.oOldbuckets) >= 0) a = this.growWork(bucket);
    const bOrig = this.ptrOff(m.oBuckets) + bucket * this.bs;
    const ks = this.keySize;
    const str = this.str;
    let found = 0;
    search: for (let b = bOrig; b >= 0; b = this.next(b)) {
      const tb = b + this.topOff;
      for (let i = 0; i < BUCKET_CNT; i++) {
        const t = a[tb + i];
        const slot = b + this.keysOff + i * ks;
        if (!str) {
          if (t <= EMPTY_ONE || !this.eq(slot)) continue;
        } else {
          if (t !== top) {
            if (t === EMPTY_REST) break search;
            continue;
          }
          if (!this.eq(slot)) continue;
        }
        // clearSlot: faststr nils the key's data pointer (its length stays); fast64 clears a pointer key.
        if (str || m.keyHasPointers) {
          this.w[slot >> 2] = 0;
          this.w[(slot >> 2) + 1] = 0;
        }
        this.zeroBytes(b + this.elemsOff + i * this.elemSize, this.elemSize);
        a[tb + i] = EMPTY_ONE;
        this.spreadEmptyRest(bOrig, b, i);
        const n = this.count() - 1;
        this.setCount(n);
        if (n === 0) m.hash0 = m.env.drawSeed();
        found = 1;
        break search;
      }
    }
    a[m.oFlags] &= ~HASH_WRITING;
    return found;
  }

  /** grow.ts growWork: the old bucket the write hashes to, then the lowest not yet evacuated. Returns the arena. */
  private growWork(bucket: number): Uint8Array {
    const m = this.m;
    this.evacuate(bucket & (this.noldbuckets() - 1));
    if (this.ptrOff(m.oOldbuckets) >= 0) this.evacuate(m.nevacuate);
    return this.sync();
  }

  /** Buckets before the grow began: 2^B, or 2^(B-1) when the grow doubles. */
  private noldbuckets(): number {
    const a = this.a;
    const B = a[this.m.oB];
    return 1 << ((a[this.m.oFlags] & SAME_SIZE_GROW) !== 0 ? B : B - 1);
  }

  /** grow.ts evacuate over arena offsets (fast variants' keys are never NaN, so no random tophash). */
  private evacuate(oldbucket: number): void {
    const m = this.m;
    let a = this.a;
    const to = this.topOff;
    const ks = this.keySize;
    const es = this.elemSize;
    const old = this.ptrOff(m.oOldbuckets);
    const newbit = this.noldbuckets();
    let b = old + oldbucket * this.bs;
    const h0 = a[b + to];
    if (!(h0 > EMPTY_ONE && h0 < MIN_TOP_HASH)) {
      const same = (a[m.oFlags] & SAME_SIZE_GROW) !== 0;
      const nb = this.ptrOff(m.oBuckets);
      let xb = nb + oldbucket * this.bs;
      let xi = 0;
      let yb = same ? -1 : nb + (oldbucket + newbit) * this.bs;
      let yi = 0;
      for (; b >= 0; b = this.next(b)) {
        for (let i = 0; i < BUCKET_CNT; i++) {
          const top = a[b + to + i];
          if (top <= EMPTY_ONE) {
            a[b + to + i] = EVACUATED_EMPTY;
            continue;
          }
          if (top < MIN_TOP_HASH) throw new Error('bad map state');
          const k = b + this.keysOff + i * ks;
          // hash & newbit: newbit = 2^oldB < 2^31.
          let useY = false;
          if (!same) {
            this.hashAt(k);
            useY = (this.lo & newbit) !== 0;
          }
          a[b + to + i] = EVACUATED_X + (useY ? 1 : 0);
          let db: number;
          let di: number;
          if (useY) {
            if (yi === BUCKET_CNT) {
              yb = newoverflow(m, yb + this.base) - this.base;
              yi = 0;
              a = this.sync();
            }
            db = yb;
            di = yi++;
          } else {
            if (xi === BUCKET_CNT) {
              xb = newoverflow(m, xb + this.base) - this.base;
              xi = 0;
              a = this.sync();
            }
            db = xb;
            di = xi++;
          }
          a[db + to + di] = top;
          this.copyBytes(db + this.keysOff + di * ks, k, ks);
          this.copyBytes(db + this.elemsOff + di * es, b + this.elemsOff + i * es, es);
        }
      }
      if ((a[m.oFlags] & OLD_ITERATOR) === 0 && m.bucketHasPointers) {
        const ob = old + oldbucket * this.bs;
        // The overflow word goes to nil with the rest: the chain's heap buckets are garbage (release.ts).
        const head = m.oldbuckets + oldbucket * this.bs;
        if (m.overflow(head) !== 0) releaseChain(m, head, m.oldbuckets, m.oldArrayEnd);
        a.fill(0, ob + this.keysOff, ob + this.bs);
      }
    }
    if (oldbucket === m.nevacuate) this.advanceEvacuationMark(old, newbit);
  }

  /** grow.ts advanceEvacuationMark; the end of the grow is the generic bookkeeping. */
  private advanceEvacuationMark(old: number, newbit: number): void {
    const m = this.m;
    const a = this.a;
    let n = m.nevacuate + 1;
    const stop = Math.min(n + 1024, newbit);
    while (n !== stop) {
      const h = a[old + n * this.bs + this.topOff];
      if (!(h > EMPTY_ONE && h < MIN_TOP_HASH)) break;
      n++;
    }
    m.nevacuate = n;
    if (n === newbit) {
      releaseArray(m, m.oldbuckets, newbit);
      m.oldbuckets = 0;
      if (m.extra !== 0) m.oldOverflowList = null;
      m.flags = m.flags & ~SAME_SIZE_GROW;
    }
  }

  /** delete.ts spreadEmptyRest over arena offsets. */
  private spreadEmptyRest(bOrig: number, b: number, i: number): void {
    const a = this.a;
    const to = this.topOff;
    if (i === BUCKET_CNT - 1) {
      const ovf = this.next(b);
      if (ovf >= 0 && a[ovf + to] !== EMPTY_REST) return;
    } else if (a[b + to + i + 1] !== EMPTY_REST) {
      return;
    }
    for (;;) {
      a[b + to + i] = EMPTY_REST;
      if (i === 0) {
        if (b === bOrig) break;
        const c = b;
        for (b = bOrig; this.next(b) !== c; b = this.next(b));
        i = BUCKET_CNT - 1;
      } else {
        i--;
      }
      if (a[b + to + i] !== EMPTY_ONE) break;
    }
  }

  /** An 8-byte integer elem at arena offset e as a number, or undefined past 2^53 (the decoder's case). */
  elemNumber(e: number): number | undefined {
    const w = this.w;
    const hi = w[(e >> 2) + 1];
    return hi <= 0x1fffff ? w[e >> 2] + hi * TWO32 : undefined;
  }

  /** Stores a non-negative integer below 2^53 as the 8-byte elem at arena offset e. */
  setElemNumber(e: number, v: number): void {
    const hi = Math.floor(v / TWO32);
    this.w[e >> 2] = v - hi * TWO32;
    this.w[(e >> 2) + 1] = hi;
  }
}
