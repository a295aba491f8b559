/**
 * A Swiss snapshot (docs/json.md "sim (Swiss snapshot)") rebuilt in
 * simulated memory exactly as the runtime lays the map out, so it is
 * checked by the same code as a core dump or a live process:
 *
 *   maps.Map header (layout offsets: used, seed, dirPtr, dirLen,
 *   globalDepth, globalShift, writing, tombstonePossible on 1.25+, clearSeq)
 *   ├─ small map: dirPtr → one group
 *   └─ dirPtr → directory [dirLen]*table, each table header → its groups
 *
 * Groups hold the control word (slot i's byte at ctrlByteOfSlot[i]) and the
 * keys and elems at the layout's slot offsets; keys and elems over 128 bytes
 * are allocated separately and the slot holds the pointer (null: nil);
 * strings get their data allocated.
 *
 * Snapshots do not record Map.writing, clearSeq or tombstonePossible: the
 * rebuild writes 0, 0 and true (true is never wrong: it only says a
 * tombstone may exist), unless the header gives them.
 *
 * The JSON is validated strictly; bad input is an InputError naming the
 * JSON path ("tables[2].groups[0].ctrl[3]").
 */
import { SimMemory } from '../../model/memory.js';
import { sizeOf, structLayout, underlying, type GoType, type MapType } from '../../model/types.js';
import { encodeValue, type JsonValue } from '../../model/values.js';
import { fieldOffsets, layoutOf, type SwissLayout } from '../../layout/index.js';
import { InputError } from '../../base/errors.js';
import { SLOTS } from '../../model/runtime/index.js';
import { slotGeometry } from '../../layout/geometry.js';
import type { MapSource } from '../types.js';
import { JsonReader, brief, jsonPath, snapshotTarget, snapshotType } from './json.js';
import { snapshotHash } from './hash.js';

/**
 * Bounds on what a snapshot may ask the rebuild to allocate. Every group is
 * spelled out in the snapshot (tens of bytes of JSON at least), so the
 * rebuild stays within a small multiple of the input's own size; the bounds
 * admit the 10^6–10^7-entry maps `sim --json` writes (4M groups, 1 GiB).
 */
const MAX_GROUPS = 1 << 22;
const MAX_BYTES = 1 << 30;
const MAX_DIR = 1 << 20;

interface GroupJson { ctrl: number[]; keys: unknown[]; elems: unknown[] }

function groupJson(v: JsonReader, g: unknown, path: string): GroupJson {
  const o = v.obj(g, path, ['ctrl', 'keys', 'elems']);
  const ctrl = v.arr(o.ctrl, jsonPath(path, 'ctrl'), SLOTS).map((c, i) => v.bigNum(c, jsonPath(jsonPath(path, 'ctrl'), i), 0, 255));
  return { ctrl, keys: v.arr(o.keys, jsonPath(path, 'keys'), SLOTS), elems: v.arr(o.elems, jsonPath(path, 'elems'), SLOTS) };
}

/** Writes a value as the snapshot shows it, including a string whose pointer the runtime kept without data ({stringPtr, len}). */
function encodeSnap(v: JsonReader, mem: SimMemory, t: GoType, addr: number, x: unknown, path: string): void {
  const u = underlying(t);
  const arch = mem.arch;
  if (u.kind === 'string' && x !== null && typeof x === 'object' && !Array.isArray(x)) {
    const o = v.obj(x, path, ['stringPtr', 'len']);
    const max = (1n << BigInt(arch.ptrSize * 8)) - 1n;
    mem.setUint(addr, arch.ptrSize, v.big(o.stringPtr, jsonPath(path, 'stringPtr'), 0n, max));
    mem.setUint(addr + arch.ptrSize, arch.ptrSize, v.big(o.len, jsonPath(path, 'len'), 0n, max >> 1n));
    return;
  }
  if (u.kind === 'struct' && x !== null && typeof x === 'object' && !Array.isArray(x)) {
    // Field by field, so a nested {stringPtr, len} is accepted too.
    const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
    const fields = l.fields.filter((f) => f.name !== '_');
    const o = v.obj(x, path, fields.map((f) => f.name));
    for (const f of fields) encodeSnap(v, mem, f.type, addr + f.offset, o[f.name], jsonPath(path, f.name));
    return;
  }
  if (u.kind === 'array' && Array.isArray(x)) {
    const es = sizeOf(u.elem, arch).size;
    v.arr(x, path, u.len).forEach((e, i) => encodeSnap(v, mem, u.elem, addr + i * es, e, jsonPath(path, i)));
    return;
  }
  try {
    encodeValue(mem, t, addr, x as JsonValue, path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    v.fail(path, (e as Error).message.replace(/^[^:]*: /, ''));
  }
}

interface Ctx {
  readonly v: JsonReader;
  readonly mem: SimMemory;
  readonly L: SwissLayout;
  readonly key: GoType;
  readonly elem: GoType;
}

function writeGroup(c: Ctx, addr: number, g: GroupJson, path: string): void {
  const { mem, L } = c;
  const geo = slotGeometry(L);
  for (let i = 0; i < SLOTS; i++) {
    mem.setU8(addr + L.group.ctrlByteOfSlot[i], g.ctrl[i]);
    writeSlotValue(c, addr + geo.keysOff + i * geo.keyStride, c.key, L.key.indirect, g.keys[i], jsonPath(jsonPath(path, 'keys'), i), 'indirect key');
    writeSlotValue(c, addr + geo.elemsOff + i * geo.elemStride, c.elem, L.elem.indirect, g.elems[i], jsonPath(jsonPath(path, 'elems'), i), 'indirect elem');
  }
}

function writeSlotValue(c: Ctx, at: number, t: GoType, indirect: boolean, x: unknown, path: string, tag: string): void {
  if (indirect) {
    if (x === null) return; // nil pointer (the slot is zero)
    const obj = c.mem.alloc(sizeOf(t, c.mem.arch).size, tag);
    c.mem.setPtr(at, obj);
    encodeSnap(c.v, c.mem, t, obj, x, path);
    return;
  }
  encodeSnap(c.v, c.mem, t, at, x, path);
}

/** Rebuilds a Swiss snapshot in simulated memory: a MapSource for checkSwiss. */
export function swissSnapshotSource(json: unknown, file: string): MapSource {
  const v = new JsonReader(file);
  const top = v.obj(json, '', ['go', 'arch', 'type', 'impl', 'header', 'small', 'directory', 'tables'], ['experiment', 'hash']);
  const target = snapshotTarget(v, top, 'swiss');
  const { go, arch } = target;
  if (top.impl !== 'swiss') v.fail('impl', `expected "swiss", got ${brief(top.impl)}`);
  const type = snapshotType(v, top, target);
  const L = layoutOf(type, target) as SwissLayout;
  // maps.Map.seed is a uintptr.
  const hash = top.hash === undefined ? undefined : snapshotHash(v, top.hash, arch, arch.ptrSize * 8);

  const h = v.obj(top.header, 'header', ['used', 'seed', 'dirLen', 'globalDepth', 'globalShift'], ['tombstonePossible', 'writing', 'clearSeq']);
  const wordMax = (1n << BigInt(arch.ptrSize * 8)) - 1n;
  const u64 = (1n << 64n) - 1n;
  const used = v.big(h.used, 'header.used', 0n, u64);
  const seed = v.big(h.seed, 'header.seed', 0n, wordMax);
  const dirLen = v.bigNum(h.dirLen, 'header.dirLen', 0, MAX_DIR);
  const globalDepth = v.bigNum(h.globalDepth, 'header.globalDepth', 0, 255);
  const globalShift = v.bigNum(h.globalShift, 'header.globalShift', 0, 255);
  let tombstonePossible = true;
  if (h.tombstonePossible !== undefined) {
    if (typeof h.tombstonePossible !== 'boolean') v.fail('header.tombstonePossible', `expected true or false, got ${brief(h.tombstonePossible)}`);
    if (go.minor < 25) v.fail('header.tombstonePossible', 'Map.tombstonePossible exists from Go 1.25');
    tombstonePossible = h.tombstonePossible as boolean;
  }
  const writing = h.writing === undefined ? 0 : v.bigNum(h.writing, 'header.writing', 0, 255);
  const clearSeq = h.clearSeq === undefined ? 0n : v.big(h.clearSeq, 'header.clearSeq', 0n, u64);

  const small = top.small === null ? null : groupJson(v, top.small, 'small');
  const directory = v.arr(top.directory, 'directory');
  const tablesJson = v.arr(top.tables, 'tables');
  if (dirLen === 0) {
    if (directory.length) v.fail('directory', 'a map with dirLen 0 has no directory');
    if (tablesJson.length) v.fail('tables', 'a map with dirLen 0 has no tables');
  } else {
    if (small) v.fail('small', 'a map with a directory (dirLen > 0) has no small group');
    if (directory.length !== dirLen) v.fail('directory', `expected dirLen (${dirLen}) entries, got ${directory.length}`);
    if (!tablesJson.length) v.fail('tables', 'a map with a directory has at least one table');
  }
  const dirIdx = directory.map((d, i) => v.bigNum(d, `directory[${i}]`, 0, Math.max(0, tablesJson.length - 1)));
  const referenced = new Set(dirIdx);
  const gs = L.group.size;
  let groups = small ? 1 : 0;
  const tables = tablesJson.map((t, i) => {
    const p = `tables[${i}]`;
    if (!referenced.has(i)) v.fail(p, 'the table is in no directory entry');
    const o = v.obj(t, p, ['used', 'capacity', 'growthLeft', 'localDepth', 'index', 'groups']);
    const gl = v.arr(o.groups, jsonPath(p, 'groups'));
    if (gl.length === 0) v.fail(jsonPath(p, 'groups'), 'a table has at least one group');
    groups += gl.length;
    if (groups > MAX_GROUPS || groups * gs > MAX_BYTES) v.fail(jsonPath(p, 'groups'), `the snapshot has more groups than the rebuild allows (${MAX_GROUPS}, ${MAX_BYTES} bytes)`);
    return {
      used: v.bigNum(o.used, jsonPath(p, 'used'), 0, 0xffff),
      capacity: v.bigNum(o.capacity, jsonPath(p, 'capacity'), 0, 0xffff),
      growthLeft: v.bigNum(o.growthLeft, jsonPath(p, 'growthLeft'), 0, 0xffff),
      localDepth: v.bigNum(o.localDepth, jsonPath(p, 'localDepth'), 0, 255),
      index: v.big(o.index, jsonPath(p, 'index'), -(wordMax >> 1n) - 1n, wordMax >> 1n),
      groups: gl.map((g, k) => groupJson(v, g, jsonPath(jsonPath(p, 'groups'), k))),
    };
  });

  // The rebuild.
  const mem = new SimMemory(arch);
  const c: Ctx = { v, mem, L, key: (type as MapType).key, elem: (type as MapType).elem };
  const M = fieldOffsets(L.headers.Map);
  const T = fieldOffsets(L.headers.table);
  const G = fieldOffsets(L.headers.groupsReference);
  const p = arch.ptrSize;
  const addr = mem.alloc(L.headers.Map.size, 'maps.Map');
  mem.setUint(addr + M.used, 8, used);
  mem.setUint(addr + M.seed, p, seed);
  mem.setUint(addr + M.dirLen, p, dirLen);
  mem.setU8(addr + M.globalDepth, globalDepth);
  mem.setU8(addr + M.globalShift, globalShift);
  mem.setU8(addr + M.writing, writing);
  if (M.tombstonePossible !== undefined) mem.setU8(addr + M.tombstonePossible, tombstonePossible ? 1 : 0);
  mem.setUint(addr + M.clearSeq, 8, clearSeq);
  if (small) {
    const g = mem.alloc(gs, 'small group');
    writeGroup(c, g, small, 'small');
    mem.setPtr(addr + M.dirPtr, g);
  } else if (dirLen > 0) {
    const taddrs = tables.map((t, i) => {
      const ta = mem.alloc(L.headers.table.size, 'table');
      const data = mem.alloc(t.groups.length * gs, `groups (${t.groups.length})`);
      mem.setNum(ta + T.used, 2, t.used);
      mem.setNum(ta + T.capacity, 2, t.capacity);
      mem.setNum(ta + T.growthLeft, 2, t.growthLeft);
      mem.setU8(ta + T.localDepth, t.localDepth);
      mem.setUint(ta + T.index, p, BigInt.asUintN(p * 8, t.index));
      mem.setPtr(ta + T.groups + G.data, data);
      mem.setNum(ta + T.groups + G.lengthMask, 8, t.groups.length - 1);
      t.groups.forEach((g, k) => writeGroup(c, data + k * gs, g, `tables[${i}].groups[${k}]`));
      return ta;
    });
    const dir = mem.alloc(dirLen * p, `directory (${dirLen})`);
    dirIdx.forEach((ti, i) => mem.setPtr(dir + i * p, taddrs[ti]));
    mem.setPtr(addr + M.dirPtr, dir);
  }
  return {
    name: 'snapshot',
    reader: mem,
    addr: BigInt(addr),
    type: type as MapType,
    target,
    ...(hash ? { hash } : {}),
    syntheticAddresses: true,
  };
}
