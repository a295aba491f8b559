/**
 * Cross-check of each map descriptor found in a binary against mapscope's own
 * layout model (src/layout) for the binary's Go version, GOARCH and
 * experiment. The descriptor is what the real compiler wrote; a disagreement
 * is either a model bug or a binary built by a toolchain that lays maps out
 * differently, and is reported as a finding either way.
 *
 * The key and elem types are rebuilt as model GoTypes from their descriptors:
 * arrays, structs (with their fields) and named types are followed, while
 * pointer-like types (pointer, slice, chan, map, func) need only their kind,
 * so their elements become opaque names (this also keeps recursive types finite).
 */
import { archByName, type GoArch } from '../model/arch.js';
import type { GoType, BasicKind } from '../model/types.js';
import { layoutOf } from '../layout/index.js';
import type { MapInfo } from '../binary/mapdesc.js';
import { Kind, TFLAG_NAMED, type RuntimeType, type TypeReader } from '../binary/types.js';

const BASIC: Record<number, BasicKind> = {
  [Kind.Bool]: 'bool', [Kind.Int]: 'int', [Kind.Int8]: 'int8', [Kind.Int16]: 'int16', [Kind.Int32]: 'int32',
  [Kind.Int64]: 'int64', [Kind.Uint]: 'uint', [Kind.Uint8]: 'uint8', [Kind.Uint16]: 'uint16', [Kind.Uint32]: 'uint32',
  [Kind.Uint64]: 'uint64', [Kind.Uintptr]: 'uintptr', [Kind.Float32]: 'float32', [Kind.Float64]: 'float64',
  [Kind.Complex64]: 'complex64', [Kind.Complex128]: 'complex128', [Kind.String]: 'string', [Kind.UnsafePointer]: 'unsafe.Pointer',
};

/** Rebuilds a model type from a descriptor. */
export function modelType(r: TypeReader, t: RuntimeType, depth = 0): GoType {
  if (depth > 64) throw new Error(`type nesting too deep at ${t.str}`);
  const m = r.ctx.mem;
  const W = r.ctx.ptrSize;
  const H = W === 8 ? 48 : 32;
  // Behind a pointer, slice, chan or map only the element's name matters (for the type's spelling).
  const opaque = (at = H): GoType => ({ kind: 'opaque', name: r.type(m.word(t.addr + at, 'element type')).str });
  let u: GoType;
  switch (t.kind) {
    case Kind.Array: {
      const elem = r.type(m.word(t.addr + H, 'array elem'));
      u = { kind: 'array', len: m.word(t.addr + H + 2 * W, 'array len'), elem: modelType(r, elem, depth + 1) };
      break;
    }
    case Kind.Struct:
      u = {
        kind: 'struct',
        fields: r.fields(t).map((f) => ({ name: f.name || '_', type: modelType(r, r.type(f.type), depth + 1), embedded: false })),
      };
      break;
    case Kind.Pointer: u = { kind: 'pointer', elem: opaque() }; break;
    case Kind.Slice: u = { kind: 'slice', elem: opaque() }; break;
    case Kind.Chan: u = { kind: 'chan', dir: 'both', elem: opaque() }; break;
    case Kind.Map: u = { kind: 'map', key: opaque(), elem: opaque(H + W) }; break;
    case Kind.Func: u = { kind: 'func', params: [], results: [], variadic: false }; break;
    case Kind.Interface: {
      const n = m.word(t.addr + H + 2 * W, 'interface methods len');
      u = { kind: 'interface', methods: Array.from({ length: Math.min(n, 1024) }, (_, i) => `m${i}()`) };
      break;
    }
    default: {
      const b = BASIC[t.kind];
      if (!b) throw new Error(`unknown kind ${t.kind} for ${t.str}`);
      u = { kind: b };
    }
  }
  if (t.tflag & TFLAG_NAMED && !(t.kind in BASIC && t.str === BASIC[t.kind])) {
    // sync/atomic's align64 marker forces 8-byte alignment on 32-bit targets.
    // The marker type itself is 8-aligned too (reflect reports Align 8 for atomic.align64).
    const align64 = t.str === 'atomic.align64' || (u.kind === 'struct' && u.fields.some((f) => f.type.kind === 'named' && f.type.name === 'atomic.align64'));
    return { kind: 'named', name: t.str, underlying: u, ...(align64 ? { align64: true } : {}) };
  }
  return u;
}

/** Compares one decoded descriptor with the model; returns disagreements as readable lines. */
export function crossCheck(r: TypeReader, mapType: RuntimeType, info: MapInfo, goMinor: number, goarch: GoArch, experiment: '' | 'noswissmap'): string[] {
  const key = r.type(r.ctx.mem.word(mapType.addr + (r.ctx.ptrSize === 8 ? 48 : 32), 'map key'));
  const elem = r.type(r.ctx.mem.word(mapType.addr + (r.ctx.ptrSize === 8 ? 48 : 32) + r.ctx.ptrSize, 'map elem'));
  const type: GoType = { kind: 'map', key: modelType(r, key), elem: modelType(r, elem) };
  // The model knows 1.24/1.25 noswissmap; a classic binary of another version is reported by impl.
  const exp = experiment === 'noswissmap' && (goMinor === 24 || goMinor === 25) ? 'noswissmap' : '';
  const l = layoutOf(type, { go: { major: 1, minor: goMinor }, arch: archByName(goarch), experiment: exp });
  const out: string[] = [];
  const cmp = (what: string, model: number | undefined, bin: number | undefined) => {
    if (model !== bin) out.push(`${what}: binary ${bin ?? '-'}, model ${model ?? '-'}`);
  };
  if (l.impl !== info.impl) return [`implementation: binary ${info.impl}, model ${l.impl}`];
  if (l.impl === 'classic') {
    cmp('keySize', l.descriptor.keySize, info.keySize);
    cmp('elemSize', l.descriptor.elemSize, info.elemSize);
    cmp('bucketSize', l.descriptor.bucketSize, info.bucketSize);
    cmp('flags', l.descriptor.flags.value, info.flags);
  } else {
    cmp('groupSize', l.descriptor.groupSize, info.groupSize);
    cmp('slotSize', l.descriptor.slotSize, info.slotSize);
    cmp('elemOffset', l.descriptor.elemOff, info.elemOffset);
    cmp('flags', l.descriptor.flags.value, info.flags);
    if (info.keysOff !== undefined) {
      cmp('keysOff', l.descriptor.keysOff, info.keysOff);
      cmp('keyStride', l.descriptor.keyStride, info.keyStride);
      cmp('elemsOff', l.descriptor.elemsOff, info.elemsOff);
      cmp('elemStride', l.descriptor.elemStride, info.elemStride);
    }
  }
  return out;
}
