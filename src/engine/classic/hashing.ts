/**
 * The map's hash function: src/hash's GoHasher (the runtime's fallback and AES
 * hashes) run with the recipe the compiler installs for the key type, over
 * the key's bytes in simulated memory.
 *
 * This file only adapts simulated memory to src/hash's `KeyMemory` (types go
 * through src/hash/model.ts's hashTypeOf); it computes no hash itself.
 */
import { mapKeyHash, type GoHasher, type KeyMemory, type Recipe } from '../../hash/index.js';
import type { Arch } from '../../model/arch.js';
import type { GoVersion } from '../../model/goversion.js';
import type { SimMemory } from '../../model/memory.js';
import { sizeOf, type GoType } from '../../model/types.js';
import { goVersionString } from '../../model/goversion.js';


export interface MapHasher {
  /** t.hasher(key, uintptr(seed)) for the key stored at `addr`. */
  hash(addr: number, seed: number, nanDraw?: () => bigint): bigint;
  /** The same hash left in `hi`/`lo` (uint32 halves; hi is 0 on 32-bit targets), without BigInt. */
  words(addr: number, seed: number, nanDraw?: () => bigint): void;
  hi: number;
  lo: number;
  /** The hasher and the key type's recipe under `words` (the fast paths call memhash64Words / memhashWords for memhash64 and strhash recipes). */
  readonly goHasher: GoHasher;
  readonly recipe: Recipe;
}

/** Key material for one simulated process (runtime.hashkey, runtime.aeskeysched). */
export interface ProcessKeys {
  readonly hashkey: readonly bigint[];
  readonly aeskeysched: Uint8Array;
}

export function mapHasher(key: GoType, go: GoVersion, arch: Arch, aes: boolean, keys: ProcessKeys, mem: SimMemory): MapHasher {
  const { recipe, hasher: h } = mapKeyHash(key, arch, goVersionString(go), aes, keys);
  const size = sizeOf(key, arch).size;
  const km: KeyMemory = {
    read: (addr, len) => mem.view(Number(addr), len),
    loc: (addr, len) => mem.loc(addr, len),
    get locOff() { return mem.locOff; },
    dynamicType: () => {
      throw new Error('interface keys are not supported by the classic engine yet');
    },
  };
  const empty = new Uint8Array(0);
  return {
    hi: 0,
    lo: 0,
    goHasher: h,
    recipe,
    hash(addr: number, seed: number, nanDraw?: () => bigint): bigint {
      const bytes = size === 0 ? empty : mem.view(addr, size);
      return h.hashKey(recipe, bytes, BigInt(seed), km, nanDraw);
    },
    words(addr: number, seed: number, nanDraw?: () => bigint): void {
      // The map's seed is hash0, a uint32 zero-extended to uintptr.
      if (size === 0) h.hashKeyWords(recipe, empty, 0, seed, km, nanDraw);
      else h.hashKeyWords(recipe, mem.loc(addr, size), 0, seed, km, nanDraw, mem.locOff);
      this.hi = h.hi;
      this.lo = h.lo;
    },
  };
}
