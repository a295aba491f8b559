/**
 * Go's == on values in memory, as the compiler's generated `equal` functions
 * decide it for map keys (t.key.equal) — shared by both engines and the checker
 * (t.key.equal): integers, pointers and other plain memory compare bytes;
 * floats compare as numbers (+0 == -0, NaN != NaN); strings compare lengths
 * then contents; arrays and structs compare part by part, skipping blank
 * fields (padding is never compared).
 */
import type { SimMemory } from './memory.js';
import { sizeOf, structLayout, underlying, type GoType } from './types.js';

function bytesEqual(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function float(mem: SimMemory, addr: number, size: 4 | 8): number {
  const v = mem.view(addr, size);
  const dv = new DataView(v.buffer, v.byteOffset, size);
  return size === 4 ? dv.getFloat32(0, !mem.arch.bigEndian) : dv.getFloat64(0, !mem.arch.bigEndian);
}

/** The equality function for a key type, specialised for plain memory and strings (the common keys). */
export function keyEqualFor(mem: SimMemory, t: GoType): (a: number, b: number) => boolean {
  const s = sizeOf(t, mem.arch);
  if (s.alg === 'MEM' && s.size === 8) {
    // The common int64/uint64/pointer key: 8 bytes, compared without a loop.
    return (a, b) => {
      const x = mem.loc(a, 8);
      const p = mem.locOff;
      mem.loc(b, 8);
      const q = mem.locOff;
      return x[p] === x[q] && x[p + 1] === x[q + 1] && x[p + 2] === x[q + 2] && x[p + 3] === x[q + 3] &&
        x[p + 4] === x[q + 4] && x[p + 5] === x[q + 5] && x[p + 6] === x[q + 6] && x[p + 7] === x[q + 7];
    };
  }
  if (s.alg === 'MEM') {
    const n = s.size;
    return (a, b) => {
      if (n === 0) return true;
      const x = mem.loc(a, n);
      const xo = mem.locOff;
      const y = mem.loc(b, n);
      const yo = mem.locOff;
      for (let i = 0; i < n; i++) if (x[xo + i] !== y[yo + i]) return false;
      return true;
    };
  }
  if (underlying(t).kind === 'string') {
    // Lengths, then data pointers, then bytes, all read from the arena in place.
    const p = mem.arch.ptrSize;
    return (a, b) => {
      const la = mem.num(a + p, p);
      if (la !== mem.num(b + p, p)) return false;
      if (la === 0) return true;
      const pa = mem.ptr(a);
      const pb = mem.ptr(b);
      if (pa === pb) return true;
      const x = mem.loc(pa, la);
      const xo = mem.locOff;
      mem.loc(pb, la);
      const yo = mem.locOff;
      for (let i = 0; i < la; i++) if (x[xo + i] !== x[yo + i]) return false;
      return true;
    };
  }
  return (a, b) => goEqual(mem, t, a, b);
}

/** Go's == on the values of type t at a and b. */
export function goEqual(mem: SimMemory, t: GoType, a: number, b: number): boolean {
  const u = underlying(t);
  const arch = mem.arch;
  switch (u.kind) {
    case 'float32':
      return float(mem, a, 4) === float(mem, b, 4);
    case 'float64':
      return float(mem, a, 8) === float(mem, b, 8);
    case 'complex64':
      return float(mem, a, 4) === float(mem, b, 4) && float(mem, a + 4, 4) === float(mem, b + 4, 4);
    case 'complex128':
      return float(mem, a, 8) === float(mem, b, 8) && float(mem, a + 8, 8) === float(mem, b + 8, 8);
    case 'string': {
      const p = arch.ptrSize;
      const la = mem.num(a + p, p);
      const lb = mem.num(b + p, p);
      if (la !== lb) return false;
      if (la === 0) return true;
      const pa = mem.ptr(a);
      const pb = mem.ptr(b);
      return pa === pb || bytesEqual(mem.view(pa, la), mem.view(pb, lb));
    }
    case 'array': {
      const es = sizeOf(u.elem, arch).size;
      for (let i = 0; i < u.len; i++) if (!goEqual(mem, u.elem, a + i * es, b + i * es)) return false;
      return true;
    }
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      for (const f of l.fields) {
        if (f.name === '_') continue;
        if (!goEqual(mem, f.type, a + f.offset, b + f.offset)) return false;
      }
      return true;
    }
    case 'interface':
      throw new Error('interface keys are not supported by the engines yet');
    default: {
      const n = sizeOf(t, arch).size;
      return n === 0 || bytesEqual(mem.view(a, n), mem.view(b, n));
    }
  }
}
