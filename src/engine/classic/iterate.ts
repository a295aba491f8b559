/**
 * for k, v := range m: mapiterinit and mapiternext (runtime/map.go).
 *
 * The iterator starts at a random bucket, r & (2^B-1), and a random slot
 * offset, (r >> B) & 7, both from one draw r of the runtime's randomness
 * (fastrand before 1.22, rand after), which the scenario supplies. It visits
 * the buckets in order from there, wrapping around, each chain in order, and
 * in each bucket the slots offset, offset+1, … mod 8. While a grow is in
 * progress it reads an old bucket that is not yet evacuated instead, keeping
 * only the keys that will land in the new bucket being visited; entries
 * already evacuated are looked up in the new table.
 *
 * Starting an iterator on a non-empty map marks the map (flags iterator and
 * oldIterator, which stay set) and, for pointer-free buckets, creates the
 * overflow list in mapextra: both change what later grows do, and both show
 * in snapshots.
 */
import type { ClassicMap } from './map.js';
import { ITERATOR, OLD_ITERATOR, BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X, EVACUATED_Y, isEmpty, bucketShift, bucketMask, bucketOf } from './map.js';
import { mapaccessK } from './access.js';

export interface IterEntry {
  readonly key: number;
  readonly elem: number;
}

/** mapiterinit's effects on the map; returns false for an empty map (no draw, no marks). */
export function mapiterinit(m: ClassicMap): boolean {
  if (m.count === 0) return false;
  if (!m.bucketHasPointers) {
    m.ensureExtra();
    m.overflowList ??= [];
  }
  m.flags = m.flags | ITERATOR | OLD_ITERATOR;
  return true;
}

/** The entries a full iteration returns, in order, for the random draw r (the map is not modified). */
export function iterationOrder(m: ClassicMap, r: bigint): IterEntry[] {
  if (m.count === 0) return [];
  const B = m.B;
  const startBucket = Number(r & bucketMask(B));
  const offset = Number((r >> BigInt(B)) & 7n);
  const out: IterEntry[] = [];
  const reflexive = m.L.keyProps.reflexive;
  const nb = bucketShift(B);
  const buckets = m.buckets;
  for (let n = 0; n < nb; n++) {
    const bucket = (startBucket + n) % nb;
    let b: number;
    let checkBucket = -1;
    if (m.growing()) {
      const ob = m.bucketAt(m.oldbuckets, bucket & m.oldbucketmask());
      if (!m.evacuated(ob)) {
        b = ob;
        checkBucket = bucket;
      } else {
        b = m.bucketAt(buckets, bucket);
      }
    } else {
      b = m.bucketAt(buckets, bucket);
    }
    for (; b !== 0; b = m.overflow(b)) {
      for (let i = 0; i < BUCKET_CNT; i++) {
        const offi = (i + offset) & (BUCKET_CNT - 1);
        const top = m.tophash(b, offi);
        if (isEmpty(top) || top === EVACUATED_EMPTY) continue;
        const k = m.derefKey(m.keyAddr(b, offi));
        const e = m.elemAddr(b, offi);
        const selfEqual = reflexive || m.keyEqual(k, k);
        if (checkBucket >= 0 && !m.sameSizeGrow()) {
          if (selfEqual) {
            if (bucketOf(m.hash(k), B) !== checkBucket) continue;
          } else if ((checkBucket >> (B - 1)) !== (top & 1)) {
            continue;
          }
        }
        if ((top !== EVACUATED_X && top !== EVACUATED_Y) || !selfEqual) {
          out.push({ key: k, elem: m.derefElem(e) });
        } else {
          const found = mapaccessK(m, k);
          if (found) out.push(found);
        }
      }
    }
  }
  return out;
}
