/**
 * Small maps (maps/map.go): up to 8 entries in one group and no table
 * (dirLen == 0, dirPtr points at the group). make with a hint of at most 8
 * allocates nothing; the first insert allocates the group (growToSmall).
 * Insert takes the lowest empty slot; delete always leaves an empty slot, so
 * a small map never holds tombstones. The 9th distinct key converts the map
 * to a table of 16 slots (growToTable), re-inserting slots 0..7 in order.
 */
import type { SwissMap } from './map.js';
import { Group } from './group.js';
import { CTRL_EMPTY, first } from './ctrl.js';
import { h2Lo } from './probe.js';
import { newTable, type Table } from './table.js';
import { newDirectory } from './directory.js';
import { hex } from './ctx.js';
import { depthToShift } from './capacity.js';
import { drain, type Steps } from '../steps.js';

export function smallGroup(m: SwissMap): Group {
  return new Group(m.cx, m.dirPtr);
}

export function growToSmall(m: SwissMap): void {
  drain(growToSmallSteps(m));
}

/**
 * growToSmall (map.go): `m.dirPtr = grp.data`, then `g.ctrls().setEmpty()`:
 * the group is published before its control word is set (go1.26 amd64: `MOVQ
 * AX, 0x10(CX)` then the 8-byte `MOVQ CX, 0(AX)`), so for one step another
 * goroutine sees a group of zero control bytes: eight full slots of H2 0.
 */
export function* growToSmallSteps(m: SwissMap): Steps {
  m.dirPtr = m.cx.mem.alloc(m.cx.groupSize, 'small group');
  if (m.stepped) yield 'growToSmall: store dirPtr (a new zeroed group)';
  smallGroup(m).ctrl.setEmpty();
  if (m.stepped) yield 'growToSmall: store the group\'s control word: all empty';
  m.cx.trace?.('  growToSmall: one group, no table');
}

/** `lo`: the hash's low 32 bits (H2 is all a small map uses). */
export function findSmall(m: SwissMap, lo: number, key: number): number | undefined {
  const g = smallGroup(m);
  for (let match = g.ctrl.matchH2(h2Lo(lo)); match; match &= match - 1) {
    const i = first(match);
    if (m.cx.keyEqual(key, g.key(i))) return i;
  }
  return undefined;
}

/** putSlotSmall: the elem address, or undefined when the key is new and no slot is free (1.27). */
export function putSlotSmall(m: SwissMap, lo: number, key: number): number | undefined {
  const cx = m.cx;
  const g = smallGroup(m);
  const found = findSmall(m, lo, key);
  if (found !== undefined) {
    if (cx.needKeyUpdate) cx.mem.copy(g.key(found), key, cx.keySize);
    cx.trace?.(`  small: key found in slot ${found}: update`);
    return g.elem(found);
  }
  const match = g.ctrl.matchEmptyOrDeleted();
  if (!match) return undefined;
  const i = first(match);
  const e = g.storeNew(i, key);
  g.ctrl.set(i, h2Lo(lo));
  m.used = m.used + 1;
  cx.trace?.(`  small: slot ${i} (lowest empty), ctrl ${hex(h2Lo(lo))}`);
  return e;
}

export function growToTable(m: SwissMap): Table {
  return drain(growToTableSteps(m));
}

/**
 * growToTable (map.go): the new table is private until the directory is
 * published, so its stores are no steps of their own; each of the small
 * group's 8 slots is read (control byte, key, elem, the hash) in one step,
 * then `m.dirPtr`, `m.dirLen`, `m.globalDepth` and `m.globalShift` are
 * stored a step each (go1.26 amd64: `MOVQ AX, 0x10(DX)`, `MOVQ $0x1,
 * 0x18(DX)`, `MOVB $0x0, 0x20(DX)`, `MOVB $0x40, 0x21(DX)`).
 */
export function* growToTableSteps(m: SwissMap): Steps<Table> {
  const t = newTable(m, 16, 0, 0);
  const g = smallGroup(m);
  for (let i = 0; i < 8; i++) {
    const c = g.ctrl.get(i);
    if ((c & CTRL_EMPTY) === CTRL_EMPTY) {
      if (m.stepped) yield `growToTable: load slot ${i}'s ctrl ${hex(c)}: empty`;
      continue;
    }
    const k = g.key(i);
    m.cx.hashWords(k, m.seedHi, m.seedLo);
    t.uncheckedPut(m.cx.hw.lo, k, g.elem(i));
    if (m.stepped) yield `growToTable: load slot ${i}'s ctrl ${hex(c)}, key and elem; put them in the new table (private)`;
  }
  const dir = newDirectory(m, 1);
  m.cx.mem.setPtr(dir, t.addr);
  // The small group is garbage once dirPtr points at the directory.
  m.cx.mem.free(m.dirPtr);
  m.dirPtr = dir;
  m.dirViews[0] = t;
  if (m.stepped) yield 'growToTable: store dirPtr (the new directory of 1 table)';
  m.dirLen = 1;
  if (m.stepped) yield 'growToTable: store dirLen 1';
  m.globalDepth = 0;
  if (m.stepped) yield 'growToTable: store globalDepth 0';
  m.globalShift = depthToShift(m.cx.rules.hashBits, 0);
  if (m.stepped) yield `growToTable: store globalShift ${m.globalShift}`;
  m.cx.trace?.(`  growToTable: the small map becomes one table of 16 slots (${t.used} keys re-inserted)`);
  return t;
}

export function deleteSmall(m: SwissMap, lo: number, key: number): boolean {
  const i = findSmall(m, lo, key);
  if (i === undefined) return false;
  const g = smallGroup(m);
  m.used = m.used - 1;
  g.clearForDelete(i);
  g.ctrl.set(i, CTRL_EMPTY);
  m.cx.trace?.(`  small: slot ${i} → empty`);
  return true;
}
