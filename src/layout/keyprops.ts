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
import { underlying, type GoType } from '../model/types.js';

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
