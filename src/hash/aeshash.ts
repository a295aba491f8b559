/**
 * The runtime's AES-based hashes, one function per assembly implementation:
 *
 * - amd64: runtime/asm_amd64.s `aeshashbody`, `memhash32`, `memhash64`
 *   (1.27: internal/runtime/maps/memhash_amd64.s, same code).
 * - 386:   runtime/asm_386.s (1.27: internal/runtime/maps/memhash_386.s).
 *   Same shape as amd64 up to 64 bytes, but a 32-bit seed, a 64-byte key
 *   schedule, and a different loop for longer inputs.
 * - arm64: runtime/asm_arm64.s (1.27: internal/runtime/maps/memhash_arm64.s).
 *   A different algorithm: AESE xors its key *before* the S-box and AESMC
 *   is separate, the seed vector holds the full 64-bit length, short inputs
 *   are scattered into the vector by length bits, and the last round of each
 *   lane has no MixColumns.
 *
 * Register numbering follows the assembly: registers 0..15 are X0..X15 /
 * V0..V15; KEY+i is aeskeysched[16i:16i+16]; SEED is arm64's V30.
 * Results are left in `out` (hi/lo uint32 halves of the returned uintptr).
 */
import { Regs } from './aes.js';
import { out } from './word.js';

const KEY = 16;
const SEED = 24;
const R = new Regs(26);
const W = R.w;

/** Loads the 64 or 128 bytes of runtime.aeskeysched into the key registers. */
export function loadKeySchedule(ks: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    if (ks.length >= 16 * (i + 1)) R.load(KEY + i, ks, 16 * i);
    else R.set(KEY + i, 0, 0, 0, 0);
  }
}

let loadedFrom: Uint8Array | null = null;
function keys(ks: Uint8Array): void {
  // The schedule is per process; reload only when a different one is used.
  if (loadedFrom !== ks) {
    loadKeySchedule(ks);
    loadedFrom = ks;
  }
}

function lo64(r: number): void {
  out.lo = W[r * 4] >>> 0;
  out.hi = W[r * 4 + 1] >>> 0;
}

/** Zero-extended load of 0 < n < 16 bytes (what amd64/386 get by masking or shuffling). */
function loadPartial(r: number, b: Uint8Array, p: number, n: number): void {
  const i = r * 4;
  W[i] = W[i + 1] = W[i + 2] = W[i + 3] = 0;
  for (let k = 0; k < n; k++) W[i + (k >>> 2)] |= b[p + k] << ((k & 3) * 8);
}

// -------------------------------------------------------------- x86 ------

/** Shared by amd64 and 386: inputs of 0..64 bytes, with X0 (scrambled) and X1 (unscrambled) seeds set. */
function x86Upto64(b: Uint8Array, p: number, s: number): number {
  if (s < 16) {
    if (s === 0) {
      R.aesenc(0, 0);
      return 0;
    }
    loadPartial(1, b, p, s);
    return final1();
  }
  if (s === 16) {
    R.load(1, b, p);
    return final1();
  }
  if (s <= 32) {
    R.xor(1, KEY + 1);
    R.aesenc(1, 1);
    R.load(2, b, p);
    R.load(3, b, p + s - 16);
    R.xor(2, 0);
    R.xor(3, 1);
    for (let i = 0; i < 3; i++) {
      R.aesenc(2, 2);
      R.aesenc(3, 3);
    }
    R.xor(2, 3);
    return 2;
  }
  // 33..64
  R.copy(2, 1);
  R.copy(3, 1);
  R.xor(1, KEY + 1);
  R.xor(2, KEY + 2);
  R.xor(3, KEY + 3);
  R.aesenc(1, 1);
  R.aesenc(2, 2);
  R.aesenc(3, 3);
  R.load(4, b, p);
  R.load(5, b, p + 16);
  R.load(6, b, p + s - 32);
  R.load(7, b, p + s - 16);
  for (let i = 0; i < 4; i++) R.xor(4 + i, i);
  for (let round = 0; round < 3; round++) for (let i = 4; i < 8; i++) R.aesenc(i, i);
  R.xor(4, 6);
  R.xor(5, 7);
  R.xor(4, 5);
  return 4;
}

function final1(): number {
  R.xor(1, 0);
  R.aesenc(1, 1);
  R.aesenc(1, 1);
  R.aesenc(1, 1);
  return 1;
}

/** Seeds X0 (scrambled) and X1 (unscrambled): seed, then the 16-bit length 4 times. */
function x86Seed(seedLo: number, seedHi: number, s: number): void {
  const len16 = s & 0xffff;
  const rep = (len16 | (len16 << 16)) >>> 0;
  R.set(0, seedLo, seedHi, rep, rep);
  R.copy(1, 0);
  R.xor(0, KEY);
  R.aesenc(0, 0);
}

/** amd64 aeshashbody: memhash(p, seed, s) with AES. */
export function aesMemhashAmd64(ks: Uint8Array, b: Uint8Array, p: number, s: number, seedHi: number, seedLo: number): void {
  keys(ks);
  x86Seed(seedLo, seedHi, s);
  if (s <= 64) {
    lo64(x86Upto64(b, p, s));
    return;
  }
  // 65 and more: seven more seeds from the unscrambled one.
  for (let i = 2; i < 8; i++) R.copy(i, 1);
  for (let i = 1; i < 8; i++) {
    R.xor(i, KEY + i);
    R.aesenc(i, i);
  }
  if (s <= 128) {
    for (let i = 0; i < 4; i++) R.load(8 + i, b, p + 16 * i);
    for (let i = 0; i < 4; i++) R.load(12 + i, b, p + s - 64 + 16 * i);
    for (let i = 0; i < 8; i++) R.xor(8 + i, i);
    for (let round = 0; round < 3; round++) for (let i = 8; i < 16; i++) R.aesenc(i, i);
  } else {
    // Start with the last (possibly overlapping) 128 bytes, then fold in
    // the 128-byte blocks from the start, (s-1)/128 of them.
    for (let i = 0; i < 8; i++) R.load(8 + i, b, p + s - 128 + 16 * i);
    for (let i = 0; i < 8; i++) R.xor(8 + i, i);
    for (let n = (s - 1) >>> 7; n > 0; n--, p += 128) {
      for (let i = 8; i < 16; i++) R.aesenc(i, i);
      for (let i = 0; i < 8; i++) {
        R.load(i, b, p + 16 * i);
        R.aesenc(8 + i, i);
      }
    }
    for (let round = 0; round < 3; round++) for (let i = 8; i < 16; i++) R.aesenc(i, i);
  }
  R.xor(8, 12);
  R.xor(9, 13);
  R.xor(10, 14);
  R.xor(11, 15);
  R.xor(8, 10);
  R.xor(9, 11);
  R.xor(8, 9);
  lo64(8);
}

/** amd64 memhash32 (size 4) / memhash64 (size 8) with AES; k = the key's words. */
export function aesMemhashWordAmd64(ks: Uint8Array, k0: number, k1: number, size: 4 | 8, seedHi: number, seedLo: number): void {
  keys(ks);
  // MOVQ seed, X0; PINSRD $2 / PINSRQ $1 data.
  R.set(0, seedLo, seedHi, k0, size === 8 ? k1 : 0);
  R.aesenc(0, KEY);
  R.aesenc(0, KEY + 1);
  R.aesenc(0, KEY + 2);
  lo64(0);
}

/** 386 aeshashbody: memhash(p, seed, s) with AES; 32-bit result in out.lo. */
export function aesMemhash386(ks: Uint8Array, b: Uint8Array, p: number, s: number, seed: number): void {
  keys(ks);
  x86Seed(seed, 0, s);
  let r: number;
  if (s <= 64) {
    r = x86Upto64(b, p, s);
  } else {
    R.copy(2, 1);
    R.copy(3, 1);
    for (let i = 1; i < 4; i++) {
      R.xor(i, KEY + i);
      R.aesenc(i, i);
    }
    // Last (possibly overlapping) 64 bytes, scrambled once with the seeds
    // as round keys; then (s-1)/64 blocks from the start.
    for (let i = 0; i < 4; i++) R.load(4 + i, b, p + s - 64 + 16 * i);
    for (let i = 0; i < 4; i++) R.aesenc(4 + i, i);
    for (let n = (s - 1) >>> 6; n > 0; n--, p += 64) {
      for (let i = 0; i < 4; i++) {
        R.load(i, b, p + 16 * i);
        R.aesenc(4 + i, i);
      }
      for (let i = 4; i < 8; i++) R.aesenc(i, i);
    }
    for (let round = 0; round < 3; round++) for (let i = 4; i < 8; i++) R.aesenc(i, i);
    R.xor(4, 6);
    R.xor(5, 7);
    R.xor(4, 5);
    r = 4;
  }
  out.hi = 0;
  out.lo = W[r * 4] >>> 0;
}

/** 386 memhash32 / memhash64 with AES. */
export function aesMemhashWord386(ks: Uint8Array, k0: number, k1: number, size: 4 | 8, seed: number): void {
  keys(ks);
  // memhash32: MOVL seed, X0; PINSRD $1 data. memhash64: MOVQ data, X0; PINSRD $2 seed.
  if (size === 4) R.set(0, seed, k0, 0, 0);
  else R.set(0, k0, k1, seed, 0);
  R.aesenc(0, KEY);
  R.aesenc(0, KEY + 1);
  R.aesenc(0, KEY + 2);
  out.hi = 0;
  out.lo = W[0] >>> 0;
}

// ------------------------------------------------------------ arm64 ------

/**
 * arm64 aeshashbody. `shortMC`: whether the 0..16-byte path ends with
 * AESMC (Go 1.21 and later) or with a bare AESE (1.19).
 */
export function aesMemhashArm64(ks: Uint8Array, b: Uint8Array, p: number, s: number, seedHi: number, seedLo: number, shortMC: boolean): void {
  keys(ks);
  // V30 = seed in lane D[0], 64-bit length in D[1].
  R.set(SEED, seedLo, seedHi, s >>> 0, Math.floor(s / 4294967296) >>> 0);
  R.copy(0, KEY);
  R.aeseMC(0, SEED);
  if (s <= 16) {
    if (s === 0) {
      lo64(0);
      return;
    }
    if (s === 16) {
      R.load(2, b, p);
    } else {
      // Scatter by length bits: 8 bytes to lanes B[0..7], 4 to B[8..11],
      // 2 to B[12..13], 1 to B[14], reading the input front to back.
      const i = 2 * 4;
      W[i] = W[i + 1] = W[i + 2] = W[i + 3] = 0;
      if (s & 8) {
        W[i] = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
        W[i + 1] = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
        p += 8;
      }
      if (s & 4) {
        W[i + 2] = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
        p += 4;
      }
      if (s & 2) {
        W[i + 3] = b[p] | (b[p + 1] << 8);
        p += 2;
      }
      if (s & 1) W[i + 3] |= b[p] << 16;
    }
    R.aeseMC(2, 0);
    R.aeseMC(2, 0);
    if (shortMC) R.aeseMC(2, 0);
    else R.aese(2, 0);
    lo64(2);
    return;
  }
  if (s <= 32) {
    R.copy(1, KEY + 1);
    R.aeseMC(1, SEED);
    R.load(2, b, p);
    R.load(3, b, p + s - 16);
    for (let round = 0; round < 2; round++) {
      R.aeseMC(2, 0);
      R.aeseMC(3, 1);
    }
    R.aese(2, 0);
    R.aese(3, 1);
    R.xor(2, 3);
    lo64(2);
    return;
  }
  if (s <= 64) {
    for (let i = 1; i < 4; i++) {
      R.copy(i, KEY + i);
      R.aeseMC(i, SEED);
    }
    R.load(4, b, p);
    R.load(5, b, p + 16);
    R.load(6, b, p + s - 32);
    R.load(7, b, p + s - 16);
    for (let round = 0; round < 2; round++) for (let i = 0; i < 4; i++) R.aeseMC(4 + i, i);
    for (let i = 0; i < 4; i++) R.aese(4 + i, i);
    R.xor(4, 6);
    R.xor(5, 7);
    R.xor(4, 5);
    lo64(4);
    return;
  }
  for (let i = 1; i < 8; i++) {
    R.copy(i, KEY + i);
    R.aeseMC(i, SEED);
  }
  if (s <= 128) {
    for (let i = 0; i < 4; i++) R.load(8 + i, b, p + 16 * i);
    for (let i = 0; i < 4; i++) R.load(12 + i, b, p + s - 64 + 16 * i);
    for (let round = 0; round < 2; round++) for (let i = 0; i < 8; i++) R.aeseMC(8 + i, i);
    for (let i = 0; i < 8; i++) R.aese(8 + i, i);
    R.xor(8, 12);
    R.xor(9, 13);
    R.xor(10, 14);
    R.xor(11, 15);
    R.xor(8, 10);
    R.xor(9, 11);
    R.xor(8, 9);
    lo64(8);
    return;
  }
  // 129 and more: here the seeds V0..V7 are the state and the data the keys.
  for (let i = 0; i < 8; i++) R.load(8 + i, b, p + s - 128 + 16 * i);
  for (let n = (s - 1) >>> 7; n > 0; n--) {
    for (let i = 0; i < 8; i++) R.aeseMC(i, 8 + i);
    for (let i = 0; i < 4; i++) R.load(8 + i, b, p + 16 * i);
    p += 64;
    for (let i = 0; i < 4; i++) R.aeseMC(i, 8 + i);
    for (let i = 0; i < 4; i++) R.load(12 + i, b, p + 16 * i);
    p += 64;
    for (let i = 4; i < 8; i++) R.aeseMC(i, 8 + i);
  }
  for (let round = 0; round < 2; round++) for (let i = 0; i < 8; i++) R.aeseMC(i, 8 + i);
  for (let i = 0; i < 8; i++) R.aese(i, 8 + i);
  R.xor(0, 1);
  R.xor(2, 3);
  R.xor(4, 5);
  R.xor(6, 7);
  R.xor(0, 2);
  R.xor(4, 6);
  R.xor(0, 4);
  lo64(0);
}

/**
 * arm64 memhash32 / memhash64 with AES. `fullSeed32`: Go 1.27's memHash32AES
 * puts the whole 64-bit seed in D[0] and the key in S[2]; earlier releases
 * put the seed's low 32 bits in S[0] and the key in S[1].
 */
export function aesMemhashWordArm64(ks: Uint8Array, k0: number, k1: number, size: 4 | 8, seedHi: number, seedLo: number, fullSeed32: boolean): void {
  keys(ks);
  if (size === 8) R.set(0, seedLo, seedHi, k0, k1);
  else if (fullSeed32) R.set(0, seedLo, seedHi, k0, 0);
  else R.set(0, seedLo, k0, 0, 0);
  R.aeseMC(0, KEY);
  R.aeseMC(0, KEY);
  R.aese(0, KEY);
  lo64(0);
}
