/**
 * Iteration order (maps/table.go Iter.Init / Iter.Next), for a map that is
 * not written during the loop.
 *
 * Init draws two random uint64s, entryOffset and dirOffset; with the map's
 * state they fix the order:
 * - a small map visits slot (i + entryOffset) % 8 for i = 0..7;
 * - a map with tables starts at directory entry dirOffset & (dirLen-1),
 *   pulled back to the first entry of that entry's table, and visits each
 *   table once, in directory order, wrapping around; inside a table of
 *   capacity c it visits slot positions (i + entryOffset) & (c-1) for
 *   i = 0..c-1 (group = position / 8, slot = position % 8), skipping
 *   empty and deleted slots. Every table uses the same entryOffset.
 * (Growth during iteration, which makes the iterator look keys up in the
 * new tables, is not modelled.)
 */
import { decodeValue, type JsonValue } from '../../model/values.js';
import type { SwissMap } from './map.js';
import { smallGroup } from './small.js';
import { directoryAt } from './directory.js';

/** The keys of one range over the map, in the runtime's order, for the iterator's random start. */
export function iterationOrder(m: SwissMap, entryOffset: bigint, dirOffset: bigint): JsonValue[] {
  const out: JsonValue[] = [];
  forEachInOrder(m, entryOffset, dirOffset, (k) => out.push(decodeValue(m.cx.mem, m.cx.key, k)));
  return out;
}

/** Visits the full slots (key and elem addresses) in iteration order. */
export function forEachInOrder(m: SwissMap, entryOffset: bigint, dirOffset: bigint, visit: (key: number, elem: number) => void): void {
  if (m.used === 0) return;
  if (m.dirLen === 0) {
    const g = smallGroup(m);
    for (let i = 0n; i < 8n; i++) {
      const k = Number((i + entryOffset) % 8n);
      if (!(g.ctrl.get(k) & 0x80)) visit(g.key(k), g.elem(k));
    }
    return;
  }
  const dirMask = BigInt(m.dirLen - 1);
  let off = dirOffset;
  for (let dirIdx = 0; dirIdx < m.dirLen;) {
    let d = Number((BigInt(dirIdx) + off) & dirMask);
    const t = directoryAt(m, d);
    if (t.index !== d) {
      off = BigInt.asUintN(64, off - BigInt(d - t.index));
      d = t.index;
    }
    const mask = BigInt(t.capacity - 1);
    for (let i = 0n; i <= mask; i++) {
      const pos = Number((i + entryOffset) & mask);
      const g = t.group(pos >> 3);
      if (!(g.ctrl.get(pos & 7) & 0x80)) visit(g.key(pos & 7), g.elem(pos & 7));
    }
    dirIdx += 1 << (m.globalDepth - t.localDepth);
  }
}
