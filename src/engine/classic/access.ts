/**
 * v, ok := m[k]: mapaccess1/2 and the fast variants (runtime/map.go,
 * map_fast*.go). A lookup writes nothing and never helps a grow; while a grow
 * is in progress it reads the old bucket if that has not been evacuated yet.
 * (The fast variants skip hashing when B = 0 and match on the key word
 * instead of the tophash; the entry they find is the same.)
 */
import type { ClassicMap } from './map.js';
import { EMPTY_REST, BUCKET_CNT, bucketOf, isEmpty } from './map.js';

/** The elem address for the key at `key`, or 0 when absent. */
export function mapaccess(m: ClassicMap, key: number): number {
  const k = findKey(m, key);
  return k === 0 ? 0 : m.derefElem(m.elemAddr(found.b, found.i));
}

/** mapaccessK: the stored key's and the elem's addresses, or undefined when absent. */
export function mapaccessK(m: ClassicMap, key: number): { key: number; elem: number } | undefined {
  const k = findKey(m, key);
  return k === 0 ? undefined : { key: k, elem: m.derefElem(m.elemAddr(found.b, found.i)) };
}

// Where findKey found the key (one lookup at a time; no object per call).
const found = { b: 0, i: 0 };

/** The stored key's address (0 when absent); its bucket and slot are left in `found`. */
function findKey(m: ClassicMap, key: number): number {
  if (m.count === 0) return 0;
  const hash = m.hash(key);
  const top = m.top;
  let b = m.bucketAt(m.buckets, bucketOf(hash, m.B));
  if (m.growing()) {
    // The old table has half as many buckets, unless the grow keeps the size.
    const oldb = m.bucketAt(m.oldbuckets, bucketOf(hash, m.sameSizeGrow() ? m.B : m.B - 1));
    if (!m.evacuated(oldb)) b = oldb;
  }
  for (; b !== 0; b = m.overflow(b)) {
    // The tophash bytes straight from the arena (nothing here allocates).
    const a = m.mem.arena;
    const tb = m.topsAt(b);
    for (let i = 0; i < BUCKET_CNT; i++) {
      const t = a[tb + i];
      if (t !== top) {
        if (t === EMPTY_REST) return 0;
        continue;
      }
      if (isEmpty(t)) continue;
      const k = m.derefKey(m.keyAddr(b, i));
      if (m.keyEqual(k, key)) {
        found.b = b;
        found.i = i;
        return k;
      }
    }
  }
  return 0;
}
