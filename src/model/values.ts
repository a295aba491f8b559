/**
 * Go values as JSON, and as bytes in (simulated) memory.
 *
 * The JSON convention is the one scenarios and snapshots use (docs/json.md):
 * integers as numbers, or as decimal strings when they do not fit a double
 * exactly; floats as numbers or "NaN", "+Inf", "-Inf", "-0"; complex numbers as
 * [re, im]; strings as strings; arrays as arrays; structs as objects by field
 * name (blank fields omitted); pointers, chans and unsafe.Pointer as integer
 * addresses (0 for nil); bools as booleans.
 *
 * Encoding writes a value of a type at an address of SimMemory, allocating
 * string data as the runtime would hold it; decoding reads memory back into
 * JSON exactly as it is, stale bytes included.
 */
import { sizeOf, structLayout, underlying, typeString, type GoType } from './types.js';
import { encodeUint, decodeUint, type SimMemory, type MemoryReader } from './memory.js';
import { briefJson } from '../base/json.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

const INT_BITS: Record<string, [bits: number | 'ptr', signed: boolean]> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true], int: ['ptr', true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false], uint: ['ptr', false], uintptr: ['ptr', false],
};

function intFromJson(v: JsonValue, bits: number, signed: boolean, what: string): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) n = BigInt(v.trim());
  else throw new ValueError(`${what}: expected an integer, got ${briefJson(v)}`);
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (n < min || n > max) throw new ValueError(`${what}: ${n} does not fit ${signed ? 'int' : 'uint'}${bits}`);
  return n;
}

function intToJson(n: bigint): JsonValue {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

export function floatFromJson(v: JsonValue, what: string): number {
  if (typeof v === 'number') return v;
  const special: Record<string, number> = { NaN: NaN, '+Inf': Infinity, Inf: Infinity, '-Inf': -Infinity, '-0': -0 };
  if (typeof v === 'string' && v in special) return special[v];
  throw new ValueError(`${what}: expected a number or "NaN", "+Inf", "-Inf", "-0", got ${briefJson(v)}`);
}

function floatToJson(x: number): JsonValue {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Object.is(x, -0)) return '-0';
  return x;
}

/** Bytes of a float in the target's byte order. NaN payloads are Go's default NaN (0x7FF8000000000001). */
function floatBytes(x: number, size: 4 | 8, bigEndian: boolean): Uint8Array {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  if (size === 4) dv.setFloat32(0, x, !bigEndian);
  else if (Number.isNaN(x)) dv.setBigUint64(0, 0x7ff8000000000001n, !bigEndian); // math.NaN()
  else dv.setFloat64(0, x, !bigEndian);
  return b;
}

/** Writes `v` (JSON) as a Go value of type `t` at `addr`. `what` names the value for errors. */
export function encodeValue(mem: SimMemory, t: GoType, addr: number, v: JsonValue, what: string): void {
  const arch = mem.arch;
  const u = underlying(t);
  switch (u.kind) {
    case 'bool':
      if (typeof v !== 'boolean') throw new ValueError(`${what}: expected true or false, got ${briefJson(v)}`);
      mem.setU8(addr, v ? 1 : 0);
      return;
    case 'float32':
    case 'float64':
      mem.write(addr, floatBytes(floatFromJson(v, what), u.kind === 'float32' ? 4 : 8, arch.bigEndian));
      return;
    case 'complex64':
    case 'complex128': {
      if (!Array.isArray(v) || v.length !== 2) throw new ValueError(`${what}: expected [re, im], got ${briefJson(v)}`);
      const half = u.kind === 'complex64' ? 4 : 8;
      mem.write(addr, floatBytes(floatFromJson(v[0], what + '[0]'), half, arch.bigEndian));
      mem.write(addr + half, floatBytes(floatFromJson(v[1], what + '[1]'), half, arch.bigEndian));
      return;
    }
    case 'string': {
      if (typeof v !== 'string') throw new ValueError(`${what}: expected a string, got ${briefJson(v)}`);
      const data = new TextEncoder().encode(v);
      const p = data.length === 0 ? 0 : mem.alloc(data.length, 'string data', 1);
      if (data.length) mem.write(p, data);
      mem.setPtr(addr, p);
      mem.setUint(addr + arch.ptrSize, arch.ptrSize, data.length);
      return;
    }
    case 'pointer':
    case 'chan':
    case 'unsafe.Pointer':
      mem.setUint(addr, arch.ptrSize, intFromJson(v, arch.ptrSize * 8, false, what));
      return;
    case 'array': {
      if (!Array.isArray(v) || v.length !== u.len) throw new ValueError(`${what}: expected an array of ${u.len}, got ${briefJson(v)}`);
      const es = sizeOf(u.elem, arch).size;
      v.forEach((e, i) => encodeValue(mem, u.elem, addr + i * es, e, `${what}[${i}]`));
      return;
    }
    case 'struct': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValueError(`${what}: expected an object with the fields of ${typeString(t)}, got ${briefJson(v)}`);
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      const names = new Set(l.fields.map((f) => f.name));
      for (const k of Object.keys(v)) if (!names.has(k) || k === '_') throw new ValueError(`${what}: ${typeString(t)} has no field ${briefJson(k)}`);
      for (const f of l.fields) {
        if (f.name === '_') continue;
        if (!(f.name in v)) throw new ValueError(`${what}: missing field ${f.name}`);
        encodeValue(mem, f.type, addr + f.offset, v[f.name], `${what}.${f.name}`);
      }
      return;
    }
    case 'interface':
    case 'map':
    case 'slice':
    case 'func':
    case 'opaque':
      throw new ValueError(`${what}: values of type ${typeString(t)} are not supported in scenarios yet`);
    default: {
      const [bits, signed] = INT_BITS[u.kind];
      const nb = bits === 'ptr' ? arch.ptrSize * 8 : bits;
      // Fast path (no BigInt): a safe integer in range whose two's complement is exact as a double.
      if (typeof v === 'number' && Number.isSafeInteger(v)) {
        const lo = signed ? -(2 ** (nb - 1)) : 0;
        const hi = signed ? 2 ** (nb - 1) - 1 : 2 ** nb - 1;
        if (v >= lo && v <= hi && (v >= 0 || nb <= 52)) {
          mem.setNum(addr, nb / 8, v >= 0 ? v : v + 2 ** nb);
          return;
        }
      }
      mem.write(addr, encodeUint(intFromJson(v, nb, signed, what), nb / 8, arch.bigEndian));
    }
  }
}

/** Reads a Go value of type `t` at `addr` back into JSON, exactly as the bytes are. */
export function decodeValue(mem: MemoryReader, t: GoType, addr: number): JsonValue {
  const arch = mem.arch;
  const u = underlying(t);
  const uint = (a: number, n: number) => decodeUint(mem.read(a, n), arch.bigEndian);
  const float = (a: number, n: 4 | 8) => {
    const dv = new DataView(mem.read(a, n).slice().buffer);
    return n === 4 ? dv.getFloat32(0, !arch.bigEndian) : dv.getFloat64(0, !arch.bigEndian);
  };
  switch (u.kind) {
    case 'bool':
      return uint(addr, 1) !== 0n;
    case 'float32':
      return floatToJson(float(addr, 4));
    case 'float64':
      return floatToJson(float(addr, 8));
    case 'complex64':
      return [floatToJson(float(addr, 4)), floatToJson(float(addr + 4, 4))];
    case 'complex128':
      return [floatToJson(float(addr, 8)), floatToJson(float(addr + 8, 8))];
    case 'string': {
      const p = Number(uint(addr, arch.ptrSize));
      const len = Number(uint(addr + arch.ptrSize, arch.ptrSize));
      if (len === 0) return '';
      try {
        return new TextDecoder().decode(mem.read(p, len));
      } catch {
        return { stringPtr: p, len };
      }
    }
    case 'pointer':
    case 'chan':
    case 'unsafe.Pointer':
    case 'map':
    case 'func':
      return intToJson(uint(addr, arch.ptrSize));
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      return Array.from({ length: u.len }, (_, i) => decodeValue(mem, u.elem, addr + i * es));
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      const o: { [k: string]: JsonValue } = {};
      for (const f of l.fields) if (f.name !== '_') o[f.name] = decodeValue(mem, f.type, addr + f.offset);
      return o;
    }
    case 'interface':
      return { type: intToJson(uint(addr, arch.ptrSize)), data: intToJson(uint(addr + arch.ptrSize, arch.ptrSize)) };
    case 'slice':
      return { ptr: intToJson(uint(addr, arch.ptrSize)), len: intToJson(uint(addr + arch.ptrSize, arch.ptrSize)), cap: intToJson(uint(addr + 2 * arch.ptrSize, arch.ptrSize)) };
    case 'opaque':
      throw new ValueError(`cannot decode a value of unknown type ${u.name}`);
    default: {
      const [bits, signed] = INT_BITS[u.kind];
      const nb = bits === 'ptr' ? arch.ptrSize * 8 : bits;
      const raw = uint(addr, nb / 8);
      return intToJson(signed ? BigInt.asIntN(nb, raw) : raw);
    }
  }
}
