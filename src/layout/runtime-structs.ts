/**
 * The runtime's own map structures, per Go version, written as Go struct
 * types so that their offsets come from the same layout rules as user types
 * (src/model/types.ts) instead of from a second table of numbers.
 *
 * Field lists restate the declarations in each release's source:
 * - classic: `hmap`, `mapextra`, `bmap`, `hiter` in src/runtime/map.go
 *   (1.24–1.25: map_noswiss.go, which adds `clearSeq` to hmap and hiter);
 * - Swiss: `Map`, `table`, `groupsReference`, `Iter` in
 *   src/internal/runtime/maps/{map,table,group}.go (1.25 adds
 *   `Map.tombstonePossible`);
 * - descriptors: `runtime._type`/`abi.Type`, `runtime.maptype`/`abi.MapType`/
 *   `abi.OldMapType`/`abi.SwissMapType` in src/runtime/type.go and
 *   src/internal/abi/{type,map,map_swiss,map_noswiss}.go (1.27 adds
 *   KeysOff/KeyStride/ElemsOff/ElemStride before ElemOff).
 * The test suite checks every offset against DWARF read from real binaries.
 */
import type { GoType, StructType } from '../model/types.js';
import type { GoVersion } from '../model/goversion.js';

const T = (kind: GoType['kind']): GoType => ({ kind }) as GoType;
const u8 = T('uint8');
const u16 = T('uint16');
const u32 = T('uint32');
const u64 = T('uint64');
const i32 = T('int32');
const int = T('int');
const uintptr = T('uintptr');
const bool = T('bool');
const uptr = T('unsafe.Pointer');
const ptr = (name: string): GoType => ({ kind: 'pointer', elem: { kind: 'opaque', name } });
const fn: GoType = { kind: 'named', name: 'func', underlying: { kind: 'func', params: [], results: [], variadic: false } };
const named = (name: string, underlying: StructType): GoType => ({ kind: 'named', name, underlying });

function struct(...fields: [string, GoType][]): StructType {
  return { kind: 'struct', fields: fields.map(([name, type]) => ({ name, type, embedded: false })) };
}

/** `abi.Type` (≤1.20 `runtime._type`): the header every type descriptor starts with. */
export const typeHeader = struct(
  ['Size_', uintptr], ['PtrBytes', uintptr], ['Hash', u32], ['TFlag', u8], ['Align_', u8],
  ['FieldAlign_', u8], ['Kind_', u8], ['Equal', fn], ['GCData', ptr('byte')], ['Str', i32], ['PtrToThis', i32],
);

export function hmap(v: GoVersion): StructType {
  const f: [string, GoType][] = [
    ['count', int], ['flags', u8], ['B', u8], ['noverflow', u16], ['hash0', u32],
    ['buckets', uptr], ['oldbuckets', uptr], ['nevacuate', uintptr],
  ];
  if (v.minor >= 24) f.push(['clearSeq', u64]);
  f.push(['extra', ptr('mapextra')]);
  return struct(...f);
}

export const mapextra = struct(['overflow', ptr('[]*bmap')], ['oldoverflow', ptr('[]*bmap')], ['nextOverflow', ptr('bmap')]);

export function hiter(v: GoVersion): StructType {
  const f: [string, GoType][] = [
    ['key', uptr], ['elem', uptr], ['t', ptr('maptype')], ['h', ptr('hmap')], ['buckets', uptr],
    ['bptr', ptr('bmap')], ['overflow', ptr('[]*bmap')], ['oldoverflow', ptr('[]*bmap')],
    ['startBucket', uintptr], ['offset', u8], ['wrapped', bool], ['B', u8], ['i', u8],
    ['bucket', uintptr], ['checkBucket', uintptr],
  ];
  if (v.minor >= 24) f.push(['clearSeq', u64]);
  return struct(...f);
}

/** The classic map type descriptor. Go ≤1.13 had no Hasher field. */
export function classicMapType(v: GoVersion): StructType {
  const f: [string, GoType][] = [['Type', named('abi.Type', typeHeader)], ['Key', ptr('Type')], ['Elem', ptr('Type')], ['Bucket', ptr('Type')]];
  if (v.minor >= 14) f.push(['Hasher', fn]);
  f.push(['KeySize', u8], ['ValueSize', u8], ['BucketSize', u16], ['Flags', u32]);
  return struct(...f);
}

export function swissMap(v: GoVersion): StructType {
  const f: [string, GoType][] = [
    ['used', u64], ['seed', uintptr], ['dirPtr', uptr], ['dirLen', int],
    ['globalDepth', u8], ['globalShift', u8], ['writing', u8],
  ];
  if (v.minor >= 25) f.push(['tombstonePossible', bool]);
  f.push(['clearSeq', u64]);
  return struct(...f);
}

export const groupsReference = struct(['data', uptr], ['lengthMask', u64]);

export const swissTable = struct(
  ['used', u16], ['capacity', u16], ['growthLeft', u16], ['localDepth', u8], ['index', int], ['groups', named('groupsReference', groupsReference)],
);

export const swissIter = struct(
  ['key', uptr], ['elem', uptr], ['typ', ptr('MapType')], ['m', ptr('Map')], ['entryOffset', u64],
  ['dirOffset', u64], ['clearSeq', u64], ['globalDepth', u8], ['dirIdx', int], ['tab', ptr('table')],
  ['group', uptr], ['entryIdx', u64],
);

/** The Swiss map type descriptor (1.24–1.25 abi.SwissMapType, 1.26+ abi.MapType). */
export function swissMapType(v: GoVersion): StructType {
  const f: [string, GoType][] = [
    ['Type', named('abi.Type', typeHeader)], ['Key', ptr('Type')], ['Elem', ptr('Type')], ['Group', ptr('Type')], ['Hasher', fn],
    ['GroupSize', uintptr],
  ];
  if (v.minor >= 27) f.push(['KeysOff', uintptr], ['KeyStride', uintptr], ['ElemsOff', uintptr], ['ElemStride', uintptr]);
  else f.push(['SlotSize', uintptr]);
  f.push(['ElemOff', uintptr], ['Flags', u32]);
  return struct(...f);
}
