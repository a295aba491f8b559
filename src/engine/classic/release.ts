/**
 * What the garbage collector takes back from a classic map: the objects the
 * runtime stops reaching, freed in simulated memory (SimMemory.free) so the
 * engine's live bytes follow the runtime's heap and a map of any size fits.
 *
 * - When a grow finishes (advanceEvacuationMark nils oldbuckets): the old
 *   bucket array, and the heap overflow buckets still chained from it.
 * - When evacuate clears an old main bucket (a bucket type with pointers and
 *   no old iterator), its overflow word goes to nil: the heap overflow
 *   buckets of that chain become garbage there and then.
 * - clear: the heap overflow buckets of both tables, the old array, and the
 *   indirect keys and elems of the entries it drops.
 * - delete of an indirect key or elem (its pointer set to nil), unless an old
 *   iterator kept an evacuated copy of the pointer in the old array (then the
 *   object stays until the end of the run: a small over-count, never a dangling pointer).
 *
 * Preallocated overflow buckets are part of their array and go with it.
 */
import { BUCKET_CNT, MIN_TOP_HASH, OLD_ITERATOR, type ClassicMap } from './map.js';

/** The heap overflow buckets chained after bucket b (those outside the array [lo, hi)), freed. */
export function releaseChain(m: ClassicMap, b: number, lo: number, hi: number): void {
  for (let ovf = m.overflow(b); ovf !== 0;) {
    const next = m.overflow(ovf);
    if (ovf < lo || ovf >= hi) m.mem.free(ovf);
    ovf = next;
  }
}

/** The array at `base` ([2^b main buckets + preallocated ones]) and every heap overflow bucket chained from its n main buckets. */
export function releaseArray(m: ClassicMap, base: number, n: number): void {
  const hi = base + m.mem.find(base)!.size;
  for (let i = 0; i < n; i++) releaseChain(m, m.bucketAt(base, i), base, hi);
  m.mem.free(base);
}

/** Frees the indirect key and elem objects of the live slots of every bucket chained from the n main buckets at base. */
export function releaseIndirect(m: ClassicMap, base: number, n: number): void {
  if (!m.keyIndirect && !m.elemIndirect) return;
  for (let i = 0; i < n; i++) {
    for (let b = m.bucketAt(base, i); b !== 0; b = m.overflow(b)) {
      for (let j = 0; j < BUCKET_CNT; j++) {
        if (m.tophash(b, j) < MIN_TOP_HASH) continue; // empty, or evacuated: the new array holds the pointer
        if (m.keyIndirect) freePtr(m, m.keyAddr(b, j));
        if (m.elemIndirect) freePtr(m, m.elemAddr(b, j));
      }
    }
  }
}

/** Whether delete may free the indirect objects of the slot it clears (no evacuated copy of their pointers survives). */
export function deleteFrees(m: ClassicMap): boolean {
  return (m.keyIndirect || m.elemIndirect) && !(m.oldbuckets !== 0 && (m.flags & OLD_ITERATOR) !== 0);
}

/** Frees the object the pointer at `slot` points to, if any. */
export function freePtr(m: ClassicMap, slot: number): void {
  const p = m.mem.ptr(slot);
  if (p !== 0) m.mem.free(p);
}
