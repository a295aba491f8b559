/**
 * delete(m, k): mapdelete and the fast variants (runtime/map.go, map_fast*.go).
 *
 * The slot's tophash becomes emptyOne, or emptyRest when every later slot of
 * the chain is empty, and then emptyRest spreads backwards over emptyOne slots
 * (into previous buckets of the chain, up to the head). Stale bytes stay
 * unless the runtime clears them:
 * - generic: the key only if indirect (pointer nil) or holding pointers
 *   (zeroed); the elem always (pointer nil or zeroed);
 * - fast32/64: the key only if it is a pointer; the elem always;
 * - faststr: only the key's data pointer (its length stays); the elem always.
 * When the map becomes empty the runtime draws a new hash0 (issue 25237).
 * A delete helps a grow in progress even when the key is absent.
 */
import type { ClassicMap } from './map.js';
import { EMPTY_ONE, EMPTY_REST, HASH_WRITING, BUCKET_CNT, bucketOf } from './map.js';
import { growWork } from './grow.js';
import { deleteFrees, freePtr } from './release.js';

export function mapdelete(m: ClassicMap, key: number): boolean {
  if (m.count === 0) return false;
  const hash = m.hash(key);
  const top = m.top;
  m.flags = m.flags ^ HASH_WRITING;
  const bucket = bucketOf(hash, m.B);
  if (m.growing()) growWork(m, bucket);
  const bOrig = m.bucketAt(m.buckets, bucket);
  const variant = m.env.variant;
  let found = false;
  search: for (let b = bOrig; b !== 0; b = m.overflow(b)) {
    const tb = m.topsAt(b);
    for (let i = 0; i < BUCKET_CNT; i++) {
      // Read from the arena each time: clearing a slot below allocates nothing, but stay safe.
      const t = m.mem.arena[tb + i];
      const slot = m.keyAddr(b, i);
      if (variant === 'fast32' || variant === 'fast64') {
        if (t <= EMPTY_ONE || !m.keyEqual(slot, key)) continue;
      } else {
        if (t !== top) {
          if (t === EMPTY_REST) break search;
          continue;
        }
        if (!m.keyEqual(m.derefKey(slot), key)) continue;
      }
      if (deleteFrees(m)) {
        // The pointers clearSlot sets to nil held the only reference to their objects.
        if (m.keyIndirect) freePtr(m, slot);
        if (m.elemIndirect) freePtr(m, m.elemAddr(b, i));
      }
      clearSlot(m, b, i);
      m.setTophash(b, i, EMPTY_ONE);
      const rest = spreadEmptyRest(m, bOrig, b, i);
      m.count = m.count - 1;
      if (m.tracing) m.trace(`delete: bucket ${bucket}${b === bOrig ? '' : ' (overflow)'} slot ${i} → ${rest ? 'emptyRest' : 'emptyOne'}`);
      if (m.count === 0) {
        m.hash0 = m.env.drawSeed();
        m.trace(`map empty: new hash0=0x${m.hash0.toString(16)}`);
      }
      found = true;
      break search;
    }
  }
  if (!found && m.tracing) m.trace(`delete: key not present (bucket ${bucket})`);
  m.flags = m.flags & ~HASH_WRITING;
  return found;
}

export function clearSlot(m: ClassicMap, b: number, i: number): void {
  const k = m.keyAddr(b, i);
  const e = m.elemAddr(b, i);
  const keyHasPointers = m.keyHasPointers;
  switch (m.env.variant) {
    case 'faststr':
      m.mem.setPtr(k, 0);
      break;
    case 'fast32':
    case 'fast64':
      if (keyHasPointers) m.mem.setPtr(k, 0);
      break;
    default:
      if (m.L.key.indirect) m.mem.setPtr(k, 0);
      else if (keyHasPointers) m.mem.zero(k, m.keySize);
  }
  if (m.L.elem.indirect) m.mem.setPtr(e, 0);
  else if (m.elemSize > 0) m.mem.zero(e, m.elemSize);
}

/** Turns the trailing run of empty slots ending at (b, i) into emptyRest; true if (b, i) became emptyRest. */
export function spreadEmptyRest(m: ClassicMap, bOrig: number, b: number, i: number): boolean {
  if (i === BUCKET_CNT - 1) {
    const ovf = m.overflow(b);
    if (ovf !== 0 && m.tophash(ovf, 0) !== EMPTY_REST) return false;
  } else if (m.tophash(b, i + 1) !== EMPTY_REST) {
    return false;
  }
  for (;;) {
    m.setTophash(b, i, EMPTY_REST);
    if (i === 0) {
      if (b === bOrig) break;
      const c = b;
      for (b = bOrig; m.overflow(b) !== c; b = m.overflow(b));
      i = BUCKET_CNT - 1;
    } else {
      i--;
    }
    if (m.tophash(b, i) !== EMPTY_ONE) break;
  }
  return true;
}
