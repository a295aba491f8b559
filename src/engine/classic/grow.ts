/**
 * Growth: hashGrow, growWork, evacuate, advanceEvacuationMark (runtime/map.go).
 *
 * A grow only allocates the new array and moves `buckets` to `oldbuckets`;
 * entries move later, two old buckets per write (growWork): the one the write
 * hashes to and the lowest not yet evacuated (`nevacuate`). A doubling grow
 * splits old bucket i into new buckets i (X) and i+2^oldB (Y) by the hash bit
 * `newbit`; a same-size grow (too many overflow buckets) repacks i into i.
 * Entries keep their tophash and are packed from slot 0 in old-chain order;
 * each old slot is marked evacuatedX/Y/Empty. When the bucket type has
 * pointers and no old iterator exists, the old main bucket's keys, elems and
 * overflow word are cleared (the tophash stays). What the runtime stops
 * reaching on the way is freed (release.ts).
 *
 * The fast variants' evacuate_fast32/64/str differ only in how they copy a
 * key and in having no NaN case (their keys cannot be NaN), so one function
 * serves all.
 */
import {
  type ClassicMap, overLoadFactor, isEmpty, EVACUATED_EMPTY, EVACUATED_X, MIN_TOP_HASH,
  SAME_SIZE_GROW, ITERATOR, OLD_ITERATOR, BUCKET_CNT,
} from './map.js';
import { makeBucketArray } from './make.js';
import { newoverflow } from './overflow.js';
import { releaseArray, releaseChain } from './release.js';

export function hashGrow(m: ClassicMap): void {
  let bigger = 1;
  if (!overLoadFactor(m.count + 1, m.B, m.L.loadFactor)) {
    bigger = 0;
    m.flags = m.flags | SAME_SIZE_GROW;
    if (m.randCounted) m.randGrow = true;
  }
  m.randCounted = false;
  const old = m.buckets;
  const [nb, nextOverflow] = makeBucketArray(m, m.B + bigger, 0);
  let flags = m.flags & ~(ITERATOR | OLD_ITERATOR);
  if (m.flags & ITERATOR) flags |= OLD_ITERATOR;
  m.B = m.B + bigger;
  m.flags = flags;
  m.oldbuckets = old;
  m.oldArrayEnd = old + m.mem.find(old)!.size;
  m.buckets = nb;
  m.nevacuate = 0;
  m.noverflow = 0;
  if (m.extra !== 0 && m.overflowList !== null) {
    if (m.oldOverflowList !== null) throw new Error('oldoverflow is not nil');
    m.oldOverflowList = m.overflowList;
    m.overflowList = null;
  }
  if (nextOverflow !== 0) m.nextOverflow = nextOverflow;
  m.trace(bigger ? `grow: B ${m.B - 1} → ${m.B} (load factor)` : `grow: same-size at B=${m.B} (too many overflow buckets: repack)`);
}

export function growWork(m: ClassicMap, bucket: number): void {
  evacuate(m, bucket & m.oldbucketmask());
  if (m.growing()) evacuate(m, m.nevacuate);
}

interface Dst {
  b: number;
  i: number;
}

export function evacuate(m: ClassicMap, oldbucket: number): void {
  let b = m.bucketAt(m.oldbuckets, oldbucket);
  const newbit = m.noldbuckets();
  if (!m.evacuated(b)) {
    const xy: Dst[] = [{ b: m.bucketAt(m.buckets, oldbucket), i: 0 }];
    const same = m.sameSizeGrow();
    if (!same) xy.push({ b: m.bucketAt(m.buckets, oldbucket + newbit), i: 0 });
    const moved = [0, 0];
    const reflexive = m.L.keyProps.reflexive;
    for (; b !== 0; b = m.overflow(b)) {
      for (let i = 0; i < BUCKET_CNT; i++) {
        let top = m.tophash(b, i);
        if (isEmpty(top)) {
          m.setTophash(b, i, EVACUATED_EMPTY);
          continue;
        }
        if (top < MIN_TOP_HASH) throw new Error('bad map state');
        const k = m.keyAddr(b, i);
        const k2 = m.derefKey(k);
        let useY = 0;
        if (!same) {
          const hash = m.hash(k2);
          if ((m.flags & ITERATOR) !== 0 && !reflexive && !m.keyEqual(k2, k2)) {
            // A NaN: its hash is random, so the old tophash's low bit decides, and it gets a new tophash.
            useY = top & 1;
            top = m.top;
          } else if (Math.floor(hash / newbit) % 2 === 1) {
            // hash & newbit, newbit = 2^oldB < 2^32.
            useY = 1;
          }
        }
        m.setTophash(b, i, EVACUATED_X + useY);
        const dst = xy[useY];
        if (dst.i === BUCKET_CNT) {
          dst.b = newoverflow(m, dst.b);
          dst.i = 0;
        }
        m.setTophash(dst.b, dst.i, top);
        m.mem.copy(m.keyAddr(dst.b, dst.i), k, m.keySize);
        m.mem.copy(m.elemAddr(dst.b, dst.i), m.elemAddr(b, i), m.elemSize);
        dst.i++;
        moved[useY]++;
      }
    }
    if ((m.flags & OLD_ITERATOR) === 0 && m.bucketHasPointers) {
      const ob = m.bucketAt(m.oldbuckets, oldbucket);
      // The overflow word goes to nil with the rest: the chain's heap buckets are garbage from here on.
      if (m.overflow(ob) !== 0) releaseChain(m, ob, m.oldbuckets, m.oldArrayEnd);
      m.mem.zero(ob + m.keysOff, m.bucketSize - m.keysOff);
    }
    if (m.tracing) m.trace(same
      ? `evacuate old bucket ${oldbucket}: ${moved[0]} entries to bucket ${oldbucket}`
      : `evacuate old bucket ${oldbucket}: ${moved[0]} to X (bucket ${oldbucket}), ${moved[1]} to Y (bucket ${oldbucket + newbit})`);
  }
  if (oldbucket === m.nevacuate) advanceEvacuationMark(m, newbit);
}

function advanceEvacuationMark(m: ClassicMap, newbit: number): void {
  let n = m.nevacuate + 1;
  const stop = Math.min(n + 1024, newbit);
  while (n !== stop && m.evacuated(m.bucketAt(m.oldbuckets, n))) n++;
  m.nevacuate = n;
  if (n === newbit) {
    releaseArray(m, m.oldbuckets, newbit);
    m.oldbuckets = 0;
    if (m.extra !== 0) m.oldOverflowList = null;
    m.flags = m.flags & ~SAME_SIZE_GROW;
    m.trace(`grow done: all ${newbit} old buckets evacuated`);
  }
}

