/**
 * clear(m) per release (maps/map.go Map.Clear, maps/table.go table.Clear).
 *
 * - 1.24: nothing when used == 0 (tombstones survive); otherwise every
 *   group of every table is zeroed and set empty, growthLeft reset; small
 *   maps zero their group. Then a new seed. Capacity and directory stay.
 * - 1.25: also clears a map with used == 0 when it may hold tombstones
 *   (tombstonePossible); a table with no entries and no tombstones is
 *   skipped; only groups with a full slot are zeroed (all are set empty).
 * - 1.26/1.27: a non-skipped table zeroes every group, except when it is
 *   sparse (used*4 <= lengthMask) or its slots are over 32 bytes (SlotSize;
 *   KeyStride in 1.27), where only groups with a full slot are zeroed.
 * Zeroing matters to the snapshot: stale key bytes of deleted slots stay
 * visible in groups that are only set empty.
 */
import type { SwissMap } from './map.js';
import { maxGrowthLeft, type Table } from './table.js';
import { smallGroup } from './small.js';

export function clearMap(m: SwissMap): void {
  const r = m.cx.rules;
  if (m.used === 0 && !(r.tombstoneTracking && m.tombstonePossible)) {
    m.cx.trace?.('  clear: the map is empty' + (r.tombstoneTracking ? ' and holds no tombstones' : '') + ': nothing to do');
    return;
  }
  if (m.dirLen === 0) {
    if (m.dirPtr !== 0) smallGroup(m).wipe();
    m.used = 0;
    m.cx.trace?.('  clear: the small group is zeroed');
  } else {
    for (const t of m.tables()) clearTable(m, t);
    m.used = 0;
    m.tombstonePossible = false;
  }
  m.clearSeq = m.clearSeq + 1n;
  m.reseed('clear');
}

function clearTable(m: SwissMap, t: Table): void {
  const minor = m.cx.rules.minor;
  const mgl = maxGrowthLeft(t.capacity);
  if (minor >= 25 && t.used === 0 && t.growthLeft === mgl) {
    m.cx.trace?.(`  clear: ${t} has no entries and no tombstones: skipped`);
    return;
  }
  let onlyFull = minor >= 25;
  if (minor >= 26) onlyFull = t.used * 4 <= t.lengthMask || m.cx.clearStride > 32;
  let zeroed = 0;
  for (let i = 0; i <= t.lengthMask; i++) {
    const g = t.group(i);
    if (!onlyFull || g.ctrl.matchFull()) {
      g.wipe();
      zeroed++;
    } else g.ctrl.setEmpty();
  }
  t.used = 0;
  t.growthLeft = mgl;
  m.cx.trace?.(`  clear: ${t}: ${zeroed} of ${t.lengthMask + 1} groups zeroed, all set empty`);
}
