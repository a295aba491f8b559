/**
 * One AES round in software, in the two shapes CPUs offer it (FIPS-197 §5.1):
 *
 * - x86 AESENC state, key: ShiftRows, SubBytes, MixColumns, then xor key.
 * - arm64 AESE state, key: xor key, then ShiftRows and SubBytes;
 *   AESMC: MixColumns alone.
 *
 * A 128-bit register is four uint32 words, word i holding bytes 4i..4i+3
 * little-endian (the byte order of an XMM/V register in memory). AES views the
 * 16 bytes as a 4×4 matrix filled column by column, so word c is column c and
 * byte r of it is row r.
 *
 * The S-box is computed here from its definition (multiplicative inverse in
 * GF(2^8) modulo x^8+x^4+x^3+x+1, then the affine map of FIPS-197 §5.1.1),
 * and the round is table driven: TE[r][x] is S[x] in row r pushed through
 * MixColumns, so one column of a full round is four lookups and three xors.
 */

/** Multiplication by x in GF(2^8) with the AES polynomial. */
function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x11b : 0)) & 0xff;
}

function gmul(a: number, b: number): number {
  let p = 0;
  for (; b; b >>= 1, a = xtime(a)) if (b & 1) p ^= a;
  return p;
}

function buildSbox(): Uint8Array {
  const s = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    // Inverse by exhaustive search: 256×256 multiplications, once at load.
    let inv = 0;
    if (x !== 0) for (inv = 1; gmul(x, inv) !== 1; inv++);
    let y = inv;
    let r = inv;
    for (let i = 0; i < 4; i++) {
      r = ((r << 1) | (r >>> 7)) & 0xff;
      y ^= r;
    }
    s[x] = y ^ 0x63;
  }
  return s;
}

export const SBOX = buildSbox();

const TE0 = new Uint32Array(256), TE1 = new Uint32Array(256), TE2 = new Uint32Array(256), TE3 = new Uint32Array(256);
for (let x = 0; x < 256; x++) {
  const s = SBOX[x], s2 = xtime(s), s3 = s2 ^ s;
  // MixColumns matrix rows: [2 3 1 1], [1 2 3 1], [1 1 2 3], [3 1 1 2].
  // An input byte in row j contributes column j of the matrix times s.
  TE0[x] = (s2 | (s << 8) | (s << 16) | (s3 << 24)) >>> 0;
  TE1[x] = (s3 | (s2 << 8) | (s << 16) | (s << 24)) >>> 0;
  TE2[x] = (s | (s3 << 8) | (s2 << 16) | (s << 24)) >>> 0;
  TE3[x] = (s | (s << 8) | (s3 << 16) | (s2 << 24)) >>> 0;
}

/**
 * A file of 128-bit registers: register r is words 4r..4r+3. The hash code
 * uses registers 0..15 as X0..X15 / V0..V15, plus scratch and key slots.
 */
export class Regs {
  readonly w: Uint32Array;
  constructor(count: number) {
    this.w = new Uint32Array(count * 4);
  }

  /** Loads 16 bytes at b[o] into register r. */
  load(r: number, b: Uint8Array, o: number): void {
    const w = this.w, i = r * 4;
    for (let k = 0; k < 4; k++, o += 4) w[i + k] = b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
  }

  set(r: number, w0: number, w1: number, w2: number, w3: number): void {
    const w = this.w, i = r * 4;
    w[i] = w0; w[i + 1] = w1; w[i + 2] = w2; w[i + 3] = w3;
  }

  copy(dst: number, src: number): void {
    // Four plain stores: TypedArray.copyWithin costs more than the round itself here.
    const w = this.w, d = dst * 4, s = src * 4;
    w[d] = w[s]; w[d + 1] = w[s + 1]; w[d + 2] = w[s + 2]; w[d + 3] = w[s + 3];
  }

  /** dst ^= src. */
  xor(dst: number, src: number): void {
    const w = this.w, d = dst * 4, s = src * 4;
    w[d] ^= w[s]; w[d + 1] ^= w[s + 1]; w[d + 2] ^= w[s + 2]; w[d + 3] ^= w[s + 3];
  }

  /** x86 AESENC: dst = MixColumns(SubBytes(ShiftRows(dst))) ^ key. key may be dst. */
  aesenc(dst: number, key: number): void {
    const w = this.w, d = dst * 4, k = key * 4;
    const a0 = w[d], a1 = w[d + 1], a2 = w[d + 2], a3 = w[d + 3];
    const k0 = w[k], k1 = w[k + 1], k2 = w[k + 2], k3 = w[k + 3];
    w[d] = roundCol(a0, a1, a2, a3) ^ k0;
    w[d + 1] = roundCol(a1, a2, a3, a0) ^ k1;
    w[d + 2] = roundCol(a2, a3, a0, a1) ^ k2;
    w[d + 3] = roundCol(a3, a0, a1, a2) ^ k3;
  }

  /** arm64 AESE then AESMC: dst = MixColumns(SubBytes(ShiftRows(dst ^ key))). */
  aeseMC(dst: number, key: number): void {
    const w = this.w, d = dst * 4, k = key * 4;
    const a0 = w[d] ^ w[k], a1 = w[d + 1] ^ w[k + 1], a2 = w[d + 2] ^ w[k + 2], a3 = w[d + 3] ^ w[k + 3];
    w[d] = roundCol(a0, a1, a2, a3);
    w[d + 1] = roundCol(a1, a2, a3, a0);
    w[d + 2] = roundCol(a2, a3, a0, a1);
    w[d + 3] = roundCol(a3, a0, a1, a2);
  }

  /** arm64 AESE alone: dst = SubBytes(ShiftRows(dst ^ key)). */
  aese(dst: number, key: number): void {
    const w = this.w, d = dst * 4, k = key * 4;
    const a0 = w[d] ^ w[k], a1 = w[d + 1] ^ w[k + 1], a2 = w[d + 2] ^ w[k + 2], a3 = w[d + 3] ^ w[k + 3];
    w[d] = subShiftCol(a0, a1, a2, a3);
    w[d + 1] = subShiftCol(a1, a2, a3, a0);
    w[d + 2] = subShiftCol(a2, a3, a0, a1);
    w[d + 3] = subShiftCol(a3, a0, a1, a2);
  }

  /** arm64 AESMC alone: dst = MixColumns(dst). */
  aesmc(dst: number): void {
    const w = this.w, d = dst * 4;
    for (let c = 0; c < 4; c++) w[d + c] = mixCol(w[d + c]);
  }
}

// After ShiftRows, row r of output column c comes from column c+r. With the
// columns rotated so that `c0` is column c, `c1` column c+1 and so on, output
// column c takes row 0 of c0, row 1 of c1, row 2 of c2, row 3 of c3.
function roundCol(c0: number, c1: number, c2: number, c3: number): number {
  return (TE0[c0 & 0xff] ^ TE1[(c1 >>> 8) & 0xff] ^ TE2[(c2 >>> 16) & 0xff] ^ TE3[c3 >>> 24]) >>> 0;
}

function subShiftCol(c0: number, c1: number, c2: number, c3: number): number {
  return (SBOX[c0 & 0xff] | (SBOX[(c1 >>> 8) & 0xff] << 8) | (SBOX[(c2 >>> 16) & 0xff] << 16) | (SBOX[c3 >>> 24] << 24)) >>> 0;
}

function mixCol(col: number): number {
  const a0 = col & 0xff, a1 = (col >>> 8) & 0xff, a2 = (col >>> 16) & 0xff, a3 = col >>> 24;
  const r0 = xtime(a0) ^ (xtime(a1) ^ a1) ^ a2 ^ a3;
  const r1 = a0 ^ xtime(a1) ^ (xtime(a2) ^ a2) ^ a3;
  const r2 = a0 ^ a1 ^ xtime(a2) ^ (xtime(a3) ^ a3);
  const r3 = (xtime(a0) ^ a0) ^ a1 ^ a2 ^ xtime(a3);
  return (r0 | (r1 << 8) | (r2 << 16) | (r3 << 24)) >>> 0;
}
