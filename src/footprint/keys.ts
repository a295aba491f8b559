/**
 * The keys footprint inserts: entry i gets key i, in the key type's own
 * terms — the integer i, the float i, the decimal string of i ("0", "1", …;
 * gosrc/footprint builds the same), the address 0xc000100000 + 16i for
 * pointers; an array or struct carries i in its first field and zero
 * elsewhere. What a map costs does not depend on which keys it holds, only
 * on how they hash; distinct keys and a good hash are all that matter, and
 * the same keys let a real run be replayed exactly.
 */
import { UsageError } from '../base/errors.js';
import { structLayout, typeString, underlying, type GoType } from '../model/types.js';
import type { Arch } from '../model/arch.js';
import type { JsonValue } from '../model/values.js';

export interface KeyMaker {
  /** Key number i as the engines take it (JSON). */
  key(i: number): JsonValue;
  /** How many distinct keys the type holds (Infinity when more than any map here). */
  readonly distinct: number;
}

const INT_BITS: Record<string, number> = { int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32, uint64: 64 };

export function keyMaker(t: GoType, arch: Arch): KeyMaker {
  const u = underlying(t);
  const k = u.kind;
  if (k in INT_BITS || k === 'int' || k === 'uint' || k === 'uintptr') {
    const bits = INT_BITS[k] ?? arch.ptrSize * 8;
    const signed = k.startsWith('int');
    return { key: (i) => i, distinct: 2 ** (bits - (signed ? 1 : 0)) };
  }
  if (k === 'float32' || k === 'float64') return { key: (i) => i, distinct: k === 'float32' ? 2 ** 24 : Infinity };
  if (k === 'complex64' || k === 'complex128') return { key: (i) => [i, 0], distinct: k === 'complex64' ? 2 ** 24 : Infinity };
  if (k === 'string') return { key: (i) => String(i), distinct: Infinity };
  if (k === 'bool') return { key: (i) => i === 1, distinct: 2 };
  if (k === 'pointer' || k === 'chan' || k === 'unsafe.Pointer') {
    const base = arch.ptrSize === 8 ? 0xc000100000 : 0x08100000;
    return { key: (i) => base + 16 * i, distinct: arch.ptrSize === 8 ? 2 ** 40 : 2 ** 27 };
  }
  if (u.kind === 'array' && u.len > 0) {
    const first = keyMaker(u.elem, arch);
    const rest = Array.from({ length: u.len - 1 }, () => zeroValue(u.elem, arch));
    return { key: (i) => [first.key(i), ...rest], distinct: first.distinct };
  }
  if (u.kind === 'struct') {
    const fields = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64)).fields.filter((f) => f.name !== '_');
    const at = fields.findIndex((f) => !isEmpty(f.type));
    if (at >= 0) {
      const first = keyMaker(fields[at].type, arch);
      const zeros = Object.fromEntries(fields.map((f) => [f.name, zeroValue(f.type, arch)]));
      return { key: (i) => ({ ...zeros, [fields[at].name]: first.key(i) }), distinct: first.distinct };
    }
  }
  if (u.kind === 'array' || u.kind === 'struct') return { key: () => zeroValue(t, arch), distinct: 1 };
  throw new UsageError(`footprint cannot make keys of type ${typeString(t)} (interface keys hash their dynamic types' values; use a concrete key type)`);
}

function isEmpty(t: GoType): boolean {
  const u = underlying(t);
  if (u.kind === 'array') return u.len === 0 || isEmpty(u.elem);
  if (u.kind === 'struct') return u.fields.every((f) => isEmpty(f.type));
  return false;
}

/** The zero value of t as the engines' JSON. */
export function zeroValue(t: GoType, arch: Arch): JsonValue {
  const u = underlying(t);
  switch (u.kind) {
    case 'bool': return false;
    case 'string': return '';
    case 'complex64': case 'complex128': return [0, 0];
    case 'array': return Array.from({ length: u.len }, () => zeroValue(u.elem, arch));
    case 'struct': return Object.fromEntries(structLayout(u, arch).fields.filter((f) => f.name !== '_').map((f) => [f.name, zeroValue(f.type, arch)]));
    default: return 0;
  }
}
