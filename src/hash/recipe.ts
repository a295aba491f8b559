/**
 * Which hash function the Go compiler installs for a map key type, as a
 * *recipe* that src/hash/hasher.ts can run on a key's bytes.
 *
 * Two generations of the compiler's rules are modelled:
 *
 * - Go ≤ 1.26 (cmd/compile/internal/reflectdata/alg.go `genhash`, `hashFunc`,
 *   with types.AlgType and compare.Memrun): a key type is classified by its
 *   "alg kind". Plain memory of size 0/1/2/4/8/16 gets memhash0/8/16/32/64/128,
 *   other plain memory a memhash_varlen closure; strings, floats, complexes
 *   and interfaces their runtime function; everything else a generated
 *   function that walks struct fields (merging runs of plain-memory fields
 *   into one memhash call, skipping blank fields) or loops over array
 *   elements (calling the element's hasher).
 * - Go 1.27 (same file, rewritten): the type is flattened into an "equality
 *   signature" string (M<n> memory, K<n> skip, F/G floats, S string, E/I
 *   interfaces, [<n><sig>] loops) and the hasher follows the signature. Memory
 *   runs now merge across nested structs and array elements, and a 4- or
 *   8-byte run inside a generated hasher uses memhash32/memhash64.
 *
 * The runtime's own `typehash` (runtime/alg.go), used for the dynamic value
 * inside an interface, follows a third, simpler rule: see `typehashRecipe`.
 *
 * The type model: `HashType` is the small part of a Go type these rules read.
 * mapscope's full type model (src/model/types.ts) provides it (model.ts); the
 * hash tests also build it from reflect descriptions printed by real Go. Its
 * algorithm kind follows the one statement of types.AlgType in
 * src/model/alg.ts.
 */
import { arrayAlg, interfaceAlg, isBlankField, isPaddedField as paddedAt, scalarAlg, sizedAlg, structAlg, type AlgKind } from '../model/alg.js';
import { loadAlignment } from '../model/arch.js';
import type { HashTarget } from './target.js';
import { goMinor } from './target.js';

export type HashKind =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'int'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uint' | 'uintptr'
  | 'float32' | 'float64' | 'complex64' | 'complex128'
  | 'string' | 'unsafe.Pointer' | 'pointer' | 'chan' | 'func' | 'map' | 'slice'
  | 'array' | 'struct' | 'interface';

export interface HashField {
  /** Field name; "_" is a blank field (never hashed). */
  readonly name: string;
  /** Byte offset in the struct on the target. */
  readonly offset: number;
  readonly type: HashType;
}

/** What the hash rules need to know of a Go type, laid out for one GOARCH. */
export interface HashType {
  readonly kind: HashKind;
  /** Size and alignment on the target architecture. */
  readonly size: number;
  readonly align: number;
  /** struct: fields in declaration order. */
  readonly fields?: readonly HashField[];
  /** array: length and element type. */
  readonly len?: number;
  readonly elem?: HashType;
  /** interface: number of methods (0 is `any`/`interface{}`). */
  readonly methods?: number;
}

/** A step of a generated hasher: hash the value at `offset` with `recipe`. */
export interface Step {
  readonly offset: number;
  readonly recipe: Recipe;
}

/**
 * A hash function. `fn` names the runtime function (or "generated" for a
 * compiler-generated one); the evaluator needs only the other fields.
 */
export type Recipe =
  /** Returns the seed unchanged. */
  | { readonly op: 'seed'; readonly fn: string }
  /** memhash(p, h, size): memhash8/16/128, memhash_varlen, or a run inside a generated hasher. */
  | { readonly op: 'mem'; readonly size: number; readonly fn: string }
  | { readonly op: 'memhash32'; readonly fn: string }
  | { readonly op: 'memhash64'; readonly fn: string }
  | { readonly op: 'strhash' | 'f32hash' | 'f64hash' | 'c64hash' | 'c128hash' | 'interhash' | 'nilinterhash'; readonly fn: string }
  /** A compiler-generated function: the steps in order, each folding into h. */
  | { readonly op: 'seq'; readonly fn: string; readonly steps: readonly Step[]; readonly sig?: string }
  /** An array loop inside a generated function: `count` times, `stride` apart. */
  | { readonly op: 'loop'; readonly fn: string; readonly count: number; readonly stride: number; readonly body: Recipe };

export type { AlgKind } from '../model/alg.js';

export class HashTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HashTypeError';
  }
}

const isBlank = (f: HashField): boolean => isBlankField(f.name);

function fieldsOf(t: HashType): readonly HashField[] {
  if (!t.fields) throw new HashTypeError(`struct type without fields list`);
  return t.fields;
}

function elemOf(t: HashType): HashType {
  if (!t.elem || t.len === undefined) throw new HashTypeError(`array type without len/elem`);
  return t.elem;
}

/** Whether struct field i is followed by padding (types.IsPaddedField). */
export function isPaddedField(t: HashType, i: number): boolean {
  const fs = fieldsOf(t);
  return paddedAt(fs, i, fs[i].type.size, t.size);
}

/**
 * types.AlgType: how the compiler compares and hashes t. MEM means "plain
 * memory": the bytes are the value, with no padding and no blank fields.
 */
export function algType(t: HashType): AlgKind {
  switch (t.kind) {
    case 'interface':
      return interfaceAlg(t.methods ?? 0);
    case 'array':
      return arrayAlg(algType(elemOf(t)), t.len ?? 0);
    case 'struct':
      return structAlg(fieldsOf(t).map((f, i) => ({ name: f.name, alg: algType(f.type), padded: isPaddedField(t, i) })));
    default:
      return scalarAlg(t.kind);
  }
}

const leaf = (op: 'strhash' | 'f32hash' | 'f64hash' | 'c64hash' | 'c128hash' | 'interhash' | 'nilinterhash'): Recipe =>
  ({ op, fn: `runtime.${op}` });

/**
 * The hasher the compiler stores in the map type descriptor for key type t
 * (maptype.hasher / MapType.Hasher).
 */
export function hasherFor(t: HashType, target: HashTarget): Recipe {
  if (algType(t) === 'NOEQ') throw new HashTypeError(`invalid map key type: ${t.kind} is not comparable`);
  return goMinor(target.go) >= 27 ? genhashSig(eqSignature(t), target.arch.ptrSize) : genhashOld(t, target);
}

// ------------------------------------------------------------ Go ≤ 1.26 --

function genhashOld(t: HashType, target: HashTarget): Recipe {
  // reflectdata.AlgType: the fixed-size variants, unless the type is less
  // aligned than loads of its size need (issue 46283).
  switch (sizedAlg({ alg: algType(t), size: t.size, align: t.align }, target.arch, { minor: goMinor(target.go) })) {
    case 'MEM0': return { op: 'seed', fn: 'runtime.memhash0' };
    case 'MEM8': return { op: 'mem', size: 1, fn: 'runtime.memhash8' };
    case 'MEM16': return { op: 'mem', size: 2, fn: 'runtime.memhash16' };
    case 'MEM32': return { op: 'memhash32', fn: 'runtime.memhash32' };
    case 'MEM64': return { op: 'memhash64', fn: 'runtime.memhash64' };
    case 'MEM128': return { op: 'mem', size: 16, fn: 'runtime.memhash128' };
    case 'MEM': return { op: 'mem', size: t.size, fn: 'runtime.memhash_varlen' };
    case 'SPECIAL':
      return hashFuncOld(t, target);
    default:
      return hashforOld(t, target);
  }
}

/** reflectdata.hashfor: the hasher of a non-plain-memory part. */
function hashforOld(t: HashType, target: HashTarget): Recipe {
  switch (algType(t)) {
    case 'INTER': return leaf('interhash');
    case 'NILINTER': return leaf('nilinterhash');
    case 'STRING': return leaf('strhash');
    case 'FLOAT32': return leaf('f32hash');
    case 'FLOAT64': return leaf('f64hash');
    case 'CPLX64': return leaf('c64hash');
    case 'CPLX128': return leaf('c128hash');
    case 'MEM': throw new HashTypeError('hashfor with plain-memory type');
    default: return hashFuncOld(t, target);
  }
}

/** reflectdata.hashFunc (genhash's body before 1.21): the generated function. */
function hashFuncOld(t: HashType, target: HashTarget): Recipe {
  if (t.kind === 'array') {
    const elem = elemOf(t);
    return {
      op: 'seq', fn: 'generated',
      steps: [{ offset: 0, recipe: { op: 'loop', fn: 'loop', count: t.len ?? 0, stride: elem.size, body: hashforOld(elem, target) } }],
    };
  }
  if (t.kind !== 'struct') throw new HashTypeError(`no generated hasher for ${t.kind}`);
  const fs = fieldsOf(t);
  const steps: Step[] = [];
  for (let i = 0; i < fs.length;) {
    const f = fs[i];
    if (isBlank(f)) {
      i++;
      continue;
    }
    if (algType(f.type) !== 'MEM') {
      steps.push({ offset: f.offset, recipe: hashforOld(f.type, target) });
      i++;
      continue;
    }
    const [size, next] = memrun(t, i, target);
    steps.push({ offset: f.offset, recipe: { op: 'mem', size, fn: 'runtime.memhash' } });
    i = next;
  }
  return { op: 'seq', fn: 'generated', steps };
}

/** compare.Memrun: the longest run of plain-memory fields from `start`. */
function memrun(t: HashType, start: number, target: HashTarget): [number, number] {
  const fs = fieldsOf(t);
  const archAlign = loadAlignment(target.arch, { minor: goMinor(target.go) });
  let next = start;
  for (;;) {
    next++;
    if (next === fs.length) break;
    if (isPaddedField(t, next - 1)) break;
    const f = fs[next];
    if (isBlank(f) || algType(f.type) !== 'MEM') break;
    if (archAlign > 1) {
      // Do not merge into a load wider than the fields' alignment (issue 46283).
      let align = t.align;
      const off = fs[start].offset;
      if ((off & (align - 1)) !== 0) align = off & -off;
      if (f.offset + f.type.size - off > align) break;
    }
  }
  const last = fs[next - 1];
  return [last.offset + last.type.size - fs[start].offset, next];
}

// -------------------------------------------------------------- Go 1.27 --

/**
 * reflectdata.eqSignature without the alignment prefix (which only matters
 * to equality; genhashSig strips it).
 */
export function eqSignature(t: HashType): string {
  const b = new SigBuilder();
  b.build(t);
  b.flush(true);
  return b.r;
}

class SigBuilder {
  r = '';
  private regMem = 0;
  private skipMem = 0;

  flush(atEnd: boolean): void {
    if (this.regMem > 0) {
      this.r += `M${this.regMem}`;
      this.regMem = 0;
    }
    if (this.skipMem > 0) {
      if (!atEnd) this.r += `K${this.skipMem}`;
      this.skipMem = 0;
    }
  }
  regular(n: number): void {
    if (this.regMem === 0) this.flush(false);
    this.regMem += n;
  }
  skip(n: number): void {
    if (this.skipMem === 0) this.flush(false);
    this.skipMem += n;
  }
  code(c: string): void {
    this.flush(false);
    this.r += c;
  }

  build(t: HashType): void {
    switch (t.kind) {
      case 'bool': case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': case 'uint32':
      case 'int64': case 'uint64': case 'int': case 'uint': case 'uintptr': case 'pointer': case 'unsafe.Pointer': case 'chan':
        this.regular(t.size);
        return;
      case 'float32': this.code('F'); return;
      case 'float64': this.code('G'); return;
      case 'complex64': this.code('F'); this.code('F'); return;
      case 'complex128': this.code('G'); this.code('G'); return;
      case 'string': this.code('S'); return;
      case 'interface': this.code((t.methods ?? 0) === 0 ? 'E' : 'I'); return;
      case 'struct': {
        let off = 0;
        for (const f of fieldsOf(t)) {
          if (isBlank(f)) continue;
          if (off < f.offset) this.skip(f.offset - off);
          this.build(f.type);
          off = f.offset + f.type.size;
        }
        if (off < t.size) this.skip(t.size - off);
        return;
      }
      case 'array': {
        if (algType(t) === 'MEM') {
          this.regular(t.size);
          return;
        }
        const et = elemOf(t);
        let n = t.len ?? 0;
        if (n === 0) return;
        if (n === 1) {
          this.build(et);
          return;
        }
        // Loops of about 32 bytes per iteration; the remainder unrolled first.
        if (et.size === 0) return;
        const unroll = Math.max(1, Math.floor(32 / et.size));
        for (; n % unroll !== 0; n--) this.build(et);
        if (n === 0) return;
        if (n === unroll) {
          for (let i = 0; i < n; i++) this.build(et);
          return;
        }
        this.flush(false);
        this.r += `[${n / unroll}`;
        for (let i = 0; i < unroll; i++) this.build(et);
        this.flush(false);
        this.r += ']';
        return;
      }
      default:
        throw new HashTypeError(`invalid map key type: ${t.kind} is not comparable`);
    }
  }
}

/** Parses the decimal number at s[i]; returns [value, next index]. */
function parseNum(s: string, i: number): [number, number] {
  let j = i;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === i) throw new HashTypeError(`bad signature ${JSON.stringify(s)} at ${i}`);
  return [Number(s.slice(i, j)), j];
}

/** The element signature of the "[" at s[i-1]: [count, elemSig, index after "]"]. */
function parseArray(s: string, i: number): [number, string, number] {
  const [n, start] = parseNum(s, i);
  let depth = 1;
  for (let j = start; j < s.length; j++) {
    if (s[j] === '[') depth++;
    else if (s[j] === ']' && --depth === 0) return [n, s.slice(start, j), j + 1];
  }
  throw new HashTypeError(`mismatched brackets in ${JSON.stringify(s)}`);
}

/** reflectdata.sigSize: the byte size a signature covers. */
export function sigSize(s: string, ptrSize = 8): number {
  let size = 0;
  for (let i = 0; i < s.length;) {
    const c = s[i++];
    if (c === 'M' || c === 'K') {
      const [n, j] = parseNum(s, i);
      size += n;
      i = j;
    } else if (c === 'F') size += 4;
    else if (c === 'G') size += 8;
    else if (c === 'S' || c === 'I' || c === 'E') size += 2 * ptrSize;
    else if (c === '[') {
      const [n, elem, j] = parseArray(s, i);
      size += n * sigSize(elem, ptrSize);
      i = j;
    }
  }
  return size;
}

/** reflectdata.genhashSig: the closure for a whole key type. */
function genhashSig(sig: string, ptrSize: number): Recipe {
  switch (sig) {
    case '': return { op: 'seed', fn: 'runtime.memhash0' };
    case 'M1': return { op: 'mem', size: 1, fn: 'runtime.memhash8' };
    case 'M2': return { op: 'mem', size: 2, fn: 'runtime.memhash16' };
    case 'M4': return { op: 'memhash32', fn: 'runtime.memhash32' };
    case 'M8': return { op: 'memhash64', fn: 'runtime.memhash64' };
    case 'M16': return { op: 'mem', size: 16, fn: 'runtime.memhash128' };
    case 'S': return leaf('strhash');
    case 'I': return leaf('interhash');
    case 'E': return leaf('nilinterhash');
    case 'F': return leaf('f32hash');
    case 'G': return leaf('f64hash');
    case 'FF': return leaf('c64hash');
    case 'GG': return leaf('c128hash');
  }
  if (/^M\d+$/.test(sig)) return { op: 'mem', size: Number(sig.slice(1)), fn: 'runtime.memhash_varlen' };
  return hashFuncSig(sig, ptrSize);
}

/** reflectdata.hashFunc (1.27): the generated function for a signature. */
function hashFuncSig(sig: string, ptrSize: number): Recipe {
  const steps: Step[] = [];
  let off = 0;
  for (let i = 0; i < sig.length;) {
    const c = sig[i++];
    switch (c) {
      case 'M': {
        const [n, j] = parseNum(sig, i);
        i = j;
        const recipe: Recipe = n === 4 ? { op: 'memhash32', fn: 'runtime.memhash32' }
          : n === 8 ? { op: 'memhash64', fn: 'runtime.memhash64' }
            : { op: 'mem', size: n, fn: 'runtime.memhash' };
        steps.push({ offset: off, recipe });
        off += n;
        break;
      }
      case 'F': steps.push({ offset: off, recipe: leaf('f32hash') }); off += 4; break;
      case 'G': steps.push({ offset: off, recipe: leaf('f64hash') }); off += 8; break;
      case 'S': steps.push({ offset: off, recipe: leaf('strhash') }); off += 2 * ptrSize; break;
      case 'E': steps.push({ offset: off, recipe: leaf('nilinterhash') }); off += 2 * ptrSize; break;
      case 'I': steps.push({ offset: off, recipe: leaf('interhash') }); off += 2 * ptrSize; break;
      case 'K': {
        const [n, j] = parseNum(sig, i);
        i = j;
        off += n;
        break;
      }
      case '[': {
        const [n, elemSig, j] = parseArray(sig, i);
        i = j;
        const stride = sigSize(elemSig, ptrSize);
        steps.push({ offset: off, recipe: { op: 'loop', fn: 'loop', count: n, stride, body: hashFuncSig(elemSig, ptrSize) } });
        off += n * stride;
        break;
      }
      default:
        throw new HashTypeError(`bad signature ${JSON.stringify(sig)}`);
    }
  }
  return { op: 'seq', fn: 'generated', steps, sig };
}

// -------------------------------------------------------- runtime.typehash --

/**
 * runtime.typehash: how the runtime hashes the dynamic value inside an
 * interface (and keys of reflect.MapOf maps). Plain-memory types
 * (TFlagRegularMemory, set by the compiler when AlgType is MEM) use
 * memhash32/memhash64 for sizes 4/8 and memhash otherwise; other types
 * recurse field by field (blank fields skipped) or element by element.
 * The same in every release 1.19-1.27.
 */
export function typehashRecipe(t: HashType): Recipe {
  const a = algType(t);
  if (a === 'NOEQ') throw new HashTypeError(`hash of unhashable type ${t.kind}`);
  if (a === 'MEM') {
    if (t.size === 4) return { op: 'memhash32', fn: 'runtime.memhash32' };
    if (t.size === 8) return { op: 'memhash64', fn: 'runtime.memhash64' };
    return { op: 'mem', size: t.size, fn: 'runtime.memhash' };
  }
  switch (t.kind) {
    case 'float32': return leaf('f32hash');
    case 'float64': return leaf('f64hash');
    case 'complex64': return leaf('c64hash');
    case 'complex128': return leaf('c128hash');
    case 'string': return leaf('strhash');
    case 'interface': return leaf((t.methods ?? 0) === 0 ? 'nilinterhash' : 'interhash');
    case 'array': {
      const elem = elemOf(t);
      return { op: 'loop', fn: 'runtime.typehash', count: t.len ?? 0, stride: elem.size, body: typehashRecipe(elem) };
    }
    case 'struct':
      return {
        op: 'seq', fn: 'runtime.typehash',
        steps: fieldsOf(t).filter((f) => !isBlank(f)).map((f) => ({ offset: f.offset, recipe: typehashRecipe(f.type) })),
      };
    default:
      throw new HashTypeError(`hash of unhashable type ${t.kind}`);
  }
}
