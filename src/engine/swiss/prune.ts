/**
 * pruneTombstones (maps/table.go, 1.25+): turn tombstones back into empty
 * slots where no key's probe path needs them, instead of growing.
 *
 * Only tried when an insert needs an empty slot and growthLeft is 0, and
 * only when at least 10% of the capacity is tombstones. A group is *needed*
 * when it has an empty slot, or when some key's probe path crosses it (with
 * a tombstone in it) before reaching the key's own group: emptying such a
 * tombstone would make a lookup stop early. Keys with k != k (NaN) are
 * skipped. If the tombstones of unneeded groups are under 10% of the
 * capacity nothing changes and the caller grows; otherwise they all become
 * empty, growthLeft++ each. Keys never move.
 */
import type { SwissMap } from './map.js';
import type { Table } from './table.js';
import { count, first } from './ctrl.js';
import { ProbeSeq, h1 } from './probe.js';

export function pruneTombstones(m: SwissMap, t: Table): void {
  const cx = m.cx;
  const cap = t.capacity;
  if (t.tombstones() * 10 < cap) {
    cx.trace?.(`  ${t}: prune: ${t.tombstones()} tombstones are under 10% of ${cap}: not worth it`);
    return;
  }
  const groups = t.lengthMask + 1;
  const needed = new Uint8Array(groups);
  for (let i = 0; i < groups; i++) {
    const g = t.group(i);
    for (let match = g.ctrl.matchFull(); match; match &= match - 1) {
      const j = first(match);
      const key = g.key(j);
      if (!cx.keyEqual(key, key)) continue;
      const hash = cx.hash(key, m.seed);
      for (const seq = new ProbeSeq(h1(hash), t.lengthMask); seq.offset !== i; seq.next()) {
        if (t.group(seq.offset).ctrl.matchEmptyOrDeleted()) needed[seq.offset] = 1;
      }
    }
    if (g.ctrl.matchEmpty()) needed[i] = 1;
  }
  let cnt = 0;
  for (let i = 0; i < groups; i++) if (!needed[i]) cnt += count(t.group(i).ctrl.matchEmptyOrDeleted());
  if (cnt * 10 < cap) {
    cx.trace?.(`  ${t}: prune: only ${cnt} tombstones are in groups no probe path needs: grow instead`);
    return;
  }
  for (let i = 0; i < groups; i++) {
    if (needed[i]) continue;
    const g = t.group(i);
    for (let match = g.ctrl.matchEmptyOrDeleted(); match; match &= match - 1) {
      g.ctrl.set(first(match), 0x80);
      t.growthLeft = t.growthLeft + 1;
    }
  }
  cx.trace?.(`  ${t}: prune: ${cnt} tombstones → empty, growthLeft ${t.growthLeft}`);
}
