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
import { hex } from '../../base/hex.js';
import { EMPTY_REST, EVACUATED_X } from '../../model/runtime/index.js';
import { byteHex as tb, findingText as t, type FindingText, type Invariant, type Severity } from '../types.js';

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

type Array = 'buckets' | 'oldbuckets';
const flagsHex = (flags: number) => `0x${flags.toString(16)}`;

/**
 * What each finding says: one template per situation the checker
 * (check.ts) tells apart, grouped by the part of the map it reads.
 */
export const CLASSIC_FINDINGS = {
  // The hmap header.
  headerUnreadable: (size: number, addr: bigint, err: string): FindingText =>
    t(C.unreadable, `${size} readable bytes of hmap`, 'unreadable', `the map header at ${hex(addr)} cannot be read: ${err}`),
  unknownFlags: (flags: number, known: number): FindingText =>
    t(C.flags, `bits of ${flagsHex(known)} only`, flagsHex(flags), `flags has unknown bits ${flagsHex(flags & ~known)}`),
  writing: (flags: number): FindingText =>
    t(C.writing, 'hashWriting clear', flagsHex(flags), 'hashWriting is set: a goroutine was writing the map when it was read'),
  bTooLarge: (B: number, maxB: number, bucketSize: number, arch: string): FindingText =>
    t(C.b, `≤ ${maxB}`, String(B), `B=${B}: 2^${B} buckets of ${bucketSize} bytes exceed maxAlloc on ${arch}`),
  countNegative: (count: bigint): FindingText => t(C.count, '≥ 0', String(count), `count is negative (${count})`),
  bucketsNil: (B: number, count: bigint): FindingText =>
    t(C.buckets, 'non-nil', 'nil', `buckets is nil but B=${B} and count=${count} (only an empty B=0 map defers its first bucket)`),
  extraUnreadable: (extra: bigint, err: string): FindingText =>
    t(C.unreadable, 'readable mapextra', hex(extra), `extra points to unreadable memory: ${err}`),

  // Growth state (hashGrow, advanceEvacuationMark).
  growingAtB0: (): FindingText => t(C.oldbuckets, 'B ≥ 1 while growing', 'B=0',
    'oldbuckets is set but B=0 and sameSizeGrow is clear: a doubling grow always leaves B ≥ 1'),
  growthOver: (nevacuate: bigint, nold: number): FindingText => t(C.oldbuckets, `nevacuate < ${nold} while growing`,
    `nevacuate=${nevacuate}`,
    `oldbuckets is set but nevacuate=${nevacuate} has reached the old bucket count ${nold}: growth should have ended`),
  growingNoBuckets: (): FindingText =>
    t(C.oldbuckets, 'buckets non-nil while growing', 'buckets nil', 'oldbuckets is set but buckets is nil'),
  sameSizeNotGrowing: (flags: number): FindingText => t(C.oldbuckets, 'sameSizeGrow clear when not growing', `flags=${flagsHex(flags)}`,
    'sameSizeGrow is set but oldbuckets is nil (advanceEvacuationMark and mapclear clear it when growth ends)'),
  nevacuateIdle: (allowed: bigint[], nevacuate: bigint): FindingText => t(C.oldbuckets,
    `one of ${[...new Set(allowed)].sort((a, b) => Number(a - b)).join(', ')} when not growing`, String(nevacuate),
    `nevacuate=${nevacuate} but no grow is under way: it is 0 or the last grow's old bucket count`),

  // The bucket arrays and their totals.
  arrayUnreadable: (array: Array, base: bigint, n: number, bytes: bigint, err: string): FindingText =>
    t(C.unreadable, `${bytes} readable bytes (2^${Math.log2(n)} buckets)`, hex(base), `the ${array} array is not readable: ${err}`),
  countMismatch: (live: number, count: bigint): FindingText =>
    t(C.count, String(live), String(count), `count is ${count} but ${live} slots are live`),
  noverflowExact: (n: number, noverflow: number): FindingText => t(C.noverflow, String(n % 65536), String(noverflow),
    `noverflow=${noverflow} but the current array's chains hold ${n} overflow buckets`),
  noverflowOver: (n: number, noverflow: number): FindingText => t(C.noverflow, `≤ ${n}`, String(noverflow),
    `noverflow=${noverflow} exceeds the ${n} overflow buckets of the current array (at B ≥ 16 it counts a random fraction of them)`),

  // mapextra.
  overflowListUnreadable: (field: string, p: bigint, err: string): FindingText =>
    t(C.unreadable, 'a readable slice header', hex(p), `mapextra.${field} points to unreadable memory: ${err}`),
  overflowListPointerful: (field: string, len: bigint): FindingText =>
    t(C.extra, 'nil (pointerful buckets keep no overflow list)', `a list of ${len}`,
      `mapextra.${field} is set but the bucket type holds pointers: the runtime only lists overflow buckets of pointer-free bucket types`),
  overflowListIdle: (field: string, len: bigint): FindingText => t(C.extra, 'nil when not growing', `a list of ${len}`,
    `mapextra.${field} is set but the map is not growing (advanceEvacuationMark drops it when the grow ends)`),
  overflowListLength: (field: string, chains: number, len: bigint): FindingText => t(C.extra, String(chains), String(len),
    `mapextra.${field} lists ${len} overflow buckets but the ${field === 'overflow' ? 'current' : 'old'} chains hold ${chains}` +
      `${len < BigInt(chains) ? ': the GC does not see the rest' : ''}`),
  nextOverflowNoArray: (next: bigint): FindingText =>
    t(C.extra, 'nil without buckets', hex(next), 'mapextra.nextOverflow is set but the map has no bucket array'),
  /** `index`: the bucket index nextOverflow points at, undefined when it is not a bucket boundary of the array. */
  nextOverflowOutside: (n: number, total: number, index: bigint | undefined): FindingText =>
    t(C.extra, `a preallocated overflow bucket (index ${n}..${total - 1} of the array)`,
      index === undefined ? 'outside the array' : `index ${index}`,
      'mapextra.nextOverflow is not one of the array\'s preallocated overflow buckets: newoverflow would hand out memory it does not own'),
  sentinelLost: (sentinel: bigint): FindingText =>
    t(C.extra, 'the array\'s address (the sentinel)', sentinel === 0n ? 'nil' : 'another address',
      'the last preallocated overflow bucket lost its sentinel: newoverflow would run past the end of the array'),
  arrayEndUnreadable: (last: bigint, err: string): FindingText =>
    t(C.unreadable, 'a readable bucket', hex(last), `the end of the bucket array cannot be read: ${err}`),

  // A bucket chain.
  bucketUnreadable: (array: Array, overflow: number, addr: bigint, err: string): FindingText =>
    t(C.unreadable, 'readable bucket', hex(addr),
      `${overflow === 0 ? `the ${array} array` : 'the overflow pointer'} leads to unreadable memory: ${err}`),
  notEvacuated: (bucket: number, nevacuate: bigint, top0: number): FindingText =>
    t(C.nevacuate, 'evacuated (tophash[0] in 0x02..0x04)', `tophash[0]=${tb(top0)}`,
      `old bucket ${bucket} is below nevacuate=${nevacuate} but not evacuated`),
  notAMark: (top: number, top0: number): FindingText => t(C.tophash, 'an evacuation mark (0x02, 0x03 or 0x04)', tb(top),
    `tophash ${tb(top)} in an evacuated chain (its first tophash is ${tb(top0)})`),
  afterEmptyRest: (top: number): FindingText =>
    t(C.emptyRest, `emptyRest (${tb(EMPTY_REST)})`, tb(top), `tophash ${tb(top)} after an emptyRest earlier in the chain`),
  markUnevacuated: (top: number, top0: number): FindingText => t(C.tophash, 'no evacuation mark in an unevacuated chain', tb(top),
    `evacuation mark ${tb(top)} in an old chain that is not evacuated (its first tophash is ${tb(top0)})`),
  markInCurrent: (top: number): FindingText => t(C.evacuationMark, 'emptyRest, emptyOne or a tophash ≥ 0x05', tb(top),
    `evacuation mark ${tb(top)} in the current bucket array (only old buckets are evacuated)`),
  overflowMisaligned: (align: number, next: bigint): FindingText => t(C.overflowAlign, `a multiple of ${align}`, hex(next),
    `the overflow pointer is not aligned to the bucket type (off by ${next % BigInt(align)})`),
  overflowLoop: (): FindingText =>
    t(C.overflowCycle, 'a chain that ends', 'a loop', 'the overflow pointer leads back into the same chain'),
  overflowShared: (whose: string): FindingText => t(C.overflowShared, 'a bucket no other chain holds', whose,
    `the overflow pointer leads into ${whose}, which belongs to another chain`),
  chainTooLong: (max: number): FindingText =>
    t(C.overflowCycle, `a chain of fewer than ${max} buckets`, `${max} or more`, 'the chain does not end within the limit'),

  // A slot: its key and elem.
  keyNil: (): FindingText => t(C.indirectNil, 'a non-nil key pointer', 'nil', 'the key is stored indirectly and its pointer is nil'),
  keyPointerUnreadable: (p: bigint, err: string): FindingText =>
    t(C.unreadable, 'a readable key', hex(p), `the key pointer leads to unreadable memory: ${err}`),
  elemNil: (): FindingText =>
    t(C.indirectNil, 'a non-nil elem pointer', 'nil', 'the elem is stored indirectly and its pointer is nil'),
  elemPointerUnreadable: (p: bigint, err: string): FindingText =>
    t(C.unreadable, 'a readable elem', hex(p), `the elem pointer leads to unreadable memory: ${err}`),
  keyUncomparable: (typeName: string, message: string): FindingText =>
    t(C.keyComparable, 'a key of a comparable dynamic type', typeName, message),
  keyUnreadable: (what: string, err: string): FindingText => t(C.unreadable, 'a readable key', 'unreadable', `${what}: ${err}`),
  duplicate: (first: string): FindingText =>
    t(C.duplicate, 'each key live once', `also live at ${first}`, `the key is live here and at ${first}`),
  /** `arr`: "bucket" or "oldbucket". */
  keyBucket: (arr: string, want: number, nbuckets: number, bucket: number): FindingText =>
    t(C.keyBucket, `${arr} ${want}`, `${arr} ${bucket}`,
      `the key's hash selects ${arr} ${want} (mask ${nbuckets - 1}) but it sits in ${arr} ${bucket}`),
  keyOldUnevacuated: (ob: number, nold: number, bucket: number): FindingText =>
    t(C.keyBucket, `oldbucket ${ob}`, `bucket ${bucket}`,
      `the key's old bucket ${ob} (mask ${nold - 1}) is not yet evacuated, so lookups look there, but it sits in bucket ${bucket}`),
  keyTophash: (want: number, top: number): FindingText =>
    t(C.keyTophash, tb(want), tb(top), `tophash ${tb(top)} but the key's hash gives ${tb(want)}`),
  yInSameSize: (top: number): FindingText => t(C.evacuationXY, 'evacuatedX (0x02) in a same-size grow', tb(top),
    'evacuatedY in a same-size grow, which only evacuates to X'),
  xyMismatch: (want: number, y: boolean, top: number, nold: number): FindingText =>
    t(C.evacuationXY, `${tb(want)} (${y ? 'Y' : 'X'})`, tb(top),
      `marked ${top === EVACUATED_X ? 'X' : 'Y'} but the key's hash has newbit ${nold} ${y ? 'set' : 'clear'}`),
} as const;
