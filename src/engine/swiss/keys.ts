/**
 * Keys: the hasher's signature (typ.Hasher(key, seed), supplied by src/hash
 * through index.ts) and Go's == on keys (typ.Key.Equal): floats compare as
 * numbers (NaN != NaN, -0 == +0), strings by content, structs field by field
 * skipping blank fields, plain memory byte for byte. Moving keys into slots
 * and clearing them is group.ts.
 */
import type { SimMemory } from '../../model/memory.js';
import { sizeOf, structLayout, underlying, type GoType } from '../../model/types.js';

/** typ.Hasher(key, seed): the key is the bytes at `addr` of the simulated memory. */
export type KeyHasher = (addr: number, seed: bigint) => bigint;

/** typ.Key.Equal as a function: byte comparison for plain-memory keys, goEqual otherwise. */
export function keyEqualFor(mem: SimMemory, t: GoType): (a: number, b: number) => boolean {
  const s = sizeOf(t, mem.arch);
  if (s.alg !== 'MEM') return (a, b) => goEqual(mem, t, a, b);
  const n = s.size;
  return (a, b) => {
    const da = mem.view(a, n);
    const db = mem.view(b, n);
    for (let i = 0; i < n; i++) if (da[i] !== db[i]) return false;
    return true;
  };
}

/** typ.Key.Equal: Go's == on the values at a and b. */
export function goEqual(mem: SimMemory, t: GoType, a: number, b: number): boolean {
  const arch = mem.arch;
  const u = underlying(t);
  switch (u.kind) {
    case 'string': {
      const p = arch.ptrSize;
      const la = mem.ptr(a + p), lb = mem.ptr(b + p);
      if (la !== lb) return false;
      if (la === 0) return true;
      const pa = mem.ptr(a), pb = mem.ptr(b);
      if (pa === pb) return true;
      const da = mem.view(pa, la), db = mem.view(pb, lb);
      for (let i = 0; i < la; i++) if (da[i] !== db[i]) return false;
      return true;
    }
    case 'float32':
    case 'float64':
      return readFloat(mem, a, u.kind === 'float32' ? 4 : 8) === readFloat(mem, b, u.kind === 'float32' ? 4 : 8);
    case 'complex64':
    case 'complex128': {
      const h = u.kind === 'complex64' ? 4 : 8;
      return readFloat(mem, a, h) === readFloat(mem, b, h) && readFloat(mem, a + h, h) === readFloat(mem, b + h, h);
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
      throw new Error('interface keys are not supported by the Swiss engine yet');
    default: {
      const n = sizeOf(u, arch).size;
      const da = mem.read(a, n), db = mem.read(b, n);
      for (let i = 0; i < n; i++) if (da[i] !== db[i]) return false;
      return true;
    }
  }
}

function readFloat(mem: SimMemory, addr: number, n: 4 | 8): number {
  const dv = new DataView(mem.read(addr, n).buffer);
  return n === 4 ? dv.getFloat32(0, !mem.arch.bigEndian) : dv.getFloat64(0, !mem.arch.bigEndian);
}
