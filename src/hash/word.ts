/**
 * 64-bit unsigned arithmetic on pairs of 32-bit halves, for the hot paths.
 *
 * Why not BigInt: a map engine hashes on every insert and lookup, and BigInt
 * allocates on every operation. The hashes only need xor, loads, and the full
 * 64×64→128-bit product of wyhash's `mix`, so the halves are kept in plain
 * numbers (always normalised to uint32 with `>>> 0`) and the products are
 * built from 16-bit limbs, whose partial sums stay below 2^53 and are exact
 * in doubles.
 *
 * Results of two-word functions are left in the module-level `out` pair to
 * avoid allocating a result object per call.
 */

/** Result registers of the two-word functions below. */
export const out = { hi: 0, lo: 0 };

const TWO16 = 65536;
const TWO32 = 4294967296;

/**
 * Go's runtime `mix(a, b)` (runtime/hash64.go): the high and low 64-bit
 * halves of the 128-bit product a*b, xored. Leaves the result in `out`.
 */
export function mix64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, a2 = ah & 0xffff, a3 = ah >>> 16;
  const b0 = bl & 0xffff, b1 = bl >>> 16, b2 = bh & 0xffff, b3 = bh >>> 16;
  // Column k collects the limb products a_i*b_j with i+j = k (each < 2^32),
  // plus the carry from column k-1; r_k is the 16-bit digit, c the carry.
  let t = a0 * b0;
  const r0 = t % TWO16;
  let c = (t - r0) / TWO16;
  t = a0 * b1 + a1 * b0 + c;
  const r1 = t % TWO16;
  c = (t - r1) / TWO16;
  t = a0 * b2 + a1 * b1 + a2 * b0 + c;
  const r2 = t % TWO16;
  c = (t - r2) / TWO16;
  t = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + c;
  const r3 = t % TWO16;
  c = (t - r3) / TWO16;
  t = a1 * b3 + a2 * b2 + a3 * b1 + c;
  const r4 = t % TWO16;
  c = (t - r4) / TWO16;
  t = a2 * b3 + a3 * b2 + c;
  const r5 = t % TWO16;
  c = (t - r5) / TWO16;
  t = a3 * b3 + c;
  const r6 = t % TWO16;
  const r7 = (t - r6) / TWO16;
  // 128-bit product words P0..P3 (low to high); mix = (P3^P1, P2^P0).
  out.hi = ((r6 + r7 * TWO16) ^ (r2 + r3 * TWO16)) >>> 0;
  out.lo = ((r4 + r5 * TWO16) ^ (r0 + r1 * TWO16)) >>> 0;
}

/** The 64-bit product of two uint32 values, as halves in `out`. */
export function mul32x32(a: number, b: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16;
  const b0 = b & 0xffff, b1 = b >>> 16;
  const low = a0 * b0;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const high = a1 * b1;
  // low + mid*2^16 + high*2^32 split into two uint32 words, exactly.
  const lowSum = low + (mid % TWO16) * TWO16; // < 2^33
  const lo = lowSum % TWO32;
  out.lo = lo;
  out.hi = (high + Math.floor(mid / TWO16) + (lowSum - lo) / TWO32) >>> 0;
}

/** uint32 little-endian load. */
export function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** uint32 big-endian load. */
export function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Splits a bigint into uint32 halves of its low 64 bits. */
export function hiOf(x: bigint): number {
  return Number((x >> 32n) & 0xffffffffn);
}
export function loOf(x: bigint): number {
  return Number(x & 0xffffffffn);
}

/** Joins uint32 halves into a bigint. */
export function join(hi: number, lo: number): bigint {
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}
