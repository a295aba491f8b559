/**
 * The compiler's algorithm kind of a type (cmd/compile/internal/types/alg.go
 * `AlgType`, `IsPaddedField`): how it compares and hashes the type. It decides
 * comparability, which hash function a map key gets and which fast map path
 * the compiler calls. This file is the only statement of those rules.
 *
 * The rules combine the kinds of a type's parts, so they are written over
 * parts rather than over one tree type: the model's layout (types.ts
 * `sizeOf`) feeds them GoType parts, and src/hash feeds them its `HashType`,
 * which also comes from outside the model (reflect descriptions printed by
 * real Go in the hash tests).
 *
 * - Scalars: integers, bool, pointers, chans, unsafe.Pointer are plain memory
 *   (MEM); funcs, maps and slices are not comparable (NOEQ); floats,
 *   complexes, strings and interfaces have their own kinds.
 * - Arrays: an element kind of MEM or NOEQ carries over; otherwise [0]T is
 *   MEM, [1]T is T's kind and longer arrays need a generated function
 *   (SPECIAL).
 * - Structs: a struct of one non-blank field has that field's kind.
 *   Otherwise any NOEQ field makes it NOEQ; any field that is not MEM, or is
 *   blank, or is followed by padding makes it SPECIAL; else it is MEM.
 */
import { loadAlignment, type Arch } from './arch.js';
import type { BasicKind } from './types.js';

/** types.AlgKind, without the size sub-kinds (AMEM0…AMEM128, see reflectdata's algType). */
export type AlgKind =
  | 'NOEQ' | 'MEM' | 'STRING' | 'INTER' | 'NILINTER' | 'FLOAT32' | 'FLOAT64' | 'CPLX64' | 'CPLX128' | 'SPECIAL';

/** Kinds whose algorithm does not depend on their parts (interfaces: see interfaceAlg). */
export type ScalarKind = BasicKind | 'pointer' | 'chan' | 'func' | 'map' | 'slice';

export function scalarAlg(kind: ScalarKind): AlgKind {
  switch (kind) {
    case 'func': case 'map': case 'slice': return 'NOEQ';
    case 'float32': return 'FLOAT32';
    case 'float64': return 'FLOAT64';
    case 'complex64': return 'CPLX64';
    case 'complex128': return 'CPLX128';
    case 'string': return 'STRING';
    default: return 'MEM';
  }
}

/** An interface with methods is INTER; `any` / `interface{}` is NILINTER. */
export function interfaceAlg(methods: number): AlgKind {
  return methods === 0 ? 'NILINTER' : 'INTER';
}

export function arrayAlg(elem: AlgKind, len: number): AlgKind {
  if (elem === 'MEM' || elem === 'NOEQ') return elem;
  if (len === 0) return 'MEM';
  if (len === 1) return elem;
  return 'SPECIAL';
}

/** The blank identifier: a field never compared or hashed. */
export function isBlankField(name: string): boolean {
  return name === '_';
}

/**
 * types.IsPaddedField: whether padding follows field i, i.e. it does not end
 * where the next field (or, for the last one, the struct) does.
 */
export function isPaddedField(fields: readonly { readonly offset: number }[], i: number, fieldSize: number, structSize: number): boolean {
  const end = i + 1 < fields.length ? fields[i + 1].offset : structSize;
  return fields[i].offset + fieldSize !== end;
}

/** One field as structAlg sees it. */
export interface AlgField {
  readonly name: string;
  readonly alg: AlgKind;
  /** isPaddedField for this field. */
  readonly padded: boolean;
}

export function structAlg(fields: readonly AlgField[]): AlgKind {
  if (fields.length === 1 && !isBlankField(fields[0].name)) return fields[0].alg;
  let ret: AlgKind = 'MEM';
  for (const f of fields) {
    // Priority as in alg.go: NOEQ beats SPECIAL beats MEM.
    if (f.alg === 'NOEQ') return 'NOEQ';
    if (f.alg !== 'MEM' || isBlankField(f.name) || f.padded) ret = 'SPECIAL';
  }
  return ret;
}

/** types.AlgKind's fixed-width memory kinds AMEM0, AMEM8, AMEM16, AMEM32, AMEM64, AMEM128. */
export type FixedMemAlg = 'MEM0' | 'MEM8' | 'MEM16' | 'MEM32' | 'MEM64' | 'MEM128';

const fixedMem: Readonly<Record<number, FixedMemAlg>> = { 0: 'MEM0', 1: 'MEM8', 2: 'MEM16', 4: 'MEM32', 8: 'MEM64', 16: 'MEM128' };

/**
 * The compiler's sized algorithm kind (reflectdata.AlgType up to 1.26, walk's
 * algType in 1.27): plain memory of 0, 1, 2, 4, 8 or 16 bytes gets its
 * fixed-width kind, which picks memhash8…memhash128 and the fast32/fast64 map
 * paths, unless the type is less aligned than the target's loads need and
 * smaller than its size (issue 46283: [2]int16 is not an int32 on arm).
 */
export function sizedAlg(
  t: { readonly alg: AlgKind; readonly size: number; readonly align: number },
  arch: Arch,
  go: { readonly minor: number },
): AlgKind | FixedMemAlg {
  if (t.alg !== 'MEM') return t.alg;
  if (t.align < loadAlignment(arch, go) && t.align < t.size) return 'MEM';
  return fixedMem[t.size] ?? 'MEM';
}
