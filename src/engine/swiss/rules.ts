/**
 * What differs between Go releases and between the compiler's code paths,
 * each fact with the source it was read in (~/.cache/mapscope/go/<v>/src).
 *
 * Code paths: cmd/compile/internal/walk/walk.go `mapfast`, shared with the
 * classic engine in src/layout/mapfast.ts.
 *
 * All paths place keys identically; they differ in pruning (below) and in
 * nothing else that the map's memory shows.
 */
import type { Arch } from '../../model/arch.js';
import type { GoType } from '../../model/types.js';
import { mapfast, type MapPath } from '../../layout/mapfast.js';
import { hashBits } from '../../hash/target.js';

export type AssignPath = MapPath;

export function assignPath(key: GoType, elem: GoType, arch: Arch, minor: number): AssignPath {
  return mapfast(key, elem, arch, { minor });
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
