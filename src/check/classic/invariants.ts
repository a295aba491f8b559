/**
 * The classic map's invariant catalogue: what runtime/map.go (Go ≤ 1.23, and
 * map_noswiss.go on 1.24–1.25 with GOEXPERIMENT=noswissmap) relies on about an
 * `hmap`, its bucket arrays and overflow chains. docs/check.md ("## classic")
 * has a paragraph and a minimal example for every code; codes are stable.
 *
 * `tearable`: a write running on another goroutine while the memory is read
 * (mapassign writes the key, then the tophash, then count; evacuate marks old
 * slots one at a time; hashGrow rewrites several header fields) can produce
 * the finding in an intact map. Only the shape of an overflow chain (a single
 * word written once per link) cannot be torn that way.
 */
import type { Invariant, Severity } from '../types.js';

function inv(code: string, title: string, severity: Severity, tearable: boolean, needsHash: boolean): Invariant {
  return Object.freeze({ code: `classic/${code}`, impl: 'classic', title, severity, tearable, needsHash });
}

export const C = {
  unreadable: 'classic/unreadable',
  b: 'classic/b',
  buckets: 'classic/buckets',
  count: 'classic/count',
  flags: 'classic/flags',
  writing: 'classic/writing',
  oldbuckets: 'classic/oldbuckets',
  tophash: 'classic/tophash',
  emptyRest: 'classic/empty-rest',
  keyBucket: 'classic/key-bucket',
  keyTophash: 'classic/key-tophash',
  evacuationMark: 'classic/evacuation-mark',
  nevacuate: 'classic/nevacuate',
  evacuationXY: 'classic/evacuation-xy',
  overflowAlign: 'classic/overflow-align',
  overflowCycle: 'classic/overflow-cycle',
  overflowShared: 'classic/overflow-shared',
  duplicate: 'classic/duplicate',
  noverflow: 'classic/noverflow',
  indirectNil: 'classic/indirect-nil',
  extra: 'classic/extra',
  keyComparable: 'classic/key-comparable',
} as const;

export const CLASSIC_INVARIANTS: readonly Invariant[] = Object.freeze([
  inv('unreadable', 'every pointer the map holds leads to readable memory', 'error', true, false),
  inv('b', 'B is small enough that 2^B buckets fit the address space (maxAlloc)', 'error', true, false),
  inv('buckets', 'buckets is non-nil once B > 0 or the map holds entries', 'error', true, false),
  inv('count', 'count equals the number of live slots', 'error', true, false),
  inv('flags', 'flags has only the known bits (iterator, oldIterator, hashWriting, sameSizeGrow)', 'warning', true, false),
  inv('writing', 'hashWriting is clear (set: the map was being written when read)', 'info', true, false),
  inv('oldbuckets', 'oldbuckets is present exactly while growing, consistent with sameSizeGrow and nevacuate', 'error', true, false),
  inv('tophash', 'an old bucket chain is either all evacuation marks or has none', 'error', true, false),
  inv('empty-rest', 'nothing but emptyRest follows an emptyRest in a bucket chain', 'error', true, false),
  inv('key-bucket', 'every live key sits in the bucket its hash selects', 'error', true, true),
  inv('key-tophash', 'every live slot\'s tophash is the one its key\'s hash gives', 'error', true, true),
  inv('evacuation-mark', 'evacuation marks (2, 3, 4) appear only in old buckets', 'error', true, false),
  inv('nevacuate', 'every old bucket below nevacuate is evacuated', 'error', true, false),
  inv('evacuation-xy', 'evacuatedX/evacuatedY marks agree with the key\'s hash (only X in a same-size grow)', 'warning', true, true),
  inv('overflow-align', 'overflow pointers are aligned to the bucket type', 'error', false, false),
  inv('overflow-cycle', 'overflow chains end (no cycle)', 'error', false, false),
  inv('overflow-shared', 'no bucket belongs to two chains', 'error', false, false),
  inv('duplicate', 'no key is live twice', 'error', true, false),
  inv('noverflow', 'noverflow matches the overflow buckets of the current array', 'warning', true, false),
  inv('indirect-nil', 'indirect key and elem pointers of live slots are non-nil', 'error', true, false),
  inv('key-comparable', 'every interface in a live key holds a comparable dynamic type (hashing any other panics before a slot is ' +
    'written)', 'error', true, false),
  inv('extra', 'mapextra agrees with the buckets: overflow lists as long as the chains, nextOverflow in the preallocated ' +
    'tail', 'error', true, false),
]);

export const CLASSIC_BY_CODE: ReadonlyMap<string, Invariant> = new Map(CLASSIC_INVARIANTS.map((i) => [i.code, i]));
