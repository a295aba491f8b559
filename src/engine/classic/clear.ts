/**
 * clear(m) (Go 1.21+) and the range-delete idiom `for k := range m { delete(m, k) }`
 * that the compiler lowers to the same runtime.mapclear for reflexive keys.
 *
 * An empty map is left alone (no new seed). Otherwise: 1.21–1.23 first set
 * every tophash of both tables to emptyRest (markBucketsEmpty, issue 59411,
 * which ends running iterators); 1.24 noswissmap bumps clearSeq instead. Then
 * the grow is abandoned, the counters reset, a new hash0 drawn, mapextra
 * zeroed, and the same bucket array cleared and re-prepared with its
 * preallocated overflow buckets. B is kept: the table never shrinks, and heap
 * overflow buckets are dropped (freed, with the old array: release.ts).
 */
import type { ClassicMap } from './map.js';
import { EMPTY_REST, HASH_WRITING, SAME_SIZE_GROW, BUCKET_CNT, bucketShift } from './map.js';
import { makeBucketArray } from './make.js';
import { releaseArray, releaseChain, releaseIndirect } from './release.js';

export function mapclear(m: ClassicMap): void {
  if (m.count === 0) {
    m.trace('clear: map already empty, nothing done');
    return;
  }
  m.flags = m.flags ^ HASH_WRITING;
  const minor = m.env.go.minor;
  // What the clear drops is garbage: the entries' indirect objects (read before markBucketsEmpty hides
  // which slots were live), then the heap overflow buckets and the old array.
  const n = bucketShift(m.B);
  if (m.oldbuckets !== 0) releaseIndirect(m, m.oldbuckets, m.noldbuckets());
  releaseIndirect(m, m.buckets, n);
  if (minor >= 21 && minor <= 23) {
    markBucketsEmpty(m, m.buckets, bucketShift(m.B));
    if (m.oldbuckets !== 0) markBucketsEmpty(m, m.oldbuckets, m.noldbuckets());
  }
  if (m.oldbuckets !== 0) releaseArray(m, m.oldbuckets, m.noldbuckets());
  const end = m.buckets + m.mem.find(m.buckets)!.size;
  for (let i = 0; i < n; i++) releaseChain(m, m.bucketAt(m.buckets, i), m.buckets, end);
  if (m.hasClearSeq) m.clearSeq = m.clearSeq + 1n;
  m.flags = m.flags & ~SAME_SIZE_GROW;
  m.oldbuckets = 0;
  m.nevacuate = 0;
  m.noverflow = 0;
  m.randCounted = false;
  m.randGrow = false;
  m.count = 0;
  m.hash0 = m.env.drawSeed();
  if (m.extra !== 0) {
    m.mem.zero(m.extra, m.L.headers.mapextra.size);
    m.overflowList = null;
    m.oldOverflowList = null;
  }
  const [, nextOverflow] = makeBucketArray(m, m.B, m.buckets);
  if (nextOverflow !== 0) m.nextOverflow = nextOverflow;
  m.trace(`clear: B=${m.B} kept, buckets zeroed, new hash0=0x${m.hash0.toString(16)}`);
  m.flags = m.flags & ~HASH_WRITING;
}

function markBucketsEmpty(m: ClassicMap, base: number, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let b = m.bucketAt(base, i); b !== 0; b = m.overflow(b)) {
      for (let j = 0; j < BUCKET_CNT; j++) m.setTophash(b, j, EMPTY_REST);
    }
  }
}
