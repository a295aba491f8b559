/**
 * Which runtime entry points the compiler calls for a map type
 * (cmd/compile/internal/walk/walk.go `mapfast`, the same rule in every
 * release 1.19–1.27, for classic and Swiss maps): the _fast32/_fast64
 * variants for 4- and 8-byte plain-memory keys (sizedAlg: AMEM32/AMEM64),
 * their _ptr forms when the key holds a pointer, _faststr for string keys,
 * and the generic functions for everything else and for elems over 128
 * bytes. An 8-byte key holding a pointer on a 4-byte-pointer target is two
 * words, one a pointer: it takes the generic path ("use the slow path").
 * A 4-byte key holding a pointer on an 8-byte-pointer target cannot exist.
 */
import type { Arch } from '../model/arch.js';
import { sizedAlg } from '../model/alg.js';
import { sizeOf, type GoType } from '../model/types.js';
import { MAX_INLINE_BYTES } from './index.js';

export type MapPath = 'fast32' | 'fast32ptr' | 'fast64' | 'fast64ptr' | 'faststr' | 'generic';

export function mapfast(key: GoType, elem: GoType, arch: Arch, go: { readonly minor: number }): MapPath {
  if (sizeOf(elem, arch).size > MAX_INLINE_BYTES) return 'generic';
  const k = sizeOf(key, arch);
  switch (sizedAlg(k, arch, go)) {
    case 'STRING': return 'faststr'; // also a struct or array of one string: AlgType STRING
    case 'MEM32': return k.ptrBytes === 0 ? 'fast32' : 'fast32ptr';
    case 'MEM64':
      if (k.ptrBytes === 0) return 'fast64';
      return arch.ptrSize === 8 ? 'fast64ptr' : 'generic';
    default: return 'generic';
  }
}
