/**
 * The map's memory decoded as it is (docs/json.md "sim (Swiss snapshot)"):
 * the header, the small group or the directory and every distinct table with
 * all its groups, each slot's control byte, key and elem, empty and deleted
 * slots included (their stale bytes are part of the runtime's state).
 */
import { decodeValue, type JsonValue } from '../../model/values.js';
import type { SwissMap } from './map.js';
import type { Group } from './group.js';
import { SLOTS } from './ctrl.js';
import { directoryAt } from './directory.js';
import { smallGroup } from './small.js';
import { metaFields } from '../meta.js';

export interface SwissGroupSnapshot {
  ctrl: number[];
  keys: JsonValue[];
  elems: JsonValue[];
}

export interface SwissTableSnapshot {
  used: number;
  capacity: number;
  growthLeft: number;
  localDepth: number;
  index: number;
  groups: SwissGroupSnapshot[];
}

/** The hash inputs, as the classic snapshot's `hash` (seeds are uintptr: numbers, or decimal strings above 2^53). */
export interface SwissSnapshotHash {
  mode: 'fallback' | 'aes';
  /** Every seed the map had, in order: at make, then each re-seed (emptied by delete, clear). */
  seeds: (number | string)[];
  /** runtime.hashkey as decimal strings (fallback hash). */
  hashkey?: string[];
  /** runtime.aeskeysched as hex (AES hash). */
  aeskeysched?: string;
}

/** What the snapshot was taken on: enough to check or replay it alone. */
export interface SwissSnapshotMeta {
  go: string;
  arch: string;
  experiment: string;
  type: string;
  hash: SwissSnapshotHash;
}

export interface SwissSnapshot {
  go: string;
  arch: string;
  experiment: string;
  type: string;
  hash: SwissSnapshotHash;
  impl: 'swiss';
  header: { used: number; seed: number | string; dirLen: number; globalDepth: number; globalShift: number };
  small: SwissGroupSnapshot | null;
  directory: number[];
  tables: SwissTableSnapshot[];
}

export function uintJson(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function groupSnapshot(m: SwissMap, g: Group): SwissGroupSnapshot {
  const cx = m.cx;
  const val = (slot: number, indirect: boolean, t: typeof cx.key, at: (i: number) => number) => {
    if (indirect) {
      const p = cx.mem.ptr(slot);
      return p === 0 ? null : decodeValue(cx.mem, t, p);
    }
    return decodeValue(cx.mem, t, at(0));
  };
  const keys: JsonValue[] = [];
  const elems: JsonValue[] = [];
  for (let i = 0; i < SLOTS; i++) {
    keys.push(val(g.keySlot(i), cx.keyIndirect, cx.key, () => g.keySlot(i)));
    elems.push(val(g.elemSlot(i), cx.elemIndirect, cx.elem, () => g.elemSlot(i)));
  }
  return { ctrl: g.ctrl.all(), keys, elems };
}

export function snapshotOf(m: SwissMap, meta: SwissSnapshotMeta): SwissSnapshot {
  const tables = m.tables();
  const directory: number[] = [];
  for (let i = 0; i < m.dirLen; i++) {
    const a = directoryAt(m, i).addr;
    directory.push(tables.findIndex((t) => t.addr === a));
  }
  return {
    ...metaFields(meta),
    impl: 'swiss',
    header: {
      used: m.used,
      seed: uintJson(m.seed),
      dirLen: m.dirLen,
      globalDepth: m.globalDepth,
      globalShift: m.globalShift,
    },
    small: m.dirLen === 0 && m.dirPtr !== 0 ? groupSnapshot(m, smallGroup(m)) : null,
    directory,
    tables: tables.map((t) => ({
      used: t.used,
      capacity: t.capacity,
      growthLeft: t.growthLeft,
      localDepth: t.localDepth,
      index: t.index,
      groups: Array.from({ length: t.lengthMask + 1 }, (_, i) => groupSnapshot(m, t.group(i))),
    })),
  };
}
