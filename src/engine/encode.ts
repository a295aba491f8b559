/**
 * Encoding keys and elems at the engines' API boundary (JSON → target bytes).
 */
import type { SimMemory } from '../model/memory.js';
import { sizeOf, underlying, type GoType } from '../model/types.js';
import { encodeValue, type JsonValue } from '../model/values.js';

const INT_KINDS = new Set(['int8', 'int16', 'int32', 'int64', 'int', 'uint8', 'uint16', 'uint32', 'uint64', 'uint', 'uintptr']);

/**
 * encodeValue, with a shortcut for the common case of a non-negative
 * integer key or value given as a JSON number (everything else, and every
 * out-of-range value, goes through encodeValue and its checks).
 */
export function encoder(mem: SimMemory, t: GoType, what: string): (addr: number, v: JsonValue) => void {
  const u = underlying(t);
  if (!INT_KINDS.has(u.kind)) return (addr, v) => encodeValue(mem, t, addr, v, what);
  const size = sizeOf(t, mem.arch).size;
  const signed = u.kind.startsWith('int');
  const limit = Math.min(Number.MAX_SAFE_INTEGER, 2 ** (size * 8 - (signed ? 1 : 0)) - 1);
  return (addr, v) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= limit) mem.setNum(addr, size, v);
    else encodeValue(mem, t, addr, v, what);
  };
}

