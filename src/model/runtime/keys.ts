/**
 * The process's hash key material (runtime/alg.go): runtime.hashkey, four
 * uintptr words for the portable fallback hash, and runtime.aeskeysched,
 * hashRandomBytes = PtrSize/4*64 bytes for the AES hash (128 on 64-bit
 * targets, 64 on 32-bit). alginit draws one or the other at start-up:
 *
 * - hashkey: each word from the runtime's random source; up to Go 1.22 every
 *   word is made odd (`| 1`, "make sure these numbers are odd"), from 1.23 it
 *   is not (1.23 replaced the fixed m1..m4 of hash64.go with hashkey[1..3]).
 * - aeskeysched: from Go 1.23 filled as hashRandomBytes/8 uint64 words of
 *   bootstrapRand (initAlgAES); before, getRandomData's bytes, which no
 *   replay can know anyway.
 *
 * Where a scenario records none of these, the engines draw them with this
 * rule from their PRNG (src/engine/prng.ts), hashkey first, then the AES
 * words, so both engines draw the same material for the same seed.
 */
import type { Arch } from '../arch.js';

/** hashRandomBytes: the length of runtime.aeskeysched. */
export function hashRandomBytes(arch: Pick<Arch, 'ptrSize'>): number {
  return (arch.ptrSize / 4) * 64;
}

/** Whether alginit makes every hashkey word odd (Go ≤ 1.22). */
export function hashkeyOdd(goMinor: number): boolean {
  return goMinor <= 22;
}

export interface DrawnKeys {
  readonly hashkey: readonly bigint[];
  readonly aeskeysched: Uint8Array;
}

/**
 * The key material alginit would draw from `rand` (64-bit draws), keeping
 * what the scenario recorded: `hashkey` words and `aeskeysched` bytes given
 * are used as they are and draw nothing.
 */
export function drawKeyMaterial(
  goMinor: number,
  arch: Pick<Arch, 'ptrSize' | 'bigEndian'>,
  rand: () => bigint,
  recorded: { hashkey?: readonly bigint[]; aeskeysched?: Uint8Array } = {},
): DrawnKeys {
  const wordMask = (1n << BigInt(arch.ptrSize * 8)) - 1n;
  const odd = hashkeyOdd(goMinor) ? 1n : 0n;
  const hashkey = recorded.hashkey ?? Array.from({ length: 4 }, () => (rand() & wordMask) | odd);
  let aeskeysched = recorded.aeskeysched;
  if (aeskeysched === undefined) {
    aeskeysched = new Uint8Array(hashRandomBytes(arch));
    const view = new DataView(aeskeysched.buffer);
    for (let i = 0; i < aeskeysched.length; i += 8) view.setBigUint64(i, rand(), !arch.bigEndian);
  }
  return { hashkey, aeskeysched };
}

