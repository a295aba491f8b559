/**
 * Map layouts: for a map type, a Go version, a GOARCH and an experiment, the
 * exact memory layout the gc compiler and runtime use.
 *
 * There are two implementations (see src/model/goversion.ts for which version
 * builds which):
 *
 *   classic (1.13–1.23, 1.24–1.25 noswissmap): an `hmap` header points at an
 *   array of 2^B buckets. A bucket is the struct
 *       { topbits [8]uint8; keys [8]K'; elems [8]V'; overflow *bucket|uintptr }
 *   where K' is *K when K is over 128 bytes (likewise V'); the overflow word is
 *   a uintptr when neither K' nor V' holds pointers, so the GC does not scan it
 *   (the overflow buckets are then kept alive through hmap.extra).
 *
 *   Swiss (1.24+): a `Map` header points at one group (a small map, up to 8
 *   entries) or at a directory of `table`s, each an array of groups. A group is
 *       { ctrl uint64; slots [8]struct{ key K'; elem V' } }
 *   where the control word holds one byte per slot (empty, deleted, or the
 *   key's H2 hash bits).
 *
 * Both compositions are built as Go struct types and laid out by the same
 * rules as any user struct (src/model/types.ts), so padding such as the byte
 * after a zero-size elem or the tail padding that makes the gc compiler reject
 * a classic map of atomic.Int64 on 32-bit targets comes out of the rules, not
 * out of special cases.
 */
import { archByName, cacheLineNote, cacheLinePad, CACHE_LINE_SIZES, type Arch } from '../model/arch.js';
import { mapImplFor, parseExperiment, parseGoVersion, goVersionString, type Experiment, type GoVersion, type MapImpl } from '../model/goversion.js';
import { parseType, type NameResolver } from '../model/typeparse.js';
import { stdResolver } from '../model/stdnamed.js';
import {
  sizeOf, structLayout, typeString, isComparable, GoTypeError,
  type GoType, type StructType, type MapType, type FieldLayout,
} from '../model/types.js';
import { InputError } from '../base/errors.js';
import { keyProps, type KeyProps } from './keyprops.js';
import { hasherFor, hashTypeOf } from '../hash/index.js';


/**
 * The hash function the compiler installs in the descriptor, named as the
 * runtime names it (`memhash64`, `strhash`, `memhash_varlen` with the size
 * its closure carries, or `generated` for a compiler-generated `.hash.` func).
 */
export interface HasherChoice {
  readonly name: string;
  readonly size?: number;
}

function hasherChoice(key: GoType, t: LayoutTarget): HasherChoice {
  const r = hasherFor(hashTypeOf(key, t.arch), { arch: t.arch, go: goVersionString(t.go), aes: false });
  const name = r.fn.replace(/^(runtime|internal\/runtime\/maps)\./, '');
  return r.op === 'mem' && name === 'memhash_varlen' ? { name, size: r.size } : { name };
}
import * as rs from './runtime-structs.js';
import { BUCKET_CNT, SLOTS } from '../model/runtime/index.js';

/** A key or element larger than this many bytes is stored through a pointer (both implementations). */
export const MAX_INLINE_BYTES = 128;

export interface PartLayout {
  readonly type: string;
  readonly size: number;
  readonly align: number;
  /** True when the bucket/group holds a pointer to the value instead of the value. */
  readonly indirect: boolean;
  /** Bytes one slot of this part takes in the bucket/group (PtrSize when indirect). */
  readonly storedSize: number;
  readonly hasPointers: boolean;
}

export interface LaidField {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
  /** Padding bytes inserted before this field. */
  readonly padBefore: number;
}

export interface StructDesc {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly LaidField[];
  /** Padding after the last field (tail padding), in bytes. */
  readonly padAfter: number;
}

export interface FlagDesc {
  readonly value: number;
  readonly names: readonly string[];
  readonly bits: Readonly<Record<string, boolean>>;
}

interface CommonLayout {
  readonly go: string;
  readonly arch: string;
  readonly experiment: Experiment;
  readonly type: string;
  readonly key: PartLayout;
  readonly elem: PartLayout;
  readonly keyProps: KeyProps;
  readonly hasher: HasherChoice;
  /** The line size the cache-line figures use: --cache-line, or goCacheLinePad. */
  readonly cacheLine: number;
  /** internal/cpu.CacheLinePadSize of this Go release and GOARCH. */
  readonly goCacheLinePad: number;
  /** Where cacheLine comes from, and what common hardware has (one sentence). */
  readonly cacheLineNote: string;
  readonly ptrSize: number;
  readonly bigEndian: boolean;
  /** Runtime structures that hold and describe the map (headers, descriptor). */
  readonly headers: Readonly<Record<string, StructDesc>>;
}

export interface ClassicLayout extends CommonLayout {
  readonly impl: 'classic';
  readonly bucket: StructDesc & { readonly overflowIsPointer: boolean };
  /** Map type descriptor figures as the compiler writes them. */
  readonly descriptor: {
    readonly keySize: number;
    readonly elemSize: number;
    readonly bucketSize: number;
    readonly flags: FlagDesc;
  };
  /** Growth starts when count > loadFactorNum/loadFactorDen × 2^B (and B ≥ 1 or count > 8). */
  readonly loadFactor: { readonly num: number; readonly den: number };
}

export interface SwissLayout extends CommonLayout {
  readonly impl: 'swiss';
  readonly group: StructDesc & {
    readonly slotSize: number;
    readonly elemOffset: number;
    readonly slot: StructDesc;
    /** Control byte of slot i sits at byte ctrlByteOfSlot[i] of the control word. */
    readonly ctrlByteOfSlot: readonly number[];
  };
  readonly descriptor: {
    readonly groupSize: number;
    readonly slotSize: number;
    readonly elemOff: number;
    /** Go 1.27 describes groups by offsets and strides (valid for both group layouts). */
    readonly keysOff?: number;
    readonly keyStride?: number;
    readonly elemsOff?: number;
    readonly elemStride?: number;
    readonly flags: FlagDesc;
  };
  readonly table: {
    /** Tables hold at most this many slots before they split (maxTableCapacity). */
    readonly maxCapacity: number;
    /** Load factor maxAvgGroupLoad/8: a table grows before it is more than 7/8 full. */
    readonly maxAvgGroupLoad: number;
  };
}

export type MapLayout = ClassicLayout | SwissLayout;

export interface LayoutTarget {
  readonly go: GoVersion;
  readonly arch: Arch;
  readonly experiment: Experiment;
  /** The cache line size to lay out against (`--cache-line`); default what Go pads to (cacheLinePad). */
  readonly cacheLine?: number;
}

/** Parses user-supplied target names (`--go 1.23 --arch arm64 --experiment noswissmap`). */
export function target(go: string, arch: string, experiment?: string, cacheLine?: string): LayoutTarget {
  const v = parseGoVersion(go, '--go');
  const t = { go: v, arch: archByName(arch, '--arch'), experiment: parseExperiment(experiment, v, '--experiment') };
  if (cacheLine === undefined) return t;
  const n = Number(cacheLine);
  if (!(CACHE_LINE_SIZES as readonly number[]).includes(n)) throw new InputError('--cache-line', undefined, `expected ${CACHE_LINE_SIZES.join(', ')} (bytes), got ${JSON.stringify(cacheLine)}`);
  return { ...t, cacheLine: n };
}

/** Named types beyond the standard-library table, for one target (from --source or --binary). */
export type ExtraNames = (t: LayoutTarget) => (NameResolver & { readonly looked?: string }) | undefined;

/** Parses a type expression for a target: names resolve through `extra`, then the standard-library table. */
export function parseTypeFor(type: string, t: LayoutTarget, extra?: ExtraNames): GoType {
  return parseType(type, stdResolver(t.go, t.arch, extra?.(t)));
}

/**
 * The layout of a map type (a type expression or a parsed GoType) for a target.
 * Named types in an expression resolve through `extra`, then the standard
 * library's table for the target's Go release and GOARCH.
 */
/**
 * Layouts of parsed types, by type object and target value: a replay asks for
 * the same map's layout at every step, often through a target object made
 * afresh (openMap's), so the target is keyed by what it says. `extra` only
 * resolves names in type expressions, which are not cached.
 */
const laidOut = new WeakMap<GoType, Map<string, MapLayout>>();

function targetKey(t: LayoutTarget): string {
  return `${t.go.minor}.${t.go.patch ?? ''}/${t.arch.name}/${t.experiment}/${t.cacheLine ?? ''}`;
}

export function layoutOf(type: string | GoType, t: LayoutTarget, extra?: ExtraNames): MapLayout {
  if (typeof type === 'string') return layoutOfUncached(type, t, extra);
  let byTarget = laidOut.get(type);
  if (!byTarget) laidOut.set(type, (byTarget = new Map()));
  const k = targetKey(t);
  let L = byTarget.get(k);
  if (!L) byTarget.set(k, (L = layoutOfUncached(type, t, extra)));
  return L;
}

function layoutOfUncached(type: string | GoType, t: LayoutTarget, extra?: ExtraNames): MapLayout {
  const source = typeof type === 'string' ? `type expression ${JSON.stringify(type)}` : 'type';
  const parsed = typeof type === 'string' ? parseTypeFor(type, t, extra) : type;
  if (parsed.kind !== 'map') {
    throw new InputError(source, undefined, `${typeString(parsed)} is not a map type`);
  }
  try {
    if (!isComparable(parsed.key, t.arch)) {
      throw new InputError(source, undefined, `invalid map key type ${typeString(parsed.key)}: not comparable`);
    }
    return mapImplFor(t.go, t.experiment) === 'classic' ? classicLayout(parsed, t) : swissLayout(parsed, t);
  } catch (e) {
    if (e instanceof GoTypeError) throw new InputError(source, undefined, e.message);
    throw e;
  }
}

function part(t: GoType, arch: Arch): PartLayout {
  const s = sizeOf(t, arch);
  const indirect = s.size > MAX_INLINE_BYTES;
  return {
    type: typeString(t),
    size: s.size,
    align: s.align,
    indirect,
    storedSize: indirect ? arch.ptrSize : s.size,
    hasPointers: indirect || s.ptrBytes > 0,
  };
}

/** The type stored in a slot: the value, or a pointer to it when it is too big. */
function stored(t: GoType, p: PartLayout): GoType {
  return p.indirect ? { kind: 'pointer', elem: t } : t;
}

/** Padding bytes in a struct: before each field and after the last. */
/** Each field's offset by name: how the engines and the checker address a header, bucket or group. */
export function fieldOffsets(d: StructDesc): Record<string, number> {
  const o: Record<string, number> = {};
  for (const f of d.fields) o[f.name] = f.offset;
  return o;
}

export function paddingOf(d: StructDesc): number {
  return d.padAfter + d.fields.reduce((n, f) => n + f.padBefore, 0);
}

export function describeStruct(name: string, st: StructType, arch: Arch, align64 = false): StructDesc {
  const l = structLayout(st, arch, align64);
  const fields = l.fields.map((f: FieldLayout, i) => {
    const prevEnd = i === 0 ? 0 : l.fields[i - 1].offset + l.fields[i - 1].size;
    return { name: f.name, type: typeString(f.type), offset: f.offset, size: f.size, align: f.align, padBefore: f.offset - prevEnd };
  });
  const last = fields[fields.length - 1];
  return { name, size: l.sized.size, align: l.sized.align, fields, padAfter: l.sized.size - (last ? last.offset + last.size : 0) };
}

function common(m: MapType, t: LayoutTarget): Omit<CommonLayout, 'headers'> {
  return {
    go: goVersionString(t.go),
    arch: t.arch.name,
    experiment: t.experiment,
    type: typeString(m),
    key: part(m.key, t.arch),
    elem: part(m.elem, t.arch),
    keyProps: keyProps(m.key),
    hasher: hasherChoice(m.key, t),
    cacheLine: t.cacheLine ?? cacheLinePad(t.arch, t.go),
    goCacheLinePad: cacheLinePad(t.arch, t.go),
    cacheLineNote: cacheLineNote(t.arch, t.go, t.cacheLine),
    ptrSize: t.arch.ptrSize,
    bigEndian: t.arch.bigEndian,
  };
}

function flags(bits: [string, boolean][]): FlagDesc {
  let value = 0;
  const names: string[] = [];
  const rec: Record<string, boolean> = {};
  bits.forEach(([name, on], i) => {
    rec[name] = on;
    if (on) {
      value |= 1 << i;
      names.push(name);
    }
  });
  return { value, names, bits: rec };
}

/** Go 1.21 grows classic maps at 6 entries per bucket instead of 6.5 (golang/go#63438). */
export function classicLoadFactor(v: GoVersion): { num: number; den: number } {
  return v.minor === 21 ? { num: 12, den: 2 } : { num: 13, den: 2 };
}

function classicLayout(m: MapType, t: LayoutTarget): ClassicLayout {
  const c = common(m, t);
  const overflowIsPointer = c.key.hasPointers || c.elem.hasPointers;
  const arr = (len: number, elem: GoType): GoType => ({ kind: 'array', len, elem });
  const bucketType: StructType = {
    kind: 'struct',
    fields: [
      { name: 'topbits', type: arr(BUCKET_CNT, { kind: 'uint8' }), embedded: false },
      { name: 'keys', type: arr(BUCKET_CNT, stored(m.key, c.key)), embedded: false },
      { name: 'elems', type: arr(BUCKET_CNT, stored(m.elem, c.elem)), embedded: false },
      { name: 'overflow', type: overflowIsPointer ? { kind: 'unsafe.Pointer' } : { kind: 'uintptr' }, embedded: false },
    ],
  };
  const bucket = describeStruct(`map.bucket[${typeString(m.key)}]${typeString(m.elem)}`, bucketType, t.arch);
  const overflow = bucket.fields[3];
  if (overflow.offset !== bucket.size - t.arch.ptrSize) {
    // cmd/compile/internal/reflectdata MapBucketType checks exactly this and stops
    // with an internal compiler error; the map type cannot be built on this target.
    throw new InputError(
      `type expression ${JSON.stringify(c.type)}`,
      undefined,
      `the gc compiler rejects this map on ${t.arch.name}: internal compiler error: bad offset of overflow in bmap for ${c.type}` +
        // Go 1.21+ add the figures (reflectdata.MapBucketType); 1.19 names the package by its quoted path ("sync/atomic".Int64).
        (t.go.minor >= 21 ? `, overflow.Offset=${overflow.offset}, bucket.Size()-int64(types.PtrSize)=${bucket.size - t.arch.ptrSize}` : '') +
        ` (a key or elem with 8-byte alignment leaves tail padding in the bucket on 32-bit targets)`,
    );
  }
  if (bucket.size >= 1 << 16) throw new InputError(`type expression ${JSON.stringify(c.type)}`, undefined, 'bucket size does not fit the descriptor (≥ 65536 bytes)');
  const kp = c.keyProps;
  return {
    ...c,
    impl: 'classic',
    headers: {
      hmap: describeStruct('hmap', rs.hmap(t.go), t.arch),
      mapextra: describeStruct('mapextra', rs.mapextra, t.arch),
      hiter: describeStruct('hiter', rs.hiter(t.go), t.arch),
      maptype: describeStruct(t.go.minor >= 24 ? 'abi.OldMapType' : t.go.minor >= 21 ? 'abi.MapType' : 'runtime.maptype', rs.classicMapType(t.go), t.arch),
    },
    bucket: { ...bucket, overflowIsPointer },
    descriptor: {
      keySize: c.key.storedSize,
      elemSize: c.elem.storedSize,
      bucketSize: bucket.size,
      flags: flags([
        ['indirectKey', c.key.indirect],
        ['indirectElem', c.elem.indirect],
        ['reflexiveKey', kp.reflexive],
        ['needKeyUpdate', kp.needKeyUpdate],
        ['hashMightPanic', kp.hashMightPanic],
      ]),
    },
    loadFactor: classicLoadFactor(t.go),
  };
}

function swissLayout(m: MapType, t: LayoutTarget): SwissLayout {
  const c = common(m, t);
  const slotType: StructType = {
    kind: 'struct',
    fields: [
      { name: 'key', type: stored(m.key, c.key), embedded: false },
      { name: 'elem', type: stored(m.elem, c.elem), embedded: false },
    ],
  };
  const slot = describeStruct(`struct { key ${c.key.indirect ? '*' : ''}${c.key.type}; elem ${c.elem.indirect ? '*' : ''}${c.elem.type} }`, slotType, t.arch);
  const groupType: StructType = {
    kind: 'struct',
    fields: [
      { name: 'ctrl', type: { kind: 'uint64' }, embedded: false },
      { name: 'slots', type: { kind: 'array', len: SLOTS, elem: slotType }, embedded: false },
    ],
  };
  const group = describeStruct(`map.group[${typeString(m.key)}]${typeString(m.elem)}`, groupType, t.arch);
  const elemOffset = slot.fields[1].offset;
  const slotsOff = group.fields[1].offset;
  const kp = c.keyProps;
  const descriptor: SwissLayout['descriptor'] = {
    groupSize: group.size,
    slotSize: slot.size,
    elemOff: elemOffset,
    ...(t.go.minor >= 27
      ? { keysOff: slotsOff, keyStride: slot.size, elemsOff: slotsOff + elemOffset, elemStride: slot.size }
      : {}),
    flags: flags([
      ['needKeyUpdate', kp.needKeyUpdate],
      ['hashMightPanic', kp.hashMightPanic],
      ['indirectKey', c.key.indirect],
      ['indirectElem', c.elem.indirect],
    ]),
  };
  return {
    ...c,
    impl: 'swiss',
    headers: {
      Map: describeStruct('maps.Map', rs.swissMap(t.go), t.arch),
      table: describeStruct('maps.table', rs.swissTable, t.arch),
      groupsReference: describeStruct('maps.groupsReference', rs.groupsReference, t.arch),
      Iter: describeStruct('maps.Iter', rs.swissIter, t.arch),
      MapType: describeStruct(t.go.minor >= 26 ? 'abi.MapType' : 'abi.SwissMapType', rs.swissMapType(t.go), t.arch),
    },
    group: {
      ...group,
      slotSize: slot.size,
      elemOffset,
      slot,
      // ctrlGroup.get/set address byte i on little-endian targets, byte 7-i on big-endian ones.
      ctrlByteOfSlot: Array.from({ length: SLOTS }, (_, i) => (t.arch.bigEndian ? SLOTS - 1 - i : i)),
    },
    descriptor,
    table: { maxCapacity: 1024, maxAvgGroupLoad: 7 },
  };
}

export function implOf(t: LayoutTarget): MapImpl {
  return mapImplFor(t.go, t.experiment);
}
