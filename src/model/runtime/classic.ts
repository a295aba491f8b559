/**
 * The classic map's constants (runtime/map.go; map_noswiss.go on 1.24–1.25):
 * slots per bucket, the tophash values with a meaning of their own, and the
 * hmap.flags bits; and how large makeBucketArray makes a bucket array.
 */
import type { Arch } from '../arch.js';
import type { GoVersion } from '../goversion.js';
import { roundupsize } from '../malloc.js';

/** Slots per bucket: bucketCnt = abi.MapBucketCount (8). */
export const BUCKET_CNT = 8;

// Tophash values with a special meaning; a full slot's tophash is at least MIN_TOP_HASH.
/** The slot is empty and so is every later slot of the bucket and its overflow chain. */
export const EMPTY_REST = 0;
/** The slot is empty. */
export const EMPTY_ONE = 1;
/** Evacuated to the first half of the larger table (its key and elem stay valid). */
export const EVACUATED_X = 2;
/** Evacuated to the second half of the larger table. */
export const EVACUATED_Y = 3;
/** The slot was empty when its bucket was evacuated. */
export const EVACUATED_EMPTY = 4;
/** The smallest tophash of a full slot (tophash() bumps smaller hash bytes past the marks). */
export const MIN_TOP_HASH = 5;

// hmap.flags bits.
/** There may be an iterator using buckets. */
export const ITERATOR = 1;
/** There may be an iterator using oldbuckets. */
export const OLD_ITERATOR = 2;
/** A goroutine is writing to the map. */
export const HASH_WRITING = 4;
/** The current grow is to a map of the same size. */
export const SAME_SIZE_GROW = 8;

/** A tophash that marks an evacuated slot (2, 3 or 4). */
export const isEvacuationMark = (top: number): boolean => top >= EVACUATED_X && top <= EVACUATED_EMPTY;

/**
 * makeBucketArray's length for 2^b buckets of `bucketSize` bytes: from b = 4
 * on, 2^(b-4) extra buckets, then up to the malloc size class (roundupsize);
 * the slack beyond 2^b serves as preallocated overflow buckets.
 */
export function bucketArrayLengthFor(bucketSize: number, bucketHasPointers: boolean, go: GoVersion, arch: Arch, b: number): number {
  let nbuckets = 2 ** b;
  if (b >= 4) {
    nbuckets += 2 ** (b - 4);
    const sz = bucketSize * nbuckets;
    const up = roundupsize(sz, !bucketHasPointers, go, arch);
    if (up !== sz) nbuckets = Math.floor(up / bucketSize);
  }
  return nbuckets;
}
