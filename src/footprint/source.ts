/**
 * The heap a map holds, read from its memory: any map source (a snapshot
 * rebuilt in simulated memory, a core dump, a live process), counted by
 * part as live.ts counts an engine's map — every object reachable from the
 * header at the bytes the allocator gives it (heapBytes: size class or
 * whole pages) — for `mapscope view`'s statistics.
 *
 * What memory does not say is worked out as the runtime allocated it:
 * - a classic bucket array is one object of bucketArrayLengthFor(B)
 *   buckets (makeBucketArray: 2^B, plus 2^(B-4) preallocated overflow
 *   buckets from B = 4, up to the size class); the old array while growing
 *   was made the same way for its own B (B-1 after a doubling, B after a
 *   same-size grow). Overflow buckets outside both arrays are one object
 *   each (newoverflow's newobject).
 * - mapextra (new(mapextra)) and, for pointer-free buckets, its
 *   *[]*bmap overflow lists: the slice header (new([]*bmap)) and its backing
 *   array, whose capacity is read from the slice header.
 * - A snapshot (synthetic addresses) is rebuilt with every overflow bucket
 *   on its own and its overflow lists exactly as long as recorded, so there
 *   the runtime's own rules stand in for addresses: newoverflow hands out
 *   the current array's preallocated buckets first (those below
 *   extra.nextOverflow, or all of them once it is nil), and appends each
 *   overflow bucket to its list one at a time (capacity appendedCapacity).
 *   Which of the old array's overflow buckets were preallocated is recorded
 *   nowhere (hashGrow drops its nextOverflow): a snapshot caught growing with
 *   overflow buckets in a preallocating old array gets a sentence instead.
 * - Swiss: the directory holds dirLen pointers; each distinct table one
 *   table header and one groups array of lengthMask+1 groups; a small map
 *   its one group.
 * - out-of-line keys and elems (over 128 bytes): each distinct pointer in a
 *   slot, one object of the type's size.
 *
 * The memory is not trusted: reads are bounded by the checker's LIMITS and a
 * read that fails makes the answer a sentence saying what could not be read,
 * never an exception and never a partial sum presented as the whole.
 */
import { decodeHeader, maxB } from '../check/classic/check.js';
import { directoryEntriesToRead, readMapHeader, readTableHeader } from '../check/swiss/read.js';
import { LIMITS, type MapSource } from '../check/index.js';
import { fieldOffsets, layoutOf, type ClassicLayout, type SwissLayout } from '../layout/index.js';
import { slotGeometry } from '../layout/geometry.js';
import { appendedCapacity, heapBytes } from '../model/malloc.js';
import { MemoryError, decodeUint } from '../model/memory.js';
import { BUCKET_CNT, SAME_SIZE_GROW, SLOTS, MAX_TABLE_CAPACITY, bucketArrayLengthFor } from '../model/runtime/index.js';
import { hex } from '../base/hex.js';
import type { LiveBytes } from './live.js';

class Unreadable extends Error {}

function zero(): LiveBytes {
  return { header: 0, extra: 0, buckets: 0, oldbuckets: 0, overflow: 0, directory: 0, tables: 0, groups: 0, indirectKeys: 0, indirectElems: 0, total: 0 };
}

/** Heap bytes by part of the map `src` names, or why they cannot be counted. */
export function sourceBytes(src: MapSource): LiveBytes | string {
  const L = layoutOf(src.type, src.target);
  try {
    const b = L.impl === 'classic' ? classicBytes(src, L) : swissBytes(src, L);
    b.total = b.header + b.extra + b.buckets + b.oldbuckets + b.overflow + b.directory + b.tables + b.groups + b.indirectKeys + b.indirectElems;
    return b;
  } catch (e) {
    if (e instanceof Unreadable) return `bytes by kind are not counted: ${e.message}`;
    throw e;
  }
}

/** Reads through the source, turning a failed read into Unreadable (what, where). */
function reader(src: MapSource) {
  const r = src.reader;
  const read = (addr: bigint, len: number, what: string): Uint8Array => {
    try {
      return r.read(addr, len);
    } catch (e) {
      if (e instanceof MemoryError) throw new Unreadable(`${what} at ${hex(addr)} cannot be read (${e.message})`);
      throw e;
    }
  };
  const word = (x: Uint8Array, off: number) => decodeUint(x.subarray(off, off + r.arch.ptrSize), r.arch.bigEndian);
  return { read, word };
}

/** Distinct out-of-line objects pointed to by slot words, each counted once at `objBytes`. */
class Indirect {
  private readonly seen = new Set<bigint>();
  bytes = 0;
  constructor(private readonly objBytes: number) {}
  add(p: bigint): void {
    if (p === 0n || this.seen.has(p)) return;
    this.seen.add(p);
    this.bytes += this.objBytes;
  }
}

function classicBytes(src: MapSource, L: ClassicLayout): LiveBytes {
  const { go, arch } = src.target;
  const { read, word } = reader(src);
  const ptr = arch.ptrSize;
  const ptrful = (size: number) => heapBytes(size, false, go, arch);
  const noscan = !L.bucket.overflowIsPointer;
  const size = L.bucket.size;
  const b = zero();
  const h = decodeHeader(L, read(src.addr, L.headers.hmap.size, 'the hmap'), arch.bigEndian);
  b.header = ptrful(L.headers.hmap.size);
  if (h.B > maxB(L, arch)) throw new Unreadable(`B ${h.B} is past what the runtime can allocate`);
  const arrays: { base: bigint; n: number; len: number; part: 'buckets' | 'oldbuckets' }[] = [];
  if (h.buckets !== 0n) arrays.push({ base: h.buckets, n: 2 ** h.B, len: bucketArrayLengthFor(size, !noscan, go, arch, h.B), part: 'buckets' });
  if (h.oldbuckets !== 0n) {
    const oldB = h.flags & SAME_SIZE_GROW ? h.B : h.B - 1;
    if (oldB >= 0) arrays.push({ base: h.oldbuckets, n: 2 ** oldB, len: bucketArrayLengthFor(size, !noscan, go, arch, oldB), part: 'oldbuckets' });
  }
  if (arrays.reduce((s, a) => s + a.n, 0) > LIMITS.maxGroups) throw new Unreadable(`more than ${LIMITS.maxGroups} buckets`);
  for (const a of arrays) b[a.part] = heapBytes(a.len * size, noscan, go, arch);
  const inArrays = (p: bigint) => arrays.some((a) => p >= a.base && p < a.base + BigInt(a.len * size));
  const off = fieldOffsets(L.bucket);
  const keys = new Indirect(heapBytes(L.key.size, !L.key.hasPointers, go, arch));
  const elems = new Indirect(heapBytes(L.elem.size, !L.elem.hasPointers, go, arch));
  const seen = new Set<bigint>();
  const chained = { buckets: 0, oldbuckets: 0 };
  let visited = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.n; i++) {
      let at = a.base + BigInt(i * size);
      for (let ov = 0; at !== 0n; ov++) {
        if (seen.has(at)) throw new Unreadable(`the overflow chain of ${a.part === 'buckets' ? 'bucket' : 'oldbucket'} ${i} loops`);
        if (++visited > LIMITS.maxGroups) throw new Unreadable(`more than ${LIMITS.maxGroups} buckets`);
        seen.add(at);
        const bk = read(at, size, `${a.part === 'buckets' ? 'bucket' : 'oldbucket'} ${i}${ov ? ` overflow ${ov}` : ''}`);
        if (ov > 0) chained[a.part]++;
        if (ov > 0 && !src.syntheticAddresses && !inArrays(at)) b.overflow += heapBytes(size, noscan, go, arch);
        for (let s = 0; s < BUCKET_CNT; s++) {
          if (L.key.indirect) keys.add(word(bk, off.keys + s * ptr));
          if (L.elem.indirect) elems.add(word(bk, off.elems + s * ptr));
        }
        at = word(bk, off.overflow);
      }
    }
  }
  b.indirectKeys = keys.bytes;
  b.indirectElems = elems.bytes;
  const xo = fieldOffsets(L.headers.mapextra);
  const x = h.extra === 0n ? undefined : read(h.extra, L.headers.mapextra.size, 'the mapextra');
  if (src.syntheticAddresses) {
    for (const a of arrays) {
      let pre = 0;
      if (a.part === 'buckets') {
        const next = x ? word(x, xo.nextOverflow) : 0n;
        pre = next === 0n ? (x ? a.len - a.n : 0) : Number((next - a.base) / BigInt(size)) - a.n;
      } else if (chained.oldbuckets > 0 && a.len > a.n) {
        throw new Unreadable(`a snapshot does not record which of the old array's ${chained.oldbuckets} overflow buckets were preallocated in it`);
      }
      b.overflow += Math.max(0, chained[a.part] - Math.max(0, pre)) * heapBytes(size, noscan, go, arch);
    }
  }
  if (x) {
    b.extra = ptrful(L.headers.mapextra.size);
    for (const field of ['overflow', 'oldoverflow']) {
      const p = word(x, xo[field]);
      if (p === 0n) continue;
      // new([]*bmap), then append's backing array: cap pointers (the third word of the slice header).
      const sh = read(p, 3 * ptr, `mapextra.${field}'s slice`);
      const len = word(sh, ptr);
      if (len > BigInt(LIMITS.maxGroups)) throw new Unreadable(`mapextra.${field} has length ${len}`);
      const cap = src.syntheticAddresses ? BigInt(appendedCapacity(Number(len), ptr, false, go, arch)) : word(sh, 2 * ptr);
      if (cap > BigInt(LIMITS.maxGroups)) throw new Unreadable(`mapextra.${field} has capacity ${cap}`);
      b.extra += ptrful(3 * ptr) + (cap === 0n ? 0 : ptrful(Number(cap) * ptr));
    }
  }
  return b;
}

function swissBytes(src: MapSource, L: SwissLayout): LiveBytes {
  const { go, arch } = src.target;
  const { read, word } = reader(src);
  const r = src.reader;
  const ptr = arch.ptrSize;
  const ptrful = (size: number) => heapBytes(size, false, go, arch);
  const noscan = !L.key.hasPointers && !L.elem.hasPointers;
  const gs = L.group.size;
  const geo = slotGeometry(L);
  const b = zero();
  let h: ReturnType<typeof readMapHeader>;
  try {
    h = readMapHeader(r, L, src.addr);
  } catch (e) {
    if (e instanceof MemoryError) throw new Unreadable(`the map header at ${hex(src.addr)} cannot be read (${e.message})`);
    throw e;
  }
  b.header = ptrful(L.headers.Map.size);
  const arrays: { data: bigint; n: number }[] = [];
  if (h.dirLen === 0n) {
    if (h.dirPtr !== 0n) arrays.push({ data: h.dirPtr, n: 1 });
  } else {
    const n = directoryEntriesToRead(h);
    if (n > LIMITS.maxGroups) throw new Unreadable(`a directory of ${h.dirLen} entries`);
    const dir = read(h.dirPtr, n * ptr, 'the directory');
    b.directory = ptrful(n * ptr);
    const tables = new Set<bigint>();
    for (let i = 0; i < n; i++) {
      const t = word(dir, i * ptr);
      if (t === 0n) throw new Unreadable(`directory[${i}] is nil`);
      tables.add(t);
    }
    let groups = 0;
    for (const t of tables) {
      let th: ReturnType<typeof readTableHeader>;
      try {
        th = readTableHeader(r, L, t);
      } catch (e) {
        if (e instanceof MemoryError) throw new Unreadable(`the table at ${hex(t)} cannot be read (${e.message})`);
        throw e;
      }
      if (th.lengthMask >= BigInt(MAX_TABLE_CAPACITY / SLOTS)) throw new Unreadable(`a table's lengthMask ${th.lengthMask} is past the largest table`);
      const ng = Number(th.lengthMask) + 1;
      if ((groups += ng) > LIMITS.maxGroups) throw new Unreadable(`more than ${LIMITS.maxGroups} groups`);
      b.tables += ptrful(L.headers.table.size);
      arrays.push({ data: th.data, n: ng });
    }
  }
  const keys = new Indirect(heapBytes(L.key.size, !L.key.hasPointers, go, arch));
  const elems = new Indirect(heapBytes(L.elem.size, !L.elem.hasPointers, go, arch));
  for (const a of arrays) {
    b.groups += heapBytes(a.n * gs, noscan, go, arch);
    if (!L.key.indirect && !L.elem.indirect) continue;
    const g = read(a.data, a.n * gs, 'a groups array');
    for (let i = 0; i < a.n * SLOTS; i++) {
      const base = Math.floor(i / SLOTS) * gs;
      if (L.key.indirect) keys.add(word(g, base + geo.keysOff + (i % SLOTS) * geo.keyStride));
      if (L.elem.indirect) elems.add(word(g, base + geo.elemsOff + (i % SLOTS) * geo.elemStride));
    }
  }
  b.indirectKeys = keys.bytes;
  b.indirectElems = elems.bytes;
  return b;
}
