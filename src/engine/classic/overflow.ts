/**
 * hmap.newoverflow: chains an overflow bucket after `b` — the next
 * preallocated one if any (bumping nextOverflow, or clearing the sentinel of
 * the last), else a fresh heap bucket — and counts it in noverflow. Buckets
 * without pointers are also recorded in mapextra.overflow so the GC keeps
 * them alive (their overflow word is a uintptr).
 */
import type { ClassicMap } from './map.js';
import { newBucket } from './make.js';

export function newoverflow(m: ClassicMap, b: number): number {
  let ovf: number;
  const next = m.nextOverflow;
  if (next !== 0) {
    ovf = next;
    if (m.overflow(ovf) === 0) {
      m.nextOverflow = ovf + m.bucketSize;
    } else {
      m.setOverflow(ovf, 0);
      m.nextOverflow = 0;
    }
  } else {
    ovf = newBucket(m, 'overflow bucket');
  }
  m.incrnoverflow();
  if (!m.bucketHasPointers) {
    m.ensureExtra();
    (m.overflowList ??= []).push(ovf);
  }
  m.setOverflow(b, ovf);
  return ovf;
}
