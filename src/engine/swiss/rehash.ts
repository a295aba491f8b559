/**
 * rehash (maps/table.go): a full table doubles, up to 1024 slots; beyond
 * that it splits into two 1024-slot tables on the next hash bit below the
 * directory bits. There is no same-size rehash: tombstones are dropped only
 * by growing (and, from 1.25, by pruneTombstones on some paths).
 *
 * Both walk the old groups in order, slots 0..7, skip empty and deleted
 * slots, rehash each key with the map's seed and put it into the first
 * empty slot of its probe path in the new table(s). The old table (header
 * and groups) is then garbage: nothing reaches it once the directory points
 * at its replacement, so it is freed.
 */
import type { SwissMap } from './map.js';
import { MAX_TABLE_CAPACITY, newTable, type Table } from './table.js';
import { SLOTS } from './ctrl.js';
import { freeTable, installTableSplit, replaceTable } from './directory.js';

export function rehash(m: SwissMap, t: Table): void {
  const newCap = 2 * t.capacity;
  if (newCap <= MAX_TABLE_CAPACITY) grow(m, t, newCap);
  else split(m, t);
}

/** hash & (1 << (64 - localDepth)) (32 - localDepth with a 32-bit hash), from the hash's halves. */
function localDepthBit(m: SwissMap, localDepth: number, hi: number, lo: number): number {
  const pos = m.cx.rules.hashBits - localDepth;
  return pos >= 32 ? (hi >>> (pos - 32)) & 1 : (lo >>> pos) & 1;
}

function eachFull(t: Table, f: (key: number, elem: number) => void): void {
  for (let i = 0; i <= t.lengthMask; i++) {
    const g = t.group(i);
    for (let j = 0; j < SLOTS; j++) {
      if (g.ctrl.get(j) & 0x80) continue;
      f(g.key(j), g.elem(j));
    }
  }
}

function grow(m: SwissMap, t: Table, newCap: number): void {
  const nt = newTable(m, newCap, t.index, t.localDepth);
  eachFull(t, (k, e) => {
    m.cx.hashWords(k, m.seedHi, m.seedLo);
    nt.uncheckedPut(m.cx.hw.lo, k, e);
  });
  replaceTable(m, nt);
  m.cx.trace?.(`  grow: table at dir ${t.index} ${t.capacity} → ${newCap} slots (${nt.used} keys moved, growthLeft ${nt.growthLeft})`);
  t.index = -1;
  freeTable(m, t);
}

function split(m: SwissMap, t: Table): void {
  const ld = t.localDepth + 1;
  const left = newTable(m, MAX_TABLE_CAPACITY, -1, ld);
  const right = newTable(m, MAX_TABLE_CAPACITY, -1, ld);
  eachFull(t, (k, e) => {
    m.cx.hashWords(k, m.seedHi, m.seedLo);
    const { hi, lo } = m.cx.hw;
    (localDepthBit(m, ld, hi, lo) ? right : left).uncheckedPut(lo, k, e);
  });
  const oldIndex = t.index;
  installTableSplit(m, t, left, right);
  m.cx.trace?.(`  split: table at dir ${oldIndex} (localDepth ${ld - 1}) → left ${left.used} keys at dir ${left.index}, right ${right.used} keys at dir ${right.index} (localDepth ${ld})`);
  t.index = -1;
  freeTable(m, t);
}
