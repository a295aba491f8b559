/**
 * The classic mutation suite (test/check-classic-mutations.test.ts runs it;
 * docs/check.md's examples are its findings): for each invariant, mutations
 * of real-runtime snapshots that break it, each with the hand derivation of
 * why exactly that invariant breaks.
 */
import type { ClassicSnapshotFacts } from '../../src/source/snapshot/classic.js';

export interface Bkt { tophash: number[]; keys: unknown[]; elems: unknown[] }
type Chain = Bkt[];
export interface Snap {
  type: string;
  arch: string;
  header: { count: number; flags: number; B: number; noverflow: number; hash0: number; nevacuate: number };
  extra: { nextOverflow: number | null; overflow: number | null; oldoverflow: number | null } | null;
  buckets: Chain[] | null;
  oldbuckets: Chain[] | null;
}

export interface Mutation {
  /** The invariant broken. */
  code: string;
  name: string;
  /** Preferred snapshots: the first one on which the mutation's precondition holds is used (else any other). */
  fixtures: string[];
  /** Mutates the JSON; false when the precondition does not hold (try the next fixture). */
  json?: (j: Snap) => boolean;
  /** Mutates the rebuilt memory; false when the precondition does not hold. */
  mem?: (f: ClassicSnapshotFacts, j: Snap) => boolean;
  /** The exact set of codes the check must report. */
  expect: string[];
}

const live = (t: number) => t >= 5;
const mark = (t: number) => t >= 2 && t <= 4;
const SAME_SIZE = 8;

/** Offset of a field of a runtime struct in the rebuilt map's layout. */
function off(f: ClassicSnapshotFacts, struct: 'hmap' | 'bucket', name: string): number {
  const fields = struct === 'hmap' ? f.layout.headers.hmap.fields : f.layout.bucket.fields;
  const x = fields.find((y) => y.name === name);
  if (!x) throw new Error(`${struct}.${name}`);
  return x.offset;
}
const ovf = (f: ClassicSnapshotFacts) => off(f, 'bucket', 'overflow');
const chainsOf = (f: ClassicSnapshotFacts, array: 'buckets' | 'oldbuckets') => f.chains.filter((c) => c.array === array);

/** First current-array chain of one bucket whose head has live slots 0..k-1 and emptyRest from k (0 < k < 8). */
function partlyFull(j: Snap): { c: number; k: number } | undefined {
  for (let c = 0; c < (j.buckets?.length ?? 0); c++) {
    const ch = j.buckets![c];
    if (ch.length !== 1) continue;
    const t = ch[0].tophash;
    const k = t.findIndex((x) => x === 0);
    if (k > 1 && t.slice(0, k).every(live) && t.slice(k).every((x) => x === 0)) return { c, k };
  }
  return undefined;
}

/** A doubling grow whose evacuated old buckets kept their keys (evacuate clears them only for pointerful buckets with no old iterator). */
function evacuatedWithKeys(j: Snap): { c: number; s: number } | undefined {
  if (!j.oldbuckets || j.header.count === 0) return undefined;
  for (let c = 0; c < j.oldbuckets.length; c++) {
    const b = j.oldbuckets[c][0];
    if (!mark(b.tophash[0])) continue;
    for (let s = 0; s < 8; s++) {
      if (b.tophash[s] !== 2 && b.tophash[s] !== 3) continue;
      if (JSON.stringify(b.keys) === JSON.stringify(new Array(8).fill(b.keys[0])) && !b.keys[0]) break; // cleared
      return { c, s };
    }
  }
  return undefined;
}

const GROWING = ['int64-mid-grow-27', 'int64-mid-grow-53', 'int64-mid-grow-delete', 'int64-string-mid-grow', 'iterate-string-mid-grow'];
const CHAINS = ['int64-seq-100', 'string-seq-100', 'int64-rand-100', 'int32-seq-100'];

export const MUTATIONS: Mutation[] = [
  {
    // count is hmap.count; the live slots (tophash ≥ 5) of an intact map number exactly count.
    // One more in the header and nothing else changed: only classic/count breaks.
    code: 'classic/count', name: 'count + 1', fixtures: CHAINS, expect: ['classic/count'],
    json: (j) => (j.header.count++, true),
  },
  {
    // 0x10 is none of iterator (1), oldIterator (2), hashWriting (4), sameSizeGrow (8).
    code: 'classic/flags', name: 'flags |= 0x10', fixtures: CHAINS, expect: ['classic/flags'],
    json: (j) => (j.header.flags |= 0x10, true),
  },
  {
    // hashWriting (4) set while nobody writes: the info finding; nothing else reads the bit.
    code: 'classic/writing', name: 'flags |= hashWriting', fixtures: CHAINS, expect: ['classic/writing'],
    json: (j) => (j.header.flags |= 4, true),
  },
  {
    // Not growing (oldbuckets null) but sameSizeGrow set: advanceEvacuationMark and mapclear clear the
    // bit whenever oldbuckets becomes nil. The walk ignores the bit when there are no old buckets.
    code: 'classic/oldbuckets', name: 'sameSizeGrow without old buckets', fixtures: CHAINS, expect: ['classic/oldbuckets'],
    json: (j) => j.oldbuckets === null && (j.header.flags |= SAME_SIZE, true),
  },
  {
    // Not growing: nevacuate is 0 (never grew, or cleared) or the last grow's old bucket count,
    // 2^(B-1) or 2^B. With B = 4 that is 0, 8 or 16; 5 is none of them.
    code: 'classic/oldbuckets', name: 'nevacuate impossible when not growing', fixtures: CHAINS, expect: ['classic/oldbuckets'],
    json: (j) => j.oldbuckets === null && j.header.B === 4 && ((j.header.nevacuate = 5), true),
  },
  {
    // Growing: nevacuate counts old buckets evacuated in order; when it reaches the old bucket count
    // the grow ends and oldbuckets is freed. nevacuate = nold with oldbuckets still set breaks the rule,
    // and every unevacuated old bucket now lies below nevacuate: classic/nevacuate breaks with it.
    code: 'classic/oldbuckets', name: 'nevacuate reaches the old bucket count while growing', fixtures: GROWING,
    expect: ['classic/nevacuate', 'classic/oldbuckets'],
    json: (j) => {
      if (!j.oldbuckets || (j.header.flags & SAME_SIZE) !== 0) return false;
      if (j.oldbuckets.every((c) => mark(c[0].tophash[0]))) return false;
      j.header.nevacuate = j.oldbuckets.length;
      return true;
    },
  },
  {
    // An evacuated old chain (first tophash 2..4) has every slot marked: evacuate writes
    // evacuatedEmpty or evacuatedX/Y into each slot of the chain. Slot 7 set to emptyRest (0)
    // breaks that. The slot is not live (the chain is evacuated), so count does not change.
    code: 'classic/tophash', name: 'unmarked slot in an evacuated old bucket', fixtures: GROWING, expect: ['classic/tophash'],
    json: (j) => {
      const c = j.oldbuckets?.findIndex((ch) => mark(ch[0].tophash[0])) ?? -1;
      if (c < 0) return false;
      j.oldbuckets![c][0].tophash[7] = 0;
      return true;
    },
  },
  {
    // In a current bucket with live slots 0..k-1 and emptyRest from k: slot 0 becomes emptyRest
    // (0) with slots 1..k-1 still live after it — mapdelete only marks emptyRest when everything
    // after is empty. Slot 0 no longer counts, so count - 1 keeps classic/count intact; its key is
    // no longer live, so nothing else changes.
    code: 'classic/empty-rest', name: 'emptyRest before live slots', fixtures: CHAINS, expect: ['classic/empty-rest'],
    json: (j) => {
      const p = partlyFull(j);
      if (!p) return false;
      j.buckets![p.c][0].tophash[0] = 0;
      j.header.count--;
      return true;
    },
  },
  {
    // Two live slots of different buckets a ≠ b swap tophash, key and elem: each key's hash still
    // gives its tophash (moved along), but hash & (2^B - 1) selects a while the key now sits in b.
    // Same keys, same count: only classic/key-bucket (twice).
    code: 'classic/key-bucket', name: 'swap two keys between buckets', fixtures: CHAINS, expect: ['classic/key-bucket'],
    json: (j) => {
      const bs = j.buckets!;
      const a = bs.findIndex((c) => live(c[0].tophash[0]));
      const b = bs.findIndex((c, i) => i !== a && live(c[0].tophash[0]));
      if (a < 0 || b < 0) return false;
      const x = bs[a][0], y = bs[b][0];
      [x.tophash[0], y.tophash[0]] = [y.tophash[0], x.tophash[0]];
      [x.keys[0], y.keys[0]] = [y.keys[0], x.keys[0]];
      [x.elems[0], y.elems[0]] = [y.elems[0], x.elems[0]];
      return true;
    },
  },
  {
    // A live slot's tophash t XOR 0x40 is another value ≥ 5 (still a live slot, so count holds)
    // but tophash(hash) is t: classic/key-tophash. Bucket and key unchanged.
    code: 'classic/key-tophash', name: 'flip a tophash bit', fixtures: CHAINS, expect: ['classic/key-tophash'],
    json: (j) => {
      for (const c of j.buckets!) {
        for (let s = 0; s < 8; s++) {
          const t = c[0].tophash[s];
          if (live(t) && live(t ^ 0x40)) {
            c[0].tophash[s] = t ^ 0x40;
            return true;
          }
        }
      }
      return false;
    },
  },
  {
    // The last live slot k-1 of a current bucket marked evacuatedX (2): only old buckets are ever
    // evacuated. The slot is no longer live: count - 1. Slots after it are emptyRest, so the
    // emptyRest rule holds.
    code: 'classic/evacuation-mark', name: 'evacuatedX in the current array', fixtures: CHAINS, expect: ['classic/evacuation-mark'],
    json: (j) => {
      const p = partlyFull(j);
      if (!p) return false;
      j.buckets![p.c][0].tophash[p.k - 1] = 2;
      j.header.count--;
      return true;
    },
  },
  {
    // Growing, u the first unevacuated old bucket at or above nevacuate, u + 1 < nold: nevacuate
    // = u + 1 puts u below nevacuate, which advanceEvacuationMark never does while u is not
    // evacuated. nevacuate < nold, so the grow state itself stays consistent.
    code: 'classic/nevacuate', name: 'nevacuate past an unevacuated old bucket', fixtures: GROWING, expect: ['classic/nevacuate'],
    json: (j) => {
      if (!j.oldbuckets) return false;
      const u = j.oldbuckets.findIndex((c, i) => i >= j.header.nevacuate && !mark(c[0].tophash[0]));
      if (u < 0 || u + 1 >= j.oldbuckets.length) return false;
      j.header.nevacuate = u + 1;
      return true;
    },
  },
  {
    // Doubling grow, an evacuated slot whose stale key evacuate kept: its mark is evacuatedX + the
    // hash's newbit. Flipping 2 ↔ 3 contradicts the hash; the slot stays a mark, nothing is live.
    code: 'classic/evacuation-xy', name: 'flip X/Y of an evacuated slot', fixtures: GROWING, expect: ['classic/evacuation-xy'],
    json: (j) => {
      if ((j.header.flags & SAME_SIZE) !== 0) return false;
      const p = evacuatedWithKeys(j);
      if (!p) return false;
      const b = j.oldbuckets![p.c][0];
      b.tophash[p.s] ^= 1; // 2 ↔ 3
      return true;
    },
  },
  {
    // Same-size grow: evacuate computes no Y destination and marks every moved slot evacuatedX.
    // An evacuatedY (3) there is wrong whatever the hash.
    code: 'classic/evacuation-xy', name: 'evacuatedY in a same-size grow', fixtures: ['int64-same-size-grow', 'string-same-size-grow'], expect: ['classic/evacuation-xy'],
    json: (j) => {
      if (!j.oldbuckets || (j.header.flags & SAME_SIZE) === 0) return false;
      for (const c of j.oldbuckets) {
        const s = c[0].tophash.indexOf(2);
        if (mark(c[0].tophash[0]) && s >= 0) {
          c[0].tophash[s] = 3;
          return true;
        }
      }
      return false;
    },
  },
  {
    // Keys over 128 bytes sit behind a pointer; mapdelete nils it, so a live slot (tophash ≥ 5)
    // with a nil key pointer is corrupt (mapaccess would dereference nil). The key cannot be read,
    // so no hash or duplicate check runs on it; count is unchanged.
    code: 'classic/indirect-nil', name: 'nil key pointer in a live slot', fixtures: ['big-key-indirect'], expect: ['classic/indirect-nil'],
    json: (j) => {
      const c = j.buckets!.find((ch) => live(ch[0].tophash[0]));
      if (!c) return false;
      c[0].keys[0] = null;
      return true;
    },
  },
  {
    // The same for an elem over 128 bytes.
    code: 'classic/indirect-nil', name: 'nil elem pointer in a live slot', fixtures: ['big-elem-indirect'], expect: ['classic/indirect-nil'],
    json: (j) => {
      const c = j.buckets!.find((ch) => live(ch[0].tophash[0]));
      if (!c) return false;
      c[0].elems[0] = null;
      return true;
    },
  },
  {
    // Slot 0's tophash, key and elem copied into the first emptyRest slot k of the same bucket:
    // same bucket and tophash, so placement holds; slot k now follows live slots and precedes
    // emptyRest ones; count + 1 counts it. The key is live twice: classic/duplicate.
    code: 'classic/duplicate', name: 'a key live twice in one bucket', fixtures: CHAINS, expect: ['classic/duplicate'],
    json: (j) => {
      const p = partlyFull(j);
      if (!p) return false;
      const b = j.buckets![p.c][0];
      b.tophash[p.k] = b.tophash[0];
      b.keys[p.k] = b.keys[0];
      b.elems[p.k] = b.elems[0];
      j.header.count++;
      return true;
    },
  },
  {
    // Pointer-free buckets: newoverflow appends every overflow bucket it makes to mapextra.overflow
    // (the GC does not scan their overflow words), and the current chains never drop one, so the
    // list is as long as the chains' overflow buckets. One more recorded than the chains hold.
    code: 'classic/extra', name: 'overflow list longer than the chains', fixtures: ['int64-seq-100', 'int64-mid-grow-53'], expect: ['classic/extra'],
    json: (j) => j.extra !== null && j.extra.overflow !== null && (j.extra.overflow++, true),
  },
  {
    // Buckets with pointers (string keys): the runtime never makes an overflow list (createOverflow
    // is only called when t.Bucket.PtrBytes == 0). A list of 2 recorded anyway.
    code: 'classic/extra', name: 'overflow list for a pointerful bucket type', fixtures: ['string-seq-100', 'string-seq-1000'], expect: ['classic/extra'],
    json: (j) => j.extra !== null && j.extra.overflow === null && ((j.extra.overflow = 2), true),
  },
  {
    // mapextra.nextOverflow pointed at bucket 0 of the array: preallocated overflow buckets lie past
    // the 2^B buckets (makeBucketArray), so newoverflow would hand out a bucket that heads a chain.
    code: 'classic/extra', name: 'nextOverflow inside the 2^B buckets', fixtures: ['empty-hint', 'int64-mid-grow-53'], expect: ['classic/extra'],
    mem: (f, j) => {
      if (j.extra?.nextOverflow == null) return false;
      const next = f.layout.headers.mapextra.fields.find((x) => x.name === 'nextOverflow')!.offset;
      f.mem.setPtr(f.mem.ptr(f.hmap + off(f, 'hmap', 'extra')) + next, f.buckets);
      return true;
    },
  },
  {
    // The last preallocated bucket's overflow word holds the array's address until newoverflow hands
    // it out (it then resets it and nextOverflow becomes nil); nextOverflow set means it is still
    // there. Cleared, newoverflow would keep bumping past the end of the array.
    code: 'classic/extra', name: 'preallocated sentinel lost', fixtures: ['empty-hint', 'int64-mid-grow-53'], expect: ['classic/extra'],
    mem: (f, j) => {
      if (j.extra?.nextOverflow == null) return false;
      const size = f.layout.bucket.size;
      const arr = f.mem.allocations().find((a) => a.addr === f.buckets)!;
      f.mem.setPtr(f.buckets + (arr.size / size - 1) * size + ovf(f), 0);
      return true;
    },
  },
  {
    // B < 16: incrnoverflow counts every overflow bucket made since the last grow, and the current
    // array's chains never drop one, so noverflow equals the overflow buckets in its chains.
    code: 'classic/noverflow', name: 'noverflow + 1', fixtures: CHAINS, expect: ['classic/noverflow'],
    json: (j) => j.header.B < 16 && (j.header.noverflow++, true),
  },
  {
    // makemap allocates the bucket array whenever B ≠ 0 (only a B = 0 map defers it to the first
    // insert). empty-hint was made with a hint (B > 0) and holds nothing: buckets nil (and so no
    // preallocated overflow bucket) breaks only classic/buckets — count is 0 and no slot is walked.
    code: 'classic/buckets', name: 'nil buckets with B > 0', fixtures: ['empty-hint'], expect: ['classic/buckets'],
    json: (j) => {
      if (j.header.B === 0 || j.header.count !== 0) return false;
      j.buckets = null;
      if (j.extra) j.extra.nextOverflow = null;
      return true;
    },
  },
  {
    // A live string key whose data pointer leads to address 16, in no allocation: strhash and ==
    // read the bytes, which cannot be read. Nothing else about the slot changes.
    code: 'classic/unreadable', name: 'string key data unreadable', fixtures: ['string-seq-100'], expect: ['classic/unreadable'],
    json: (j) => {
      const c = j.buckets!.find((ch) => live(ch[0].tophash[0]));
      if (!c) return false;
      c[0].keys[0] = { stringPtr: 16, len: 5 };
      return true;
    },
  },
  {
    // The first overflow word of a chain with an overflow bucket set to 0x1000, below every
    // allocation of the rebuilt memory (0xc000000000 on 64-bit, 0x08000000 on 32-bit) and aligned:
    // the bucket cannot be read. The chain is cut, so count and noverflow are left unchecked.
    code: 'classic/unreadable', name: 'overflow pointer to unmapped memory', fixtures: CHAINS, expect: ['classic/unreadable'],
    mem: (f) => {
      const c = chainsOf(f, 'buckets').find((x) => x.addrs.length >= 2);
      if (!c) return false;
      f.mem.setPtr(c.addrs[0] + ovf(f), 0x1000);
      return true;
    },
  },
  {
    // hmap.buckets pointing at unmapped memory: every bucket of the array is unreadable.
    code: 'classic/unreadable', name: 'buckets pointer to unmapped memory', fixtures: CHAINS, expect: ['classic/unreadable'],
    mem: (f) => (f.mem.setPtr(f.hmap + off(f, 'hmap', 'buckets'), 0x1000), true),
  },
  {
    // B = 60: 2^60 buckets of ≥ 80 bytes exceed maxAlloc (2^48 on 64-bit targets, 2^32 - 1 on
    // 32-bit ones); makemap can never produce it. The walk and the grow-state rules depend on B
    // and are skipped (listed as unchecked), so only classic/b is reported.
    code: 'classic/b', name: 'B = 60', fixtures: CHAINS, expect: ['classic/b'],
    mem: (f) => (f.mem.setU8(f.hmap + off(f, 'hmap', 'B'), 60), true),
  },
  {
    // An overflow pointer one byte past an overflow bucket: buckets are aligned to at least 4
    // (their overflow word is a pointer), so an odd address is never a bucket. The chain is cut.
    code: 'classic/overflow-align', name: 'misaligned overflow pointer', fixtures: CHAINS, expect: ['classic/overflow-align'],
    mem: (f) => {
      const c = chainsOf(f, 'buckets').find((x) => x.addrs.length >= 2);
      if (!c) return false;
      f.mem.setPtr(c.addrs[0] + ovf(f), c.addrs[1] + 1);
      return true;
    },
  },
  {
    // The last bucket of a two-bucket chain linked back to the chain's head: the chain never ends.
    code: 'classic/overflow-cycle', name: 'overflow chain looped to its head', fixtures: CHAINS, expect: ['classic/overflow-cycle'],
    mem: (f) => {
      const c = chainsOf(f, 'buckets').find((x) => x.addrs.length >= 2);
      if (!c) return false;
      f.mem.setPtr(c.addrs[c.addrs.length - 1] + ovf(f), c.addrs[0]);
      return true;
    },
  },
  {
    // Chain y (a single bucket, after chain x in the array) linked to x's overflow bucket: the walk
    // visits x first, then finds y leading into a bucket x already holds. Cut there.
    code: 'classic/overflow-shared', name: 'two chains share an overflow bucket', fixtures: CHAINS, expect: ['classic/overflow-shared'],
    mem: (f) => {
      const cs = chainsOf(f, 'buckets');
      const x = cs.findIndex((c) => c.addrs.length >= 2);
      const y = cs.findIndex((c, i) => i > x && c.addrs.length === 1);
      if (x < 0 || y < 0) return false;
      f.mem.setPtr(cs[y].addrs[0] + ovf(f), cs[x].addrs[1]);
      return true;
    },
  },
  {
    // A chain's last bucket linked to another bucket of the array itself (bucket 0's head): array
    // buckets head their own chains and are never anyone's overflow.
    code: 'classic/overflow-shared', name: 'overflow pointer into the bucket array', fixtures: CHAINS, expect: ['classic/overflow-shared'],
    mem: (f) => {
      const cs = chainsOf(f, 'buckets');
      const y = cs.findIndex((c, i) => i > 0 && c.addrs.length === 1);
      if (y < 0) return false;
      f.mem.setPtr(cs[y].addrs[0] + ovf(f), cs[0].addrs[0]);
      return true;
    },
  },
];

