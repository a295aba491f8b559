/**
 * The classic map's operations (runtime/map.go, map_fast32.go,
 * map_fast64.go and map_faststr.go, Go ≤ 1.23; the same code as
 * map_noswiss.go and map_fast64_noswiss.go and its siblings in 1.24–1.25
 * noswissmap) cut into the shared-memory steps the runtime's
 * compiled code makes, over the classic engine's map (src/engine/classic).
 *
 * Each function mirrors its runtime function line by line (the engine's
 * src/engine/classic/assign.ts, src/engine/classic/delete.ts and
 * src/engine/classic/access.ts do the same work without steps). The
 * steps, in source order:
 *   - `h.flags&hashWriting != 0` → fatal: one load;
 *   - `hash := t.Hasher(key, uintptr(h.hash0))`: one load of hash0;
 *   - `h.flags ^= hashWriting`: a load and a store (a plain read-modify-write:
 *     two goroutines can both load 0 and both store hashWriting);
 *   - the bucket's probe: one step per bucket of the chain (its tophash
 *     bytes, keys and overflow pointer, read together);
 *   - the growth check (count, B, noverflow); hashGrow, growWork (evacuate,
 *     advanceEvacuationMark) and newoverflow a step per store, through the
 *     engine's own generators (src/engine/classic/grow.ts and src/engine/classic/overflow.ts);
 *   - the slot's tophash store, one step, and the key's and the elem's
 *     stores one step per store instruction (keystore.ts: a string header
 *     is two words, a generic key memmove's pieces);
 *   - `h.count++`: a load and a store;
 *   - `if h.flags&hashWriting == 0 { fatal }; h.flags &^= hashWriting`: a
 *     load for the check, then a load and a store for the clear (the
 *     compiled code loads the flags twice: checkAndClear below).
 * The elem store is the caller's: the runtime returns the elem's address.
 */
import type { ClassicMap } from '../engine/classic/map.js';
import { isEmpty, EMPTY_ONE, EMPTY_REST, HASH_WRITING, BUCKET_CNT, bucketOf, overLoadFactor, tooManyOverflowBuckets } from '../engine/classic/map.js';
import { growWorkSteps, hashGrowSteps } from '../engine/classic/grow.js';
import { newoverflowSteps } from '../engine/classic/overflow.js';
import { newBucket } from '../engine/classic/make.js';
import { clearSlot, spreadEmptyRest } from '../engine/classic/delete.js';
import type { GoVersion } from '../model/goversion.js';
import { fastKeyPieces, memmovePieces, storeKeySteps, stringHeaderPieces } from './keystore.js';
import { Fatal, withSource, type ElemStore, type OpResult, type SteppedOp, type StepInfo } from './steps.js';
import type { Steps } from '../engine/steps.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The runtime source file that holds the variant's code on this release. */
function sourceFile(go: GoVersion, variant: string): string {
  const noswiss = go.minor >= 24 ? '_noswiss' : '';
  return variant === 'generic' ? `runtime/map${noswiss}.go` : `runtime/map_${variant}${noswiss}.go`;
}

/** Where `fn` (mapassign, mapdelete, mapaccess2) of the map's variant is. */
function where(m: ClassicMap, fn: string): string {
  const v = m.env.variant;
  return `${sourceFile(m.env.go, v)} ${fn}${v === 'generic' ? '' : '_' + v}`;
}

/** The engine's steps of runtime function `fn` (hashGrow, growWork, newoverflow), each a StepInfo citing map.go. */
function runtimeSteps<T>(m: ClassicMap, fn: string, g: Steps<T>): Generator<StepInfo, T, void> {
  const source = `${sourceFile(m.env.go, 'generic')} ${fn}`;
  return withSource(g, () => source);
}

/** m[k] = v, with the key's bytes at `key` and the elem's written by `storeElem`. */
export function* assignSteps(m: ClassicMap, key: number, storeElem: ElemStore): SteppedOp {
  const src = where(m, 'mapassign');
  const step = (text: string): StepInfo => ({ text, source: src });
  const variant = m.env.variant;
  let flags = m.flags;
  if (flags & HASH_WRITING) throw new Fatal('concurrent map writes', src);
  yield step(`load flags ${hex(flags)}: hashWriting clear`);
  const hash = m.hash(key);
  const top = m.top;
  yield step(`hash with hash0 ${hex(m.hash0)}: ${hex(hash)}, tophash ${hex(top)}`);
  flags = m.flags;
  yield step(`load flags ${hex(flags)} (for flags ^= hashWriting)`);
  m.flags = flags ^ HASH_WRITING;
  yield step(`store flags ${hex(flags ^ HASH_WRITING)}`);
  if (m.buckets === 0) {
    m.buckets = newBucket(m, 'bucket (B=0)');
    yield step('buckets == nil: store a new bucket array of 1 bucket');
  }
  for (;;) {
    const bucket = bucketOf(hash, m.B);
    if (m.growing()) yield* runtimeSteps(m, 'growWork', growWorkSteps(m, bucket));
    let b = m.bucketAt(m.buckets, bucket);
    let insertb = 0;
    let inserti = 0;
    let found = -1;
    let seen = 0;
    chain: for (;;) {
      const tops: string[] = [];
      for (let i = 0; i < BUCKET_CNT; i++) {
        const t = m.tophash(b, i);
        tops.push(hex(t));
        if (variant === 'fast32' || variant === 'fast64') {
          if (isEmpty(t)) {
            if (insertb === 0) { insertb = b; inserti = i; }
            if (t === EMPTY_REST) break;
            continue;
          }
          if (!m.keyEqual(m.keyAddr(b, i), key)) continue;
          found = i;
          break;
        }
        if (t !== top) {
          if (isEmpty(t) && insertb === 0) { insertb = b; inserti = i; }
          if (t === EMPTY_REST) break;
          continue;
        }
        if (!m.keyEqual(m.derefKey(m.keyAddr(b, i)), key)) continue;
        found = i;
        break;
      }
      const ovf = found >= 0 || tops.at(-1) === hex(EMPTY_REST) ? 0 : m.overflow(b);
      yield step(`probe bucket ${bucket}${seen ? ` overflow ${seen}` : ''}: tophash ${tops.join(' ')}${found >= 0 ? `: key found in slot ${found}` : ''}`);
      if (found >= 0 || ovf === 0) break chain;
      b = ovf;
      seen++;
    }
    if (found >= 0) {
      const slot = m.keyAddr(b, found);
      if (variant === 'faststr') {
        // k.str = key.str: the data pointer only (the lengths are equal).
        yield* storeKeySteps(m.mem, slot, key, [{ off: 0, len: m.mem.arch.ptrSize }], m.keySize, `in slot ${found} (update: k.str = key.str)`, src);
      } else if (variant === 'generic' && m.L.keyProps.needKeyUpdate) {
        yield* storeKeySteps(m.mem, m.derefKey(slot), key, memmovePieces(m.mem.arch, m.L.key.size), m.L.key.size, `in slot ${found} (needkeyupdate: typedmemmove)`, src);
      }
      return yield* finish(m, src, m.derefElem(m.elemAddr(b, found)), storeElem);
    }
    const count = m.count;
    if (!m.growing() && (overLoadFactor(count + 1, m.B, m.L.loadFactor) || tooManyOverflowBuckets(m.noverflow, m.B))) {
      yield step(`load count ${count}, noverflow ${m.noverflow}: grow`);
      yield* runtimeSteps(m, 'hashGrow', hashGrowSteps(m));
      continue; // goto again
    }
    yield step(`load count ${count}, noverflow ${m.noverflow}: no grow`);
    if (insertb === 0) {
      insertb = yield* runtimeSteps(m, 'newoverflow', newoverflowSteps(m, b));
      inserti = 0;
    }
    const { kslot, eslot } = m.claimSlot(insertb, inserti);
    const size = m.L.key.size;
    if (variant === 'generic') {
      // mapassign: typedmemmove(t.Key, insertk, key), then *inserti = top.
      yield* storeKeySteps(m.mem, kslot, key, memmovePieces(m.mem.arch, size), size, `in slot ${inserti} (typedmemmove)`, src);
      m.setTophash(insertb, inserti, top);
      yield step(`store tophash ${hex(top)} in slot ${inserti}`);
    } else {
      // mapassign_fast*: insertb.tophash[inserti] = tophash(hash), then the key.
      m.setTophash(insertb, inserti, top);
      yield step(`store tophash ${hex(top)} in slot ${inserti}`);
      const pieces = variant === 'faststr' ? stringHeaderPieces(m.mem.arch) : fastKeyPieces(m.mem.arch, size);
      yield* storeKeySteps(m.mem, kslot, key, pieces, size, `in slot ${inserti}`, src);
    }
    const c = m.count;
    yield step(`load count ${c} (for h.count++)`);
    m.count = c + 1;
    yield step(`store count ${c + 1}`);
    return yield* finish(m, src, m.derefElem(eslot), storeElem);
  }
}

/** The end of mapassign (the `done:` label) and the caller's elem store. */
function* finish(m: ClassicMap, src: string, elem: number, storeElem: ElemStore): SteppedOp {
  yield* checkAndClear(m, src);
  yield* storeElem(elem);
  return undefined;
}

/**
 * `if h.flags&hashWriting == 0 { fatal }; h.flags &^= hashWriting`: the
 * compiled code loads h.flags for the check and loads it again for the
 * clear (go1.22 mapassign_fast64 on amd64: MOVZX 0x8(BX) at map_fast64.go:176
 * and again at :179, then MOVB), so a store by another goroutine can fall
 * between the check and the clear.
 */
function* checkAndClear(m: ClassicMap, src: string): Generator<StepInfo, void, void> {
  const step = (text: string): StepInfo => ({ text, source: src });
  const flags = m.flags;
  if ((flags & HASH_WRITING) === 0) throw new Fatal('concurrent map writes', src);
  yield step(`load flags ${hex(flags)}: hashWriting set`);
  const again = m.flags;
  yield step(`load flags ${hex(again)} (for flags &^= hashWriting)`);
  m.flags = again & ~HASH_WRITING;
  yield step(`store flags ${hex(again & ~HASH_WRITING)}`);
}

/** delete(m, k). */
export function* deleteSteps(m: ClassicMap, key: number): SteppedOp {
  const src = where(m, 'mapdelete');
  const step = (text: string): StepInfo => ({ text, source: src });
  const count0 = m.count;
  if (count0 === 0) {
    yield step('load count 0: nothing to delete');
    return undefined;
  }
  yield step(`load count ${count0}`);
  let flags = m.flags;
  if (flags & HASH_WRITING) throw new Fatal('concurrent map writes', src);
  yield step(`load flags ${hex(flags)}: hashWriting clear`);
  const hash = m.hash(key);
  const top = m.top;
  yield step(`hash with hash0 ${hex(m.hash0)}: ${hex(hash)}`);
  flags = m.flags;
  yield step(`load flags ${hex(flags)} (for flags ^= hashWriting)`);
  m.flags = flags ^ HASH_WRITING;
  yield step(`store flags ${hex(flags ^ HASH_WRITING)}`);
  const bucket = bucketOf(hash, m.B);
  if (m.growing()) yield* runtimeSteps(m, 'growWork', growWorkSteps(m, bucket));
  const bOrig = m.bucketAt(m.buckets, bucket);
  const variant = m.env.variant;
  let seen = 0;
  search: for (let b = bOrig; b !== 0; b = m.overflow(b), seen++) {
    let end = false;
    for (let i = 0; i < BUCKET_CNT; i++) {
      const t = m.tophash(b, i);
      const slot = m.keyAddr(b, i);
      if (variant === 'fast32' || variant === 'fast64') {
        if (t <= EMPTY_ONE || !m.keyEqual(slot, key)) continue;
      } else {
        if (t !== top) {
          if (t === EMPTY_REST) { end = true; break; }
          continue;
        }
        if (!m.keyEqual(m.derefKey(slot), key)) continue;
      }
      yield step(`probe bucket ${bucket}${seen ? ` overflow ${seen}` : ''}: key in slot ${i}`);
      clearSlot(m, b, i);
      yield step(`clear slot ${i}'s elem (and key if it holds pointers)`);
      m.setTophash(b, i, EMPTY_ONE);
      yield step(`store tophash emptyOne in slot ${i}`);
      const rest = spreadEmptyRest(m, bOrig, b, i);
      if (rest) yield step('spread emptyRest backwards (one step)');
      const c = m.count;
      yield step(`load count ${c} (for h.count--)`);
      m.count = c - 1;
      yield step(`store count ${c - 1}`);
      if (c - 1 === 0) {
        m.hash0 = m.env.drawSeed();
        yield step(`count 0: store a new hash0 ${hex(m.hash0)}`);
      }
      break search;
    }
    yield step(`probe bucket ${bucket}${seen ? ` overflow ${seen}` : ''}: key absent`);
    if (end) break;
  }
  yield* checkAndClear(m, src);
  return undefined;
}

/** _, ok := m[k] (mapaccess2). */
export function* lookupSteps(m: ClassicMap, key: number): SteppedOp {
  const src = where(m, 'mapaccess2');
  const step = (text: string): StepInfo => ({ text, source: src });
  const count = m.count;
  if (count === 0) {
    yield step('load count 0: not found');
    return { found: false };
  }
  yield step(`load count ${count}`);
  const flags = m.flags;
  if (flags & HASH_WRITING) throw new Fatal('concurrent map read and map write', src);
  yield step(`load flags ${hex(flags)}: hashWriting clear`);
  const hash = m.hash(key);
  const top = m.top;
  // mapaccess2_fast32/64: a one-bucket table (B == 0) is searched without hashing.
  const fast = m.env.variant === 'fast32' || m.env.variant === 'fast64';
  if (!(fast && m.B === 0)) yield step(`hash with hash0 ${hex(m.hash0)}: ${hex(hash)}`);
  let b = m.bucketAt(m.buckets, bucketOf(hash, m.B));
  if (m.growing()) {
    const oldb = m.bucketAt(m.oldbuckets, bucketOf(hash, m.sameSizeGrow() ? m.B : m.B - 1));
    if (!m.evacuated(oldb)) b = oldb;
  }
  let result: OpResult = { found: false };
  let seen = 0;
  search: for (; b !== 0; b = m.overflow(b), seen++) {
    for (let i = 0; i < BUCKET_CNT; i++) {
      const t = m.tophash(b, i);
      if (t !== top) {
        if (t === EMPTY_REST) break search;
        continue;
      }
      if (isEmpty(t)) continue;
      if (m.keyEqual(m.derefKey(m.keyAddr(b, i)), key)) {
        result = { found: true };
        break search;
      }
    }
    if (m.overflow(b) !== 0) yield step(`probe bucket${seen ? ` overflow ${seen}` : ''}: key absent here`);
  }
  yield step(`probe: ${result.found ? 'found' : 'not found'}`);
  return result;
}
