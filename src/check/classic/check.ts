/**
 * checkClassic: every invariant of CLASSIC_INVARIANTS over one classic map's
 * memory, read through a MemoryReader from the `hmap` at src.addr.
 *
 * The walk follows the runtime (runtime/map.go, Go 1.19–1.23; map_noswiss.go
 * on 1.24–1.25):
 * - the header's fields at the offsets layoutOf gives for `hmap`;
 * - the current array's 2^B chains, then, while growing, the old array's
 *   chains (2^B of them in a same-size grow, 2^(B-1) after a doubling). An
 *   old bucket is evacuated when its first tophash is 2, 3 or 4; its slots
 *   then hold only marks and (unless evacuate cleared them, which it does for
 *   pointerful buckets with no iterator on the old array) stale keys. Live
 *   keys are those of the current array and of unevacuated old buckets; a key
 *   in an unevacuated old bucket is placed by the old mask.
 * Every pointer is followed with bounds: a read that fails is a
 * classic/unreadable finding, a chain that revisits a bucket stops, and no
 * loop runs past LIMITS.
 */
import { fieldOffsets, layoutOf, type ClassicLayout } from '../../layout/index.js';
import { MemoryError, decodeUint, readUint, type MemoryReader } from '../../model/memory.js';
import { typeString } from '../../model/types.js';
import {
  BUCKET_CNT, EMPTY_REST, EVACUATED_X, EVACUATED_Y, EVACUATED_EMPTY, MIN_TOP_HASH,
  ITERATOR, OLD_ITERATOR, HASH_WRITING, SAME_SIZE_GROW,
  isEvacuationMark, maxAlloc, bucketArrayLengthFor,
} from '../../model/runtime/index.js';
import {
  LIMITS, findingLimit, type CheckOptions, type FindingText, type Home, type Location, type MapReport, type MapSource,
} from '../types.js';
import { FindingCollector } from '../findings.js';
import { slotKeyText } from '../keytext.js';
import { C, CLASSIC_BY_CODE, CLASSIC_FINDINGS as F } from './invariants.js';
import {
  KeyBudget, KeyHasher, KeyReadError, UncomparableKeyError, UnresolvedTypeError, uncheckedReason,
} from '../keys.js';
import { needsDynamicType } from '../../model/types.js';
import { SeenKeys } from '../keyset.js';

const KNOWN_FLAGS = ITERATOR | OLD_ITERATOR | HASH_WRITING | SAME_SIZE_GROW;
const isMark = isEvacuationMark;

/** The largest B whose bucket array newarray can allocate (makemap ignores a hint past maxAlloc, so B never passes it). */
export function maxB(L: ClassicLayout, arch: Pick<Arch, 'name' | 'ptrSize'>): number {
  let b = 0;
  while (b < arch.ptrSize * 8 - 1 && 2 ** (b + 1) * L.bucket.size <= maxAlloc(arch)) b++;
  return b;
}

export interface Header {
  count: bigint;
  flags: number;
  B: number;
  noverflow: number;
  hash0: number;
  buckets: bigint;
  oldbuckets: bigint;
  nevacuate: bigint;
  extra: bigint;
}

/** Decodes the hmap's fields from its bytes (layout offsets, target byte order). */
export function decodeHeader(L: ClassicLayout, b: Uint8Array, bigEndian: boolean): Header {
  const f: Record<string, { offset: number; size: number }> = {};
  for (const x of L.headers.hmap.fields) f[x.name] = x;
  const u = (name: string): bigint => decodeUint(b.subarray(f[name].offset, f[name].offset + f[name].size), bigEndian);
  return {
    count: BigInt.asIntN(f.count.size * 8, u('count')),
    flags: Number(u('flags')),
    B: Number(u('B')),
    noverflow: Number(u('noverflow')),
    hash0: Number(u('hash0')),
    buckets: u('buckets'),
    oldbuckets: u('oldbuckets'),
    nevacuate: u('nevacuate'),
    extra: u('extra'),
  };
}

interface Where {
  array: 'buckets' | 'oldbuckets';
  bucket: number;
  overflow: number;
  /** The bucket's address (slot findings name the slot's key, decoded). */
  addr?: bigint;
}

import { hex } from '../../base/hex.js';
import type { Arch } from '../../model/arch.js';

class Checker {
  readonly unchecked: { code: string; reason: string }[] = [];
  readonly found: FindingCollector;
  private readonly r: MemoryReader;
  private readonly L: ClassicLayout;
  private readonly ptr: number;
  private readonly be: boolean;
  private readonly bsize: number;
  private readonly topOff: number;
  private readonly keysOff: number;
  private readonly elemsOff: number;
  private readonly ovfOff: number;
  private readonly hasher: KeyHasher | undefined = undefined;
  private readonly dynamicKey: boolean;
  /** Live keys seen so far, each by its hash and slot code (below). */
  private seen: SeenKeys | undefined;
  /**
   * Every bucket the walk visits has an ordinal: head bucket i of the current
   * array is i, of the old array nCur + i, and overflow bucket j (in the
   * order the walk meets them) nHeads + j, with its address, its chain's
   * head ordinal and its place in the chain below. A slot's code is its
   * bucket's ordinal · 8 + slot: under 2^26, since the arrays' heads and the
   * buckets visited are each at most LIMITS.maxGroups.
   */
  private nCur = 0;
  private nHeads = 0;
  private readonly ovAddr: number[] = [];
  private readonly ovHead: number[] = [];
  private readonly ovIndex: number[] = [];
  /** Overflow buckets seen so far (not array heads): address → j. */
  private readonly visited = new Map<number, number>();
  private arrays: { array: Where['array']; base: bigint; n: number }[] = [];
  /** A chain was cut short (unreadable, misaligned, looped, shared): totals are not known. */
  private cut = false;
  private live = 0;
  private overflowInCurrent = 0;
  private overflowInOld = 0;
  /** The current bucket array could not be read at all. */
  private noArray = false;
  /** The mapextra's bytes, when the header has a readable one. */
  private extraBytes: Uint8Array | undefined;
  private visitedBuckets = 0;
  h!: Header;

  constructor(
    private readonly src: MapSource,
    limit: number,
    private readonly progress?: CheckOptions['progress'],
  ) {
    this.found = new FindingCollector(CLASSIC_BY_CODE, limit);
    this.r = src.reader;
    const L = layoutOf(src.type, src.target);
    if (L.impl !== 'classic') throw new Error(`checkClassic: ${typeString(src.type)} is a Swiss map on Go ${src.target.go.minor}`);
    this.L = L;
    this.ptr = src.target.arch.ptrSize;
    this.be = src.target.arch.bigEndian;
    this.bsize = L.bucket.size;
    const off = fieldOffsets(L.bucket);
    this.topOff = off.topbits;
    this.keysOff = off.keys;
    this.elemsOff = off.elems;
    this.ovfOff = off.overflow;
    this.dynamicKey = needsDynamicType(src.type.key);
    const hashCodes = [C.keyBucket, C.keyTophash, C.evacuationXY];
    // Keys holding interfaces are hashed and compared under their dynamic
    // types when the source can resolve them (a core or live process with DWARF).
    if (this.dynamicKey && !src.dynamicTypes) {
      const reason = `the key type ${typeString(src.type.key)} holds an interface: hashing and == need the dynamic type behind it, ` +
        'and this source has no type information';
      for (const code of [...hashCodes, C.duplicate]) this.unchecked.push({ code, reason });
    } else if (!src.hash) {
      const reason = 'no hash key material (runtime.hashkey / runtime.aeskeysched) for this map';
      for (const code of hashCodes) this.unchecked.push({ code, reason });
    }
    this.identityChecks = !this.dynamicKey || src.dynamicTypes !== undefined;
    if (src.hash && this.identityChecks) {
      try {
        this.hasher = new KeyHasher(this.r, src.type.key, src.target, src.hash, src.dynamicTypes, this.keyBudget);
      } catch (e) {
        // A release or key type whose hash is not modelled (Go < 1.19, say): the rest is still checked.
        const reason = `the map's hash function cannot be computed: ${e instanceof Error ? e.message : String(e)}`;
        for (const code of hashCodes) this.unchecked.push({ code, reason });
      }
    }
  }

  private readonly identityChecks: boolean;
  private unresolved = 0;
  /** Key bytes this map's check may read, hashing and identity together (KEY_BYTES_PER_MAP). */
  private readonly keyBudget = new KeyBudget();

  /**
   * A key whose dynamic type is not described by the program's DWARF: its
   * hash and == checks are skipped, and the map's report says so (once).
   */
  private noteUnresolved(e: UnresolvedTypeError): void {
    if (this.unresolved++ > 0) return;
    const reason = uncheckedReason(e);
    for (const code of [C.keyBucket, C.keyTophash, C.evacuationXY, C.duplicate]) {
      if (!this.unchecked.some((u) => u.code === code)) this.unchecked.push({ code, reason });
    }
  }

  // ---------------------------------------------------------- findings --

  private loc(text: string, fields: Omit<Location, 'text' | 'address'>, addr?: bigint): Location {
    const l: Location = { text, ...fields };
    return addr !== undefined && !this.src.syntheticAddresses ? { ...l, address: hex(addr) } : l;
  }

  private where(w: Where, slot?: number): { text: string; fields: Omit<Location, 'text' | 'address'> } {
    let text = `${w.array === 'buckets' ? 'bucket' : 'oldbucket'} ${w.bucket}`;
    if (w.overflow > 0) text += ` overflow ${w.overflow}`;
    if (slot !== undefined) text += ` slot ${slot}`;
    const fields: Omit<Location, 'text' | 'address'> = { array: w.array, bucket: w.bucket, overflow: w.overflow };
    return { text, fields: slot === undefined ? fields : { ...fields, slot } };
  }

  private add(location: Location, t: FindingText): void {
    this.found.add(location, t);
  }

  /**
   * A finding in a chain: at a bucket, or at one of its slots (named by its key, decoded only when the finding is listed);
   * `home`, for findings about where a key sits, is worked out only then too.
   */
  private at(w: Where, slot: number | undefined, addr: bigint | undefined, t: FindingText, home?: () => Home | undefined): void {
    const { text, fields } = this.where(w, slot);
    const loc = this.loc(text, fields, addr);
    if (slot === undefined || w.addr === undefined) return this.found.add(loc, t);
    const keyAddr = w.addr + BigInt(this.keysOff + slot * this.L.key.storedSize);
    this.found.add(() => {
      const h = home?.();
      return { ...loc, key: slotKeyText(this.r, this.src.type.key, keyAddr, this.L.key.indirect), ...(h ? { home: h } : {}) };
    }, t);
  }

  /**
   * The bucket mapaccess1 looks in for a key whose hash's low 32 bits are `lo` (B < 32 here): bucket lo & (2^B - 1),
   * or while growing the old bucket lo & (old count - 1) when that one is not yet evacuated (its first tophash is not
   * a mark). Undefined when there is no bucket array, or the old bucket's first tophash cannot be read.
   */
  private homeOf(lo: number): Home | undefined {
    const h = this.h;
    if (h.buckets === 0n || h.B > maxB(this.L, this.src.target.arch)) return undefined;
    const n = 2 ** h.B;
    if (h.oldbuckets !== 0n && this.nold) {
      const ob = lo % this.nold;
      const evacuated = this.oldEvacuated(ob);
      if (evacuated === undefined) return undefined;
      const text = `oldbucket ${ob} (hash & ${this.nold - 1}; not yet evacuated, so lookups look there)`;
      if (!evacuated) return { text, array: 'oldbuckets', bucket: ob };
    }
    const b = lo % n;
    return { text: `bucket ${b} (hash & ${n - 1})`, array: 'buckets', bucket: b };
  }

  /** Old bucket ob's first tophash is an evacuation mark (runtime/map.go evacuated); undefined when unreadable. */
  private oldEvacuated(ob: number): boolean | undefined {
    let known = this.evacuatedOld.get(ob);
    if (known === undefined) {
      try {
        known = isMark(this.r.read(this.h.oldbuckets + BigInt(ob) * BigInt(this.bsize) + BigInt(this.topOff), 1)[0]);
      } catch (e) {
        if (!(e instanceof MemoryError)) throw e;
        return undefined;
      }
      this.evacuatedOld.set(ob, known);
    }
    return known;
  }

  // ------------------------------------------------------------ header --

  /** Reads and checks the header; false when it cannot be read. */
  header(): boolean {
    const size = this.L.headers.hmap.size;
    let b: Uint8Array;
    try {
      b = this.r.read(this.src.addr, size);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.add(this.loc('header', {}, this.src.addr), F.headerUnreadable(size, this.src.addr, e.message));
      return false;
    }
    const h = (this.h = decodeHeader(this.L, b, this.be));
    const hdr = (field: string) => this.loc(`header.${field}`, {}, this.src.addr);
    if (h.flags & ~KNOWN_FLAGS) {
      this.add(hdr('flags'), F.unknownFlags(h.flags, KNOWN_FLAGS));
    }
    if (h.flags & HASH_WRITING) {
      this.add(hdr('flags'), F.writing(h.flags));
    }
    const mb = maxB(this.L, this.src.target.arch);
    if (h.B > mb) {
      this.add(hdr('B'), F.bTooLarge(h.B, mb, this.bsize, this.src.target.arch.name));
    }
    if (h.count < 0n) {
      this.add(hdr('count'), F.countNegative(h.count));
    }
    if (h.buckets === 0n && (h.B > 0 || h.count > 0n)) {
      this.add(hdr('buckets'), F.bucketsNil(h.B, h.count));
    }
    this.growthState(mb);
    if (h.extra !== 0n) {
      try {
        this.extraBytes = this.r.read(h.extra, this.L.headers.mapextra.size);
      } catch (e) {
        if (!(e instanceof MemoryError)) throw e;
        this.add(this.loc('header.extra', {}, this.src.addr), F.extraUnreadable(h.extra, e.message));
      }
    }
    return true;
  }

  /** The number of old buckets while growing, or undefined when the header says none can be walked. */
  private nold: number | undefined;
  /** Per old bucket, whether it is evacuated: read once, asked once per live key of the new array while growing. */
  private readonly evacuatedOld = new Map<number, boolean>();

  private growthState(mb: number): void {
    const h = this.h;
    const same = (h.flags & SAME_SIZE_GROW) !== 0;
    const loc = this.loc('header.oldbuckets', {}, this.src.addr);
    if (h.oldbuckets !== 0n) {
      // hashGrow: a doubling grow makes B ≥ 1; the old array has 2^B buckets (same size) or 2^(B-1).
      if (!same && h.B === 0) {
        this.add(loc, F.growingAtB0());
        return;
      }
      if (h.B > mb) return;
      const nold = 2 ** (same ? h.B : h.B - 1);
      this.nold = nold;
      // advanceEvacuationMark frees the old array the moment nevacuate reaches the old bucket count.
      if (h.nevacuate >= BigInt(nold)) {
        this.add(loc, F.growthOver(h.nevacuate, nold));
      }
      if (h.buckets === 0n) {
        this.add(loc, F.growingNoBuckets());
      }
    } else {
      if (same) {
        this.add(loc, F.sameSizeNotGrowing(h.flags));
      }
      // nevacuate is 0 until the first grow (and after clear), then stays at the last grow's old bucket count.
      if (h.B > mb) return;
      const allowed = [0n, 1n << BigInt(h.B)];
      if (h.B > 0) allowed.push(1n << BigInt(h.B - 1));
      if (!allowed.includes(h.nevacuate)) {
        this.add(this.loc('header.nevacuate', {}, this.src.addr), F.nevacuateIdle(allowed, h.nevacuate));
      }
    }
  }

  // ----------------------------------------------------------- buckets --

  walk(): void {
    const h = this.h;
    const walkCodes = [C.count, C.tophash, C.emptyRest, C.keyBucket, C.keyTophash, C.evacuationMark, C.nevacuate, C.evacuationXY,
      C.overflowAlign, C.overflowCycle, C.overflowShared, C.duplicate, C.noverflow, C.indirectNil, C.extra];
    const mb = maxB(this.L, this.src.target.arch);
    const n = h.buckets === 0n || h.B > mb ? 0 : 2 ** h.B;
    const nold = h.oldbuckets === 0n ? 0 : this.nold ?? 0;
    if (h.B > mb || n + nold > LIMITS.maxGroups) {
      const reason = h.B > mb
        ? `B=${h.B} is impossible, so the bucket array was not walked`
        : `2^${h.B} buckets exceed the walk limit of ${LIMITS.maxGroups}`;
      for (const code of walkCodes) if (!this.unchecked.some((u) => u.code === code)) this.unchecked.push({ code, reason });
      return;
    }
    if (n > 0) this.arrays.push({ array: 'buckets', base: h.buckets, n });
    if (nold > 0) this.arrays.push({ array: 'oldbuckets', base: h.oldbuckets, n: nold });
    this.nCur = n;
    this.nHeads = n + nold;
    for (const a of this.arrays) {
      // An array whose first or last byte cannot be read is one finding, not 2^B of them.
      const bytes = BigInt(a.n) * BigInt(this.bsize);
      const bad = [a.base, a.base + bytes - 1n].map((x) => this.unreadableAt(x)).find((e) => e !== undefined);
      if (bad) {
        const loc = this.loc(`header.${a.array}`, { array: a.array }, a.base);
        this.add(loc, F.arrayUnreadable(a.array, a.base, a.n, bytes, bad.message));
        this.cut = true;
        if (a.array === 'buckets') this.noArray = true;
        continue;
      }
      const before = a.array === 'buckets' ? 0 : n;
      for (let i = 0; i < a.n; i++) {
        if ((i & 0xffff) === 0) this.progress?.(before + i, n + nold, 'buckets');
        this.chain(a.array, a.base, i, nold);
      }
    }
    const reason = 'a bucket chain was cut short (see the chain findings), so totals are unknown';
    if (this.cut) {
      this.unchecked.push({ code: C.count, reason }, { code: C.noverflow, reason });
      this.extra(n); // the overflow lists' lengths are skipped, the rest holds
      return;
    }
    if (BigInt(this.live) !== h.count && h.count >= 0n) {
      this.add(this.loc('header.count', {}, this.src.addr), F.countMismatch(this.live, h.count));
    }
    if (n > 0) this.noverflow();
    this.extra(n);
  }

  /**
   * mapextra (runtime/map.go newoverflow, makeBucketArray, hashGrow,
   * advanceEvacuationMark, mapclear):
   * - for pointer-free buckets, whose overflow word the GC does not scan,
   *   `overflow` lists every overflow bucket made for the current array and
   *   `oldoverflow` (only while growing) those of the old one — the chains
   *   never drop one, so the lengths equal the chains' overflow buckets; for
   *   pointerful buckets no list is ever made;
   * - `nextOverflow` is nil or the next unused preallocated overflow bucket:
   *   a bucket boundary in the array's tail past its 2^B buckets, and the
   *   tail's last bucket holds the sentinel (the array's own address) that
   *   tells newoverflow to stop.
   */
  private extra(n: number): void {
    const x = this.extraBytes;
    if (!x) return;
    const h = this.h;
    const xo = fieldOffsets(this.L.headers.mapextra);
    const loc = (field: string) => this.loc(`mapextra.${field}`, {}, h.extra);
    const pointerFree = !this.L.bucket.overflowIsPointer;
    const lists: [string, number, boolean][] = [
      ['overflow', this.overflowInCurrent, true],
      ['oldoverflow', this.overflowInOld, h.oldbuckets !== 0n],
    ];
    for (const [field, chains, applies] of lists) {
      const p = this.word(x, xo[field]);
      let len = 0n;
      if (p !== 0n) {
        try {
          const sh = this.r.read(p, 3 * this.ptr);
          len = this.word(sh, this.ptr);
        } catch (e) {
          if (!(e instanceof MemoryError)) throw e;
          this.add(loc(field), F.overflowListUnreadable(field, p, e.message));
          continue;
        }
      }
      if (!pointerFree) {
        if (p !== 0n) this.add(loc(field), F.overflowListPointerful(field, len));
      } else if (!applies) {
        if (p !== 0n) this.add(loc(field), F.overflowListIdle(field, len));
      } else if (!this.cut && len !== BigInt(chains)) {
        this.add(loc(field), F.overflowListLength(field, chains, len));
      }
    }
    const next = this.word(x, xo.nextOverflow);
    if (next === 0n || this.noArray) return;
    if (n === 0) {
      this.add(loc('nextOverflow'), F.nextOverflowNoArray(next));
      return;
    }
    const size = BigInt(this.bsize);
    const total = bucketArrayLengthFor(this.bsize, this.L.bucket.overflowIsPointer, this.src.target.go, this.src.target.arch, h.B);
    const idx = (next - h.buckets) / size;
    const boundary = next >= h.buckets && (next - h.buckets) % size === 0n;
    if (!boundary || idx < BigInt(n) || idx >= BigInt(total)) {
      this.add(loc('nextOverflow'), F.nextOverflowOutside(n, total, boundary ? idx : undefined));
      return;
    }
    const last = h.buckets + BigInt(total - 1) * size;
    const lastLoc = this.loc(`bucket ${total - 1} (last preallocated)`, { array: 'buckets', bucket: total - 1 }, last);
    try {
      const sentinel = this.word(this.r.read(last + BigInt(this.ovfOff), this.ptr), 0);
      if (sentinel !== h.buckets) {
        this.add(lastLoc, F.sentinelLost(sentinel));
      }
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.add(lastLoc, F.arrayEndUnreadable(last, e.message));
    }
  }

  /**
   * noverflow (incrnoverflow): reset by hashGrow and mapclear, then one per
   * overflow bucket allocated for the current array (newoverflow) while
   * B < 16; from B = 16 one in 2^(B-15), drawn at random. Overflow buckets of
   * the current array are never unlinked until the next grow or clear.
   */
  private noverflow(): void {
    const h = this.h;
    const loc = this.loc('header.noverflow', {}, this.src.addr);
    const n = this.overflowInCurrent;
    if (h.B < 16) {
      if (h.noverflow !== n % 65536) {
        this.add(loc, F.noverflowExact(n, h.noverflow));
      }
    } else if (h.noverflow > n) {
      this.add(loc, F.noverflowOver(n, h.noverflow));
    }
  }

  /**
   * What a key that cannot be compared or hashed becomes: an unresolved
   * dynamic type leaves the map's hash checks unchecked, an uncomparable one
   * is a key-comparable finding, unreadable key data an unreadable finding.
   */
  private keyError(e: unknown, w: Where, s: number, bucketAddr: bigint, what: string): void {
    if (e instanceof UnresolvedTypeError) this.noteUnresolved(e);
    else if (e instanceof UncomparableKeyError) this.at(w, s, bucketAddr, F.keyUncomparable(e.typeName, e.message));
    else if (e instanceof KeyReadError) this.at(w, s, e.addr, F.keyUnreadable(what, e.message));
    else throw e;
  }

  private seed: bigint | undefined;
  /** The hash's low 32 bits and tophash, from the last hashOf (fields, not an object per key). */
  private hashLo = 0;
  private hashTop = 0;

  /**
   * The key's hash as the classic runtime uses it, into hashLo and hashTop:
   * the low 32 bits pick the bucket (B < 32 here) and the top byte is the
   * tophash, bumped past the marker values (runtime/map.go tophash). False
   * for a NaN key.
   */
  private hashOf(b: Uint8Array, off: number): boolean {
    this.seed ??= BigInt(this.h.hash0);
    const hs = this.hasher!;
    const h = hs.hash(b, off, this.seed);
    if (h === null) return false;
    const top = Number(h >> BigInt(hs.bits - 8)) & 0xff;
    this.hashLo = Number(BigInt.asUintN(32, h));
    this.hashTop = top < MIN_TOP_HASH ? top + MIN_TOP_HASH : top;
    return true;
  }

  private unreadableAt(addr: bigint): MemoryError | undefined {
    try {
      this.r.read(addr, 1);
      return undefined;
    } catch (e) {
      if (e instanceof MemoryError) return e;
      throw e;
    }
  }

  /** A run of an array's head buckets read at once (reading 2^20 buckets one by one costs more than checking them). */
  private heads: { base: bigint; first: number; bytes: Uint8Array } | undefined;

  /** Head bucket i of the array at base, from a run read ahead (one bucket at a time where the run does not read). */
  private readHead(base: bigint, i: number): Uint8Array | MemoryError {
    const run = 1024;
    const h = this.heads;
    if (!h || h.base !== base || i < h.first || i >= h.first + h.bytes.length / this.bsize) {
      const a = this.arrays.find((x) => x.base === base);
      const n = a ? Math.min(run, a.n - i) : 0;
      if (n <= 1) return this.readBucket(base + BigInt(i) * BigInt(this.bsize));
      try {
        this.heads = { base, first: i, bytes: this.r.read(base + BigInt(i) * BigInt(this.bsize), n * this.bsize) };
      } catch (e) {
        if (!(e instanceof MemoryError)) throw e;
        return this.readBucket(base + BigInt(i) * BigInt(this.bsize));
      }
    }
    const o = (i - this.heads!.first) * this.bsize;
    return this.heads!.bytes.subarray(o, o + this.bsize);
  }

  private readBucket(addr: bigint): Uint8Array | MemoryError {
    try {
      return this.r.read(addr, this.bsize);
    } catch (e) {
      if (e instanceof MemoryError) return e;
      throw e;
    }
  }

  private word(b: Uint8Array, off: number): bigint {
    return readUint(b, off, this.ptr, this.be);
  }

  /** Which array head, if any, an address is: [array, index, exact]. */
  private headAt(p: bigint): { array: Where['array']; bucket: number; exact: boolean } | undefined {
    const size = BigInt(this.bsize);
    for (const a of this.arrays) {
      if (p >= a.base && p < a.base + BigInt(a.n) * size) {
        return { array: a.array, bucket: Number((p - a.base) / size), exact: (p - a.base) % size === 0n };
      }
    }
    return undefined;
  }

  private chain(array: Where['array'], base: bigint, i: number, nold: number): void {
    const h = this.h;
    const old = array === 'oldbuckets';
    let addr = base + BigInt(i) * BigInt(this.bsize);
    const headOrd = old ? this.nCur + i : i;
    let evacuated = false;
    let seenRest = false;
    // The chain's buckets, for loops (made at the first overflow bucket: most chains have none).
    let mine: Set<bigint> | undefined;
    for (let ov = 0; ; ov++) {
      const w: Where = { array, bucket: i, overflow: ov, addr };
      if (++this.visitedBuckets > LIMITS.maxGroups) {
        this.cut = true;
        return;
      }
      const b = ov === 0 ? this.readHead(base, i) : this.readBucket(addr);
      if (b instanceof MemoryError) {
        this.at(w, undefined, addr, F.bucketUnreadable(array, ov, addr, b.message));
        this.cut = true;
        return;
      }
      let ord = headOrd;
      if (ov > 0) {
        ord = this.nHeads + this.ovAddr.length;
        this.visited.set(Number(addr), this.ovAddr.length);
        this.ovAddr.push(Number(addr));
        this.ovHead.push(headOrd);
        this.ovIndex.push(ov);
        if (!old) this.overflowInCurrent++;
        else this.overflowInOld++;
      }
      const to = this.topOff;
      if (ov === 0 && old) {
        evacuated = isMark(b[to]);
        if (!evacuated && BigInt(i) < h.nevacuate) {
          this.at(w, undefined, addr, F.notEvacuated(i, h.nevacuate, b[to]));
        }
      }
      // evacuate cleared this bucket's keys, elems and overflow pointer (pointerful buckets, no old iterator).
      const cleared = old && evacuated && ov === 0 && b.subarray(this.keysOff).every((x) => x === 0);
      for (let s = 0; s < BUCKET_CNT; s++) {
        const t = b[to + s];
        if (old && evacuated) {
          if (!isMark(t)) {
            this.at(w, s, addr, F.notAMark(t, b[to]));
          } else if (t !== EVACUATED_EMPTY && !cleared) {
            this.checkXY(w, s, addr, b, t, nold);
          }
          continue;
        }
        if (seenRest && t !== EMPTY_REST) {
          this.at(w, s, addr, F.afterEmptyRest(t));
        }
        if (t === EMPTY_REST) seenRest = true;
        if (isMark(t)) {
          this.at(w, s, addr, old ? F.markUnevacuated(t, b[to]) : F.markInCurrent(t));
          continue;
        }
        if (t >= MIN_TOP_HASH) this.liveSlot(w, s, addr, b, t, old ? nold : 2 ** h.B, ord * 8 + s);
      }
      const next = this.word(b, this.ovfOff);
      if (next === 0n) return;
      if (next % BigInt(this.L.bucket.align) !== 0n) {
        this.at(w, undefined, addr, F.overflowMisaligned(this.L.bucket.align, next));
        this.cut = true;
        return;
      }
      mine ??= new Set<bigint>([base + BigInt(i) * BigInt(this.bsize)]);
      if (mine.has(next)) {
        this.at(w, undefined, addr, F.overflowLoop());
        this.cut = true;
        return;
      }
      const head = this.headAt(next);
      const other = next <= BigInt(Number.MAX_SAFE_INTEGER) ? this.visited.get(Number(next)) : undefined;
      if (head || other !== undefined) {
        const whose = head
          ? `${head.array === 'buckets' ? 'bucket' : 'oldbucket'} ${head.bucket}${head.exact ? '' : ' (overlapping it)'}`
          : this.where(this.whereOfOrdinal(this.nHeads + other!)).text;
        this.at(w, undefined, addr, F.overflowShared(whose));
        this.cut = true;
        return;
      }
      if (ov + 1 >= LIMITS.maxChain) {
        this.at(w, undefined, addr, F.chainTooLong(LIMITS.maxChain));
        this.cut = true;
        return;
      }
      mine.add(next);
      addr = next;
    }
  }

  /** The key's bytes and offset for slot s (through the pointer for indirect keys), or undefined. */
  /** The last keyOf's key: its bytes are keyBytes[keyOff:]. */
  private keyBytes: Uint8Array = new Uint8Array(0);
  private keyOff = 0;

  /** Finds slot s's key bytes (through the pointer for indirect keys) into keyBytes and keyOff; false when there are none. */
  private keyOf(w: Where, s: number, bucketAddr: bigint, b: Uint8Array, live: boolean): boolean {
    const slot = this.keysOff + s * this.L.key.storedSize;
    if (!this.L.key.indirect) {
      this.keyBytes = b;
      this.keyOff = slot;
      return true;
    }
    const p = this.word(b, slot);
    if (p === 0n) {
      if (live) this.at(w, s, bucketAddr, F.keyNil());
      return false;
    }
    try {
      this.keyBytes = this.r.read(p, this.L.key.size);
      this.keyOff = 0;
      return true;
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      if (live) this.at(w, s, p, F.keyPointerUnreadable(p, e.message));
      return false;
    }
  }

  /** The Where of the bucket with this ordinal (see nHeads). */
  private whereOfOrdinal(ord: number): Where {
    const j = ord - this.nHeads;
    const head = j < 0 ? ord : this.ovHead[j];
    const old = head >= this.nCur;
    return { array: old ? 'oldbuckets' : 'buckets', bucket: old ? head - this.nCur : head, overflow: j < 0 ? 0 : this.ovIndex[j] };
  }

  /**
   * The address of the bytes of the key in the slot with this code (through
   * its pointer for an indirect key), for the duplicate check's second
   * reading of a key; null when the pointer cannot be read.
   */
  private keyAtCode(code: number): number | null {
    const slot = code % 8;
    const ord = (code - slot) / 8;
    const j = ord - this.nHeads;
    let bucket: number;
    if (j >= 0) bucket = this.ovAddr[j];
    else {
      const old = ord >= this.nCur;
      const a = this.arrays.find((x) => x.array === (old ? 'oldbuckets' : 'buckets'))!;
      bucket = Number(a.base) + (old ? ord - this.nCur : ord) * this.bsize;
    }
    const at = bucket + this.keysOff + slot * this.L.key.storedSize;
    if (!this.L.key.indirect) return at;
    try {
      return Number(this.word(this.r.read(at, this.ptr), 0));
    } catch (e) {
      if (e instanceof MemoryError) return null;
      throw e;
    }
  }

  private liveSlot(w: Where, s: number, bucketAddr: bigint, b: Uint8Array, t: number, nbuckets: number, code: number): void {
    this.live++;
    if (this.L.elem.indirect) {
      const e = this.word(b, this.elemsOff + s * this.L.elem.storedSize);
      if (e === 0n) this.at(w, s, bucketAddr, F.elemNil());
      else {
        try {
          this.r.read(e, Math.max(1, this.L.elem.size));
        } catch (err) {
          if (!(err instanceof MemoryError)) throw err;
          this.at(w, s, e, F.elemPointerUnreadable(e, err.message));
        }
      }
    }
    if (!this.keyOf(w, s, bucketAddr, b, true)) return;
    if (this.identityChecks) {
      this.seen ??= new SeenKeys(this.r, this.src.type.key, Number(this.h.count > 0n ? this.h.count : 0n),
        (c) => this.keyAtCode(c), this.src.dynamicTypes, this.keyBudget);
      let first: number | null;
      try {
        first = this.seen.add(this.keyBytes, this.keyOff, code);
      } catch (e) {
        this.keyError(e, w, s, bucketAddr, "the key's data cannot be read");
        return;
      }
      // A key that is not equal to itself (NaN) was placed by a random hash: nothing more to check.
      if (first === null) return;
      if (first >= 0) this.at(w, s, bucketAddr, F.duplicate(this.where(this.whereOfOrdinal(Math.floor(first / 8)), first % 8).text));
    }
    if (!this.hasher) return;
    try {
      if (!this.hashOf(this.keyBytes, this.keyOff)) return;
    } catch (e) {
      this.keyError(e, w, s, bucketAddr, 'the key cannot be hashed');
      return;
    }
    const lo = this.hashLo;
    const want = lo % nbuckets;
    if (want !== w.bucket) {
      const arr = w.array === 'buckets' ? 'bucket' : 'oldbucket';
      this.at(w, s, bucketAddr, F.keyBucket(arr, want, nbuckets, w.bucket), () => this.homeOf(lo));
    } else if (w.array === 'buckets' && this.h.oldbuckets !== 0n && this.nold) {
      // mapassign's growWork evacuates a key's old bucket before it writes to the new array, so a key in the new
      // array whose old bucket is still unevacuated was never put there by the runtime, and mapaccess1, which asks
      // that old bucket, misses it.
      const ob = lo % this.nold;
      if (this.oldEvacuated(ob) === false) this.at(w, s, bucketAddr, F.keyOldUnevacuated(ob, this.nold, w.bucket), () => this.homeOf(lo));
    }
    if (this.hashTop !== t) {
      this.at(w, s, bucketAddr, F.keyTophash(this.hashTop, t), () => this.homeOf(lo));
    }
  }

  /**
   * evacuate marks a slot evacuatedX + useY, where useY is the hash's
   * newbit (the old bucket count) in a doubling grow and always 0 in a
   * same-size grow. The check needs the stale key, so it is skipped where
   * evacuate cleared it, for NaN keys (decided by a random draw), and when
   * count is 0: mapdelete reseeds hash0 when the map empties, after which the
   * marks of earlier evacuations no longer follow the current seed.
   */
  private checkXY(w: Where, s: number, addr: bigint, b: Uint8Array, t: number, nold: number): void {
    const same = (this.h.flags & SAME_SIZE_GROW) !== 0;
    if (same) {
      if (t === EVACUATED_Y) this.at(w, s, addr, F.yInSameSize(t));
      return;
    }
    if (!this.hasher || this.h.count === 0n) return;
    if (!this.keyOf(w, s, addr, b, false)) return;
    try {
      if (!this.hashOf(this.keyBytes, this.keyOff)) return; // a NaN key: placed by a random hash
    } catch (e) {
      // A stale key's data may be gone (not an invariant of the runtime); its dynamic type is judged on live keys.
      if (e instanceof KeyReadError || e instanceof UnresolvedTypeError || e instanceof UncomparableKeyError) return;
      throw e;
    }
    const lo = this.hashLo;
    const y = Math.floor(lo / nold) % 2 === 1;
    const want = y ? EVACUATED_Y : EVACUATED_X;
    if (want !== t) {
      // evacuate sends the key to bucket x = oldbucket (X) or y = oldbucket + newbit (Y), which is hash & (2^B - 1).
      this.at(w, s, addr, F.xyMismatch(want, y, t, nold), () => this.homeOf(lo));
    }
  }

  get liveCount(): number {
    return this.live;
  }
}

export function checkClassic(src: MapSource, opts: CheckOptions = {}): MapReport {
  const c = new Checker(src, findingLimit(opts), opts.progress);
  let count = 0;
  if (c.header()) {
    count = c.h.count > BigInt(Number.MAX_SAFE_INTEGER) || c.h.count < 0n ? -1 : Number(c.h.count);
    c.walk();
  }
  return {
    name: src.name,
    address: src.syntheticAddresses ? '' : hex(src.addr),
    type: typeString(src.type),
    impl: 'classic',
    count,
    findings: c.found.list,
    unchecked: c.unchecked,
    omitted: c.found.omitted(),
  };
}
