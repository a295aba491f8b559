/**
 * A map source: one map's memory and the facts needed to read it, whoever
 * supplies them (a snapshot rebuilt in simulated memory, a core dump with its
 * executable, or a live process). `check` consumes map sources; so will the
 * coming `view` and `profile`. The readers of file formats stay in
 * src/binary; this floor joins them with memory into maps.
 */
import type { MemoryReader } from '../model/memory.js';
import type { GoType, MapType } from '../model/types.js';
import type { LayoutTarget } from '../layout/index.js';
import type { KeyMaterial } from '../hash/index.js';

/** The process's hash state: which hashes it runs and their random keys. */
export interface HashState {
  /** runtime.useAeshash (the AES hashes are only used where the CPU has them). */
  readonly aes: boolean;
  readonly keys: KeyMaterial;
}

/**
 * The dynamic types behind interface words, from the program's own type
 * information (src/source/process: runtime type descriptor → DWARF). Keys that
 * hold interfaces are hashed and compared under these types.
 */
export interface DynamicTypes {
  /**
   * The type behind an interface's first word: a runtime type descriptor
   * address (`itab` false: an eface's `_type`) or an itab address (`itab`
   * true: a non-empty interface's `tab`, whose `_type` field is read).
   * `direct`: the value sits in the data word itself (IsDirectIface), else
   * the data word points to it. Undefined when the program's type
   * information does not describe the descriptor. Throws MemoryError when
   * the itab cannot be read.
   */
  dynamicType(word: bigint, itab: boolean): { type: GoType; direct: boolean } | undefined;
}

/** One map to check. */
export interface MapSource {
  /** For people: a global's name ("main.cache"), "snapshot", or the address. */
  readonly name: string;
  readonly reader: MemoryReader;
  /** Address of the map header (*hmap or *maps.Map): the value a Go map variable holds. */
  readonly addr: bigint;
  readonly type: MapType;
  readonly target: LayoutTarget;
  /** Absent when the key material cannot be found (a stripped binary): hash invariants are then not checked. */
  readonly hash?: HashState;
  /**
   * Resolves interface words to dynamic types (cores and live processes with
   * DWARF). Without it, the hash and duplicate invariants of keys holding
   * interfaces are not checked.
   */
  readonly dynamicTypes?: DynamicTypes;
  /** Addresses are synthetic (a snapshot rebuilt in simulated memory): leave them out of locations. */
  readonly syntheticAddresses?: boolean;
}
