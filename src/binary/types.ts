/**
 * Go type descriptors (runtime._type / internal/abi.Type and the kind-specific
 * structs that follow it), name decoding, and the reachability walk.
 *
 * typelinks (or, from Go 1.27, the sorted descriptors at the start of the
 * types region) list only unnamed composite types; named map types and the
 * compiler's bucket/group structs are never there (docs/binary-format.md §5 "Finding every map type").
 * So the walk starts there and follows every edge a descriptor has: pointer,
 * slice, array and chan elems, map key/elem/bucket, struct fields, func
 * parameters, interface methods, ptrToThis and method types.
 *
 * Offsets (64/32-bit) are from docs/binary-format.md §5; the header has kept its
 * 48/32-byte layout from Go 1.7 through 1.27.
 */
import { InputError } from '../base/errors.js';
import type { ModuleData } from './moduledata.js';
import type { Memory } from './object.js';

export const Kind = {
  Bool: 1, Int: 2, Int8: 3, Int16: 4, Int32: 5, Int64: 6, Uint: 7, Uint8: 8, Uint16: 9, Uint32: 10, Uint64: 11,
  Uintptr: 12, Float32: 13, Float64: 14, Complex64: 15, Complex128: 16, Array: 17, Chan: 18, Func: 19,
  Interface: 20, Map: 21, Pointer: 22, Slice: 23, String: 24, Struct: 25, UnsafePointer: 26,
} as const;

const TFLAG_UNCOMMON = 1;
const TFLAG_EXTRA_STAR = 2;
/** abi.TFlagNamed: the type has a name (`lib.Vendor`, `int`), not a type literal. */
export const TFLAG_NAMED = 4;
/** The kind is Kind_'s low 5 bits; above them sat the direct-interface and GC-program flags (abi.KindMask). */
const KIND_MASK = 0x1f;
/** FuncType.OutCount's top bit says the function is variadic (abi.FuncType.IsVariadic). */
const FUNC_OUT_COUNT_MASK = 0x7fff;

/** Which map descriptor layout a Go version writes. */
export type MapAbi = 'classic-1.11' | 'classic-1.12' | 'classic' | 'swiss' | 'swiss-1.27';

export interface TypeContext {
  mem: Memory;
  md: ModuleData;
  ptrSize: 4 | 8;
  /** Go minor version (24 for go1.24.4); drives name encoding and field-offset encoding. */
  goMinor: number;
}

/** A runtime type descriptor (abi.Type) as read from an executable: its address, size, kind, tflag and name. */
export interface RuntimeType {
  addr: number;
  size: number;
  kind: number;
  tflag: number;
  str: string;
}

/** Size of the kind-specific struct, i.e. where an UncommonType starts. */
function descriptorBase(r: TypeReader, t: RuntimeType): number {
  const W = r.ctx.ptrSize;
  const kind = t.kind;
  const H = W === 8 ? 48 : 32;
  switch (kind) {
    case Kind.Array: return H + 3 * W;
    case Kind.Chan: return H + 2 * W;
    case Kind.Func: return W === 8 ? 56 : 36;
    case Kind.Interface:
    case Kind.Struct: return H + 4 * W;
    case Kind.Pointer:
    case Kind.Slice: return H + W;
    case Kind.Map: return mapDescriptorSize(W, r.mapAbiOf(t).abi);
    default: return H;
  }
}

export function mapDescriptorSize(W: 4 | 8, abi: MapAbi): number {
  const H = W === 8 ? 48 : 32;
  const round = (n: number) => Math.ceil(n / W) * W;
  switch (abi) {
    case 'classic-1.11':
    case 'classic-1.12': return round(H + 3 * W + 8);
    case 'classic': return round(H + 4 * W + 8);
    case 'swiss': return round(H + 4 * W + 3 * W + 4);
    case 'swiss-1.27': return round(H + 4 * W + 6 * W + 4);
  }
}

export function mapAbiFor(goMinor: number, classic: boolean): MapAbi {
  if (classic) return goMinor <= 11 ? 'classic-1.11' : goMinor <= 13 ? 'classic-1.12' : 'classic';
  return goMinor >= 27 ? 'swiss-1.27' : 'swiss';
}

export class TypeReader {
  private readonly cache = new Map<number, RuntimeType>();
  private readonly nameCache = new Map<number, string>();
  private readonly abiCache = new Map<number, { abi: MapAbi; byName: boolean }>();
  /** @param defaultMapAbi the layout the Go version implies, used when a bucket/group name says nothing */
  constructor(
    readonly ctx: TypeContext,
    readonly defaultMapAbi: MapAbi,
  ) {}

  /**
   * The map descriptor layout of map type t, told apart by the name of its
   * third pointer's type: `map.bucket[K]V` is classic, `map.group[K]V` is
   * Swiss (cmd/compile/internal/types/fmt.go names them). The version only
   * picks between the variants of each (1.12/1.13 classic without a hasher,
   * 1.27 Swiss with split-group fields). byName is false when the name said neither.
   */
  mapAbiOf(t: RuntimeType): { abi: MapAbi; byName: boolean } {
    const hit = this.abiCache.get(t.addr);
    if (hit) return hit;
    const W = this.ctx.ptrSize;
    const H = W === 8 ? 48 : 32;
    const b = this.ctx.mem.word(t.addr + H + 2 * W, 'map bucket/group pointer');
    let r: { abi: MapAbi; byName: boolean } = { abi: this.defaultMapAbi, byName: false };
    if (b !== 0) {
      const name = this.type(b).str;
      if (name.startsWith('map.bucket[')) r = { abi: mapAbiFor(this.ctx.goMinor, true), byName: true };
      else if (name.startsWith('map.group[')) r = { abi: mapAbiFor(this.ctx.goMinor, false), byName: true };
    }
    this.abiCache.set(t.addr, r);
    return r;
  }

  private fail(addr: number, detail: string): never {
    throw new InputError(this.ctx.mem.obj.file, this.ctx.mem.fileOffset(addr) ?? `address 0x${addr.toString(16)}`, detail);
  }

  /** Decodes an abi.Name at addr: flag byte, length (uvarint from 1.17, 2-byte big-endian before), bytes. */
  name(addr: number): string {
    const hit = this.nameCache.get(addr);
    if (hit !== undefined) return hit;
    const m = this.ctx.mem;
    let len: number;
    let start: number;
    if (this.ctx.goMinor >= 17) {
      len = 0;
      let mul = 1;
      let i = 1;
      for (; i < 6; i++) {
        const b = m.u8(addr + i, 'name length');
        len += (b & 0x7f) * mul;
        mul *= 128;
        if (b < 0x80) break;
      }
      if (i === 6) this.fail(addr, 'type name: length varint too long');
      start = addr + i + 1;
    } else {
      const b = m.read(addr + 1, 2, 'name length');
      len = (b[0] << 8) | b[1];
      start = addr + 3;
    }
    if (len > 1 << 20) this.fail(addr, `type name: length ${len} too large`);
    const s = new TextDecoder().decode(m.read(start, len, 'name bytes'));
    this.nameCache.set(addr, s);
    return s;
  }

  /** The header of the descriptor at addr. */
  type(addr: number): RuntimeType {
    const hit = this.cache.get(addr);
    if (hit) return hit;
    const W = this.ctx.ptrSize;
    const v = this.ctx.mem.view(addr, W === 8 ? 48 : 32, 'type descriptor');
    const size = v.word(0, W, 'type size');
    const tflag = v.u8(2 * W + 4);
    const kind = v.u8(2 * W + 7) & KIND_MASK;
    if (kind === 0) this.fail(addr, 'type descriptor: invalid kind 0');
    const strOff = v.i32(4 * W + 8);
    let str = this.name(this.ctx.md.types + strOff);
    if (tflag & TFLAG_EXTRA_STAR && str.startsWith('*')) str = str.slice(1);
    const t: RuntimeType = { addr, size, kind, tflag, str };
    this.cache.set(addr, t);
    return t;
  }

  /** The import path recorded in t's uncommon type (abi.UncommonType.PkgPath), or undefined. */
  pkgPath(t: RuntimeType): string | undefined {
    if (!(t.tflag & TFLAG_UNCOMMON)) return undefined;
    const off = this.ctx.mem.i32(t.addr + descriptorBase(this, t), 'uncommon pkgPath');
    return off > 0 ? this.name(this.ctx.md.types + off) : undefined;
  }

  /** ptrToThis as an address, or undefined. */
  ptrToThis(t: RuntimeType): number | undefined {
    const W = this.ctx.ptrSize;
    const off = this.ctx.mem.i32(t.addr + 4 * W + 12, 'ptrToThis');
    return off > 0 ? this.ctx.md.types + off : undefined;
  }

  /** Every type descriptor this one points at (the edges of the walk). */
  edges(t: RuntimeType): number[] {
    const m = this.ctx.mem;
    const W = this.ctx.ptrSize;
    const H = W === 8 ? 48 : 32;
    const out: number[] = [];
    const ptr = (a: number) => {
      const p = m.word(a, 'type pointer');
      if (p !== 0) out.push(p);
    };
    const typeOff = (a: number) => {
      const off = m.i32(a, 'type offset');
      if (off > 0) out.push(this.ctx.md.types + off);
    };
    let uncommonAt = t.addr + descriptorBase(this, t);
    switch (t.kind) {
      case Kind.Array:
        ptr(t.addr + H);
        ptr(t.addr + H + W);
        break;
      case Kind.Chan:
      case Kind.Pointer:
      case Kind.Slice:
        ptr(t.addr + H);
        break;
      case Kind.Map:
        ptr(t.addr + H);
        ptr(t.addr + H + W);
        ptr(t.addr + H + 2 * W);
        break;
      case Kind.Func: {
        const inCount = m.u16(t.addr + H, 'func inCount');
        const outCount = m.u16(t.addr + H + 2, 'func outCount') & FUNC_OUT_COUNT_MASK;
        const params = uncommonAt + (t.tflag & TFLAG_UNCOMMON ? 16 : 0);
        for (let i = 0; i < inCount + outCount; i++) ptr(params + i * W);
        break;
      }
      case Kind.Interface: {
        const mp = m.word(t.addr + H + W, 'interface methods');
        const n = m.word(t.addr + H + 2 * W, 'interface methods len');
        if (n > 1 << 16) this.fail(t.addr, `interface with ${n} methods`);
        for (let i = 0; i < n; i++) typeOff(mp + 8 * i + 4);
        break;
      }
      case Kind.Struct: {
        const fp = m.word(t.addr + H + W, 'struct fields');
        const n = m.word(t.addr + H + 2 * W, 'struct fields len');
        if (n > 1 << 16) this.fail(t.addr, `struct with ${n} fields`);
        for (let i = 0; i < n; i++) ptr(fp + 3 * W * i + W);
        break;
      }
    }
    const p2t = this.ptrToThis(t);
    if (p2t !== undefined) out.push(p2t);
    if (t.tflag & TFLAG_UNCOMMON) {
      uncommonAt = t.addr + descriptorBase(this, t);
      const mcount = m.u16(uncommonAt + 4, 'uncommon mcount');
      const moff = m.u32(uncommonAt + 8, 'uncommon moff');
      for (let i = 0; i < mcount; i++) typeOff(uncommonAt + moff + 16 * i + 4);
    }
    return out;
  }

  /** Struct fields: name, type address, offset. */
  fields(t: RuntimeType): { name: string; type: number; offset: number }[] {
    const m = this.ctx.mem;
    const W = this.ctx.ptrSize;
    const H = W === 8 ? 48 : 32;
    const fp = m.word(t.addr + H + W, 'struct fields');
    const n = m.word(t.addr + H + 2 * W, 'struct fields len');
    if (n > 1 << 16) this.fail(t.addr, `struct with ${n} fields`);
    const out = [];
    for (let i = 0; i < n; i++) {
      const base = fp + 3 * W * i;
      const np = m.word(base, 'field name');
      const off = m.word(base + 2 * W, 'field offset');
      out.push({ name: np ? this.name(np) : '', type: m.word(base + W, 'field type'), offset: this.ctx.goMinor >= 19 ? off : Math.floor(off / 2) });
    }
    return out;
  }
}

/**
 * Seeds of the walk: typelinks entries and itab types (Go ≤1.26), or the
 * sorted descriptor run at the start of the types region (Go 1.27:
 * runtime.moduleTypelinks walks it from types+PtrSize, aligning each to
 * PtrSize and advancing by abi.Type.DescriptorSize).
 */
export function seeds(r: TypeReader): number[] {
  const { md, mem, ptrSize: W } = r.ctx;
  const out = md.typelinks.map((off) => md.types + off);
  for (const itab of md.itablinks) {
    out.push(mem.word(itab, 'itab.inter'), mem.word(itab + W, 'itab._type'));
  }
  if (md.itaboffset !== undefined && md.itabsize !== undefined) {
    // Go 1.27 runtime.addModuleItabs: itabs laid end to end; abi.ITab.Size is
    // sizeof(ITab) plus a word per interface method beyond the first, unless Fun[0] is 0.
    const H = W === 8 ? 48 : 32;
    const base = W === 8 ? 32 : 16;
    const funAt = W === 8 ? 24 : 12;
    let p = md.types + md.itaboffset;
    const end = p + md.itabsize;
    for (let n = 0; p < end && n < 1 << 20; n++) {
      const inter = mem.word(p, 'itab.Inter');
      out.push(inter, mem.word(p + W, 'itab.Type'));
      const nm = mem.word(inter + H + 2 * W, 'interface methods len');
      if (nm > 1 << 16) break;
      p += mem.word(p + funAt, 'itab.Fun[0]') === 0 || nm === 0 ? base : base + (nm - 1) * W;
    }
  }
  if (md.typedesclen !== undefined) {
    const end = md.types + md.typedesclen;
    let td = md.types + W;
    let n = 0;
    while (td < end && n++ < 1 << 20) {
      td = Math.ceil(td / W) * W;
      const t = r.type(td);
      out.push(td);
      td += descriptorSize(r, t);
    }
  }
  return out;
}

/** abi.Type.DescriptorSize (Go 1.27): base struct, uncommon, trailing params/methods/fields, methods. */
function descriptorSize(r: TypeReader, t: RuntimeType): number {
  const { mem, ptrSize: W } = r.ctx;
  const H = W === 8 ? 48 : 32;
  let size = descriptorBase(r, t);
  if (t.tflag & TFLAG_UNCOMMON) size += 16 + 16 * mem.u16(t.addr + size + 4, 'uncommon mcount');
  switch (t.kind) {
    case Kind.Func:
      size += ((mem.u16(t.addr + H) + (mem.u16(t.addr + H + 2) & FUNC_OUT_COUNT_MASK)) * W);
      break;
    case Kind.Interface:
      size += 8 * mem.word(t.addr + H + 2 * W);
      break;
    case Kind.Struct:
      size += 3 * W * mem.word(t.addr + H + 2 * W);
      break;
  }
  return size;
}

/** Breadth-first walk from the seeds; returns every reachable descriptor, deduplicated. */
export function walkTypes(r: TypeReader, limit = 1 << 20, extra: number[] = []): RuntimeType[] {
  const seen = new Set<number>();
  const queue = [...seeds(r), ...extra];
  const out: RuntimeType[] = [];
  for (let i = 0; i < queue.length; i++) {
    const a = queue[i];
    if (seen.has(a)) continue;
    seen.add(a);
    if (seen.size > limit) throw new InputError(r.ctx.mem.obj.file, undefined, `more than ${limit} type descriptors`);
    const t = r.type(a);
    out.push(t);
    for (const e of r.edges(t)) if (!seen.has(e)) queue.push(e);
  }
  return out;
}

/**
 * Map descriptors no other descriptor points at. The compiler emits a map
 * type's descriptor wherever code needs it (makemap, mapaccess arguments), so a
 * map made only inside a function, e.g. `var nodes = map[*Node]int{}` in a
 * package's init, is reachable from code and from nothing in the walk. The
 * sweep visits every pointer-aligned address of the types region and keeps
 * those that hold a well-formed map descriptor: kind Map, size one pointer,
 * key, elem and bucket/group pointers into the region, the bucket/group type
 * named `map.bucket[K]V` or `map.group[K]V` after those very key and elem
 * types, and (unless the map type is named) the map's own name `map[K]V`.
 * Random bytes satisfy all of that with negligible probability; the checks
 * read only mapped memory, so a corrupt region costs one pass and no error.
 */
export function sweepMapTypes(r: TypeReader, known: Set<number>): number[] {
  const { md, mem, ptrSize: W } = r.ctx;
  const H = W === 8 ? 48 : 32;
  const kindAt = 2 * W + 7;
  const inTypes = (p: number) => p >= md.types && p < md.etypes && p % W === 0;
  const out: number[] = [];
  const end = md.etypes - H - 3 * W;
  for (let a = md.types; a <= end; a += W) {
    if (known.has(a)) continue;
    if (!mem.mapped(a, H + 3 * W)) continue;
    if ((mem.u8(a + kindAt) & 0x1f) !== Kind.Map) continue;
    try {
      if (mem.word(a) !== W) continue;
      const kp = mem.word(a + H);
      const ep = mem.word(a + H + W);
      const bp = mem.word(a + H + 2 * W);
      if (!inTypes(kp) || !inTypes(ep) || !inTypes(bp)) continue;
      const t = r.type(a);
      const key = r.type(kp).str;
      const elem = r.type(ep).str;
      const bucket = r.type(bp).str;
      const kv = `[${key}]${elem}`;
      if (bucket !== `map.bucket${kv}` && bucket !== `map.group${kv}`) continue;
      if (!(t.tflag & TFLAG_NAMED) && t.str !== `map${kv}`) continue;
      out.push(a);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  return out;
}

/**
 * The Go minor version a classic map descriptor layout proves, for binaries
 * whose version was erased and whose moduledata has the 1.8 layout (Go
 * 1.8–1.15, too wide to pick a descriptor layout from). Each unnamed map type
 * in typelinks votes for the layouts under which its BucketSize equals its
 * `map.bucket[K]V` type's size: the field sits at H+4W+2 from Go 1.14 (after
 * the hasher), at H+3W+2 in 1.12–1.13 (flags word), at H+3W+4 in 1.11 (bool
 * fields). Returns 14, 12 or 11 (the oldest release of that layout), or
 * undefined when no map type voted.
 */
export function classicMinorBySizes(r: TypeReader): number | undefined {
  const { md, mem, ptrSize: W } = r.ctx;
  const H = W === 8 ? 48 : 32;
  const votes = new Map<number, number>([[14, 0], [12, 0], [11, 0]]);
  for (const off of md.typelinks) {
    const a = md.types + off;
    try {
      const t = r.type(a);
      if (t.kind !== Kind.Map) continue;
      const b = mem.word(a + H + 2 * W, 'map bucket');
      if (!b) continue;
      const bucket = r.type(b);
      if (!bucket.str.startsWith('map.bucket[')) continue;
      if (mem.u16(a + H + 4 * W + 2) === bucket.size) votes.set(14, (votes.get(14) ?? 0) + 1);
      if (mem.u16(a + H + 3 * W + 2) === bucket.size) votes.set(12, (votes.get(12) ?? 0) + 1);
      if (mem.u16(a + H + 3 * W + 4) === bucket.size) votes.set(11, (votes.get(11) ?? 0) + 1);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  const [best, n] = [...votes].sort((x, y) => y[1] - x[1])[0];
  return n > 0 ? best : undefined;
}
