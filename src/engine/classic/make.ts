/**
 * make(map[K]V, hint): makemap / makemap_small and makeBucketArray
 * (runtime/map.go).
 *
 * B is the smallest size whose load factor holds `hint` entries. B = 0 leaves
 * `buckets` nil: the first insert allocates one bucket. From B = 4 on, the
 * bucket array is over-allocated by 2^(B-4) buckets and then up to the malloc
 * size class (roundupsize), and the slack serves as preallocated overflow
 * buckets: `nextOverflow` points at the first, and the last one's overflow
 * word holds the array's address as a "no more" sentinel.
 */
import { bucketArrayLengthFor, maxAlloc } from '../../model/runtime/index.js';
import { ClassicMap, bucketShift, overLoadFactor, type MapEnv } from './map.js';

export function makemap(env: MapEnv, hint: number | null): ClassicMap {
  const m = new ClassicMap(env);
  // makemap: a hint whose bucket memory would exceed maxAlloc is treated as 0.
  let h = hint ?? 0;
  if (h * m.bucketSize > maxAlloc(env.arch)) h = 0;
  m.hash0 = env.drawSeed();
  let B = 0;
  while (overLoadFactor(h, B, m.L.loadFactor)) B++;
  m.B = B;
  if (B !== 0) {
    const [buckets, nextOverflow] = makeBucketArray(m, B, 0);
    m.buckets = buckets;
    if (nextOverflow !== 0) m.nextOverflow = nextOverflow;
  }
  m.trace(`make: hint ${hint ?? 'none'} → B=${B}, hash0=0x${m.hash0.toString(16)}${B === 0 ? ', buckets allocated on first insert' : ''}`);
  return m;
}

/** Number of buckets makeBucketArray allocates for 2^b buckets (the rest are preallocated overflow buckets). */
export function bucketArrayLength(m: ClassicMap, b: number): number {
  return bucketArrayLengthFor(m.bucketSize, m.bucketHasPointers, m.env.go, m.env.arch, b);
}

// bucketArrayLength from the bucket type's figures alone: a runtime fact (src/model/runtime/classic.ts).
export { bucketArrayLengthFor } from '../../model/runtime/index.js';

/**
 * makeBucketArray(t, b, dirtyalloc): a new array (or `dirty`, cleared) and
 * the first preallocated overflow bucket (0 when none).
 */
export function makeBucketArray(m: ClassicMap, b: number, dirty: number): [buckets: number, nextOverflow: number] {
  const base = bucketShift(b);
  const nbuckets = bucketArrayLength(m, b);
  let buckets: number;
  if (dirty === 0) {
    buckets = m.mem.alloc(m.bucketSize * nbuckets, `bucket array (2^${b} + ${nbuckets - base} overflow)`);
  } else {
    buckets = dirty;
    m.mem.zero(buckets, m.bucketSize * nbuckets);
  }
  let nextOverflow = 0;
  if (base !== nbuckets) {
    nextOverflow = m.bucketAt(buckets, base);
    m.setOverflow(m.bucketAt(buckets, nbuckets - 1), buckets);
  }
  return [buckets, nextOverflow];
}

/** newobject(t.bucket): the single bucket of a B=0 map, or an overflow bucket from the heap. */
export function newBucket(m: ClassicMap, tag: string): number {
  return m.mem.alloc(m.bucketSize, tag);
}
