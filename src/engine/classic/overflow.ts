/**
 * hmap.newoverflow: chains an overflow bucket after `b` — the next
 * preallocated one if any (bumping nextOverflow, or clearing the sentinel of
 * the last), else a fresh heap bucket — and counts it in noverflow. Buckets
 * without pointers are also recorded in mapextra.overflow so the GC keeps
 * them alive (their overflow word is a uintptr).
 */
import type { ClassicMap } from './map.js';
import { newBucket } from './make.js';
import { drain, type Steps } from '../steps.js';

export function newoverflow(m: ClassicMap, b: number): number {
  return drain(newoverflowSteps(m, b));
}

/** newoverflow a step per store (grow.ts says why): nextOverflow, noverflow, the extra list, b's overflow pointer. */
export function* newoverflowSteps(m: ClassicMap, b: number): Steps<number> {
  let ovf: number;
  const next = m.nextOverflow;
  if (next !== 0) {
    ovf = next;
    if (m.overflow(ovf) === 0) {
      m.nextOverflow = ovf + m.bucketSize;
      yield 'newoverflow: load extra.nextOverflow, store it + one bucket';
    } else {
      m.setOverflow(ovf, 0);
      yield 'newoverflow: the last preallocated bucket: store its overflow pointer nil';
      m.nextOverflow = 0;
      yield 'newoverflow: store extra.nextOverflow nil';
    }
  } else {
    ovf = newBucket(m, 'overflow bucket');
  }
  const before = m.noverflow;
  m.incrnoverflow();
  if (m.noverflow !== before) yield `newoverflow: load noverflow ${before}, store ${m.noverflow}`;
  if (!m.bucketHasPointers) {
    m.ensureExtra();
    (m.overflowList ??= []).push(ovf);
    yield 'newoverflow: append to extra.overflow';
  }
  m.setOverflow(b, ovf);
  yield 'newoverflow: store the bucket\'s overflow pointer';
  return ovf;
}
