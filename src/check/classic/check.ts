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
import { MemoryError, decodeUint, type MemoryReader } from '../../model/memory.js';
import { typeString } from '../../model/types.js';
import {
  BUCKET_CNT, EMPTY_REST, EVACUATED_X, EVACUATED_Y, EVACUATED_EMPTY, MIN_TOP_HASH,
  ITERATOR, OLD_ITERATOR, HASH_WRITING, SAME_SIZE_GROW,
  isEvacuationMark, maxAlloc, bucketArrayLengthFor,
} from '../../model/runtime/index.js';
import { LIMITS, byteHex, findingLimit, type CheckOptions, type Finding, type Location, type MapReport, type MapSource, type Omitted } from '../types.js';
import { slotKeyText } from '../keytext.js';
import { C, CLASSIC_BY_CODE } from './invariants.js';
import { KeyBudget, KeyHasher, KeyReadError, UncomparableKeyError, UnresolvedTypeError, keyIdentity, uncheckedReason } from '../keys.js';
import { needsDynamicType } from '../../model/types.js';

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
const tb = byteHex;

class Checker {
  readonly findings: Finding[] = [];
  readonly unchecked: { code: string; reason: string }[] = [];
  private readonly perCode = new Map<string, number>();
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
  /** Live keys seen so far: canonical text → where. */
  private readonly seen = new Map<string, string>();
  /** Overflow buckets seen so far (not array heads): address → where. */
  private readonly visited = new Map<bigint, Where>();
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
    private readonly limit: number,
  ) {
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
      const reason = `the key type ${typeString(src.type.key)} holds an interface: hashing and == need the dynamic type behind it, and this source has no type information`;
      for (const code of [...hashCodes, C.duplicate]) this.unchecked.push({ code, reason });
    } else if (!src.hash) {
      for (const code of hashCodes) this.unchecked.push({ code, reason: 'no hash key material (runtime.hashkey / runtime.aeskeysched) for this map' });
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

  add(code: string, location: Location, expected: string, found: string, message: string): void {
    const n = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, n);
    if (n > this.limit) return;
    const inv = CLASSIC_BY_CODE.get(code);
    if (!inv) throw new Error(`unknown invariant code ${code}`);
    this.findings.push({ code, severity: inv.severity, location, expected, found, message });
  }

  private at(code: string, w: Where, slot: number | undefined, addr: bigint | undefined, expected: string, found: string, message: string): void {
    const { text, fields } = this.where(w, slot);
    let loc = this.loc(text, fields, addr);
    // A slot finding names the slot's key as read (only past the limit check: decoding costs reads).
    if (slot !== undefined && w.addr !== undefined && (this.perCode.get(code) ?? 0) < this.limit) {
      loc = { ...loc, key: slotKeyText(this.r, this.src.type.key, w.addr + BigInt(this.keysOff + slot * this.L.key.storedSize), this.L.key.indirect) };
    }
    this.add(code, loc, expected, found, message);
  }

  /** Findings past the per-code limit, as counts. */
  omitted(): Omitted[] {
    const out: Omitted[] = [];
    for (const [code, n] of this.perCode) {
      if (n > this.limit) out.push({ code, severity: CLASSIC_BY_CODE.get(code)?.severity ?? 'error', count: n - this.limit });
    }
    return out;
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
      this.add(C.unreadable, this.loc('header', {}, this.src.addr), `${size} readable bytes of hmap`, 'unreadable', `the map header at ${hex(this.src.addr)} cannot be read: ${e.message}`);
      return false;
    }
    const h = (this.h = decodeHeader(this.L, b, this.be));
    const hdr = (field: string) => this.loc(`header.${field}`, {}, this.src.addr);
    if (h.flags & ~KNOWN_FLAGS) {
      this.add(C.flags, hdr('flags'), `bits of 0x${KNOWN_FLAGS.toString(16)} only`, `0x${h.flags.toString(16)}`, `flags has unknown bits 0x${(h.flags & ~KNOWN_FLAGS).toString(16)}`);
    }
    if (h.flags & HASH_WRITING) {
      this.add(C.writing, hdr('flags'), 'hashWriting clear', `0x${h.flags.toString(16)}`, 'hashWriting is set: a goroutine was writing the map when it was read');
    }
    const mb = maxB(this.L, this.src.target.arch);
    if (h.B > mb) {
      this.add(C.b, hdr('B'), `≤ ${mb}`, String(h.B), `B=${h.B}: 2^${h.B} buckets of ${this.bsize} bytes exceed maxAlloc on ${this.src.target.arch.name}`);
    }
    if (h.count < 0n) {
      this.add(C.count, hdr('count'), '≥ 0', String(h.count), `count is negative (${h.count})`);
    }
    if (h.buckets === 0n && (h.B > 0 || h.count > 0n)) {
      this.add(C.buckets, hdr('buckets'), 'non-nil', 'nil', `buckets is nil but B=${h.B} and count=${h.count} (only an empty B=0 map defers its first bucket)`);
    }
    this.growthState(mb);
    if (h.extra !== 0n) {
      try {
        this.extraBytes = this.r.read(h.extra, this.L.headers.mapextra.size);
      } catch (e) {
        if (!(e instanceof MemoryError)) throw e;
        this.add(C.unreadable, this.loc('header.extra', {}, this.src.addr), 'readable mapextra', hex(h.extra), `extra points to unreadable memory: ${e.message}`);
      }
    }
    return true;
  }

  /** The number of old buckets while growing, or undefined when the header says none can be walked. */
  private nold: number | undefined;

  private growthState(mb: number): void {
    const h = this.h;
    const same = (h.flags & SAME_SIZE_GROW) !== 0;
    const loc = this.loc('header.oldbuckets', {}, this.src.addr);
    if (h.oldbuckets !== 0n) {
      // hashGrow: a doubling grow makes B ≥ 1; the old array has 2^B buckets (same size) or 2^(B-1).
      if (!same && h.B === 0) {
        this.add(C.oldbuckets, loc, 'B ≥ 1 while growing', 'B=0', 'oldbuckets is set but B=0 and sameSizeGrow is clear: a doubling grow always leaves B ≥ 1');
        return;
      }
      if (h.B > mb) return;
      const nold = 2 ** (same ? h.B : h.B - 1);
      this.nold = nold;
      // advanceEvacuationMark frees the old array the moment nevacuate reaches the old bucket count.
      if (h.nevacuate >= BigInt(nold)) {
        this.add(C.oldbuckets, loc, `nevacuate < ${nold} while growing`, `nevacuate=${h.nevacuate}`, `oldbuckets is set but nevacuate=${h.nevacuate} has reached the old bucket count ${nold}: growth should have ended`);
      }
      if (h.buckets === 0n) {
        this.add(C.oldbuckets, loc, 'buckets non-nil while growing', 'buckets nil', 'oldbuckets is set but buckets is nil');
      }
    } else {
      if (same) {
        this.add(C.oldbuckets, loc, 'sameSizeGrow clear when not growing', `flags=0x${h.flags.toString(16)}`, 'sameSizeGrow is set but oldbuckets is nil (advanceEvacuationMark and mapclear clear it when growth ends)');
      }
      // nevacuate is 0 until the first grow (and after clear), then stays at the last grow's old bucket count.
      if (h.B > mb) return;
      const allowed = [0n, 1n << BigInt(h.B)];
      if (h.B > 0) allowed.push(1n << BigInt(h.B - 1));
      if (!allowed.includes(h.nevacuate)) {
        this.add(C.oldbuckets, this.loc('header.nevacuate', {}, this.src.addr), `one of ${[...new Set(allowed)].sort((a, b) => Number(a - b)).join(', ')} when not growing`, String(h.nevacuate), `nevacuate=${h.nevacuate} but no grow is under way: it is 0 or the last grow's old bucket count`);
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
      const reason = h.B > mb ? `B=${h.B} is impossible, so the bucket array was not walked` : `2^${h.B} buckets exceed the walk limit of ${LIMITS.maxGroups}`;
      for (const code of walkCodes) if (!this.unchecked.some((u) => u.code === code)) this.unchecked.push({ code, reason });
      return;
    }
    if (n > 0) this.arrays.push({ array: 'buckets', base: h.buckets, n });
    if (nold > 0) this.arrays.push({ array: 'oldbuckets', base: h.oldbuckets, n: nold });
    for (const a of this.arrays) {
      // An array whose first or last byte cannot be read is one finding, not 2^B of them.
      const bytes = BigInt(a.n) * BigInt(this.bsize);
      const bad = [a.base, a.base + bytes - 1n].map((x) => this.unreadableAt(x)).find((e) => e !== undefined);
      if (bad) {
        const loc = this.loc(`header.${a.array}`, { array: a.array }, a.base);
        this.add(C.unreadable, loc, `${bytes} readable bytes (2^${Math.log2(a.n)} buckets)`, hex(a.base), `the ${a.array} array is not readable: ${bad.message}`);
        this.cut = true;
        if (a.array === 'buckets') this.noArray = true;
        continue;
      }
      for (let i = 0; i < a.n; i++) this.chain(a.array, a.base, i, nold);
    }
    const reason = 'a bucket chain was cut short (see the chain findings), so totals are unknown';
    if (this.cut) {
      this.unchecked.push({ code: C.count, reason }, { code: C.noverflow, reason });
      this.extra(n); // the overflow lists' lengths are skipped, the rest holds
      return;
    }
    if (BigInt(this.live) !== h.count && h.count >= 0n) {
      this.add(C.count, this.loc('header.count', {}, this.src.addr), String(this.live), String(h.count), `count is ${h.count} but ${this.live} slots are live`);
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
    const lists: [string, number, boolean][] = [['overflow', this.overflowInCurrent, true], ['oldoverflow', this.overflowInOld, h.oldbuckets !== 0n]];
    for (const [field, chains, applies] of lists) {
      const p = this.word(x, xo[field]);
      let len = 0n;
      if (p !== 0n) {
        try {
          const sh = this.r.read(p, 3 * this.ptr);
          len = this.word(sh, this.ptr);
        } catch (e) {
          if (!(e instanceof MemoryError)) throw e;
          this.add(C.unreadable, loc(field), 'a readable slice header', hex(p), `mapextra.${field} points to unreadable memory: ${e.message}`);
          continue;
        }
      }
      if (!pointerFree) {
        if (p !== 0n) this.add(C.extra, loc(field), 'nil (pointerful buckets keep no overflow list)', `a list of ${len}`, `mapextra.${field} is set but the bucket type holds pointers: the runtime only lists overflow buckets of pointer-free bucket types`);
      } else if (!applies) {
        if (p !== 0n) this.add(C.extra, loc(field), 'nil when not growing', `a list of ${len}`, `mapextra.${field} is set but the map is not growing (advanceEvacuationMark drops it when the grow ends)`);
      } else if (!this.cut && len !== BigInt(chains)) {
        this.add(C.extra, loc(field), String(chains), String(len), `mapextra.${field} lists ${len} overflow buckets but the ${field === 'overflow' ? 'current' : 'old'} chains hold ${chains}${len < BigInt(chains) ? ': the GC does not see the rest' : ''}`);
      }
    }
    const next = this.word(x, xo.nextOverflow);
    if (next === 0n || this.noArray) return;
    if (n === 0) {
      this.add(C.extra, loc('nextOverflow'), 'nil without buckets', hex(next), 'mapextra.nextOverflow is set but the map has no bucket array');
      return;
    }
    const size = BigInt(this.bsize);
    const total = bucketArrayLengthFor(this.bsize, this.L.bucket.overflowIsPointer, this.src.target.go, this.src.target.arch, h.B);
    const idx = (next - h.buckets) / size;
    if (next < h.buckets || (next - h.buckets) % size !== 0n || idx < BigInt(n) || idx >= BigInt(total)) {
      this.add(C.extra, loc('nextOverflow'), `a preallocated overflow bucket (index ${n}..${total - 1} of the array)`, next < h.buckets || (next - h.buckets) % size !== 0n ? 'outside the array' : `index ${idx}`, 'mapextra.nextOverflow is not one of the array\'s preallocated overflow buckets: newoverflow would hand out memory it does not own');
      return;
    }
    const last = h.buckets + BigInt(total - 1) * size;
    try {
      const sentinel = this.word(this.r.read(last + BigInt(this.ovfOff), this.ptr), 0);
      if (sentinel !== h.buckets) {
        this.add(C.extra, this.loc(`bucket ${total - 1} (last preallocated)`, { array: 'buckets', bucket: total - 1 }, last), 'the array\'s address (the sentinel)', sentinel === 0n ? 'nil' : 'another address', 'the last preallocated overflow bucket lost its sentinel: newoverflow would run past the end of the array');
      }
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.add(C.unreadable, this.loc(`bucket ${total - 1} (last preallocated)`, { array: 'buckets', bucket: total - 1 }, last), 'a readable bucket', hex(last), `the end of the bucket array cannot be read: ${e.message}`);
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
        this.add(C.noverflow, loc, String(n % 65536), String(h.noverflow), `noverflow=${h.noverflow} but the current array's chains hold ${n} overflow buckets`);
      }
    } else if (h.noverflow > n) {
      this.add(C.noverflow, loc, `≤ ${n}`, String(h.noverflow), `noverflow=${h.noverflow} exceeds the ${n} overflow buckets of the current array (at B ≥ 16 it counts a random fraction of them)`);
    }
  }

  /**
   * What a key that cannot be compared or hashed becomes: an unresolved
   * dynamic type leaves the map's hash checks unchecked, an uncomparable one
   * is a key-comparable finding, unreadable key data an unreadable finding.
   */
  private keyError(e: unknown, w: Where, s: number, bucketAddr: bigint, what: string): void {
    if (e instanceof UnresolvedTypeError) this.noteUnresolved(e);
    else if (e instanceof UncomparableKeyError) this.at(C.keyComparable, w, s, bucketAddr, 'a key of a comparable dynamic type', e.typeName, e.message);
    else if (e instanceof KeyReadError) this.at(C.unreadable, w, s, e.addr, 'a readable key', 'unreadable', `${what}: ${e.message}`);
    else throw e;
  }

  /**
   * The key's hash as the classic runtime uses it: the low 32 bits pick the
   * bucket (B < 32 here) and the top byte is the tophash, bumped past the
   * marker values (runtime/map.go tophash). Null for a NaN key.
   */
  private hashOf(b: Uint8Array, off: number): { lo: number; top: number } | null {
    const h = this.hasher!.hash(b, off, BigInt(this.h.hash0));
    if (h === null) return null;
    const top = Number((h >> BigInt(this.hasher!.bits - 8)) & 0xffn);
    return { lo: Number(h & 0xffffffffn), top: top < MIN_TOP_HASH ? top + MIN_TOP_HASH : top };
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

  private readBucket(addr: bigint): Uint8Array | MemoryError {
    try {
      return this.r.read(addr, this.bsize);
    } catch (e) {
      if (e instanceof MemoryError) return e;
      throw e;
    }
  }

  private word(b: Uint8Array, off: number): bigint {
    return decodeUint(b.subarray(off, off + this.ptr), this.be);
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
    let evacuated = false;
    let seenRest = false;
    const mine = new Set<bigint>([addr]);
    for (let ov = 0; ; ov++) {
      const w: Where = { array, bucket: i, overflow: ov, addr };
      if (++this.visitedBuckets > LIMITS.maxGroups) {
        this.cut = true;
        return;
      }
      const b = this.readBucket(addr);
      if (b instanceof MemoryError) {
        const what = ov === 0 ? `the ${array} array` : 'the overflow pointer';
        this.at(C.unreadable, w, undefined, addr, 'readable bucket', hex(addr), `${what} leads to unreadable memory: ${b.message}`);
        this.cut = true;
        return;
      }
      if (ov > 0) {
        this.visited.set(addr, w);
        if (!old) this.overflowInCurrent++;
        else this.overflowInOld++;
      }
      const top = b.subarray(this.topOff, this.topOff + BUCKET_CNT);
      if (ov === 0 && old) {
        evacuated = isMark(top[0]);
        if (!evacuated && BigInt(i) < h.nevacuate) {
          this.at(C.nevacuate, w, undefined, addr, 'evacuated (tophash[0] in 0x02..0x04)', `tophash[0]=${tb(top[0])}`, `old bucket ${i} is below nevacuate=${h.nevacuate} but not evacuated`);
        }
      }
      // evacuate cleared this bucket's keys, elems and overflow pointer (pointerful buckets, no old iterator).
      const cleared = old && evacuated && ov === 0 && b.subarray(this.keysOff).every((x) => x === 0);
      for (let s = 0; s < BUCKET_CNT; s++) {
        const t = top[s];
        if (old && evacuated) {
          if (!isMark(t)) {
            this.at(C.tophash, w, s, addr, 'an evacuation mark (0x02, 0x03 or 0x04)', tb(t), `tophash ${tb(t)} in an evacuated chain (its first tophash is ${tb(top[0])})`);
          } else if (t !== EVACUATED_EMPTY && !cleared) {
            this.checkXY(w, s, addr, b, t, nold);
          }
          continue;
        }
        if (seenRest && t !== EMPTY_REST) {
          this.at(C.emptyRest, w, s, addr, `emptyRest (${tb(EMPTY_REST)})`, tb(t), `tophash ${tb(t)} after an emptyRest earlier in the chain`);
        }
        if (t === EMPTY_REST) seenRest = true;
        if (isMark(t)) {
          if (old) this.at(C.tophash, w, s, addr, 'no evacuation mark in an unevacuated chain', tb(t), `evacuation mark ${tb(t)} in an old chain that is not evacuated (its first tophash is ${tb(top[0])})`);
          else this.at(C.evacuationMark, w, s, addr, 'emptyRest, emptyOne or a tophash ≥ 0x05', tb(t), `evacuation mark ${tb(t)} in the current bucket array (only old buckets are evacuated)`);
          continue;
        }
        if (t >= MIN_TOP_HASH) this.liveSlot(w, s, addr, b, t, old ? nold : 2 ** h.B);
      }
      const next = this.word(b, this.ovfOff);
      if (next === 0n) return;
      if (next % BigInt(this.L.bucket.align) !== 0n) {
        this.at(C.overflowAlign, w, undefined, addr, `a multiple of ${this.L.bucket.align}`, hex(next), `the overflow pointer is not aligned to the bucket type (off by ${next % BigInt(this.L.bucket.align)})`);
        this.cut = true;
        return;
      }
      if (mine.has(next)) {
        this.at(C.overflowCycle, w, undefined, addr, 'a chain that ends', 'a loop', `the overflow pointer leads back into the same chain`);
        this.cut = true;
        return;
      }
      const head = this.headAt(next);
      const other = this.visited.get(next);
      if (head || other) {
        const whose = head ? `${head.array === 'buckets' ? 'bucket' : 'oldbucket'} ${head.bucket}${head.exact ? '' : ' (overlapping it)'}` : this.where(other!).text;
        this.at(C.overflowShared, w, undefined, addr, 'a bucket no other chain holds', whose, `the overflow pointer leads into ${whose}, which belongs to another chain`);
        this.cut = true;
        return;
      }
      if (ov + 1 >= LIMITS.maxChain) {
        this.at(C.overflowCycle, w, undefined, addr, `a chain of fewer than ${LIMITS.maxChain} buckets`, `${LIMITS.maxChain} or more`, 'the chain does not end within the limit');
        this.cut = true;
        return;
      }
      mine.add(next);
      addr = next;
    }
  }

  /** The key's bytes and offset for slot s (through the pointer for indirect keys), or undefined. */
  private keyOf(w: Where, s: number, bucketAddr: bigint, b: Uint8Array, live: boolean): [Uint8Array, number] | undefined {
    const slot = this.keysOff + s * this.L.key.storedSize;
    if (!this.L.key.indirect) return [b, slot];
    const p = this.word(b, slot);
    if (p === 0n) {
      if (live) this.at(C.indirectNil, w, s, bucketAddr, 'a non-nil key pointer', 'nil', 'the key is stored indirectly and its pointer is nil');
      return undefined;
    }
    try {
      return [this.r.read(p, this.L.key.size), 0];
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      if (live) this.at(C.unreadable, w, s, p, 'a readable key', hex(p), `the key pointer leads to unreadable memory: ${e.message}`);
      return undefined;
    }
  }

  private liveSlot(w: Where, s: number, bucketAddr: bigint, b: Uint8Array, t: number, nbuckets: number): void {
    this.live++;
    if (this.L.elem.indirect) {
      const e = this.word(b, this.elemsOff + s * this.L.elem.storedSize);
      if (e === 0n) this.at(C.indirectNil, w, s, bucketAddr, 'a non-nil elem pointer', 'nil', 'the elem is stored indirectly and its pointer is nil');
      else {
        try {
          this.r.read(e, Math.max(1, this.L.elem.size));
        } catch (err) {
          if (!(err instanceof MemoryError)) throw err;
          this.at(C.unreadable, w, s, e, 'a readable elem', hex(e), `the elem pointer leads to unreadable memory: ${err.message}`);
        }
      }
    }
    const k = this.keyOf(w, s, bucketAddr, b, true);
    if (!k) return;
    let canon: string | null;
    try {
      canon = this.identityChecks ? keyIdentity(this.r, this.src.type.key, k[0], k[1], this.src.dynamicTypes, 0, this.keyBudget) : null;
    } catch (e) {
      this.keyError(e, w, s, bucketAddr, "the key's data cannot be read");
      return;
    }
    const here = this.where(w, s).text;
    if (canon !== null) {
      const first = this.seen.get(canon);
      if (first !== undefined) this.at(C.duplicate, w, s, bucketAddr, 'each key live once', `also live at ${first}`, `the key is live here and at ${first}`);
      else this.seen.set(canon, here);
    }
    // A key that is not equal to itself (NaN) was placed by a random hash: nothing to check.
    if (!this.hasher || canon === null) return;
    let hv: { lo: number; top: number };
    try {
      const h = this.hashOf(k[0], k[1]);
      if (h === null) return;
      hv = h;
    } catch (e) {
      this.keyError(e, w, s, bucketAddr, 'the key cannot be hashed');
      return;
    }
    const want = hv.lo % nbuckets;
    if (want !== w.bucket) {
      const arr = w.array === 'buckets' ? 'bucket' : 'oldbucket';
      this.at(C.keyBucket, w, s, bucketAddr, `${arr} ${want}`, `${arr} ${w.bucket}`, `the key's hash selects ${arr} ${want} (mask ${nbuckets - 1}) but it sits in ${arr} ${w.bucket}`);
    }
    if (hv.top !== t) {
      this.at(C.keyTophash, w, s, bucketAddr, tb(hv.top), tb(t), `tophash ${tb(t)} but the key's hash gives ${tb(hv.top)}`);
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
      if (t === EVACUATED_Y) this.at(C.evacuationXY, w, s, addr, 'evacuatedX (0x02) in a same-size grow', tb(t), 'evacuatedY in a same-size grow, which only evacuates to X');
      return;
    }
    if (!this.hasher || this.h.count === 0n) return;
    const k = this.keyOf(w, s, addr, b, false);
    if (!k) return;
    let hv: { lo: number; top: number };
    try {
      const h = this.hashOf(k[0], k[1]);
      if (h === null) return; // a NaN key: placed by a random hash
      hv = h;
    } catch (e) {
      // A stale key's data may be gone (not an invariant of the runtime); its dynamic type is judged on live keys.
      if (e instanceof KeyReadError || e instanceof UnresolvedTypeError || e instanceof UncomparableKeyError) return;
      throw e;
    }
    const y = Math.floor(hv.lo / nold) % 2 === 1;
    const want = y ? EVACUATED_Y : EVACUATED_X;
    if (want !== t) {
      this.at(C.evacuationXY, w, s, addr, `${tb(want)} (${y ? 'Y' : 'X'})`, tb(t), `marked ${t === EVACUATED_X ? 'X' : 'Y'} but the key's hash has newbit ${nold} ${y ? 'set' : 'clear'}`);
    }
  }

  get liveCount(): number {
    return this.live;
  }
}

export function checkClassic(src: MapSource, opts: CheckOptions = {}): MapReport {
  const c = new Checker(src, findingLimit(opts));
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
    findings: c.findings,
    unchecked: c.unchecked,
    omitted: c.omitted(),
  };
}
