/**
 * The runtime's portable hashes, used wherever AES hashing is off or absent:
 * runtime/hash64.go on 64-bit targets and runtime/hash32.go on 32-bit ones
 * (internal/runtime/maps/runtime_hash{64,32}.go in 1.27). Both are inspired
 * by wyhash; the code below follows the structure of Go's functions (same
 * length classes, same loads) so a difference can be traced line by line.
 *
 * Loads are native-endian (runtime readUnaligned32/64), so big-endian targets
 * read the same bytes as different numbers.
 */
import { le32, be32, mix64, mul32x32, out, hiOf, loOf } from './word.js';

// 64-bit fallback constants (runtime/hash64.go). m5 is used by every release;
// m1..m4 only before Go 1.23, which replaced them with hashkey[0..3]'s roles.
const M1 = 0xa0761d6478bd642fn, M2 = 0xe7037ed1a0b428dbn, M3 = 0x8ebc6af09c88c6e3n, M4 = 0x589965cc75374cc3n;
const M5H = 0x1d8e4e27, M5L = 0xc47d124f;

/** The key words as the fallback code uses them, split into uint32 halves. */
export interface FallbackKeys {
  readonly bigEndian: boolean;
  /** Xored into the seed: hashkey[0] (^ m1 before 1.23). */
  readonly s0h: number; readonly s0l: number;
  /** hashkey[1..3] from 1.23, m2..m4 before. */
  readonly k1h: number; readonly k1l: number;
  readonly k2h: number; readonly k2l: number;
  readonly k3h: number; readonly k3l: number;
  /** hash32.go: hashkey[0], [1], [2] truncated to 32 bits. */
  readonly h0: number; readonly h1: number; readonly h2: number;
}

/**
 * @param hashkey runtime.hashkey (4 uintptr words)
 * @param wyConstants true before Go 1.23 (m1..m4 in hash64.go)
 */
export function fallbackKeys(hashkey: readonly bigint[], wyConstants: boolean, bigEndian: boolean): FallbackKeys {
  const k = [0, 1, 2, 3].map((i) => BigInt.asUintN(64, hashkey[i] ?? 0n));
  const s0 = wyConstants ? k[0] ^ M1 : k[0];
  const k1 = wyConstants ? M2 : k[1];
  const k2 = wyConstants ? M3 : k[2];
  const k3 = wyConstants ? M4 : k[3];
  return {
    bigEndian,
    s0h: hiOf(s0), s0l: loOf(s0), k1h: hiOf(k1), k1l: loOf(k1),
    k2h: hiOf(k2), k2l: loOf(k2), k3h: hiOf(k3), k3l: loOf(k3),
    h0: loOf(k[0]), h1: loOf(k[1]), h2: loOf(k[2]),
  };
}

// ---------------------------------------------------------------- 64-bit --

// Native-endian loads (runtime readUnaligned32/64, the 64-bit one as halves):
// small functions taking the byte order, not closures, so the hash allocates nothing.
function r4(b: Uint8Array, o: number, be: boolean): number {
  return be ? be32(b, o) : le32(b, o);
}
function r8hi(b: Uint8Array, o: number, be: boolean): number {
  return be ? be32(b, o) : le32(b, o + 4);
}
function r8lo(b: Uint8Array, o: number, be: boolean): number {
  return be ? be32(b, o + 4) : le32(b, o);
}

/** memhashFallback, 64-bit (hash64.go). Result in `out`. */
export function memhash64Bit(K: FallbackKeys, b: Uint8Array, p: number, s: number, seedH: number, seedL: number): void {
  const be = K.bigEndian;
  // r8 as halves: native-endian 64-bit load.
  let ah = 0, al = 0, bh = 0, bl = 0;
  let sh = (seedH ^ K.s0h) >>> 0, sl = (seedL ^ K.s0l) >>> 0;
  if (s === 0) {
    out.hi = sh; out.lo = sl;
    return;
  }
  if (s < 4) {
    al = (b[p] | (b[p + (s >>> 1)] << 8) | (b[p + s - 1] << 16)) >>> 0;
  } else if (s === 4) {
    al = r4(b, p, be); bl = al;
  } else if (s < 8) {
    al = r4(b, p, be); bl = r4(b, p + s - 4, be);
  } else if (s <= 16) {
    ah = r8hi(b, p, be); al = r8lo(b, p, be); bh = r8hi(b, p + s - 8, be); bl = r8lo(b, p + s - 8, be);
  } else {
    let l = s;
    if (l > 48) {
      let s1h = sh, s1l = sl, s2h = sh, s2l = sl;
      for (; l > 48; l -= 48) {
        mix64((r8hi(b, p, be) ^ K.k1h) >>> 0, (r8lo(b, p, be) ^ K.k1l) >>> 0, (r8hi(b, p + 8, be) ^ sh) >>> 0, (r8lo(b, p + 8, be) ^ sl) >>> 0);
        sh = out.hi; sl = out.lo;
        mix64((r8hi(b, p + 16, be) ^ K.k2h) >>> 0, (r8lo(b, p + 16, be) ^ K.k2l) >>> 0, (r8hi(b, p + 24, be) ^ s1h) >>> 0, (r8lo(b, p + 24, be) ^ s1l) >>> 0);
        s1h = out.hi; s1l = out.lo;
        mix64((r8hi(b, p + 32, be) ^ K.k3h) >>> 0, (r8lo(b, p + 32, be) ^ K.k3l) >>> 0, (r8hi(b, p + 40, be) ^ s2h) >>> 0, (r8lo(b, p + 40, be) ^ s2l) >>> 0);
        s2h = out.hi; s2l = out.lo;
        p += 48;
      }
      sh = (sh ^ s1h ^ s2h) >>> 0; sl = (sl ^ s1l ^ s2l) >>> 0;
    }
    for (; l > 16; l -= 16) {
      mix64((r8hi(b, p, be) ^ K.k1h) >>> 0, (r8lo(b, p, be) ^ K.k1l) >>> 0, (r8hi(b, p + 8, be) ^ sh) >>> 0, (r8lo(b, p + 8, be) ^ sl) >>> 0);
      sh = out.hi; sl = out.lo;
      p += 16;
    }
    ah = r8hi(b, p + l - 16, be); al = r8lo(b, p + l - 16, be);
    bh = r8hi(b, p + l - 8, be); bl = r8lo(b, p + l - 8, be);
  }
  mix64((ah ^ K.k1h) >>> 0, (al ^ K.k1l) >>> 0, (bh ^ sh) >>> 0, (bl ^ sl) >>> 0);
  // m5 ^ s: s < 2^32 in any real key.
  mix64(M5H, (M5L ^ s) >>> 0, out.hi, out.lo);
}

/** memhash32Fallback / memhash64Fallback, 64-bit: a = the 4- or 8-byte key. */
export function memhashWord64Bit(K: FallbackKeys, ah: number, al: number, size: 4 | 8, seedH: number, seedL: number): void {
  mix64((ah ^ K.k1h) >>> 0, (al ^ K.k1l) >>> 0, (ah ^ seedH ^ K.s0h) >>> 0, (al ^ seedL ^ K.s0l) >>> 0);
  mix64(M5H, (M5L ^ size) >>> 0, out.hi, out.lo);
}

// ---------------------------------------------------------------- 32-bit --

// hash32.go's mix32 on the (a, b) pair kept in these two registers.
let A = 0, B = 0;
function mix32(K: FallbackKeys): void {
  mul32x32((A ^ K.h1) >>> 0, (B ^ K.h2) >>> 0);
  A = out.lo; B = out.hi;
}

/** memhashFallback, 32-bit (hash32.go). Result (uint32) in `out.lo`, `out.hi` = 0. */
export function memhash32Bit(K: FallbackKeys, b: Uint8Array, p: number, s: number, seed: number): void {
  const be = K.bigEndian;
  A = seed >>> 0; B = (s ^ K.h0) >>> 0;
  mix32(K);
  if (s === 0) {
    out.hi = 0; out.lo = (A ^ B) >>> 0;
    return;
  }
  for (; s > 8; s -= 8) {
    A = (A ^ r4(b, p, be)) >>> 0;
    B = (B ^ r4(b, p + 4, be)) >>> 0;
    mix32(K);
    p += 8;
  }
  if (s >= 4) {
    A = (A ^ r4(b, p, be)) >>> 0;
    B = (B ^ r4(b, p + s - 4, be)) >>> 0;
  } else {
    B = (B ^ (b[p] | (b[p + (s >>> 1)] << 8) | (b[p + s - 1] << 16))) >>> 0;
  }
  mix32(K);
  mix32(K);
  out.hi = 0; out.lo = (A ^ B) >>> 0;
}

/** memhash32Fallback (w1 undefined) / memhash64Fallback, 32-bit; w0/w1 are the native-endian words. */
export function memhashWord32Bit(K: FallbackKeys, w0: number, w1: number | undefined, seed: number): void {
  A = seed >>> 0; B = ((w1 === undefined ? 4 : 8) ^ K.h0) >>> 0;
  mix32(K);
  if (w1 === undefined) {
    A = (A ^ w0) >>> 0; B = (B ^ w0) >>> 0;
  } else {
    A = (A ^ w0) >>> 0; B = (B ^ w1) >>> 0;
  }
  mix32(K);
  mix32(K);
  out.hi = 0; out.lo = (A ^ B) >>> 0;
}
