/**
 * What differs between Go releases and between the compiler's code paths,
 * each fact with the source it was read in (~/.cache/mapscope/go/<v>/src).
 *
 * Code paths (cmd/compile/internal/walk/walk.go `mapfast`): the compiler
 * calls mapassign_fast32 for 4-byte plain-memory keys without pointers,
 * _fast32ptr for 4-byte pointer keys (32-bit targets), _fast64 / _fast64ptr
 * likewise for 8-byte keys, _faststr for strings, and the generic
 * mapassign for everything else or when the elem is over 128 bytes. The
 * "plain memory of size 4/8" test is types.AlgType, which falls back to the
 * generic kind when the type is less aligned than the target's loads need
 * (issue 46283; sizedAlg in src/model/alg.ts).
 *
 * All paths place keys identically; they differ in pruning (below) and in
 * nothing else that the map's memory shows.
 */
import type { Arch } from '../../model/arch.js';
import { sizedAlg } from '../../model/alg.js';
import { sizeOf, type GoType } from '../../model/types.js';
import { hashBits } from '../../hash/target.js';

export type AssignPath = 'fast32' | 'fast32ptr' | 'fast64' | 'fast64ptr' | 'faststr' | 'generic';

export function assignPath(key: GoType, elem: GoType, arch: Arch, minor: number): AssignPath {
  if (sizeOf(elem, arch).size > 128) return 'generic';
  const k = sizeOf(key, arch);
  switch (sizedAlg(k, arch, { minor })) {
    case 'STRING': return 'faststr'; // also a struct or array of one string: AlgType STRING
    case 'MEM32': return k.ptrBytes > 0 ? 'fast32ptr' : 'fast32';
    case 'MEM64': return k.ptrBytes > 0 ? 'fast64ptr' : 'fast64';
    default: return 'generic';
  }
}

export interface SwissRules {
  readonly minor: number;
  readonly path: AssignPath;
  /**
   * Whether an insert that finds growthLeft == 0 first tries pruneTombstones.
   * 1.25 added it to mapassign_fast32/fast64/faststr (and table.PutSlot);
   * 1.27 to fast32ptr/fast64ptr (go1.27.3 runtime_fast64.go:511,
   * runtime_fast32.go:446). The generic runtime_mapassign never prunes
   * (go1.26.10 maps/runtime.go:206-371; go1.27.3 maps/runtime.go:143+).
   */
  readonly prune: boolean;
  /**
   * 1.24–1.26 convert a small map holding 8 entries to a table on any
   * assignment, even of a key it holds (go1.26.10 maps/map.go PutSlot,
   * `if m.used < abi.MapGroupSlots`); 1.27 first looks the key up and grows
   * only when it is new (go1.27.3 maps/map.go, putSlotSmall returns nil).
   */
  readonly smallFullConvertsOnUpdate: boolean;
  /** Map.tombstonePossible exists (1.25+); Clear of an empty map with tombstones then clears. */
  readonly tombstoneTracking: boolean;
  /** The hash, shift and local-depth mask are 32-bit (4-byte pointers; wasm from 1.26). */
  readonly hashBits: 32 | 64;
}

export function swissRules(key: GoType, elem: GoType, arch: Arch, minor: number): SwissRules {
  const path = assignPath(key, elem, arch, minor);
  const fast = path === 'fast32' || path === 'fast64' || path === 'faststr';
  const ptr = path === 'fast32ptr' || path === 'fast64ptr';
  return {
    minor,
    path,
    prune: (minor >= 25 && fast) || (minor >= 27 && ptr),
    smallFullConvertsOnUpdate: minor <= 26,
    tombstoneTracking: minor >= 25,
    hashBits: hashBits({ arch, go: `1.${minor}`, aes: false }),
  };
}
