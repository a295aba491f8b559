/**
 * Go types from the linker's DWARF (docs/binary-format.md §6): every type DIE
 * carries DW_AT_go_kind (a reflect.Kind). Strings, slices and interfaces are
 * structure DIEs of their runtime representation; named struct types are
 * structure DIEs with the qualified name ("main.Point"); a map is a typedef
 * of kind 21 with DW_AT_go_key / DW_AT_go_elem.
 *
 * Two uses: the model GoType of a map's key and element (so the checker can
 * lay the map out and hash its keys), and a typed walk over global variables
 * (src/source/process/globals.ts), which needs sizes, member offsets and element types.
 */
import type { GoType, StructField, BasicKind, MapType } from '../model/types.js';
import type { Die, Dwarf } from './dwarf.js';
import { AT, TAG } from './dwarfconst.js';

/** reflect.Kind values (DW_AT_go_kind). */
export const KIND = {
  bool: 1, int: 2, int8: 3, int16: 4, int32: 5, int64: 6, uint: 7, uint8: 8, uint16: 9, uint32: 10, uint64: 11, uintptr: 12,
  float32: 13, float64: 14, complex64: 15, complex128: 16, array: 17, chan: 18, func: 19, interface: 20, map: 21, pointer: 22,
  slice: 23, string: 24, struct: 25, unsafePointer: 26,
} as const;

/** The kinds the model names as basic types (unsafePointer is spelled as Go spells it). */
const BASIC: Record<number, BasicKind> = Object.fromEntries(
  (['bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
    'float32', 'float64', 'complex64', 'complex128', 'string'] as const).map((k) => [KIND[k], k]),
);
BASIC[KIND.unsafePointer] = 'unsafe.Pointer';
const MAX_DEPTH = 24;

export class DwarfTypes {
  private readonly models = new Map<number, GoType>();

  constructor(
    readonly d: Dwarf,
    readonly ptrSize: number,
  ) {}

  die(off: number | undefined): Die | undefined {
    return off === undefined ? undefined : this.d.dies.get(off);
  }

  ref(die: Die | undefined, at: number): Die | undefined {
    const r = die?.attrs.get(at);
    return typeof r === 'number' ? this.d.dies.get(r) : undefined;
  }

  name(die: Die | undefined): string {
    const v = die?.attrs.get(AT.name);
    return typeof v === 'string' ? v : '';
  }

  num(die: Die | undefined, at: number): number | undefined {
    const v = die?.attrs.get(at);
    return typeof v === 'number' ? v : undefined;
  }

  /** reflect.Kind of a type DIE, following plain typedefs (maps are typedefs of kind 21 and stop here). */
  kind(die: Die | undefined): number | undefined {
    for (let i = 0; i < 16 && die; i++) {
      const k = this.num(die, AT.goKind);
      if (k !== undefined) return k;
      // unsafe.Pointer is a pointer DIE with neither kind nor target type.
      if (die.tag === TAG.pointerType) return this.name(die) === 'unsafe.Pointer' && !die.attrs.has(AT.type) ? KIND.unsafePointer : KIND.pointer;
      if (die.tag === TAG.arrayType) return KIND.array;
      if (die.tag !== TAG.typedef) return undefined;
      die = this.ref(die, AT.type);
    }
    return undefined;
  }

  /** Strips typedefs that are not themselves the type (a map typedef is kept). */
  resolve(die: Die | undefined): Die | undefined {
    for (let i = 0; i < 16 && die; i++) {
      // Maps and interfaces are typedefs of their runtime structures (hash<K,V>, runtime.eface): keep them.
      const k = this.num(die, AT.goKind);
      if (die.tag !== TAG.typedef || k === KIND.map || k === KIND.interface) return die;
      // A named non-struct type (type IDs []int) is a typedef of the unnamed one; its kind matches.
      const next = this.ref(die, AT.type);
      if (!next) return die;
      die = next;
    }
    return die;
  }

  size(die: Die | undefined): number | undefined {
    for (let i = 0; i < 16 && die; i++) {
      const n = this.num(die, AT.byteSize);
      if (n !== undefined) return n;
      if (die.tag === TAG.pointerType) return this.ptrSize;
      if (die.tag === TAG.typedef && this.num(die, AT.goKind) === KIND.map) return this.ptrSize;
      if (die.tag === TAG.arrayType) {
        const n = this.arrayLen(die);
        const es = this.size(this.ref(die, AT.type));
        return n === undefined || es === undefined ? undefined : n * es;
      }
      if (die.tag !== TAG.typedef) return undefined;
      die = this.ref(die, AT.type);
    }
    return undefined;
  }

  arrayLen(die: Die): number | undefined {
    const sub = die.children.find((c) => c.tag === TAG.subrangeType);
    const count = this.num(sub, AT.count);
    if (count !== undefined) return count;
    const ub = this.num(sub, AT.upperBound);
    return ub === undefined ? undefined : ub + 1;
  }

  /** The structure DIE under typedefs (an interface's runtime.eface / runtime.iface). */
  structOf(die: Die | undefined): Die | undefined {
    for (let i = 0; i < 16 && die; i++) {
      if (die.tag === TAG.structType) return die;
      if (die.tag !== TAG.typedef) return undefined;
      die = this.ref(die, AT.type);
    }
    return undefined;
  }

  /** Members of a struct DIE: name, offset, type DIE. */
  members(die: Die): { name: string; offset: number; type: Die | undefined; embedded: boolean }[] {
    return die.children
      .filter((c) => c.tag === TAG.member)
      .map((c) => ({ name: this.name(c), offset: this.num(c, AT.dataMemberLocation) ?? 0, type: this.ref(c, AT.type), embedded: c.attrs.get(AT.goEmbedded) === true || c.attrs.get(AT.goEmbedded) === 1 }));
  }

  /** Element type DIE of a slice (DW_AT_go_elem) or pointer/array (DW_AT_type). */
  elem(die: Die): Die | undefined {
    return this.kind(die) === KIND.slice ? this.ref(die, AT.goElem) : this.ref(die, AT.type);
  }

  /** The model type of a map typedef DIE. */
  mapType(die: Die): MapType | undefined {
    const t = this.model(die);
    return t.kind === 'map' ? t : undefined;
  }

  /** The model GoType of a DIE. Pointers to named types stay opaque, so recursive types end. */
  model(die: Die | undefined, depth = 0): GoType {
    if (!die) return { kind: 'opaque', name: '?' };
    const memo = this.models.get(die.offset);
    if (memo) return memo;
    const t = this.build(die, depth);
    if (depth === 0 || t.kind !== 'opaque') this.models.set(die.offset, t);
    return t;
  }

  private build(die: Die, depth: number): GoType {
    const name = this.name(die);
    if (depth > MAX_DEPTH) return { kind: 'opaque', name: name || '?' };
    const k = this.kind(die);
    const named = (u: GoType): GoType => (name && name.includes('.') && !name.startsWith('struct {') && name !== 'unsafe.Pointer' ? { kind: 'named', name, underlying: u } : u);
    if (k !== undefined && BASIC[k]) {
      const b: GoType = { kind: BASIC[k] };
      return name === BASIC[k] || name === '' ? b : named(b);
    }
    switch (k) {
      case KIND.map: {
        const m: GoType = { kind: 'map', key: this.model(this.ref(die, AT.goKey), depth + 1), elem: this.model(this.ref(die, AT.goElem), depth + 1) };
        return name.startsWith('map[') ? m : named(m);
      }
      case KIND.pointer: {
        const target = this.ref(this.resolvePointer(die), AT.type);
        const tn = this.name(target);
        const elem: GoType = tn.includes('.') && this.kind(target) === KIND.struct ? { kind: 'opaque', name: tn } : this.model(target, depth + 1);
        return { kind: 'pointer', elem };
      }
      case KIND.slice:
        return named({ kind: 'slice', elem: this.model(this.ref(this.resolve(die), AT.goElem), depth + 1) });
      case KIND.array: {
        const a = this.resolve(die);
        return named({ kind: 'array', len: a ? this.arrayLen(a) ?? 0 : 0, elem: this.model(a ? this.ref(a, AT.type) : undefined, depth + 1) });
      }
      case KIND.chan:
        return named({ kind: 'chan', dir: 'both', elem: { kind: 'opaque', name: '?' } });
      case KIND.func:
        return named({ kind: 'func', params: [], results: [], variadic: false });
      case KIND.interface:
        // Only the empty interface's method set matters here (eface vs iface); the names are not in DWARF's kind.
        if (name === 'interface {}' || name === 'any') return { kind: 'interface', methods: [] };
        // The predeclared error, as the type parser writes it (typeString prints "error").
        if (name === 'error') return { kind: 'named', name: 'error', underlying: { kind: 'interface', methods: ['Error() string'] } };
        return named({ kind: 'interface', methods: [`${name}()`] });
      case KIND.struct: {
        const s = this.resolve(die);
        const fields: StructField[] = (s ? this.members(s) : []).map((m) => ({ name: m.name, type: this.model(m.type, depth + 1), embedded: m.embedded }));
        return named({ kind: 'struct', fields });
      }
      default:
        return { kind: 'opaque', name: name || '?' };
    }
  }

  private resolvePointer(die: Die): Die {
    let d: Die | undefined = die;
    for (let i = 0; i < 16 && d && d.tag === TAG.typedef; i++) d = this.ref(d, AT.type);
    return d ?? die;
  }
}
