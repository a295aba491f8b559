/**
 * Go's DWARF conventions (docs/binary-format.md §6): map types are typedefs with
 * DW_AT_go_kind 21, DW_AT_go_key/elem and DW_AT_go_runtime_type (the
 * descriptor's offset from moduledata.types). The linker also describes the
 * runtime structures behind each map:
 *   classic: typedef → *hash<K,V> → .buckets → *bucket<K,V> (its byte size)
 *   Swiss:   typedef → *map<K,V> → .dirPtr → **table<K,V> → .groups →
 *            groupReference<K,V> → .data → *map.group[K]V → .slots → [8]slot
 * which gives an independent account of the figures the descriptor holds.
 */
import type { Die, Dwarf } from './dwarf.js';
import { AT, OP, TAG } from './dwarfconst.js';

export interface DwarfMapType {
  name: string;
  /** Offset of the runtime descriptor from moduledata.types. */
  runtimeType: number | undefined;
  keySize: number | undefined;
  elemSize: number | undefined;
  impl: 'classic' | 'swiss' | undefined;
  bucketSize?: number;
  groupSize?: number;
  slotSize?: number;
  elemOffset?: number;
}

export interface DwarfGlobal {
  name: string;
  addr: number | undefined;
  type: string;
  /** .debug_info offset of the variable's type DIE. */
  typeOffset?: number;
}

function ref(d: Dwarf, die: Die | undefined, at: number): Die | undefined {
  const r = die?.attrs.get(at);
  return typeof r === 'number' ? d.dies.get(r) : undefined;
}

function num(die: Die | undefined, at: number): number | undefined {
  const v = die?.attrs.get(at);
  return typeof v === 'number' ? v : undefined;
}

function name(die: Die | undefined): string {
  const v = die?.attrs.get(AT.name);
  return typeof v === 'string' ? v : '';
}

/** Follows typedefs and pointers to the struct they reach. */
function struct(d: Dwarf, die: Die | undefined): Die | undefined {
  for (let i = 0; i < 8 && die; i++) {
    if (die.tag === TAG.structType) return die;
    if (die.tag !== TAG.typedef && die.tag !== TAG.pointerType) return undefined;
    die = ref(d, die, AT.type);
  }
  return undefined;
}

function member(s: Die | undefined, n: string): Die | undefined {
  return s?.children.find((c) => c.tag === TAG.member && name(c) === n);
}

function memberOffset(m: Die | undefined): number | undefined {
  return num(m, AT.dataMemberLocation);
}

/** DW_AT_byte_size, through typedefs (as debug/dwarf's Type.Size does). */
function byteSize(d: Dwarf, die: Die | undefined, ptrSize: number): number | undefined {
  for (let i = 0; i < 16 && die; i++) {
    const n = num(die, AT.byteSize);
    if (n !== undefined) return n;
    // Pointer DIEs may omit their size: it is the unit's address size.
    if (die.tag === TAG.pointerType) return ptrSize;
    if (die.tag !== TAG.typedef) return undefined;
    die = ref(d, die, AT.type);
  }
  return undefined;
}

export function dwarfMapTypes(d: Dwarf, ptrSize: number): DwarfMapType[] {
  const out: DwarfMapType[] = [];
  for (const die of d.dies.values()) {
    if (die.tag !== TAG.typedef || num(die, AT.goKind) !== 21) continue;
    const m: DwarfMapType = {
      name: name(die),
      // 0 when the program has no descriptor for the type (cmd/link writes the offset of a
      // symbol that was never emitted: a map only made by makemap_small and never read).
      // No descriptor starts there: the region opens with the runtime.types marker.
      runtimeType: num(die, AT.goRuntimeType) || undefined,
      keySize: byteSize(d, ref(d, die, AT.goKey), ptrSize),
      elemSize: byteSize(d, ref(d, die, AT.goElem), ptrSize),
      impl: undefined,
    };
    const hdr = struct(d, ref(d, die, AT.type));
    const buckets = member(hdr, 'buckets');
    const dirPtr = member(hdr, 'dirPtr');
    if (buckets) {
      m.impl = 'classic';
      m.bucketSize = num(struct(d, ref(d, buckets, AT.type)), AT.byteSize);
    } else if (dirPtr) {
      m.impl = 'swiss';
      const table = struct(d, ref(d, dirPtr, AT.type));
      const ref0 = struct(d, ref(d, member(table, 'groups'), AT.type));
      const group = struct(d, ref(d, member(ref0, 'data'), AT.type));
      m.groupSize = num(group, AT.byteSize);
      let arr = ref(d, member(group, 'slots'), AT.type);
      if (arr?.tag === TAG.typedef) arr = ref(d, arr, AT.type);
      const slot = arr?.tag === TAG.arrayType ? struct(d, ref(d, arr, AT.type)) : undefined;
      m.slotSize = num(slot, AT.byteSize);
      m.elemOffset = memberOffset(member(slot, 'elem'));
    }
    out.push(m);
  }
  return out;
}

/** Package-level variables: name, address (from a DW_OP_addr location) and type name. */
export function dwarfGlobals(d: Dwarf, ptrSize: number, little: boolean): DwarfGlobal[] {
  const out: DwarfGlobal[] = [];
  for (const u of d.units) {
    for (const v of u.children) {
      if (v.tag !== TAG.variable) continue;
      const loc = v.attrs.get(AT.location);
      let addr: number | undefined;
      if (loc instanceof Uint8Array && loc.length === 1 + ptrSize && loc[0] === OP.addr) {
        const dv = new DataView(loc.buffer, loc.byteOffset + 1, ptrSize);
        addr = ptrSize === 8 ? Number(dv.getBigUint64(0, little)) : dv.getUint32(0, little);
      }
      const t = v.attrs.get(AT.type);
      out.push({ name: name(v), addr, type: name(ref(d, v, AT.type)), typeOffset: typeof t === 'number' ? t : undefined });
    }
  }
  return out;
}
