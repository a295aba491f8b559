/**
 * The classic snapshot (docs/json.md, "sim (classic snapshot)"): a map's
 * header and every bucket chain decoded exactly as the bytes are — stale keys
 * and elems of deleted slots included — in the form the real-runtime probe
 * (gosrc/mapsnap) prints, so the two compare as text.
 */
import type { JsonValue } from '../../model/values.js';
import { decodeValue } from '../../model/values.js';
import type { GoType } from '../../model/types.js';
import type { ClassicMap } from './map.js';
import { BUCKET_CNT, bucketShift } from './map.js';
import { metaFields } from '../meta.js';

export interface ClassicBucket {
  tophash: number[];
  keys: JsonValue[];
  elems: JsonValue[];
}

export interface SnapshotHash {
  mode: 'fallback' | 'aes';
  seeds: number[];
  hashkey?: string[];
  aeskeysched?: string;
  /** Seed of the generator standing for incrnoverflow's per-M coin; present once the map counted by it (B ≥ 16). */
  rand?: string;
}

export interface ClassicSnapshot {
  go: string;
  arch: string;
  experiment: string;
  type: string;
  hash: SnapshotHash;
  impl: 'classic';
  header: {
    count: number;
    flags: number;
    B: number;
    noverflow: number;
    hash0: number;
    nevacuate: number;
    clearSeq?: number;
  };
  /** mapextra: index of nextOverflow in the bucket array, lengths of the overflow lists (null: none). */
  extra: { nextOverflow: number | null; overflow: number | null; oldoverflow: number | null } | null;
  buckets: ClassicBucket[][] | null;
  oldbuckets: ClassicBucket[][] | null;
  /**
   * Fields whose value depends on hash.rand rather than on anything a process
   * exposes: "header.noverflow" once the map counted overflow buckets by the
   * coin (B ≥ 16), and everything a same-size grow it started touched.
   * Absent when nothing does.
   */
  randDependent?: string[];
}

function slotValue(m: ClassicMap, t: GoType, slot: number, indirect: boolean): JsonValue {
  if (!indirect) return decodeValue(m.mem, t, slot);
  const p = m.mem.ptr(slot);
  return p === 0 ? null : decodeValue(m.mem, t, p);
}

function bucket(m: ClassicMap, b: number): ClassicBucket {
  const tophash: number[] = [];
  const keys: JsonValue[] = [];
  const elems: JsonValue[] = [];
  for (let i = 0; i < BUCKET_CNT; i++) {
    tophash.push(m.tophash(b, i));
    keys.push(slotValue(m, m.env.keyType, m.keyAddr(b, i), m.L.key.indirect));
    elems.push(slotValue(m, m.env.elemType, m.elemAddr(b, i), m.L.elem.indirect));
  }
  return { tophash, keys, elems };
}

function table(m: ClassicMap, base: number, n: number): ClassicBucket[][] {
  const out: ClassicBucket[][] = [];
  for (let i = 0; i < n; i++) {
    const chain: ClassicBucket[] = [];
    // A chain can hold at most every bucket ever allocated; guard against a cycle all the same.
    for (let b = m.bucketAt(base, i), guard = 0; b !== 0 && guard < 1 << 20; b = m.overflow(b), guard++) chain.push(bucket(m, b));
    out.push(chain);
  }
  return out;
}

export function takeSnapshot(m: ClassicMap, meta: { go: string; arch: string; experiment: string; type: string; hash: SnapshotHash }): ClassicSnapshot {
  const header: ClassicSnapshot['header'] = {
    count: m.count,
    flags: m.flags,
    B: m.B,
    noverflow: m.noverflow,
    hash0: m.hash0,
    nevacuate: m.nevacuate,
  };
  if (m.hasClearSeq) header.clearSeq = Number(m.clearSeq);
  const next = m.nextOverflow;
  const extra = m.extra === 0 ? null : {
    nextOverflow: next === 0 ? null : (next - m.buckets) / m.bucketSize,
    overflow: m.overflowList === null ? null : m.overflowList.length,
    oldoverflow: m.oldOverflowList === null ? null : m.oldOverflowList.length,
  };
  return {
    ...metaFields(meta),
    impl: 'classic',
    header,
    extra,
    buckets: m.buckets === 0 ? null : table(m, m.buckets, bucketShift(m.B)),
    oldbuckets: m.oldbuckets === 0 ? null : table(m, m.oldbuckets, m.noldbuckets()),
    ...randDependent(m),
  };
}

function randDependent(m: ClassicMap): { randDependent?: string[] } {
  if (m.randGrow) return { randDependent: ['header.noverflow', 'header.flags', 'header.nevacuate', 'extra', 'buckets', 'oldbuckets'] };
  if (m.randCounted) return { randDependent: ['header.noverflow'] };
  return {};
}
