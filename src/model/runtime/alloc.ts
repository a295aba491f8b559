/**
 * maxAlloc (runtime/malloc.go): the largest allocation the runtime makes,
 * (1 << heapAddrBits) - (1 - _64bit). heapAddrBits is 48 on 64-bit targets
 * other than wasm, 32 on wasm and on 32-bit targets, 31 on mips/mipsle (iOS
 * arm64's 40 is not a GOOS mapscope models). makemap (classic) treats a hint
 * whose bucket memory exceeds it as 0; maps.NewMap (Swiss) makes an empty
 * map for it; so a classic B never passes it either.
 */
import type { Arch } from '../arch.js';

export function heapAddrBits(arch: Pick<Arch, 'name' | 'ptrSize'>): number {
  if (arch.name === 'wasm') return 32;
  if (arch.ptrSize === 8) return 48;
  return arch.name === 'mips' || arch.name === 'mipsle' ? 31 : 32;
}

export function maxAlloc(arch: Pick<Arch, 'name' | 'ptrSize'>): number {
  return 2 ** heapAddrBits(arch) - (arch.ptrSize === 8 ? 0 : 1);
}
