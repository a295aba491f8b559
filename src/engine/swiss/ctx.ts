/**
 * The engine's view of one map type on one target: where things sit in
 * memory (every offset from src/layout), which release rules apply, and how
 * keys hash. Map, table and group code all take a Ctx.
 */
import type { SimMemory } from '../../model/memory.js';
import type { Arch } from '../../model/arch.js';
import { sizeOf, type GoType } from '../../model/types.js';
import { fieldOffsets, type SwissLayout } from '../../layout/index.js';
import type { SwissRules } from './rules.js';
import { keyEqualFor, type KeyHasher } from './keys.js';
import { slotGeometry } from './geometry.js';

export interface Ctx {
  readonly mem: SimMemory;
  readonly arch: Arch;
  readonly layout: SwissLayout;
  readonly rules: SwissRules;
  readonly key: GoType;
  readonly elem: GoType;
  readonly keySize: number;
  readonly elemSize: number;
  readonly keyIndirect: boolean;
  readonly elemIndirect: boolean;
  /** typ.Key.Pointers(): a deleted key is cleared only then (or when indirect). */
  readonly keyHasPointers: boolean;
  readonly needKeyUpdate: boolean;
  readonly groupSize: number;
  /** Offset of slot i's key: keysOff + i*keyStride; elem: elemsOff + i*elemStride. */
  readonly keysOff: number;
  readonly keyStride: number;
  readonly elemsOff: number;
  readonly elemStride: number;
  /** SlotSize (1.24–1.26) or KeyStride (1.27): Clear's "big slot" test compares it with 32. */
  readonly clearStride: number;
  readonly M: Readonly<Record<string, number>>;
  readonly T: Readonly<Record<string, number>>;
  readonly hash: KeyHasher;
  /** The same hash without BigInt: typ.Hasher(key, seed) with the seed as uint32 halves, the result left in `hw`. */
  readonly hashWords: (addr: number, seedHi: number, seedLo: number) => void;
  /** Result of hashWords: the hash's uint32 halves (hi is 0 for a 32-bit hash). */
  readonly hw: { hi: number; lo: number };
  /** typ.Key.Equal on two key addresses. */
  readonly keyEqual: (a: number, b: number) => boolean;
  readonly trace?: (line: string) => void;
}


export function makeCtx(
  mem: SimMemory, layout: SwissLayout, rules: SwissRules, key: GoType, elem: GoType,
  hash: KeyHasher, hashWords: Ctx['hashWords'], hw: Ctx['hw'], trace?: (line: string) => void,
): Ctx {
  const arch = mem.arch;
  const g = layout.group;
  const geo = slotGeometry(layout);
  const T = fieldOffsets(layout.headers.table);
  const gr = fieldOffsets(layout.headers.groupsReference);
  return {
    mem, arch, layout, rules, key, elem,
    keySize: sizeOf(key, arch).size,
    elemSize: sizeOf(elem, arch).size,
    keyIndirect: layout.key.indirect,
    elemIndirect: layout.elem.indirect,
    keyHasPointers: layout.key.hasPointers,
    needKeyUpdate: layout.keyProps.needKeyUpdate,
    groupSize: g.size,
    ...geo,
    clearStride: layout.descriptor.keyStride ?? g.slotSize,
    M: fieldOffsets(layout.headers.Map),
    T: { ...T, data: T.groups + gr.data, lengthMask: T.groups + gr.lengthMask },
    hash,
    hashWords,
    hw,
    keyEqual: keyEqualFor(mem, key),
    trace,
  };
}

export { hex } from '../../base/hex.js';
