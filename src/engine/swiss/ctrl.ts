/**
 * Groups and their control words (internal/runtime/maps/group.go).
 *
 * A group is { ctrl uint64; slots [8]slot }. Each slot has one control byte:
 * 0x80 empty, 0xFE deleted (a tombstone), or 0hhhhhhh, the key's H2 (low 7
 * hash bits), when full. As a value the word is the same everywhere (slot i
 * is byte i of the uint64); in memory ctrlGroup.get/set address byte i on
 * little-endian targets and 7-i on big-endian ones, which the layout records
 * as `ctrlByteOfSlot`.
 *
 * The match operations return an 8-bit set (bit i = slot i). The runtime's
 * portable matchH2 can report false positives; they are always confirmed by
 * a key comparison, so an exact match places keys identically.
 */
import type { SimMemory } from '../../model/memory.js';
import { SLOTS, CTRL_EMPTY } from '../../model/runtime/index.js';

// The slot count, control byte values and their predicates: the runtime's facts (src/model/runtime).
export { SLOTS, CTRL_EMPTY, CTRL_DELETED, ctrlLegal, ctrlFull } from '../../model/runtime/index.js';

/** A view of one group's control word, bound to its memory. */
export class Ctrl {
  /** The group's offset in the arena (the arena itself may be replaced by a larger copy). */
  private readonly base: number;

  constructor(private readonly mem: SimMemory, group: number, private readonly byteOf: readonly number[]) {
    mem.loc(group, 8); // throws unless the control word is allocated
    this.base = group - mem.base;
  }

  get(i: number): number {
    return this.mem.arena[this.base + this.byteOf[i]];
  }

  set(i: number, c: number): void {
    this.mem.arena[this.base + this.byteOf[i]] = c;
  }

  setEmpty(): void {
    for (let i = 0; i < SLOTS; i++) this.set(i, CTRL_EMPTY);
  }

  /** Slots whose byte equals h2 (full slots with this H2). */
  matchH2(h2: number): number {
    let m = 0;
    for (let i = 0; i < SLOTS; i++) if (this.get(i) === h2) m |= 1 << i;
    return m;
  }

  matchEmpty(): number {
    let m = 0;
    for (let i = 0; i < SLOTS; i++) if (this.get(i) === CTRL_EMPTY) m |= 1 << i;
    return m;
  }

  matchEmptyOrDeleted(): number {
    let m = 0;
    for (let i = 0; i < SLOTS; i++) if (this.get(i) & 0x80) m |= 1 << i;
    return m;
  }

  matchFull(): number {
    let m = 0;
    for (let i = 0; i < SLOTS; i++) if (!(this.get(i) & 0x80)) m |= 1 << i;
    return m;
  }

  /** The control bytes in slot order. */
  all(): number[] {
    return Array.from({ length: SLOTS }, (_, i) => this.get(i));
  }
}

/** Lowest slot in a match set (bitset.first). */
export function first(m: number): number {
  return 31 - Math.clz32(m & -m);
}

export function count(m: number): number {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
}

export function slotsOf(m: number): number[] {
  const r: number[] = [];
  for (let i = 0; i < SLOTS; i++) if (m & (1 << i)) r.push(i);
  return r;
}
