/**
 * The Go allocator's size classes and `roundupsize`, per release: what the
 * classic map's placement depends on (makeBucketArray rounds the bucket array
 * up to a size class and fills the slack with preallocated overflow buckets).
 *
 * The class table is not copied from Go: it is recomputed with the algorithm
 * runtime/mksizeclasses.go documents (makeClasses): walk sizes in steps of the
 * current alignment, pick the fewest 8 KiB pages that waste at most 1/8, merge
 * a size into the previous class when both give the same pages and object
 * count, then grow each class to the largest 128-byte multiple that still fits
 * the same count. test/malloc.test.ts checks the result against each
 * toolchain's generated runtime/sizeclasses.go.
 *
 * roundupsize:
 * - ≤ 1.21: the class size for small requests (< 32 KiB), else page-rounded
 *   (runtime/msize.go).
 * - ≥ 1.22 (allocation headers): a pointerful object larger than
 *   PtrSize*PtrBits bytes carries an 8-byte malloc header inside its size
 *   class, so the usable size is class(size+8)-8 (runtime/msize.go of 1.23,
 *   msize_allocheaders.go of 1.22).
 */
import type { Arch } from './arch.js';
import type { GoVersion } from './goversion.js';

const PAGE_SIZE = 8192;
const MAX_SMALL_SIZE = 32 << 10;
const LARGE_SIZE_DIV = 128;
const MALLOC_HEADER_SIZE = 8;

export interface SizeClass {
  readonly size: number;
  readonly npages: number;
}

const isPow2 = (x: number): boolean => (x & (x - 1)) === 0;

function makeClasses(): SizeClass[] {
  const classes: { size: number; npages: number }[] = [{ size: 0, npages: 0 }];
  let align = 8;
  for (let size = align; size <= MAX_SMALL_SIZE; size += align) {
    if (isPow2(size)) {
      if (size >= 2048) align = 256;
      else if (size >= 128) align = size / 8;
      else if (size >= 32) align = 16;
    }
    let allocsize = PAGE_SIZE;
    while (allocsize % size > allocsize / 8) allocsize += PAGE_SIZE;
    const npages = allocsize / PAGE_SIZE;
    const prev = classes[classes.length - 1];
    if (classes.length > 1 && npages === prev.npages && Math.floor(allocsize / size) === Math.floor(allocsize / prev.size)) {
      prev.size = size;
      continue;
    }
    classes.push({ size, npages });
  }
  for (let i = 1; i < classes.length; i++) {
    const c = classes[i];
    const psize = c.npages * PAGE_SIZE;
    const newSize = Math.floor(psize / Math.floor(psize / c.size)) & ~(LARGE_SIZE_DIV - 1);
    if (newSize > c.size) c.size = newSize;
  }
  return classes;
}

/** class_to_size, class 0 (size 0) first: the same in every release mapscope covers (1.13-1.27). */
export const SIZE_CLASSES: readonly SizeClass[] = makeClasses();

/** The smallest class size holding `size` bytes (0 < size ≤ 32 KiB). */
export function classSize(size: number): number {
  let lo = 1;
  let hi = SIZE_CLASSES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (SIZE_CLASSES[mid].size >= size) hi = mid;
    else lo = mid + 1;
  }
  return SIZE_CLASSES[lo].size;
}

function pageRound(size: number): number {
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

/**
 * runtime.roundupsize for a request of `size` bytes; `noscan` is whether the
 * object's type has no pointers (only 1.22+ distinguishes).
 */
export function roundupsize(size: number, noscan: boolean, go: GoVersion, arch: Arch): number {
  if (go.minor < 22) {
    if (size < MAX_SMALL_SIZE) return size === 0 ? 0 : classSize(size);
    return pageRound(size);
  }
  if (size <= MAX_SMALL_SIZE - MALLOC_HEADER_SIZE) {
    const minSizeForMallocHeader = arch.ptrSize * arch.ptrSize * 8;
    const req = !noscan && size > minSizeForMallocHeader ? size + MALLOC_HEADER_SIZE : size;
    if (req === 0) return 0;
    return classSize(req) - (req - size);
  }
  return pageRound(size);
}

/**
 * The heap bytes an object of `size` bytes occupies once allocated: what
 * runtime.MemStats.HeapAlloc counts for it. A small object takes its whole
 * size class, including the 8-byte malloc header a pointerful object larger
 * than PtrSize*PtrBits carries from 1.22 on (runtime/malloc.go mallocgc,
 * heapBitsInSpan); a large one takes whole pages (mcache.allocLarge counts
 * the span). Pointer-free objects under 16 bytes share tiny blocks; they are
 * counted at their own size.
 */
export function heapBytes(size: number, noscan: boolean, go: GoVersion, arch: Arch): number {
  if (size === 0) return 0;
  if (noscan && size < 16) return size;
  const smallLimit = go.minor < 22 ? MAX_SMALL_SIZE : MAX_SMALL_SIZE - MALLOC_HEADER_SIZE;
  if (size > smallLimit) return pageRound(size);
  const header = go.minor >= 22 && !noscan && size > arch.ptrSize * arch.ptrSize * 8 ? MALLOC_HEADER_SIZE : 0;
  return classSize(size + header);
}

/**
 * runtime.nextslicecap: the capacity append gives a slice of `oldCap`
 * elements that needs `newLen` (1.18+: double below 256 elements, then grow
 * by (cap + 3*256)/4 at a time; before: double below 1024, then by a quarter).
 * growslice then rounds the byte size up with roundupsize.
 */
export function nextSliceCap(newLen: number, oldCap: number, go: GoVersion): number {
  const doublecap = oldCap * 2;
  if (newLen > doublecap) return newLen;
  const threshold = go.minor >= 18 ? 256 : 1024;
  if (oldCap < threshold) return doublecap;
  let newcap = oldCap;
  while (newcap < newLen) newcap += go.minor >= 18 ? Math.floor((newcap + 3 * threshold) / 4) : Math.floor(newcap / 4);
  return newcap;
}

/**
 * The capacity of a slice of `elemSize`-byte elements after appending to
 * it one element at a time until it holds `len` (growslice: nextSliceCap,
 * then the byte size rounded up to the allocator's class).
 */
export function appendedCapacity(len: number, elemSize: number, noscan: boolean, go: GoVersion, arch: Arch): number {
  let cap = 0;
  while (cap < len) {
    const want = nextSliceCap(cap + 1, cap, go);
    cap = Math.floor(roundupsize(want * elemSize, noscan, go, arch) / elemSize);
  }
  return cap;
}

/**
 * runtime maxTinySize (malloc.go): pointer-free objects smaller than this
 * share 16-byte blocks, taken from the 16-byte size class (mallocgcTiny).
 */
export const MAX_TINY_SIZE = 16;

/**
 * Where `n` objects of `size` bytes land, as offsets from the first, when
 * allocated one right after the other from one mcache starting at a fresh
 * block: the tiny allocator packs small pointer-free objects at their
 * conservative alignment (8 when size%8 == 0, also for 12-byte objects on
 * 32-bit targets, else 4, 2 or 1; malloc.go mallocgcTiny) inside 16-byte
 * blocks, the next object going to a new block when it does not fit; any
 * other small object takes one slot of its size class (heapBytes: the class
 * with its malloc header). Blocks and slots of one span follow each other.
 * `tiny` says which allocator packed them. Small objects (≤ 32 KiB - 8) only.
 */
export function packedOffsets(n: number, size: number, noscan: boolean, go: GoVersion, arch: Arch): { offsets: number[]; tiny: boolean } {
  const offsets: number[] = [];
  if (noscan && size > 0 && size < MAX_TINY_SIZE) {
    const align = size % 8 === 0 || (arch.ptrSize === 4 && size === 12) ? 8 : size % 4 === 0 ? 4 : size % 2 === 0 ? 2 : 1;
    let block = 0;
    let off = 0;
    for (let i = 0; i < n; i++) {
      off = Math.ceil(off / align) * align;
      if (off + size > MAX_TINY_SIZE) {
        block += MAX_TINY_SIZE;
        off = 0;
      }
      offsets.push(block + off);
      off += size;
    }
    return { offsets, tiny: true };
  }
  const slot = heapBytes(Math.max(size, 1), noscan, go, arch);
  for (let i = 0; i < n; i++) offsets.push(i * slot);
  return { offsets, tiny: false };
}
