/**
 * The Swiss table's facts (internal/runtime/maps, Go 1.24+): slots per group,
 * control bytes, H1/H2 and the probe sequence, and table sizing.
 *
 * A group is { ctrl uint64; slots [8]slot }. Each slot has one control byte:
 * 0x80 empty, 0xFE deleted (a tombstone), or 0hhhhhhh, the key's H2 (low 7
 * hash bits), when full.
 */

/** Slots per group: abi.MapGroupSlots (abi.SwissMapGroupSlots in 1.24). */
export const SLOTS = 8;
/** ctrlEmpty (group.go). */
export const CTRL_EMPTY = 0x80;
/** ctrlDeleted: a tombstone (group.go). */
export const CTRL_DELETED = 0xfe;

/** A control byte the runtime writes: empty, deleted, or a 7-bit H2. */
export function ctrlLegal(c: number): boolean {
  return c === CTRL_EMPTY || c === CTRL_DELETED || c < 0x80;
}

/** A full slot: the high bit clear (matchFull). */
export function ctrlFull(c: number): boolean {
  return (c & 0x80) === 0;
}

/** H1: the hash without its low 7 bits; picks the first group to probe. */
export function h1(hash: bigint): bigint {
  return hash >> 7n;
}

/** H2: the low 7 bits, stored in a full slot's control byte. */
export function h2(hash: bigint): number {
  return Number(hash & 0x7fn);
}

/** H2 from the hash's low 32 bits (the engines keep a hash as two uint32 halves). */
export function h2Lo(lo: number): number {
  return lo & 0x7f;
}

/** The first group of the probe sequence, H1 & mask, from the hash's low 32 bits (a table has at most 2^7 groups). */
export function probeStart(lo: number, mask: number): number {
  return (lo >>> 7) & mask;
}

/** The group the probe sequence visits after `offset` at step `index` (1, 2, 3, …). */
export function probeNext(offset: number, index: number, mask: number): number {
  return (offset + index) & mask;
}

/**
 * The probe sequence over a table's groups (table.go probeSeq).
 *
 * It starts at group H1 & mask and steps by 1, 2, 3, … groups (triangular
 * numbers): p(i) = H1 + (i² + i)/2 mod (mask + 1). With a power-of-two group
 * count this visits every group exactly once.
 */
export class ProbeSeq {
  offset: number;
  private index = 0;

  constructor(h1: bigint, private readonly mask: number) {
    this.offset = Number(h1 & BigInt(mask));
  }

  next(): void {
    this.index++;
    this.offset = probeNext(this.offset, this.index, this.mask);
  }
}

/** maxTableCapacity (table.go): beyond this a table splits instead of growing. */
export const MAX_TABLE_CAPACITY = 1024;
/** maxAvgGroupLoad (group.go): a table grows before it holds more than 7 slots per group on average. */
export const MAX_AVG_GROUP_LOAD = 7;

/** table.maxGrowthLeft: capacity-1 for a one-group table (one slot stays empty so a probe ends), else 7/8 of the capacity. */
export function maxGrowthLeft(capacity: number): number {
  return capacity <= SLOTS ? capacity - 1 : (capacity * MAX_AVG_GROUP_LOAD) / SLOTS;
}

/**
 * depthToShift (maps/map.go): the directory index is the hash's top
 * globalDepth bits, hash >> (hashBits - globalDepth).
 */
export function depthToShift(hashBits: 32 | 64, depth: number): number {
  return hashBits - depth;
}
