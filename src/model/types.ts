/**
 * Go types as the gc compiler sees them, and their size and alignment on a
 * given architecture.
 *
 * A GoType is a plain tree built by the type-expression parser (typeparse.ts)
 * or by the binary reader. Sizes follow cmd/compile/internal/types/size.go
 * (`CalcSize`, `CalcStructSize`, `CalcArraySize`), which we restate here:
 *
 * - int64, uint64, float64, complex128 align to RegSize (4 on 32-bit targets);
 *   complex64 aligns to 4; pointer-shaped things and strings, slices,
 *   interfaces align to PtrSize.
 * - A struct's fields are laid out in order, each rounded up to its own
 *   alignment. A non-empty struct that ends in a zero-size field gets one byte
 *   of padding before the final round-up (issue 9401), so a pointer to that
 *   field cannot point past the object.
 * - sync/atomic's `align64` marker raises a struct's alignment to 8 on every
 *   target, which is how atomic.Int64 and atomic.Uint64 are 8-aligned on 386.
 *
 * The compiler's "algorithm kind" (types/alg.go) is computed alongside, as
 * CalcSize does, by the rules in alg.ts, because it decides comparability and
 * which hash function a map's key gets.
 */
import type { Arch } from './arch.js';
import { arrayAlg, interfaceAlg, isPaddedField, scalarAlg, structAlg, type AlgKind } from './alg.js';

export type { AlgKind } from './alg.js';

export type BasicKind =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'int' | 'uint' | 'uintptr' | 'float32' | 'float64' | 'complex64' | 'complex128'
  | 'string' | 'unsafe.Pointer';

export interface BasicType { readonly kind: BasicKind }
export interface PointerType { readonly kind: 'pointer'; readonly elem: GoType }
export interface SliceType { readonly kind: 'slice'; readonly elem: GoType }
export interface ArrayType { readonly kind: 'array'; readonly len: number; readonly elem: GoType }
export interface MapType { readonly kind: 'map'; readonly key: GoType; readonly elem: GoType }
export interface ChanType { readonly kind: 'chan'; readonly dir: 'both' | 'send' | 'recv'; readonly elem: GoType }
export interface FuncType {
  readonly kind: 'func';
  readonly params: readonly GoType[];
  readonly results: readonly GoType[];
  readonly variadic: boolean;
}
export interface InterfaceType {
  readonly kind: 'interface';
  /** Method signatures as written (`M()`, `Error() string`), sorted; empty for `any`. */
  readonly methods: readonly string[];
}
export interface StructField {
  readonly name: string; // "_" for blank fields; the type's name for embedded ones
  readonly type: GoType;
  readonly embedded: boolean;
}
export interface StructType { readonly kind: 'struct'; readonly fields: readonly StructField[] }
/**
 * A named type mapscope knows the definition of (atomic.Int64, error, time.Duration…).
 * `align64` marks sync/atomic's alignment marker, which forces alignment 8.
 */
export interface NamedType {
  readonly kind: 'named';
  readonly name: string;
  readonly underlying: GoType;
  readonly align64?: boolean;
  /** Its definition is not the user's to change (the standard library's): shown, never reordered. */
  readonly fixed?: boolean;
}
/** A named type whose definition is unknown: legal only behind a pointer, chan, func, map or slice. */
export interface OpaqueType { readonly kind: 'opaque'; readonly name: string }

export type GoType =
  | BasicType | PointerType | SliceType | ArrayType | MapType | ChanType | FuncType
  | InterfaceType | StructType | NamedType | OpaqueType;

export interface Sized {
  readonly size: number;
  readonly align: number;
  /** Bytes of the prefix that can hold pointers (0: the GC never scans it). */
  readonly ptrBytes: number;
  readonly alg: AlgKind;
}

export interface FieldLayout {
  readonly name: string;
  readonly type: GoType;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
}

/** A Go type the model cannot lay out (too large, malformed). */
export class GoTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoTypeError';
  }
}

const basicSizes: Record<BasicKind, (a: Arch) => [size: number, align: number, ptr: boolean]> = {
  bool: () => [1, 1, false],
  int8: () => [1, 1, false],
  uint8: () => [1, 1, false],
  int16: () => [2, 2, false],
  uint16: () => [2, 2, false],
  int32: () => [4, 4, false],
  uint32: () => [4, 4, false],
  int64: (a) => [8, a.regSize, false],
  uint64: (a) => [8, a.regSize, false],
  int: (a) => [a.ptrSize, a.ptrSize, false],
  uint: (a) => [a.ptrSize, a.ptrSize, false],
  uintptr: (a) => [a.ptrSize, a.ptrSize, false],
  float32: () => [4, 4, false],
  float64: (a) => [8, a.regSize, false],
  complex64: () => [8, 4, false],
  complex128: (a) => [16, a.regSize, false],
  string: (a) => [2 * a.ptrSize, a.ptrSize, true],
  'unsafe.Pointer': (a) => [a.ptrSize, a.ptrSize, true],
};

const cache = new WeakMap<GoType, Map<Arch, Sized>>();

/** Size, alignment, pointer prefix and algorithm kind of `t` on `arch`. */
export function sizeOf(t: GoType, arch: Arch): Sized {
  let perArch = cache.get(t);
  if (!perArch) cache.set(t, (perArch = new Map()));
  let s = perArch.get(arch);
  if (!s) perArch.set(arch, (s = computeSize(t, arch)));
  return s;
}

function computeSize(t: GoType, arch: Arch): Sized {
  const p = arch.ptrSize;
  switch (t.kind) {
    case 'pointer':
    case 'chan':
    case 'map':
    case 'func':
      return { size: p, align: p, ptrBytes: p, alg: scalarAlg(t.kind) };
    case 'slice':
      return { size: 3 * p, align: p, ptrBytes: p, alg: scalarAlg(t.kind) };
    case 'interface':
      return { size: 2 * p, align: p, ptrBytes: 2 * p, alg: interfaceAlg(t.methods.length) };
    case 'array':
      return arraySize(t, arch);
    case 'struct':
      return structLayout(t, arch, false).sized;
    case 'named': {
      if (t.underlying.kind === 'struct') return structLayout(t.underlying, arch, Boolean(t.align64)).sized;
      return sizeOf(t.underlying, arch);
    }
    case 'opaque':
      throw new GoTypeError(
        `unknown named type ${t.name}: mapscope cannot know its layout; pass --source DIR or --binary APP that ` +
          `define it, spell out its underlying type in its place, or use it behind a pointer (*${t.name})`,
      );
    default: {
      const [size, align, ptr] = basicSizes[t.kind](arch);
      return { size, align, ptrBytes: ptr ? p : 0, alg: scalarAlg(t.kind) };
    }
  }
}

function arraySize(t: ArrayType, arch: Arch): Sized {
  const e = sizeOf(t.elem, arch);
  const size = e.size * t.len;
  if (!Number.isSafeInteger(size) || size >= 2 ** (arch.ptrSize * 8 - 1)) {
    throw new GoTypeError(`type ${typeString(t)} larger than address space`);
  }
  const alg = arrayAlg(e.alg, t.len);
  const ptrBytes = t.len === 0 || e.ptrBytes === 0 ? 0 : (t.len - 1) * e.size + e.ptrBytes;
  return { size, align: e.align, ptrBytes, alg };
}

export interface StructLayout {
  readonly sized: Sized;
  readonly fields: readonly FieldLayout[];
}

/** Field offsets and the struct's size per CalcStructSize; `align64` is sync/atomic's marker. */
export function structLayout(t: StructType, arch: Arch, align64 = false): StructLayout {
  let offset = 0;
  let maxAlign = align64 ? 8 : 1;
  const fields: FieldLayout[] = [];
  for (const f of t.fields) {
    const s = sizeOf(f.type, arch);
    offset = roundUp(offset, s.align);
    fields.push({ name: f.name, type: f.type, offset, size: s.size, align: s.align });
    offset += s.size;
    if (s.align > maxAlign) maxAlign = s.align;
  }
  let size = offset;
  if (size > 0 && fields.length > 0 && fields[fields.length - 1].size === 0) size++;
  size = roundUp(size, maxAlign);

  const alg: AlgKind = structAlg(fields.map((f, i) => ({
    name: f.name,
    alg: sizeOf(f.type, arch).alg,
    padded: isPaddedField(fields, i, f.size, size),
  })));
  let ptrBytes = 0;
  for (let i = fields.length - 1; i >= 0; i--) {
    const pb = sizeOf(fields[i].type, arch).ptrBytes;
    if (pb > 0) {
      ptrBytes = fields[i].offset + pb;
      break;
    }
  }
  return { sized: { size, align: maxAlign, ptrBytes, alg }, fields };
}

export function roundUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** Strips named types (keeping opaque ones, which have no underlying type). */
export function underlying(t: GoType): GoType {
  while (t.kind === 'named') t = t.underlying;
  return t;
}

export function isComparable(t: GoType, arch: Arch): boolean {
  return sizeOf(t, arch).alg !== 'NOEQ';
}

/**
 * reflect's String() for the type (`map[string]int`, `struct { a int8; b int64 }`,
 * `[16]uint8`, `interface {}`), the spelling Go binaries and fixtures use.
 */
export function typeString(t: GoType): string {
  switch (t.kind) {
    case 'pointer':
      return '*' + typeString(t.elem);
    case 'slice':
      return '[]' + typeString(t.elem);
    case 'array':
      return `[${t.len}]` + typeString(t.elem);
    case 'map':
      return `map[${typeString(t.key)}]${typeString(t.elem)}`;
    case 'chan': {
      const e = typeString(t.elem);
      if (t.dir === 'send') return 'chan<- ' + e;
      if (t.dir === 'recv') return '<-chan ' + e;
      // `chan (<-chan int)` needs parentheses to keep its meaning.
      return t.elem.kind === 'chan' && t.elem.dir === 'recv' ? `chan (${e})` : 'chan ' + e;
    }
    case 'func': {
      const params = t.params.map((p, i) =>
        t.variadic && i === t.params.length - 1 && p.kind === 'slice' ? '...' + typeString(p.elem) : typeString(p),
      );
      const res = t.results.map(typeString);
      const r = res.length === 0 ? '' : res.length === 1 ? ' ' + res[0] : ` (${res.join(', ')})`;
      return `func(${params.join(', ')})${r}`;
    }
    case 'interface':
      return t.methods.length === 0 ? 'interface {}' : `interface { ${t.methods.join('; ')} }`;
    case 'struct':
      if (t.fields.length === 0) return 'struct {}';
      return `struct { ${t.fields.map((f) => (f.embedded ? typeString(f.type) : `${f.name} ${typeString(f.type)}`)).join('; ')} }`;
    case 'named':
    case 'opaque':
      return t.name;
    default:
      return t.kind;
  }
}

/** Whether any byte of `t` can hold a pointer (decides the classic bucket's overflow word type). */
export function hasPointers(t: GoType, arch: Arch): boolean {
  return sizeOf(t, arch).ptrBytes > 0;
}

/** Whether hashing or comparing a key of type t needs a dynamic type (an interface anywhere in it). */
export function needsDynamicType(t: GoType): boolean {
  const u = underlying(t);
  switch (u.kind) {
    case 'interface':
      return true;
    case 'array':
      return u.len > 0 && needsDynamicType(u.elem);
    case 'struct':
      return u.fields.some((f) => needsDynamicType(f.type));
    default:
      return false;
  }
}
