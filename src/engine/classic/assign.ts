/**
 * m[k] = v: mapassign and mapassign_fast32/fast64/faststr (runtime/map.go,
 * map_fast*.go).
 *
 * All variants choose the same slot: the first empty slot of the chain
 * (stopping at emptyRest), unless the key is already present; a new key that
 * would overload the map starts a grow and retries; a full chain gets an
 * overflow bucket. They differ in what they rewrite on an update: the generic
 * path copies the new key over the old one when the key type needs it
 * (needkeyupdate: floats, strings, interfaces — +0 becomes -0); faststr
 * replaces the stored string header with the new key's (same length, new data
 * pointer); fast32/64 leave the stored key alone (it is bit-identical).
 *
 * The runtime returns the elem slot and the compiled code stores the value;
 * `assign` does both.
 */
import type { ClassicMap } from './map.js';
import { isEmpty, EMPTY_REST, HASH_WRITING, BUCKET_CNT, bucketOf, overLoadFactor, tooManyOverflowBuckets } from './map.js';
import { growWork, hashGrow } from './grow.js';
import { newoverflow } from './overflow.js';
import { newBucket } from './make.js';

/** Inserts or updates the key stored at `key` (a scratch object); returns the address to store the elem at. */
export function mapassign(m: ClassicMap, key: number): number {
  const hash = m.hash(key);
  const top = m.top;
  m.flags = m.flags ^ HASH_WRITING;
  if (m.buckets === 0) m.buckets = newBucket(m, 'bucket (B=0)');
  const variant = m.env.variant;
  for (;;) {
    const bucket = bucketOf(hash, m.B);
    if (m.growing()) growWork(m, bucket);
    let b = m.bucketAt(m.buckets, bucket);
    let insertb = 0;
    let inserti = 0;
    let found = -1;
    chain: for (;;) {
      // The tophash bytes straight from the arena (the search allocates nothing).
      const a = m.mem.arena;
      const tb = m.topsAt(b);
      for (let i = 0; i < BUCKET_CNT; i++) {
        const t = a[tb + i];
        if (variant === 'fast32' || variant === 'fast64') {
          // map_fast32.go, map_fast64.go: compare the key word itself, tophash unchecked.
          if (isEmpty(t)) {
            if (insertb === 0) { insertb = b; inserti = i; }
            if (t === EMPTY_REST) break chain;
            continue;
          }
          if (!m.keyEqual(m.keyAddr(b, i), key)) continue;
          found = i;
          break chain;
        }
        if (t !== top) {
          if (isEmpty(t) && insertb === 0) { insertb = b; inserti = i; }
          if (t === EMPTY_REST) break chain;
          continue;
        }
        const k = m.derefKey(m.keyAddr(b, i));
        if (!m.keyEqual(k, key)) continue;
        found = i;
        break chain;
      }
      const ovf = m.overflow(b);
      if (ovf === 0) break;
      b = ovf;
    }
    if (found >= 0) {
      const slot = m.keyAddr(b, found);
      if (variant === 'faststr') {
        m.mem.copy(slot, key, m.keySize);
      } else if (variant === 'generic' && m.L.keyProps.needKeyUpdate) {
        m.mem.copy(m.derefKey(slot), key, m.L.key.size);
      }
      if (m.tracing) m.trace(`update: bucket ${bucket}${b === m.bucketAt(m.buckets, bucket) ? '' : ' (overflow)'} slot ${found}`);
      m.flags = m.flags & ~HASH_WRITING;
      return m.derefElem(m.elemAddr(b, found));
    }
    if (!m.growing() && (overLoadFactor(m.count + 1, m.B, m.L.loadFactor) || tooManyOverflowBuckets(m.noverflow, m.B))) {
      hashGrow(m);
      continue; // goto again
    }
    let where = b === m.bucketAt(m.buckets, bucket) ? '' : ' (overflow)';
    if (insertb === 0) {
      insertb = newoverflow(m, b);
      inserti = 0;
      where = ' (new overflow bucket)';
    } else if (insertb !== b) {
      where = insertb === m.bucketAt(m.buckets, bucket) ? '' : ' (overflow)';
    }
    const { kslot, eslot } = m.claimSlot(insertb, inserti);
    m.mem.copy(kslot, key, m.L.key.size);
    m.setTophash(insertb, inserti, top);
    m.count = m.count + 1;
    if (m.tracing) m.trace(`insert: bucket ${bucket}${where} slot ${inserti}, tophash 0x${top.toString(16)}`);
    m.flags = m.flags & ~HASH_WRITING;
    return m.derefElem(eslot);
  }
}
