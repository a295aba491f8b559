/**
 * swissEntries: the addresses of a map's live keys and elems (indirect ones
 * dereferenced), for the global walker to follow typed pointers into map
 * contents. Tolerant of corrupt memory: it stops at the first thing it
 * cannot read and never throws; every loop is bounded.
 */
import { SLOTS, ctrlFull, MAX_TABLE_CAPACITY } from '../../model/runtime/index.js';
import { slotGeometry } from '../../layout/geometry.js';
import type { SwissLayout } from '../../layout/index.js';
import { LIMITS, type MapSource } from '../types.js';
import { collectEntries, type Entry } from '../entries.js';
import { Fields, directoryEntriesToRead, readMapHeader, readTableHeader } from './read.js';

export function swissEntries(src: MapSource, limit: number): Entry[] {
  return collectEntries(src, limit, { swiss: walk });
}

function walk(src: MapSource, L: SwissLayout, limit: number, out: { key: bigint; elem: bigint }[]): void {
  const r = src.reader;
  const p = r.arch.ptrSize;
  const geo = slotGeometry(L);
  const gs = L.group.size;
  const h = readMapHeader(r, L, src.addr);
  if (h.used === 0n || h.dirPtr === 0n || h.dirLen < 0n) return;
  const group = (b: Uint8Array, off: number, base: bigint): boolean => {
    const f = new Fields(b, r.arch.bigEndian);
    for (let i = 0; i < SLOTS; i++) {
      if (out.length >= limit) return false;
      if (!ctrlFull(b[off + L.group.ctrlByteOfSlot[i]])) continue;
      const ko = off + geo.keysOff + i * geo.keyStride;
      const eo = off + geo.elemsOff + i * geo.elemStride;
      const key = L.key.indirect ? f.uint(ko, p) : base + BigInt(ko);
      const elem = L.elem.indirect ? f.uint(eo, p) : base + BigInt(eo);
      if (key === 0n || elem === 0n) continue;
      out.push({ key, elem });
    }
    return true;
  };
  if (h.dirLen === 0n) {
    group(r.read(h.dirPtr, gs), 0, h.dirPtr);
    return;
  }
  const n = directoryEntriesToRead(h);
  if (n > LIMITS.maxGroups) return;
  const dir = new Fields(r.read(h.dirPtr, n * p), r.arch.bigEndian);
  const seen = new Set<bigint>();
  let groups = 0;
  for (let i = 0; i < n; i++) {
    const t = dir.uint(i * p, p);
    if (t === 0n || seen.has(t)) continue;
    seen.add(t);
    const th = readTableHeader(r, L, t);
    if (th.lengthMask >= BigInt(MAX_TABLE_CAPACITY / SLOTS)) return;
    const ng = Number(th.lengthMask) + 1;
    groups += ng;
    if (groups > LIMITS.maxGroups) return;
    const b = r.read(th.data, ng * gs);
    for (let g = 0; g < ng; g++) if (!group(b, g * gs, th.data)) return;
  }
}
