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
import { freeTable, installTableSplitSteps, replaceTableSteps } from './directory.js';
import { drain, type Steps } from '../steps.js';

export function rehash(m: SwissMap, t: Table): void {
  drain(rehashSteps(m, t));
}

/**
 * rehash (table.go) as steps. The new table(s) are private until the
 * directory points at them, so their stores are no steps of their own: each
 * old slot is read (control byte; key, elem and hash when full) in one step,
 * then the directory's stores (directory.ts) and `t.index = -1` a step each.
 */
export function* rehashSteps(m: SwissMap, t: Table): Steps {
  const newCap = 2 * t.capacity;
  if (newCap <= MAX_TABLE_CAPACITY) yield* growSteps(m, t, newCap);
  else yield* splitSteps(m, t);
}

/** hash & (1 << (64 - localDepth)) (32 - localDepth with a 32-bit hash), from the hash's halves. */
function localDepthBit(m: SwissMap, localDepth: number, hi: number, lo: number): number {
  const pos = m.cx.rules.hashBits - localDepth;
  return pos >= 32 ? (hi >>> (pos - 32)) & 1 : (lo >>> pos) & 1;
}

/** Every slot of t in order, a step each; `f` gets the full ones. */
function* eachSlot(m: SwissMap, t: Table, what: string, f: (key: number, elem: number) => string): Steps {
  for (let i = 0; i <= t.lengthMask; i++) {
    const g = t.group(i);
    for (let j = 0; j < SLOTS; j++) {
      const c = g.ctrl.get(j);
      if (c & 0x80) {
        if (m.stepped) yield `${what}: load ${t} group ${i} slot ${j}'s ctrl 0x${c.toString(16)}: ${c === 0x80 ? 'empty' : 'deleted'}`;
        continue;
      }
      const to = f(g.key(j), g.elem(j));
      if (m.stepped) yield `${what}: load ${t} group ${i} slot ${j}'s ctrl, key and elem; put them in ${to} (private)`;
    }
  }
}

function* growSteps(m: SwissMap, t: Table, newCap: number): Steps {
  const nt = newTable(m, newCap, t.index, t.localDepth);
  yield* eachSlot(m, t, 'grow', (k, e) => {
    m.cx.hashWords(k, m.seedHi, m.seedLo);
    nt.uncheckedPut(m.cx.hw.lo, k, e);
    return `the new table of ${newCap} slots`;
  });
  yield* replaceTableSteps(m, nt);
  m.cx.trace?.(`  grow: table at dir ${t.index} ${t.capacity} → ${newCap} slots (${nt.used} keys moved, growthLeft ${nt.growthLeft})`);
  t.index = -1;
  if (m.stepped) yield `grow: store the old ${t}'s index -1`;
  freeTable(m, t);
}

function* splitSteps(m: SwissMap, t: Table): Steps {
  const ld = t.localDepth + 1;
  const left = newTable(m, MAX_TABLE_CAPACITY, -1, ld);
  const right = newTable(m, MAX_TABLE_CAPACITY, -1, ld);
  yield* eachSlot(m, t, 'split', (k, e) => {
    m.cx.hashWords(k, m.seedHi, m.seedLo);
    const { hi, lo } = m.cx.hw;
    const r = localDepthBit(m, ld, hi, lo);
    (r ? right : left).uncheckedPut(lo, k, e);
    return r ? 'the right table' : 'the left table';
  });
  const oldIndex = t.index;
  yield* installTableSplitSteps(m, t, left, right);
  m.cx.trace?.(`  split: table at dir ${oldIndex} (localDepth ${ld - 1}) → left ${left.used} keys at dir ${left.index}, right ${right.used} keys at dir ${right.index} (localDepth ${ld})`);
  t.index = -1;
  if (m.stepped) yield `split: store the old table's index -1`;
  freeTable(m, t);
}
