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
    this.offset = (this.offset + this.index) & this.mask;
  }
}

/** H1: the hash without its low 7 bits; picks the first group to probe. */
export function h1(hash: bigint): bigint {
  return hash >> 7n;
}

/** H2: the low 7 bits, stored in a full slot's control byte. */
export function h2(hash: bigint): number {
  return Number(hash & 0x7fn);
}
