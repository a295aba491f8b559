/**
 * The directory: extendible hashing over tables (maps/map.go).
 *
 * dirLen = 2^globalDepth entries, each a *table; the index of a hash is its
 * top globalDepth bits (hash >> globalShift; 0 when dirLen is 1, where the
 * shift would be the whole word). A table split on localDepth bits fills
 * 2^(globalDepth - localDepth) consecutive entries from its `index`.
 * Splitting a table whose localDepth equals globalDepth doubles the
 * directory first: entry i becomes 2i and 2i+1, every table's index doubles.
 */
import type { SwissMap } from './map.js';
import type { Table } from './table.js';
import { Table as TableView } from './table.js';
import { drain, type Steps } from '../steps.js';

/** hash >> globalShift, from the hash's uint32 halves (hi is 0 for a 32-bit hash). */
export function directoryIndex(m: SwissMap, hi: number, lo: number): number {
  if (m.dirLen === 1) return 0;
  const s = m.globalShift & 63;
  if (s >= 32) return hi >>> (s - 32);
  return hi * 2 ** (32 - s) + (lo >>> s);
}

export function directoryAt(m: SwissMap, i: number): Table {
  // The entry is read from memory every time; the view cache by index only saves the lookup by address.
  const addr = m.cx.mem.ptr(m.dirPtr + i * m.cx.arch.ptrSize);
  const c = m.dirViews[i];
  if (c !== undefined && c.addr === addr) return c;
  const t = m.tableAt(addr);
  m.dirViews[i] = t;
  return t;
}

/** A view of the table at addr (tables never move, so views can be kept). */
export function tableView(m: SwissMap, addr: number): Table {
  return new TableView(m, addr);
}

function directorySet(m: SwissMap, i: number, t: Table): void {
  m.cx.mem.setPtr(m.dirPtr + i * m.cx.arch.ptrSize, t.addr);
  // The view cache follows the entry: a freed table's address may come back as another table's.
  m.dirViews[i] = t;
}

/** A table nothing reaches any more (a grow or split replaced it): its groups and header are freed, its view dropped. */
export function freeTable(m: SwissMap, t: Table): void {
  m.dropView(t.addr);
  m.cx.mem.free(t.data);
  m.cx.mem.free(t.addr);
}

export function newDirectory(m: SwissMap, len: number): number {
  return m.cx.mem.alloc(len * m.cx.arch.ptrSize, `directory (${len})`);
}

export function replaceTable(m: SwissMap, t: Table): void {
  drain(replaceTableSteps(m, t));
}

/** replaceTable (map.go): the directory entries of the table's range, a store each (the entry count loads globalDepth). */
export function* replaceTableSteps(m: SwissMap, t: Table): Steps {
  const entries = 1 << (m.globalDepth - t.localDepth);
  for (let i = 0; i < entries; i++) {
    directorySet(m, t.index + i, t);
    if (m.stepped) yield `replaceTable: store directory[${t.index + i}] (load globalDepth ${m.globalDepth})`;
  }
}

export function installTableSplit(m: SwissMap, old: Table, left: Table, right: Table): void {
  drain(installTableSplitSteps(m, old, left, right));
}

/**
 * installTableSplit (map.go) as steps: when the directory doubles, each old
 * entry is read (and its table's index doubled, a store to that shared
 * table, where it is the table's first entry) a step each into the private
 * new directory; globalDepth++ and globalShift-- (each a load and a store),
 * dirPtr and dirLen a store each; then the two tables' entries.
 */
export function* installTableSplitSteps(m: SwissMap, old: Table, left: Table, right: Table): Steps {
  if (old.localDepth === m.globalDepth) {
    const n = m.dirLen;
    const dir = newDirectory(m, 2 * n);
    const p = m.cx.arch.ptrSize;
    const views: Table[] = [];
    for (let i = 0; i < n; i++) {
      const t = directoryAt(m, i);
      m.cx.mem.setPtr(dir + 2 * i * p, t.addr);
      m.cx.mem.setPtr(dir + (2 * i + 1) * p, t.addr);
      views.push(t, t);
      if (t.index === i) {
        t.index = 2 * i;
        if (m.stepped) yield `installTableSplit: load directory[${i}] into the new directory (private); store its table's index ${2 * i}`;
      } else {
        if (m.stepped) yield `installTableSplit: load directory[${i}] into the new directory (private)`;
      }
    }
    const gd = m.globalDepth;
    if (m.stepped) yield `installTableSplit: load globalDepth ${gd} (globalDepth++)`;
    m.globalDepth = gd + 1;
    if (m.stepped) yield `installTableSplit: store globalDepth ${gd + 1}`;
    const gs = m.globalShift;
    if (m.stepped) yield `installTableSplit: load globalShift ${gs} (globalShift--)`;
    m.globalShift = gs - 1;
    if (m.stepped) yield `installTableSplit: store globalShift ${gs - 1}`;
    // The old directory is garbage once the map points at the new one.
    m.cx.mem.free(m.dirPtr);
    m.dirPtr = dir;
    m.dirViews.length = 0;
    for (const v of views) m.dirViews.push(v);
    if (m.stepped) yield `installTableSplit: store dirPtr (the new directory of ${2 * n})`;
    m.dirLen = 2 * n;
    if (m.stepped) yield `installTableSplit: store dirLen ${2 * n}`;
    m.cx.trace?.(`  directory doubles to ${2 * n} entries (globalDepth ${m.globalDepth}, globalShift ${m.globalShift})`);
  }
  left.index = old.index;
  yield* replaceTableSteps(m, left);
  right.index = left.index + (1 << (m.globalDepth - left.localDepth));
  yield* replaceTableSteps(m, right);
}
