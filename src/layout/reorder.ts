/**
 * Holes in a map's key and element structs, and the field order that removes
 * them: what `pahole` and `gdb ptype /o` show, and what golang.org/x/tools'
 * `fieldalignment` proposes, priced per map entry for each Go version and
 * GOARCH.
 *
 * The better order is fieldalignment's (go/analysis/passes/fieldalignment,
 * optimalOrder), restated: zero-size fields first (so no zero-size field ends
 * the struct, which would cost gc a padding byte), then by alignment,
 * descending; among equal alignment, fields holding pointers before
 * pointer-free ones, and among pointerful fields those with fewer trailing
 * pointer-free bytes first, so the pointer prefix the GC scans (ptrdata) is as
 * short as it can be; lastly larger fields first. Ties keep the written order.
 * Sorting by descending alignment can never be beaten on size: every field
 * then starts aligned with no hole, and only the tail is rounded.
 *
 * A named type of the standard library (or any type mapscope did not get from
 * the user's own source) is shown with its holes but never reordered: its
 * definition is not the user's to change. Nested structs are reordered inside
 * out, and the map figures use the key and element with every struct the user
 * owns reordered.
 */
import type { Arch } from '../model/arch.js';
import { sizeOf, typeString, underlying, type GoType, type StructType } from '../model/types.js';
import { describeStruct, layoutOf, type LaidField, type LayoutTarget, type MapLayout } from './index.js';

export interface StructHoles {
  /** Where the struct sits: `key`, `elem`, `elem.inner`, `key[i]`. */
  readonly path: string;
  readonly type: string;
  readonly size: number;
  readonly align: number;
  /** Bytes the GC scans: the prefix up to the end of the last pointer. */
  readonly ptrBytes: number;
  readonly fields: readonly LaidField[];
  readonly padAfter: number;
  /** Padding bytes in all: holes between fields and the tail. */
  readonly padding: number;
  /** Whether the user can reorder it (false for the standard library's types). */
  readonly reorderable: boolean;
  /** fieldalignment's order, when it is better (smaller, or fewer pointer bytes). */
  readonly better?: {
    readonly order: readonly string[];
    readonly size: number;
    readonly ptrBytes: number;
    readonly fields: readonly LaidField[];
    readonly padAfter: number;
    /** Bytes saved per struct value. */
    readonly saves: number;
  };
}

export interface MapSavings {
  readonly go: string;
  readonly arch: string;
  readonly impl: 'classic' | 'swiss';
  /** Bucket (classic) or group (Swiss) size now and with the better order. */
  readonly unit: 'bucket' | 'group';
  readonly unitSize: number;
  readonly betterUnitSize: number;
  /** Slot bytes now and reordered: one key+elem pair (classic: key size + elem size, no tophash). */
  readonly slotSize: number;
  readonly betterSlotSize: number;
  /** For --entries N: buckets/groups make(map, N) allocates, and the bytes they take now and reordered. */
  readonly entries?: { readonly n: number; readonly units: number; readonly bytes: number; readonly betterBytes: number; readonly saves: number };
}

/** A named type the user cannot reorder: the standard library's and anything without a source. */
export function isFixed(t: GoType): boolean {
  return t.kind === 'named' && t.fixed === true;
}

interface FieldInfo {
  readonly index: number;
  readonly size: number;
  readonly align: number;
  readonly ptrBytes: number;
}

/** fieldalignment's optimalOrder, as a stable sort: the indexes of `st`'s fields in the better order. */
export function optimalOrder(st: StructType, arch: Arch): number[] {
  const infos: FieldInfo[] = st.fields.map((f, index) => {
    const s = sizeOf(f.type, arch);
    return { index, size: s.size, align: s.align, ptrBytes: s.ptrBytes };
  });
  const before = (a: FieldInfo, b: FieldInfo): number => {
    const za = a.size === 0, zb = b.size === 0;
    if (za !== zb) return za ? -1 : 1;
    if (a.align !== b.align) return b.align - a.align;
    const na = a.ptrBytes === 0, nb = b.ptrBytes === 0;
    if (na !== nb) return na ? 1 : -1;
    if (!na) {
      const ta = a.size - a.ptrBytes, tb = b.size - b.ptrBytes;
      if (ta !== tb) return ta - tb;
    }
    if (a.size !== b.size) return b.size - a.size;
    return a.index - b.index;
  };
  return [...infos].sort(before).map((i) => i.index);
}

/** `t` with every struct the user owns reordered (inside out). Fixed named types are kept. */
export function reordered(t: GoType, arch: Arch, memo = new Map<GoType, GoType>()): GoType {
  const hit = memo.get(t);
  if (hit) return hit;
  let out: GoType = t;
  switch (t.kind) {
    case 'named':
      if (!isFixed(t)) {
        const u = reordered(t.underlying, arch, memo);
        if (u !== t.underlying) out = { ...t, underlying: u };
      }
      break;
    case 'array': {
      const e = reordered(t.elem, arch, memo);
      if (e !== t.elem) out = { ...t, elem: e };
      break;
    }
    case 'struct': {
      const inner: StructType = { kind: 'struct', fields: t.fields.map((f) => ({ ...f, type: reordered(f.type, arch, memo) })) };
      const order = optimalOrder(inner, arch);
      out = { kind: 'struct', fields: order.map((i) => inner.fields[i]) };
      break;
    }
  }
  memo.set(t, out);
  return out;
}

/** Every struct stored inline in `t` (the type itself, nested fields, array elements), outermost first. */
export function structHoles(path: string, t: GoType, arch: Arch, fixedAbove = false, seen = new Set<GoType>()): StructHoles[] {
  const u = underlying(t);
  if (u.kind === 'array') return u.len === 0 ? [] : structHoles(`${path}[i]`, u.elem, arch, fixedAbove || isFixed(t), seen);
  if (u.kind !== 'struct' || u.fields.length === 0 || seen.has(t)) return [];
  seen.add(t);
  const fixed = fixedAbove || isFixed(t);
  const align64 = t.kind === 'named' && Boolean(t.align64);
  const d = describeStruct(typeString(t), u, arch, align64);
  const s = sizeOf(t, arch);
  const padding = d.padAfter + d.fields.reduce((n, f) => n + f.padBefore, 0);
  let better: StructHoles['better'];
  if (!fixed && u.fields.length > 1) {
    const order = optimalOrder(u, arch);
    const st: StructType = { kind: 'struct', fields: order.map((i) => u.fields[i]) };
    const bd = describeStruct(typeString(t), st, arch, align64);
    const bs = sizeOf(st, arch);
    const bptr = bs.ptrBytes;
    if (bd.size < d.size || bptr < s.ptrBytes) {
      better = { order: st.fields.map((f) => f.name), size: bd.size, ptrBytes: bptr, fields: bd.fields, padAfter: bd.padAfter, saves: d.size - bd.size };
    }
  }
  const here: StructHoles = {
    path, type: typeString(t), size: d.size, align: d.align, ptrBytes: s.ptrBytes, fields: d.fields, padAfter: d.padAfter,
    padding, reorderable: !fixed, ...(better ? { better } : {}),
  };
  const nested = u.fields.flatMap((f) => structHoles(`${path}.${f.name}`, f.type, arch, fixed, seen));
  return [here, ...nested];
}

/** Buckets (classic, with the overflow buckets makemap preallocates) or groups (Swiss) that make(map, n) allocates. */
export function unitsFor(l: MapLayout, n: number): number {
  if (l.impl === 'classic') {
    // makemap: the smallest B with !overLoadFactor(n, B); makeBucketArray adds 2^(B-4) overflow buckets from B = 4.
    let B = 0;
    while (n > 8 && n > l.loadFactor.num * (2 ** B / l.loadFactor.den)) B++;
    return 2 ** B + (B >= 4 ? 2 ** (B - 4) : 0);
  }
  // NewMap (internal/runtime/maps/map.go): up to 8 entries, one group (allocated at the first insert);
  // else capacity n*8/maxAvgGroupLoad split over a power-of-two directory of tables of at most
  // maxTableCapacity slots, each table's capacity rounded up to a power of two.
  if (n <= 8) return 1;
  const target = Math.floor((n * 8) / l.table.maxAvgGroupLoad);
  const dir = pow2(Math.ceil(target / l.table.maxCapacity));
  const perTable = pow2(Math.max(8, Math.floor(target / dir)));
  return (dir * perTable) / 8;
}

function pow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** What reordering the key's and elem's structs saves in one target's buckets or groups. */
export function mapSavings(m: GoType & { kind: 'map' }, t: LayoutTarget, entries?: number): MapSavings {
  const now = layoutOf(m, t);
  const better = layoutOf({ kind: 'map', key: reordered(m.key, t.arch), elem: reordered(m.elem, t.arch) }, t);
  const unitSize = (l: MapLayout) => (l.impl === 'classic' ? l.bucket.size : l.group.size);
  const slot = (l: MapLayout) => (l.impl === 'classic' ? l.key.storedSize + l.elem.storedSize : l.group.slotSize);
  const out: MapSavings = {
    go: now.go, arch: now.arch, impl: now.impl, unit: now.impl === 'classic' ? 'bucket' : 'group',
    unitSize: unitSize(now), betterUnitSize: unitSize(better), slotSize: slot(now), betterSlotSize: slot(better),
  };
  if (entries === undefined) return out;
  const units = unitsFor(now, entries);
  const bytes = units * unitSize(now);
  const betterBytes = unitsFor(better, entries) * unitSize(better);
  return { ...out, entries: { n: entries, units, bytes, betterBytes, saves: bytes - betterBytes } };
}
