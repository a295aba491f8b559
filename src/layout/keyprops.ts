/**
 * What the compiler decides about a map's key type, independent of the map
 * implementation: whether `k == k` always holds (reflexive), whether an
 * overwrite must store the new key (need key update: +0/-0, string data),
 * whether hashing can panic (interfaces holding unhashable values), and which
 * hash function it installs.
 *
 * Rules restate cmd/compile/internal/types/type.go `IsReflexive`,
 * cmd/compile/internal/reflectdata/reflect.go `needkeyupdate`/`hashMightPanic`,
 * and reflectdata/alg.go `genhash` (which hasher for which algorithm kind).
 */
import { sizeOf, underlying, type GoType } from '../model/types.js';
import type { Arch } from '../model/arch.js';

export interface KeyProps {
  readonly reflexive: boolean;
  readonly needKeyUpdate: boolean;
  readonly hashMightPanic: boolean;
}

export function keyProps(key: GoType): KeyProps {
  return { reflexive: isReflexive(key), needKeyUpdate: needKeyUpdate(key), hashMightPanic: hashMightPanic(key) };
}

/** Recurses through arrays and struct fields; `leaf` decides scalars and interfaces. */
function anyPart(t: GoType, leaf: (t: GoType) => boolean): boolean {
  const u = underlying(t);
  if (u.kind === 'array') return anyPart(u.elem, leaf);
  if (u.kind === 'struct') return u.fields.some((f) => anyPart(f.type, leaf));
  return leaf(u);
}

const isFloaty = (t: GoType) => t.kind === 'float32' || t.kind === 'float64' || t.kind === 'complex64' || t.kind === 'complex128';

export function isReflexive(t: GoType): boolean {
  return !anyPart(t, (u) => isFloaty(u) || u.kind === 'interface');
}

export function needKeyUpdate(t: GoType): boolean {
  return anyPart(t, (u) => isFloaty(u) || u.kind === 'interface' || u.kind === 'string');
}

export function hashMightPanic(t: GoType): boolean {
  return anyPart(t, (u) => u.kind === 'interface');
}

/**
 * The hash function the compiler installs in the map descriptor, named as
 * the runtime names it: `memhash64`, `strhash`, `memhash_varlen` (a closure
 * carrying the size), or `generated` for a compiler-generated `.hash.` func.
 */
export interface HasherChoice {
  readonly name: string;
  /** For memhash_varlen: the size the closure carries. */
  readonly size?: number;
}

export function hasherFor(key: GoType, arch: Arch): HasherChoice {
  const s = sizeOf(key, arch);
  switch (s.alg) {
    case 'MEM': {
      const fixed: Record<number, string> = { 0: 'memhash0', 1: 'memhash8', 2: 'memhash16', 4: 'memhash32', 8: 'memhash64', 16: 'memhash128' };
      return fixed[s.size] ? { name: fixed[s.size] } : { name: 'memhash_varlen', size: s.size };
    }
    case 'STRING':
      return { name: 'strhash' };
    case 'INTER':
      return { name: 'interhash' };
    case 'NILINTER':
      return { name: 'nilinterhash' };
    case 'FLOAT32':
      return { name: 'f32hash' };
    case 'FLOAT64':
      return { name: 'f64hash' };
    case 'CPLX64':
      return { name: 'c64hash' };
    case 'CPLX128':
      return { name: 'c128hash' };
    case 'SPECIAL':
      return { name: 'generated' };
    case 'NOEQ':
      throw new Error('hasherFor: key type is not comparable');
  }
}
