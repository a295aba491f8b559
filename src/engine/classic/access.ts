/**
 * v, ok := m[k]: mapaccess1/2 and the fast variants (runtime/map.go,
 * map_fast*.go). A lookup writes nothing and never helps a grow; while a grow
 * is in progress it reads the old bucket if that has not been evacuated yet.
 * (The fast variants skip hashing when B = 0 and match on the key word
 * instead of the tophash; the entry they find is the same.)
 */
import type { ClassicMap } from './map.js';
import { EMPTY_REST, BUCKET_CNT, bucketMask, isEmpty } from './map.js';

/** The elem address for the key at `key`, or 0 when absent. */
export function mapaccess(m: ClassicMap, key: number): number {
  if (m.count === 0) return 0;
  const hash = m.hash(key);
  const mask = bucketMask(m.B);
  let b = m.bucketAt(m.buckets, Number(hash & mask));
  if (m.growing()) {
    let omask = mask;
    if (!m.sameSizeGrow()) omask >>= 1n;
    const oldb = m.bucketAt(m.oldbuckets, Number(hash & omask));
    if (!m.evacuated(oldb)) b = oldb;
  }
  const top = m.tophashOf(hash);
  for (; b !== 0; b = m.overflow(b)) {
    for (let i = 0; i < BUCKET_CNT; i++) {
      const t = m.tophash(b, i);
      if (t !== top) {
        if (t === EMPTY_REST) return 0;
        continue;
      }
      if (isEmpty(t)) continue;
      const k = m.derefKey(m.keyAddr(b, i));
      if (m.keyEqual(k, key)) return m.derefElem(m.elemAddr(b, i));
    }
  }
  return 0;
}
