/**
 * maps.Clone per release.
 *
 * - 1.24 (runtime/map_swiss.go mapclone2): makemap(len(src)) — a fresh map
 *   sized for the entries, with a new seed — then every entry Put in the
 *   order of one iteration over the source (Iter.Init draws entryOffset and
 *   dirOffset after the seed). The layout is unrelated to the source's.
 * - 1.25+ (maps/map.go Map.Clone): a structural copy: the header as it is
 *   (same seed, same directory shape), every table and group copied byte for
 *   byte, tombstones and stale bytes included; indirect keys and elems get
 *   new objects.
 */
import type { SwissMap } from './map.js';
import { SwissMap as MapClass } from './map.js';
import { Group } from './group.js';
import { SLOTS } from './ctrl.js';
import { Table } from './table.js';
import { directoryAt, newDirectory } from './directory.js';
import { forEachInOrder } from './iterate.js';

export interface IterStart {
  readonly entryOffset: bigint;
  readonly dirOffset: bigint;
}

/** maps.Clone(src). `start` is the 1.24 iterator's random start (drawn from the map's PRNG when absent). */
export function cloneMap(src: SwissMap, start?: IterStart): SwissMap {
  const cx = src.cx;
  const dst = new MapClass(cx, src.drawSeed);
  if (cx.rules.minor <= 24) {
    dst.make(src.used);
    const s = start ?? { entryOffset: src.drawSeed(), dirOffset: src.drawSeed() };
    cx.trace?.(`  clone (1.24): rebuild by iteration from entryOffset ${s.entryOffset}, dirOffset ${s.dirOffset}`);
    forEachInOrder(src, s.entryOffset, s.dirOffset, (k, e) => dst.assign(k, e));
    return dst;
  }
  cx.mem.copy(dst.addr, src.addr, cx.layout.headers.Map.size);
  dst.seed = src.seed;
  if (src.dirPtr === 0) return dst;
  if (src.dirLen === 0) {
    dst.dirPtr = cx.mem.alloc(cx.groupSize, 'small group');
    cloneGroup(src, new Group(cx, src.dirPtr), new Group(cx, dst.dirPtr));
    return dst;
  }
  const dir = newDirectory(dst, src.dirLen);
  let prev: [number, number] = [0, 0];
  for (let i = 0; i < src.dirLen; i++) {
    const t = directoryAt(src, i);
    if (i === 0 || t.addr !== prev[0]) prev = [t.addr, cloneTable(src, t)];
    cx.mem.setPtr(dir + i * cx.arch.ptrSize, prev[1]);
  }
  dst.dirPtr = dir;
  cx.trace?.('  clone: structural copy (same seed, same tables and groups)');
  return dst;
}

function cloneTable(m: SwissMap, t: Table): number {
  const cx = m.cx;
  const size = cx.layout.headers.table.size;
  const addr = cx.mem.alloc(size, 'table');
  cx.mem.copy(addr, t.addr, size);
  const n = t.lengthMask + 1;
  const data = cx.mem.alloc(n * cx.groupSize, `groups (${n})`);
  cx.mem.setPtr(addr + cx.T.data, data);
  for (let i = 0; i < n; i++) cloneGroup(m, t.group(i), new Group(cx, data + i * cx.groupSize));
  return addr;
}

function cloneGroup(m: SwissMap, from: Group, to: Group): void {
  const cx = m.cx;
  cx.mem.copy(to.addr, from.addr, cx.groupSize);
  // An indirect key or elem gets its own copy of the object it points to.
  const copyIndirect = (fromSlot: number, toSlot: number, size: number, tag: string): void => {
    const p = cx.mem.ptr(fromSlot);
    if (!p) return;
    const obj = cx.mem.alloc(size, tag);
    cx.mem.copy(obj, p, size);
    cx.mem.setPtr(toSlot, obj);
  };
  for (let i = 0; i < SLOTS; i++) {
    if (cx.keyIndirect) copyIndirect(from.keySlot(i), to.keySlot(i), cx.keySize, 'indirect key');
    if (cx.elemIndirect) copyIndirect(from.elemSlot(i), to.elemSlot(i), cx.elemSize, 'indirect elem');
  }
}
