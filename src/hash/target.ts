/**
 * What a hash value depends on besides the key: the Go release, the GOARCH,
 * whether the runtime chose its AES hashes, and the per-process random keys.
 *
 * Facts by release (each read in that release's source):
 * - 32-bit hashing (runtime/hash32.go) on 4-byte-pointer targets, and on wasm
 *   from 1.26 (runtime/alg.go `hashSize`; internal/runtime/maps in 1.27).
 * - AES hashing exists only where Arch.aesHash says (src/model/arch.ts:
 *   amd64, 386, arm64); everything else always runs the portable fallback.
 * - The 64-bit fallback's constants m1..m4 were replaced by the random
 *   hashkey[1..3] in 1.23 (runtime/hash64.go).
 * - arm64's AES hash of 1..16-byte inputs gained a third AESMC in 1.21
 *   (runtime/asm_arm64.s, label `done`); 1.27's arm64 memhash32 puts the full
 *   64-bit seed and the key in different lanes than before
 *   (internal/runtime/maps/memhash_arm64.s `memHash32AES`).
 * - The compiler's choice of hasher changed in 1.27 (signature-based
 *   generated hashers, cmd/compile/internal/reflectdata/alg.go).
 */
import type { Arch } from '../model/arch.js';
import { InputError } from '../base/errors.js';

export interface HashTarget {
  readonly arch: Arch;
  /** Go release as "1.N" (a patch suffix such as "1.23.5" or "go1.23.5" is accepted). */
  readonly go: string;
  /** Whether the runtime uses its AES hashes (useAeshash). Ignored where none exist. */
  readonly aes: boolean;
}

/** The process's random key material, as read from a live process or a core. */
export interface KeyMaterial {
  /** runtime.hashkey (internal/runtime/maps.hashkey in 1.27): 4 uintptr words. */
  readonly hashkey: readonly bigint[];
  /** runtime.aeskeysched: 128 bytes on 64-bit targets, 64 on 32-bit. */
  readonly aeskeysched: Uint8Array;
}

/**
 * Minor release number of a "1.N[.P]" or "go1.N[.P]" string; a pre-release
 * tag (go1.23rc1) and an experiment suffix (runtime.Version's "go1.27.3-X:simd")
 * are accepted.
 */
export function goMinor(go: string): number {
  const m = /^(?:go)?1\.(\d+)(?:\.\d+|(?:rc|beta)\d+)?(?:[- ]X:[\w,]+)?$/.exec(go.trim());
  if (!m) throw new InputError('go version', undefined, `expected 1.N, got ${JSON.stringify(go)}`);
  return Number(m[1]);
}

/** Which family of hash code a target runs. */
export type HashFlavor = 'fallback64' | 'fallback32' | 'aes-amd64' | 'aes-386' | 'aes-arm64';

export function hashFlavor(t: HashTarget): HashFlavor {
  if (t.aes && t.arch.aesHash) {
    if (t.arch.name === 'amd64') return 'aes-amd64';
    if (t.arch.name === '386') return 'aes-386';
    if (t.arch.name === 'arm64') return 'aes-arm64';
  }
  return hashBits(t) === 32 ? 'fallback32' : 'fallback64';
}

/** Width of the hash value: 32 on 4-byte-pointer targets and on wasm from 1.26. */
export function hashBits(t: HashTarget): 32 | 64 {
  if (t.arch.ptrSize === 4) return 32;
  if (t.arch.name === 'wasm' && goMinor(t.go) >= 26) return 32;
  return 64;
}

