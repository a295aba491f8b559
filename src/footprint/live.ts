/**
 * The heap a map holds: every object reachable from its header, as the
 * garbage collector would find it after a cycle, each counted at the bytes
 * the allocator gives it (heapBytes: size class or whole pages).
 *
 * Classic (runtime/map.go):
 *   hmap → buckets array (2^B buckets + preallocated overflow, one object)
 *        → oldbuckets array while a grow is in progress
 *        → mapextra → *[]*bmap overflow / oldoverflow slices (pointer-free
 *          buckets only: they keep overflow buckets alive, since a
 *          pointer-free bucket's overflow word is a uintptr)
 *   overflow buckets from the heap (one object each), reached through the
 *   chains (pointerful buckets) or the slices (pointer-free ones).
 * Swiss (internal/runtime/maps):
 *   Map → one small group, or → directory ([]*table) → tables → groups arrays.
 * Both: keys or elems over 128 bytes live out of line, one object per slot,
 * reached through the slot's pointer (found by scanning every slot of every
 * live bucket or group, as the GC scans them).
 *
 * The engines never free anything (simulated memory only grows), so
 * reachability from the header is what separates live from garbage.
 */
import type { ClassicMap } from '../engine/classic/index.js';
import type { SwissMap } from '../engine/swiss/index.js';
import type { EngineMap } from '../engine/index.js';
import type { MapType } from '../model/types.js';
import { appendedCapacity, heapBytes } from '../model/malloc.js';
import { hasPointers, type GoType } from '../model/types.js';
import type { GoVersion } from '../model/goversion.js';
import type { Arch } from '../model/arch.js';
import type { SimMemory } from '../model/memory.js';

/** Heap bytes by part of the map; `total` is their sum. */
export interface LiveBytes {
  /** hmap (classic) or maps.Map (Swiss). */
  header: number;
  /** Classic: mapextra and its overflow slices (headers and backing arrays). */
  extra: number;
  /** Classic: the current bucket array (with its preallocated overflow buckets). */
  buckets: number;
  /** Classic: the old bucket array while a grow is in progress. */
  oldbuckets: number;
  /** Classic: overflow buckets allocated one by one from the heap. */
  overflow: number;
  /** Swiss: the directory array. */
  directory: number;
  /** Swiss: table headers. */
  tables: number;
  /** Swiss: group arrays (the small map's one group included). */
  groups: number;
  /** Out-of-line keys and elems (types over 128 bytes). */
  indirectKeys: number;
  indirectElems: number;
  total: number;
}

/** Facts the load and the bytes per entry need beside the bytes. */
export interface LiveShape {
  readonly bytes: LiveBytes;
  /** Slots the map offers: 8 per bucket (2^B) or the tables' capacities. */
  readonly slots: number;
  /** Classic B, or Swiss globalDepth. */
  readonly depth: number;
  /** Swiss: distinct tables. Classic: overflow buckets in use (preallocated or not). */
  readonly count: number;
}

function zero(): LiveBytes {
  return { header: 0, extra: 0, buckets: 0, oldbuckets: 0, overflow: 0, directory: 0, tables: 0, groups: 0, indirectKeys: 0, indirectElems: 0, total: 0 };
}

function finish(b: LiveBytes): LiveBytes {
  b.total = b.header + b.extra + b.buckets + b.oldbuckets + b.overflow + b.directory + b.tables + b.groups + b.indirectKeys + b.indirectElems;
  return b;
}

/**
 * Sums out-of-line objects pointed to by slot words in [base, base+n*stride)
 * at offset off, each counted once (a classic map mid-grow can hold the same
 * pointer in an old bucket and its evacuated copy). The pointers are
 * gathered in a typed array and counted after one sort: at 10^7 entries a
 * Set of addresses (heap numbers past 2^31) cost the engine more than the
 * inserts themselves.
 */
class Indirect {
  private ptrs = new Float64Array(1024);
  private n = 0;
  constructor(private readonly mem: SimMemory, private readonly objBytes: number) {}
  scan(base: number, count: number, stride: number): void {
    for (let i = 0; i < count; i++) {
      const p = this.mem.ptr(base + i * stride);
      if (p === 0) continue;
      if (this.n === this.ptrs.length) {
        const grown = new Float64Array(this.ptrs.length * 2);
        grown.set(this.ptrs);
        this.ptrs = grown;
      }
      this.ptrs[this.n++] = p;
    }
  }
  /** The bytes of the distinct objects scanned (sorts the pointers: call once, at the end). */
  bytes(): number {
    const ptrs = this.ptrs.subarray(0, this.n).sort();
    let distinct = 0;
    for (let i = 0; i < ptrs.length; i++) if (i === 0 || ptrs[i] !== ptrs[i - 1]) distinct++;
    return distinct * this.objBytes;
  }
}

export function liveClassic(m: ClassicMap, key: GoType, elem: GoType): LiveShape {
  const { go, arch } = m.env;
  const mem = m.mem;
  const L = m.L;
  const b = zero();
  const ptrful = (size: number) => heapBytes(size, false, go, arch);
  const bucketNoscan = !m.bucketHasPointers;
  b.header = ptrful(L.headers.hmap.size);
  if (m.extra !== 0) {
    b.extra = ptrful(L.headers.mapextra.size);
    for (const list of [m.overflowList, m.oldOverflowList]) {
      if (list === null) continue;
      b.extra += ptrful(3 * arch.ptrSize); // new([]*bmap)
      const cap = appendedCapacity(list.length, arch.ptrSize, false, go, arch);
      b.extra += ptrful(cap * arch.ptrSize);
    }
  }
  const arrays: { addr: number; n: number }[] = [];
  const arrayBytes = (addr: number) => {
    const o = mem.find(addr);
    if (!o || o.addr !== addr) throw new Error(`bucket array at 0x${addr.toString(16)} is not an allocation`);
    return o.size;
  };
  const inArrays = (p: number) => arrays.some((a) => p >= a.addr && p < a.addr + a.n);
  if (m.buckets !== 0) {
    const n = arrayBytes(m.buckets);
    b.buckets = heapBytes(n, bucketNoscan, go, arch);
    arrays.push({ addr: m.buckets, n });
  }
  const old = m.oldbuckets;
  if (old !== 0) {
    const n = arrayBytes(old);
    b.oldbuckets = heapBytes(n, bucketNoscan, go, arch);
    arrays.push({ addr: old, n });
  }
  // Every live bucket: the main 2^B (and old) buckets and everything chained after them.
  const live: number[] = [];
  let overflowInUse = 0;
  const walk = (base: number, nb: number) => {
    for (let i = 0; i < nb; i++) {
      let bk = base + i * m.bucketSize;
      live.push(bk);
      for (let o = m.overflow(bk); o !== 0; o = m.overflow(o)) {
        overflowInUse++;
        live.push(o);
        if (!inArrays(o)) b.overflow += heapBytes(m.bucketSize, bucketNoscan, go, arch);
        bk = o;
      }
    }
  };
  if (m.buckets !== 0) walk(m.buckets, 2 ** m.B);
  if (old !== 0) walk(old, m.noldbuckets());
  if (L.key.indirect || L.elem.indirect) {
    const keys = new Indirect(mem, heapBytes(L.key.size, !hasPointers(key, arch), go, arch));
    const elems = new Indirect(mem, heapBytes(L.elem.size, !hasPointers(elem, arch), go, arch));
    for (const bk of live) {
      if (L.key.indirect) keys.scan(bk + m.keysOff, 8, arch.ptrSize);
      if (L.elem.indirect) elems.scan(bk + m.elemsOff, 8, arch.ptrSize);
    }
    b.indirectKeys = keys.bytes();
    b.indirectElems = elems.bytes();
  }
  return { bytes: finish(b), slots: m.buckets === 0 ? 0 : 8 * 2 ** m.B, depth: m.B, count: overflowInUse };
}

export function liveSwiss(m: SwissMap, key: GoType, elem: GoType, go: GoVersion, arch: Arch): LiveShape {
  const cx = m.cx;
  const L = cx.layout;
  const b = zero();
  const ptrful = (size: number) => heapBytes(size, false, go, arch);
  const groupNoscan = !L.key.hasPointers && !L.elem.hasPointers;
  b.header = ptrful(L.headers.Map.size);
  const groupArrays: { data: number; n: number }[] = [];
  let slots = 0;
  let tables = 0;
  if (m.dirLen === 0) {
    if (m.dirPtr !== 0) {
      groupArrays.push({ data: m.dirPtr, n: 1 });
      slots = 8;
    }
  } else {
    b.directory = ptrful(m.dirLen * arch.ptrSize);
    for (const t of m.tables()) {
      tables++;
      b.tables += ptrful(L.headers.table.size);
      groupArrays.push({ data: t.data, n: t.lengthMask + 1 });
      slots += t.capacity;
    }
  }
  for (const g of groupArrays) b.groups += heapBytes(g.n * cx.groupSize, groupNoscan, go, arch);
  if (cx.keyIndirect || cx.elemIndirect) {
    const keys = new Indirect(cx.mem, heapBytes(cx.keySize, !hasPointers(key, arch), go, arch));
    const elems = new Indirect(cx.mem, heapBytes(cx.elemSize, !hasPointers(elem, arch), go, arch));
    for (const g of groupArrays) {
      for (let i = 0; i < g.n; i++) {
        const base = g.data + i * cx.groupSize;
        if (cx.keyIndirect) keys.scan(base + cx.keysOff, 8, cx.keyStride);
        if (cx.elemIndirect) elems.scan(base + cx.elemsOff, 8, cx.elemStride);
      }
    }
    b.indirectKeys = keys.bytes();
    b.indirectElems = elems.bytes();
  }
  return { bytes: finish(b), slots, depth: m.globalDepth, count: tables };
}

/** The live heap of an engine session's map, whichever implementation it is. */
export function liveShape(em: EngineMap, type: MapType, go: GoVersion, arch: Arch): LiveShape {
  return em.impl === 'classic' ? liveClassic(em.map, type.key, type.elem) : liveSwiss(em.map, type.key, type.elem, go, arch);
}
