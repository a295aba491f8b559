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

const TWO32 = 4294967296;
/** 2^-32: multiplying by it is exact, like dividing by 2^32, and cheaper. */
const INV32 = 1 / TWO32;

/**
 * High 32 bits of the 64-bit product of two uint32 values (the low half is
 * Math.imul). The double product a*b is within 2^10 of the exact one (53-bit
 * mantissa, value below 2^64), and subtracting the exact low half adds at
 * most another 2^10: divided by 2^32 the error stays under 2^-21, so
 * rounding gives the exact high half with two multiplications instead of
 * four 16-bit limb products.
 */
function mulhi(a: number, b: number): number {
  // Rounding as floor(x + 0.5) through ToUint32's truncation: x is never
  // negative (below 2^53 the double product is exact) and stays below 2^32.
  return ((a * b - (Math.imul(a, b) >>> 0)) * INV32 + 0.5) >>> 0;
}

/**
 * Go's runtime `mix(a, b)` (runtime/hash64.go): the high and low 64-bit
 * halves of the 128-bit product a*b, xored. Leaves the result in `out`.
 */
export function mix64(ah: number, al: number, bh: number, bl: number): void {
  // Four 32×32 partial products; sums of up to three uint32 words stay
  // below 2^34 and are exact in doubles.
  const w0 = Math.imul(al, bl) >>> 0;
  const s1 = mulhi(al, bl) + (Math.imul(al, bh) >>> 0) + (Math.imul(ah, bl) >>> 0);
  // s1, s2 < 2^34: the carry is their (exact) quotient by 2^32, truncated.
  const c1 = (s1 * INV32) | 0;
  const s2 = mulhi(al, bh) + mulhi(ah, bl) + (Math.imul(ah, bh) >>> 0) + c1;
  const c2 = (s2 * INV32) | 0;
  const w3 = (mulhi(ah, bh) + c2) >>> 0;
  // 128-bit product words w0..w3 (low to high); mix = (w3^w1, w2^w0).
  out.hi = (w3 ^ s1) >>> 0;
  out.lo = (s2 ^ w0) >>> 0;
}

/** The 64-bit product of two uint32 values, as halves in `out`. */
export function mul32x32(a: number, b: number): void {
  out.lo = Math.imul(a, b) >>> 0;
  out.hi = mulhi(a, b);
}

/** uint32 little-endian load. */
export function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** uint32 big-endian load. */
export function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

// A 64-bit lane viewed as two 32-bit lanes converts between bigint and halves
// with one allocation and no BigInt shifts (the hot path of every hash call).
const lane64 = new BigUint64Array(1);
const lane32 = new Uint32Array(lane64.buffer);
const LE_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LE_HOST ? 0 : 1, HI = LE_HOST ? 1 : 0;

/** Leaves the low 64 bits of x (mod 2^64) in `out` as halves. */
export function split(x: bigint): void {
  lane64[0] = x;
  out.hi = lane32[HI];
  out.lo = lane32[LO];
}

/** Joins uint32 halves into a bigint, fast. */
export function joinFast(hi: number, lo: number): bigint {
  lane32[HI] = hi;
  lane32[LO] = lo;
  return lane64[0];
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
